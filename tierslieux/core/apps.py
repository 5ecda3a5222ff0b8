from django.apps import AppConfig


class CoreConfig(AppConfig):
    name = "tierslieux.core"
    label = "core"
    verbose_name = "Socle"

    def ready(self) -> None:
        from django.utils import translation

        from . import i18n
        from .formats import install_source_plural_rule

        # The pure modules (no Django import) translate through tierslieux.core.i18n: plug Django in.
        i18n.install(gettext=translation.gettext, ngettext=translation.ngettext)
        # The msgids are French: an untranslated plural follows the French rule ("0 lauréat").
        install_source_plural_rule()
