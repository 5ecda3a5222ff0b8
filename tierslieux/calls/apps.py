from django.apps import AppConfig


class CallsConfig(AppConfig):
    name = "tierslieux.calls"
    label = "calls"
    verbose_name = "Appels à manifestation d’intérêt"

    def ready(self) -> None:
        # Registers the reviewers' visibility clause (tierslieux.calls.selectors.VISIBILITY_CLAUSES).
        from . import personal_data
        from .review import selectors  # noqa: F401

        personal_data.register()
