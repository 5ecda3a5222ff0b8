from django.apps import AppConfig


class NewsConfig(AppConfig):
    name = "tierslieux.news"
    label = "news"
    verbose_name = "Actualités"

    def ready(self) -> None:
        from django.utils.translation import gettext_noop

        from tierslieux.accounts import personal_data

        from .services import news_erase, news_export

        personal_data.register(
            "news", label=gettext_noop("Commentaires et articles"), export=news_export, erase=news_erase
        )
