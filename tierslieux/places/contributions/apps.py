from django.apps import AppConfig


class ContributionsConfig(AppConfig):
    name = "tierslieux.places.contributions"
    label = "place_contributions"
    verbose_name = "Contributions à l’atlas"

    def ready(self) -> None:
        from . import personal_data

        personal_data.register()
