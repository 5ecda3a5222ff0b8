from django.apps import AppConfig


class NetworkConfig(AppConfig):
    name = "tierslieux.network"
    label = "network"
    verbose_name = "Réseau « faire ensemble »"

    def ready(self) -> None:
        from . import personal

        personal.register()
