from __future__ import annotations

from django import template

from .. import selectors
from ..inputs import DEFAULT_FILTER

register = template.Library()


@register.filter
def note_of(notes: dict, commune_id) -> str:
    """The note of a commune in a {commune id: note} dict ("" when it has none)."""
    return (notes or {}).get(commune_id, "")


@register.inclusion_tag("diagnostic/_section.html")
def diagnostic_section(kind: str, code: str, heading_level: int = 2) -> dict:
    """Key figures of a territory's diagnostic (default count), with a link to the full page."""
    try:
        territory = selectors.territory_get(kind, str(code))
        diagnostic = selectors.territory_diagnostic(territory, DEFAULT_FILTER)
    except selectors.TerritoryNotFound:
        return {"diagnostic": None}
    return {"diagnostic": diagnostic, "territory": territory, "heading_level": heading_level}
