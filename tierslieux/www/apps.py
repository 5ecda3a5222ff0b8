from django.apps import AppConfig


class WwwConfig(AppConfig):
    """The top layer: the home page and the static pages, which may read any app's selectors."""

    name = "tierslieux.www"
    label = "www"
    verbose_name = "Pages du site"
