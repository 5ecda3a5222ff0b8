"""Reads of the home page: live figures and the sources of the atlas."""

from __future__ import annotations

from dataclasses import dataclass

from django.db.models import Count, Sum
from django.urls import reverse
from django.utils.translation import gettext as _

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


def home_figures() -> list[Figure]:
    """Live figures shown on the home page: the tiers-lieux of the atlas apart from the places in project and
    from the "médiation numérique" layer (one region's list), then the reference geography."""
    from tierslieux.calls.selectors import open_calls_count

    communes = Commune.objects.filter(kind=Commune.Kind.COMMUNE)
    population = communes.aggregate(total=Sum("population"))["total"] or 0
    public = Place.objects.published()
    tiers_lieux = public.filter(digital_inclusion=False)
    atlas = reverse("places:atlas")
    return [
        Figure(tiers_lieux.exclude(status=PlaceStatus.PROJECT).count(), _("tiers-lieux"), atlas),
        Figure(
            tiers_lieux.filter(status=PlaceStatus.PROJECT).count(),
            _("lieux en projet"),
            f"{atlas}?status=project",
        ),
        Figure(
            public.filter(digital_inclusion=True).count(),
            _("lieux de médiation numérique (une seule région, comptés à part)"),
            f"{atlas}?mediation=1&type=mediation_numerique",
        ),
        Figure(communes.count(), _("communes")),
        Figure(population, _("habitants")),
        Figure(Epci.objects.count(), _("EPCI")),
        Figure(Department.objects.count(), _("départements")),
        Figure(Region.objects.count(), _("régions")),
        Figure(Qpv.objects.count(), _("quartiers prioritaires (QPV)")),
        Figure(open_calls_count(), _("appels ouverts"), reverse("calls:index")),
    ]
