from django.apps import AppConfig

# What the public pages show (core/cache.py::cached_page): a save or delete of these models bumps the
# "content" namespace of the cache. The calls' applications, reviews and decisions are not shown there.
PUBLIC_CONTENT = (
    "places",
    "place_contributions",
    "geo",
    "diagnostic",
    "news",
    "network",
    "followup",
    "calls.Call",
    "calls.Envelope",
    "calls.Wave",
)


class WwwConfig(AppConfig):
    """The top layer: the home page and the static pages, which may read any app's selectors."""

    name = "tierslieux.www"
    label = "www"
    verbose_name = "Pages du site"

    def ready(self) -> None:
        from tierslieux.core.cache import watch_models

        watch_models("content", PUBLIC_CONTENT)
