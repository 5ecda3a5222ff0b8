from django.apps import AppConfig


class CallsConfig(AppConfig):
    name = "tierslieux.calls"
    label = "calls"
    verbose_name = "Appels à manifestation d’intérêt"

    def ready(self) -> None:
        from django.utils.translation import gettext_noop

        from tierslieux.accounts.roles import Role, has_role, is_programme_staff
        from tierslieux.core.context_processors import FOOTER_NOTES
        from tierslieux.core.counters import Counter, register

        from . import personal_data
        from .review import selectors

        # The footer's laureates count: the published laureates and the historical Fabriques, said apart.
        FOOTER_NOTES["calls:laureates"] = selectors.laureates_footer_note

        personal_data.register()
        # The header's "À traiter" entry (tierslieux/core/counters.py).
        register(
            Counter(
                "reviews",
                gettext_noop("Dossiers à instruire"),
                "calls:reviewer_home",
                count=selectors.reviews_to_do,
                visible=lambda user: has_role(user, Role.REVIEWER),
                order=10,
                watches=("calls",),
            )
        )
        register(
            Counter(
                "files_to_assign",
                gettext_noop("Dossiers déposés à affecter"),
                "calls:manage_index",
                count=selectors.files_to_assign,
                visible=is_programme_staff,
                order=20,
                watches=("calls",),
            )
        )
