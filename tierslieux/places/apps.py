from django.apps import AppConfig


class PlacesConfig(AppConfig):
    name = "tierslieux.places"
    label = "places"
    verbose_name = "Atlas des tiers-lieux"

    def ready(self) -> None:
        from . import personal_data

        personal_data.register()
