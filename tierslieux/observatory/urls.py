from django.urls import path

from . import views

app_name = "observatory"

urlpatterns = [
    path("", views.index, name="index"),
    path("methode/", views.method, name="method"),
    path("<slug:figure_id>/", views.figure_page, name="figure"),
    path("<slug:figure_id>/integrer/", views.embed, name="embed"),
    path("<slug:figure_id>.csv", views.figure_csv, name="figure_csv"),
    path("<slug:figure_id>.json", views.figure_json, name="figure_json"),
]
