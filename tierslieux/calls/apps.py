from django.apps import AppConfig


class CallsConfig(AppConfig):
    name = "tierslieux.calls"
    label = "calls"
    verbose_name = "Appels à manifestation d’intérêt"
