"""URLs of the selection optimiser pages, mounted at /selection/ (namespace "selection")."""

from django.urls import path

from . import views

app_name = "selection"

urlpatterns = [
    path("vague/<int:pk>/", views.wave, name="wave"),
    path("vague/<int:pk>/comparer/", views.compare, name="compare"),
    path("calcul/<int:pk>/", views.run, name="run"),
    path("calcul/<int:pk>/etat/", views.run_status, name="run_status"),
    path("calcul/<int:pk>/enregistrer/", views.save, name="save"),
    path("calcul/<int:pk>/rejouer/", views.replay, name="replay"),
    path("calcul/<int:pk>/proposer/", views.propose, name="propose"),
    path("calcul/<int:pk>/export.csv", views.export, {"fmt": "csv"}, name="export_csv"),
    path("calcul/<int:pk>/export.xlsx", views.export, {"fmt": "xlsx"}, name="export_xlsx"),
]
