from django.apps import AppConfig


class FollowupConfig(AppConfig):
    name = "tierslieux.followup"
    label = "followup"
    verbose_name = "Suivi des lauréats"

    def ready(self) -> None:
        from . import hooks

        hooks.install()
