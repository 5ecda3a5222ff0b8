from django.urls import path

from . import views

app_name = "diagnostic"

urlpatterns = [
    path("", views.territory, name="france"),
    path("carte.geojson", views.map_data, name="map"),
    path("export.csv", views.export_csv, name="export_csv"),
    path("export.xlsx", views.export_xlsx, name="export_xlsx"),
    path("simulation/", views.what_if, name="what_if"),
    path("<str:kind>/<str:code>/", views.territory, name="territory"),
    path("<str:kind>/<str:code>/carte.geojson", views.map_data, name="map"),
    path("<str:kind>/<str:code>/export.csv", views.export_csv, name="export_csv"),
    path("<str:kind>/<str:code>/export.xlsx", views.export_xlsx, name="export_xlsx"),
]
