"""URLs of the selection optimiser pages, mounted at /selection/ (namespace "selection")."""

from django.urls import path  # noqa: F401

app_name = "selection"

urlpatterns: list = []
