from django.conf import settings
from django.urls import reverse

SITE_CONFIG = {
    "site_title": "Tiers-Lieux",
    "site_tagline": "L’atlas et le programme des tiers-lieux de France",
    "footer_brand_html": "République<br>française",
    "footer_description": (
        "Tiers-Lieux recense les tiers-lieux de France, mesure leur accessibilité dans les territoires et "
        "conduit l’appel à manifestation d’intérêt « Fabriques de territoire »."
    ),
}

# (label, URL name) of every capability mounted in config/urls.py.
MAIN_MENU = [
    ("Accueil", "core:home"),
    ("Atlas des tiers-lieux", "places:atlas"),
    ("Territoires", "geo:index"),
    ("Diagnostic territorial", "diagnostic:france"),
    ("Appels à manifestation d’intérêt", "calls:index"),
]
FOOTER_LINKS = [
    ("Lauréats des Fabriques de territoire", "calls:laureates"),
    ("Proposer un tiers-lieu", "contributions:propose"),
    ("Données ouvertes", "core:open_data"),
    ("À propos", "core:about"),
]


def _links(entries, path: str | None = None) -> list[dict]:
    links = []
    for label, name in entries:
        url = reverse(name)
        current = path is not None and (path == url if url == "/" else path.startswith(url))
        links.append({"label": label, "url": url, "current": current})
    return links


def platform(request):
    """Values every page needs: site identity (for django-dsfr), menus and the map settings."""
    return {
        "SITE_CONFIG": SITE_CONFIG,
        "main_menu": _links(MAIN_MENU, request.path),
        "footer_links": _links(FOOTER_LINKS),
        "MAP_TILES_URL": settings.MAP_TILES_URL,
        "MAP_TILES_ATTRIBUTION": settings.MAP_TILES_ATTRIBUTION,
    }
