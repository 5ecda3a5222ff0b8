"""Reads of the home page: live figures and the sources of the atlas."""

from __future__ import annotations

from dataclasses import dataclass

from django.db.models import Count, Q, Sum
from django.urls import reverse
from django.utils.translation import gettext as _

from tierslieux.core.cache import cached
from tierslieux.geo.models import Commune, Department, Epci, Qpv, Region
from tierslieux.places.models import Place, PlaceStatus


@dataclass(frozen=True)
class Figure:
    value: int
    label: str
    url: str = ""


@dataclass(frozen=True)
class SourceCount:
    label: str
    date: str  # the date of the source's data
    scope: str
    counts: str  # what the source counts
    places: int  # public places whose main source it is (each place once)
    digital_inclusion: bool


def home_sources() -> list[SourceCount]:
    """The public places by main source, with the date of each source's data (each place counted once)."""
    from tierslieux.places.provenance import sort_key, source_info

    rows = (
        Place.objects.published()
        .values("source")
        .annotate(n=Count("id"))
        .order_by()
        .values_list("source", "n")
    )
    out = []
    for code, n in sorted(rows, key=lambda r: sort_key(r[0])):
        info = source_info(code)
        out.append(
            SourceCount(
                str(info.label), str(info.date), str(info.scope), str(info.counts), n, info.digital_inclusion
            )
        )
    return out


def _counts() -> dict[str, int]:
    communes = Commune.objects.filter(kind=Commune.Kind.COMMUNE)
    summary = communes.aggregate(total=Sum("population"), count=Count("insee"))
    tiers_lieu, project = Q(digital_inclusion=False), Q(status=PlaceStatus.PROJECT)
    places = Place.objects.published().aggregate(  # one query for the three layers
        tiers_lieux=Count("id", filter=tiers_lieu & ~project),
        projects=Count("id", filter=tiers_lieu & project),
        mediation=Count("id", filter=Q(digital_inclusion=True)),
    )
    return {
        **places,
        "communes": summary["count"],
        "population": summary["total"] or 0,
        "epci": Epci.objects.count(),
        "departments": Department.objects.count(),
        "regions": Region.objects.count(),
        "qpv": Qpv.objects.count(),
    }


def home_figures() -> list[Figure]:
    """Live figures shown on the home page: the tiers-lieux of the atlas apart from the places in project and
    from the "médiation numérique" layer (one region's list), then the reference geography. The counts are
    cached until places or the geography change (core/cache.py); the open calls (which open and close with
    time) are read each time."""
    from tierslieux.calls.selectors import open_calls_count

    counts = cached(("home:counts",), _counts, namespaces=("places", "geo"))
    atlas = reverse("places:atlas")
    return [
        Figure(counts["tiers_lieux"], _("tiers-lieux"), atlas),
        Figure(counts["projects"], _("lieux en projet"), f"{atlas}?status=project"),
        Figure(
            counts["mediation"],
            _("lieux de médiation numérique (une seule région, comptés à part)"),
            f"{atlas}?mediation=1&type=mediation_numerique",
        ),
        Figure(counts["communes"], _("communes")),
        Figure(counts["population"], _("habitants")),
        Figure(counts["epci"], _("EPCI")),
        Figure(counts["departments"], _("départements")),
        Figure(counts["regions"], _("régions")),
        Figure(counts["qpv"], _("quartiers prioritaires (QPV)")),
        Figure(open_calls_count(), _("appels ouverts"), reverse("calls:index")),
    ]
