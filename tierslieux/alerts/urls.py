from django.urls import path

from . import views

app_name = "alerts"

urlpatterns = [
    path("", views.index, name="index"),
    path("abonnement/", views.subscribe, name="subscribe"),
    path("abonnement/envoye/", views.requested, name="requested"),
    path("confirmer/<str:token>/", views.confirm, name="confirm"),
    path("desinscription/<str:token>/", views.unsubscribe, name="unsubscribe"),
    path("gerer/", views.manage_request, name="manage_request"),
    path("gerer/<str:token>/", views.manage, name="manage"),
    path("mes-alertes/", views.mine, name="mine"),
]
