from collections.abc import Callable, Iterable
from typing import Any

from django.conf import settings
from django.contrib import admin
from django.contrib.auth.base_user import AbstractBaseUser
from django.contrib.auth.models import AnonymousUser
from django.http import HttpRequest
from django.urls import reverse
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy, gettext_noop

from .counters import Count

SITE_CONFIG = {
    "site_title": "Tiers-Lieux",
    "site_tagline": gettext_lazy("L’atlas et le programme des tiers-lieux de France"),
    "footer_brand_html": "République<br>française",
    "footer_description": gettext_lazy(
        "Tiers-Lieux recense les tiers-lieux de France, mesure leur accessibilité dans les territoires et "
        "conduit l’appel à manifestation d’intérêt « Fabriques de territoire »."
    ),
}

# (label, URL name) of every capability mounted in config/urls.py; labels translated at use.
MAIN_MENU = [
    (gettext_noop("Accueil"), "core:home"),
    (gettext_noop("Atlas des tiers-lieux"), "places:atlas"),
    (gettext_noop("Territoires"), "geo:index"),
    (gettext_noop("Diagnostic territorial"), "diagnostic:france"),
    (gettext_noop("Observatoire"), "observatory:index"),
    (gettext_noop("Appels à manifestation d’intérêt"), "calls:index"),
    (gettext_noop("Réseau"), "network:index"),
    (gettext_noop("Événements"), "events:list"),
    (gettext_noop("Actualités"), "news:list"),
]
FOOTER_LINKS = [
    (gettext_noop("Lauréats des Fabriques de territoire"), "calls:laureates"),
    (gettext_noop("Proposer un tiers-lieu"), "contributions:propose"),
    (gettext_noop("Données ouvertes"), "core:open_data"),
    (gettext_noop("À propos"), "core:about"),
]
# A short text shown after a footer link, by URL name (e.g. how many laureates), registered by the app that owns
# the page (core imports no app): {"calls:laureates": function returning a French text}.
FOOTER_NOTES: dict[str, Callable[[], str]] = {}


def _links(entries: Iterable[tuple[str, str]], path: str | None = None) -> list[dict[str, Any]]:
    links = []
    for label, name in entries:
        url = reverse(name)
        current = path is not None and (path == url if url == "/" else path.startswith(url))
        note = FOOTER_NOTES.get(name)
        links.append({"label": _(label), "url": url, "current": current, "note": note() if note else ""})
    return links


def _accessibility_status() -> str:
    """The footer's "Accessibilité : …", from the self-audit (docs/accessibility.md)."""
    from . import rgaa

    try:
        return rgaa.load().status
    except (OSError, rgaa.AuditError):
        return _("non conforme")


class _Todo:
    """The header's "À traiter" entry, computed only when a page shows it (tierslieux/core/counters.py)."""

    def __init__(self, user: AbstractBaseUser | AnonymousUser | None) -> None:
        self._user = user
        self._counts: list[Count] | None = None

    @property
    def counts(self) -> list[Count]:
        if self._counts is None:
            from .counters import counts_for

            self._counts = counts_for(self._user)
        return self._counts

    @property
    def total(self) -> int:
        return sum(c.value for c in self.counts)

    def __bool__(self) -> bool:
        return bool(self.counts)


def platform(request: HttpRequest) -> dict[str, Any]:
    """Values every page needs: site identity (for django-dsfr), menus, the map settings, "À traiter". A page
    rendered to be cached (core/cache.py::cached_page) gets a placeholder for the CSRF token, filled in for
    each request."""
    values = {
        "todo": _Todo(getattr(request, "user", None)),
        "accessibility_status": _accessibility_status(),
        "SITE_CONFIG": SITE_CONFIG,
        "home_url": reverse("core:home"),
        "main_menu": _links(MAIN_MENU, request.path),
        "footer_links": _links(FOOTER_LINKS),
        "MAP_TILES_URL": settings.MAP_TILES_URL,
        "MAP_TILES_ATTRIBUTION": settings.MAP_TILES_ATTRIBUTION,
        "DEMO_DATA": settings.DEMO_ACCOUNTS,  # dev settings only: the "Données de démonstration" banner
        # The "Administration" link: administrators with a verified second factor (evaluated when shown).
        "can_admin": lambda: admin.site.has_permission(request),
    }
    if getattr(request, "page_cache_placeholders", False):
        from .cache import CSRF_MARK

        values["csrf_token"] = CSRF_MARK
    return values
