"""The platform's French formatting filters: `{% load tl_format %}`, then

    {{ amount|euros }}        125 000 €            {{ share|percent }}   53,2 %   ({{ share|percent:0 }}: 53 %)
    {{ count|number }}        12 345               {{ value|number:2 }}  3,20
    {{ distance|km }}         12,3 km              {{ day|fr_date }}     1er décembre 2026
    {{ moment|fr_time }}      14 h 05              {{ moment|fr_datetime }}  1er décembre 2026 à 14 h 05
    {{ day|fr_date_short }}   1er décembre (no year)

Unknown values are written "—". Plurals: `{% blocktranslate count counter=n %}` (French rule: 0 and 1 singular,
see `tierslieux.core.formats.install_source_plural_rule`); never "lieu(x)".
"""

from __future__ import annotations

from typing import Any

from django import template

from .. import formats, numbers

register = template.Library()


def _decimals(arg: Any, default: int) -> int:
    try:
        return int(arg)
    except (TypeError, ValueError):
        return default


@register.filter
def number(value: object, decimals: object = 0) -> str:
    return numbers.fr_number(value, _decimals(decimals, 0))


@register.filter
def euros(value: object, decimals: object = 0) -> str:
    return numbers.fr_euros(value, _decimals(decimals, 0))


@register.filter
def percent(value: object, decimals: object = 1) -> str:
    return numbers.fr_percent(value, _decimals(decimals, 1))


@register.filter
def km(value: object, decimals: object = 1) -> str:
    return numbers.fr_km(value, _decimals(decimals, 1))


@register.filter
def fr_date(value: object) -> str:
    return formats.fr_date(value)


@register.filter
def fr_date_short(value: object) -> str:
    return formats.fr_date(value, year=False)


@register.filter
def fr_time(value: object) -> str:
    return formats.fr_time(value)


@register.filter
def fr_datetime(value: object) -> str:
    return formats.fr_datetime(value)
