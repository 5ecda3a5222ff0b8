from django.apps import AppConfig


class DiagnosticConfig(AppConfig):
    name = "tierslieux.geo.diagnostic"
    label = "diagnostic"
    verbose_name = "Diagnostic territorial"

    def ready(self) -> None:
        from . import signals  # noqa: F401 (connects the place change hooks)
