from django.urls import path

from . import views

app_name = "places"

urlpatterns = [
    path("", views.atlas, name="atlas"),
    path("export.csv", views.export_csv, name="export_csv"),
    path("export.xlsx", views.export_xlsx, name="export_xlsx"),
    path("export.geojson", views.export_geojson, name="export_geojson"),
    path("export-mediation-numerique.csv", views.export_mediation_csv, name="export_mediation_csv"),
    path("export-mediation-numerique.json", views.export_mediation_json, name="export_mediation_json"),
    path("<slug:slug>/", views.detail, name="detail"),
    path("<slug:slug>/historique/", views.history, name="history"),
    path("<slug:slug>/verifier/", views.verify, name="verify"),
    path("<slug:slug>/photo/<int:pk>/", views.photo, name="photo"),
    path("<slug:slug>/historique/<int:version_id>/annuler/", views.revert, name="revert"),
]
