from __future__ import annotations

import math

from django import template

from .. import selectors
from ..inputs import DEFAULT_FILTER

register = template.Library()


def _finite(value) -> float | None:
    try:
        number = float(value)
    except (TypeError, ValueError):
        return None
    return number if math.isfinite(number) else None


def _format(value, pattern: str) -> str:
    number = _finite(value)
    return "—" if number is None else pattern.format(number).replace(".", ",")


@register.filter
def percent(value) -> str:
    """0.5321 -> "53,2 %" ("—" when unknown)."""
    number = _finite(value)
    return "—" if number is None else _format(number * 100, "{:.1f} %")


@register.filter
def km(value) -> str:
    """12.345 -> "12,3 km" ("—" when unknown)."""
    return _format(value, "{:.1f} km")


@register.filter
def decimal1(value) -> str:
    return _format(value, "{:.1f}")


@register.filter
def inhabitants(value) -> str:
    """12345.0 -> "12 345" (narrow no-break spaces)."""
    number = _finite(value)
    return "—" if number is None else f"{round(number):,}".replace(",", "\u202f")


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
