"""How complete a place page is for a visitor: hours, a contact route, accessibility, a description — each worth
the same share of the score (`Place.completeness`, computed by the services on every change) and listed on the
page when missing (`selectors.place_provenance`)."""

from __future__ import annotations

from collections.abc import Mapping
from typing import Any

from django.utils.translation import gettext_lazy

FIELDS = ("opening_hours", "website", "social_links", "accessibility", "short_description", "description")
"""The fields the criteria read."""

# What a visitor needs from a place page, each worth the same share of the completeness score: (code, what is
# missing, test on the values; `has_managers`: the contact form reaches someone of the place).
COMPLETENESS_CRITERIA = (
    ("hours", gettext_lazy("les horaires d’ouverture"), lambda v, managed: bool(v.get("opening_hours"))),
    (
        "contact",
        gettext_lazy("un moyen de contacter le lieu (site web, réseau social ou gestionnaire)"),
        lambda v, managed: bool(v.get("website") or v.get("social_links") or managed),
    ),
    ("accessibility", gettext_lazy("l’accessibilité"), lambda v, managed: bool(v.get("accessibility"))),
    (
        "description",
        gettext_lazy("une description"),
        lambda v, managed: bool(
            str(v.get("short_description") or "").strip() or str(v.get("description") or "").strip()
        ),
    ),
)


def completeness_missing(values: Mapping[str, Any], *, has_managers: bool = False) -> list[str]:
    """What a visitor would need and the page does not give (French, in COMPLETENESS_CRITERIA order)."""
    return [str(label) for _code, label, test in COMPLETENESS_CRITERIA if not test(values, has_managers)]


def completeness(values: Mapping[str, Any], *, has_managers: bool = False) -> int:
    """Share (%) of what a visitor needs that the page gives: hours, a contact route, accessibility, a
    description."""
    missing = len(completeness_missing(values, has_managers=has_managers))
    return round(100 * (len(COMPLETENESS_CRITERIA) - missing) / len(COMPLETENESS_CRITERIA))


def values_of(place: Any) -> dict[str, Any]:
    """The values of `place` (a Place) the criteria read."""
    return {field: getattr(place, field) for field in FIELDS}
