from django.apps import AppConfig


class CoreConfig(AppConfig):
    name = "tierslieux.core"
    label = "core"
    verbose_name = "Socle"
