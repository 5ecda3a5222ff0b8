from django.urls import path

from . import views, views_locating

app_name = "geo"

urlpatterns = [
    path("", views.index, name="index"),
    path("recherche/", views.search, name="search"),
    path("recherche/suggestions/", views.suggestions, name="suggestions"),
    path("commune/<str:insee>/", views.commune, name="commune"),
    path("epci/<str:siren>/", views.epci, name="epci"),
    path("departement/<str:code>/", views.department, name="department"),
    path("region/<str:code>/", views.region, name="region"),
    path("contours/<str:level>.geojson", views.outlines, name="outlines"),
    path("communes/suggestions.json", views_locating.suggestions, name="commune_suggestions"),
    path("adresses/recherche.json", views_locating.geocode_address, name="geocode"),
    path("contours/communes/<str:code>.geojson", views.commune_outlines, name="commune_outlines"),
]
