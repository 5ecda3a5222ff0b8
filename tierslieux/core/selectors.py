"""Read-side queries of the platform-wide pages."""

from __future__ import annotations

from dataclasses import dataclass

from django.db.models import Count, Sum
from django.urls import reverse
from django.utils.translation import gettext as _

from tierslieux.geo.models import Commune, Department, Epci, Qpv, Region
from tierslieux.places.models import Place

from .readcache import cached


@dataclass(frozen=True)
class Figure:
    value: int
    label: str
    url: str = ""


def _counts() -> dict[str, int]:
    communes = Commune.objects.filter(kind=Commune.Kind.COMMUNE)
    summary = communes.aggregate(total=Sum("population"), count=Count("insee"))
    return {
        "places": Place.objects.count(),
        "communes": summary["count"],
        "population": summary["total"] or 0,
        "epci": Epci.objects.count(),
        "departments": Department.objects.count(),
        "regions": Region.objects.count(),
        "qpv": Qpv.objects.count(),
    }


def home_figures() -> list[Figure]:
    """Live figures shown on the home page: the counts cached until places or the geography change
    (core/readcache.py), the open calls (which open and close with time) read each time."""
    from tierslieux.calls.selectors import open_calls_count

    counts = cached("home:counts", _counts, depends=("places", "geo"))
    return [
        Figure(counts["places"], _("tiers-lieux"), reverse("places:atlas")),
        Figure(counts["communes"], _("communes")),
        Figure(counts["population"], _("habitants")),
        Figure(counts["epci"], _("EPCI")),
        Figure(counts["departments"], _("départements")),
        Figure(counts["regions"], _("régions")),
        Figure(counts["qpv"], _("quartiers prioritaires (QPV)")),
        Figure(open_calls_count(), _("appels ouverts"), reverse("calls:index")),
    ]
