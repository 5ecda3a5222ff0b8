from django.apps import AppConfig


class FollowupConfig(AppConfig):
    name = "tierslieux.followup"
    label = "followup"
    verbose_name = "Suivi des lauréats"

    def ready(self) -> None:
        from . import hooks, personal_data

        hooks.install()
        personal_data.register()
