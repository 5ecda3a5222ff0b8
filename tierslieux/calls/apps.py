from django.apps import AppConfig


class CallsConfig(AppConfig):
    name = "tierslieux.calls"
    label = "calls"
    verbose_name = "Appels à manifestation d’intérêt"

    def ready(self) -> None:
        from tierslieux.core.context_processors import FOOTER_NOTES

        from . import personal_data
        from .review import selectors

        # The footer's laureates count: the published laureates and the historical Fabriques, said apart.
        FOOTER_NOTES["calls:laureates"] = selectors.laureates_footer_note

        personal_data.register()
