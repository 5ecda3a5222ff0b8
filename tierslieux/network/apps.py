from django.apps import AppConfig


class NetworkConfig(AppConfig):
    name = "tierslieux.network"
    label = "network"
    verbose_name = "Réseau « faire ensemble »"

    def ready(self) -> None:
        from tierslieux.places.extensions import register_place_section

        from . import personal
        from .views.place_section import place_section

        personal.register()
        register_place_section(place_section)
