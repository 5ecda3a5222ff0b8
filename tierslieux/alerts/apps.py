from django.apps import AppConfig


class AlertsConfig(AppConfig):
    name = "tierslieux.alerts"
    label = "alerts"
    verbose_name = "Alertes par courriel"

    def ready(self) -> None:
        from django.utils.module_loading import autodiscover_modules
        from django.utils.translation import gettext_noop

        from tierslieux.accounts import personal_data

        from .services import alerts_erase, alerts_export

        personal_data.register(
            "alerts",
            label=gettext_noop("Alertes par courriel et registre des consentements"),
            export=alerts_export,
            erase=alerts_erase,
        )
        # Each app above registers its streams in its own `alerts.py` (tierslieux/alerts/streams.py).
        autodiscover_modules("alerts")
