from django.apps import AppConfig


class CoreConfig(AppConfig):
    name = "tierslieux.core"
    label = "core"
    verbose_name = "Socle"

    def ready(self) -> None:
        from django.utils import translation
        from django.utils.module_loading import autodiscover_modules

        from . import i18n, lost_tasks, outbox  # noqa: F401 (lost_tasks, outbox register periodic jobs)
        from .formats import install_source_plural_rule

        # The pure modules (no Django import) translate through tierslieux.core.i18n: plug Django in.
        i18n.install(gettext=translation.gettext, ngettext=translation.ngettext)
        # Each app declares its periodic jobs in its `jobs.py` (tierslieux/core/jobs.py).
        autodiscover_modules("jobs")
        # Optional error reporting (SENTRY_DSN); off by default.
        from .observability import init_error_reporting

        init_error_reporting()
        # The msgids are French: an untranslated plural follows the French rule ("0 lauréat").
        install_source_plural_rule()
