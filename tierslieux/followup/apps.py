from django.apps import AppConfig


class FollowupConfig(AppConfig):
    name = "tierslieux.followup"
    label = "followup"
    verbose_name = "Suivi des lauréats"

    def ready(self) -> None:
        from django.utils.translation import gettext_noop

        from tierslieux.core.counters import Counter, register

        from . import hooks, personal_data, selectors

        hooks.install()
        personal_data.register()
        # The header's "À traiter" entry (tierslieux/core/counters.py): the annual reports to file soon or late.
        register(
            Counter(
                "reports_due",
                gettext_noop("Rapports annuels à déposer"),
                "followup:my_places",
                count=lambda user: selectors.reports_due_count(user),
                visible=selectors.files_reports,
                order=40,
                watches=("followup", "calls", "places"),  # reports, agreements, applicants, managers
            )
        )
