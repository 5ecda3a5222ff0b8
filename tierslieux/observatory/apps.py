from django.apps import AppConfig


class ObservatoryConfig(AppConfig):
    name = "tierslieux.observatory"
    label = "observatory"
    verbose_name = "Observatoire"
