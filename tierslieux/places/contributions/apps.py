from django.apps import AppConfig


class ContributionsConfig(AppConfig):
    name = "tierslieux.places.contributions"
    label = "place_contributions"
    verbose_name = "Contributions à l’atlas"

    def ready(self) -> None:
        from django.utils.translation import gettext_noop

        from tierslieux.core.counters import Counter, register

        from . import personal_data
        from .selectors import can_moderate, moderation_count

        personal_data.register()
        # The header's "À traiter" entry (tierslieux/core/counters.py).
        register(
            Counter(
                "moderation",
                gettext_noop("Contributions à modérer"),
                "contributions:moderation",
                count=lambda user: moderation_count(),
                visible=can_moderate,
                order=30,
                watches=("place_contributions", "places"),  # contributions, project places
            )
        )
