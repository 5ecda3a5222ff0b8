"""Read-side queries of the platform-wide pages."""

from __future__ import annotations

from dataclasses import dataclass

from django.db.models import Sum
from django.urls import reverse
from django.utils.translation import gettext as _

from tierslieux.geo.models import Commune, Department, Epci, Qpv, Region
from tierslieux.places.models import Place


@dataclass(frozen=True)
class Figure:
    value: int
    label: str
    url: str = ""


def home_figures() -> list[Figure]:
    """Live figures shown on the home page."""
    from tierslieux.calls.selectors import open_calls_count

    communes = Commune.objects.filter(kind=Commune.Kind.COMMUNE)
    population = communes.aggregate(total=Sum("population"))["total"] or 0
    return [
        Figure(Place.objects.count(), _("tiers-lieux"), reverse("places:atlas")),
        Figure(communes.count(), _("communes")),
        Figure(population, _("habitants")),
        Figure(Epci.objects.count(), _("EPCI")),
        Figure(Department.objects.count(), _("départements")),
        Figure(Region.objects.count(), _("régions")),
        Figure(Qpv.objects.count(), _("quartiers prioritaires (QPV)")),
        Figure(open_calls_count(), _("appels ouverts"), reverse("calls:index")),
    ]
