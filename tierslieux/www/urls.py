"""The site's pages at the root of the URL space, with the platform's own URLs (`tierslieux.core.urls`).

They keep the `core` URL namespace they had before the home page left `core` (`{% url 'core:home' %}`, used
by every app and template): renaming it would touch every app for no behaviour."""

from django.urls import path

from tierslieux.core import urls as core_urls
from tierslieux.places import views as places_views

from . import views

app_name = "core"

urlpatterns = [
    path("", views.home, name="home"),
    path("a-propos/", views.about, name="about"),
    path("a-traiter/", views.todo, name="todo"),
    path("accessibilite/", views.accessibility, name="accessibility"),
    path("mentions-legales/", views.legal, name="legal"),
    path("donnees/", views.open_data, name="open_data"),
    path("donnees/schema-tiers-lieux.json", places_views.table_schema, name="places_schema"),
    *core_urls.urlpatterns,
]
