"""Template tags of the atlas used by the territory pages of the geo app (through one include line)."""

from django import template

from .. import selectors

register = template.Library()


@register.inclusion_tag("places/_territory_places.html")
def territory_places(kind: str, code: str, name: str = "") -> dict:
    """The places of a territory: counts by type, a short list and "Voir dans l'atlas" with the filter set."""
    return {"found": selectors.territory_places(kind, str(code)), "name": name}
