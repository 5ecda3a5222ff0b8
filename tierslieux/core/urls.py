from django.urls import path

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
    path("securite/csp/", views.csp_report, name="csp_report"),
    path("sante/", views.health, name="health"),
    path("sante/ok/", views.ping, name="ping"),
]
