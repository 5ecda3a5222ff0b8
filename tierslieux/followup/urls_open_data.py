"""The open data of the funding agreements, mounted at /donnees/subventions/."""

from django.urls import path

from .views import open_data

app_name = "subsidies"

urlpatterns = [
    path("", open_data.subsidies, name="page"),
    path("subventions.csv", open_data.subsidies_csv, name="csv"),
    path("schema.json", open_data.subsidies_schema, name="schema"),
]
