from django.apps import AppConfig


class PlacesConfig(AppConfig):
    name = "tierslieux.places"
    label = "places"
    verbose_name = "Atlas des tiers-lieux"
