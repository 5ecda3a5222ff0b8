"""Reads of the observatory: the rows its figures aggregate, taken from the selectors of the apps below (geo and
its diagnostic, places, calls, followup, network) — never from their models — and turned into the plain
dataclasses of `figures.py`.

`Observatory(filters)` gathers them once per request (each property is read at most once); `catalogue.py`
builds the published figures from it.
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Callable
from dataclasses import dataclass, field
from functools import cached_property
from typing import Any
from urllib.parse import urlencode

from django.db.models import QuerySet
from django.utils import timezone

from tierslieux.calls.review import selectors as review_selectors
from tierslieux.followup import selectors as followup_selectors
from tierslieux.geo import lookup
from tierslieux.geo import selectors as geo_selectors
from tierslieux.geo.diagnostic import selectors as diagnostic_selectors
from tierslieux.geo.diagnostic.selectors import Diagnostic
from tierslieux.network.selectors import mentoring as mentoring_selectors
from tierslieux.places import selectors as place_selectors
from tierslieux.places.sources import cget_types

from . import figures

FIRST_REPORT_YEAR = 2019  # the programme's first labels: no report can be expected before
CENSUS_2019 = "cget2019"  # the source of the 2019 census in the atlas (`load_places`)
PLACE_FIELDS = (
    "pk",
    "types",
    "commune_id",
    "commune__department_id",
    "commune__region_id",
    "commune__epci_id",
    "lon",
    "lat",
)
# Where a place's territory is, by the kind of the observatory's territory
TERRITORY_FIELDS = {
    "region": "commune__region_id",
    "departement": "commune__department_id",
    "epci": "commune__epci_id",
}


@dataclass(frozen=True)
class Filters:
    """What the visitor chose (all in the URL): a territory (France by default) and a year for the census and
    mentoring figures (None: the last census, mentoring of every year)."""

    territory: diagnostic_selectors.Territory = diagnostic_selectors.FRANCE
    year: int | None = None
    params: tuple[tuple[str, str], ...] = field(default=())  # the query as given, for links

    @property
    def kind(self) -> str:
        return self.territory.kind

    def code_for(self, kind: str) -> str | None:
        return self.territory.code if self.territory.kind == kind else None

    @property
    def region(self) -> str | None:
        return self.code_for("region")

    @property
    def department(self) -> str | None:
        return self.code_for("departement")

    @property
    def epci(self) -> str | None:
        return self.code_for("epci")

    def scope(self) -> dict[str, str | None]:
        """Keyword arguments of the follow-up's selectors (region, department, epci)."""
        return {"region": self.region, "department": self.department, "epci": self.epci}

    def query(self) -> str:
        return urlencode(self.params)


def territory_filter(filters: Filters, prefix: str = "") -> dict[str, str]:
    """Queryset filter of the places (or of objects related to a place through `prefix`) in the territory."""
    if filters.kind == "france":
        return {}
    return {prefix + TERRITORY_FIELDS[filters.kind]: filters.territory.code}


def place_facts(
    items: list[tuple[Any, ...]], types_of: Callable[[tuple[Any, ...]], list[str]] | None = None
) -> list[figures.PlaceFacts]:
    """PlaceFacts of `items` (tuples of PLACE_FIELDS, optionally followed by anything), their communes classified
    in bulk. "In QPV" is exact (the point in a QPV perimeter) once the perimeters are loaded, else it reads
    "in a commune that has a QPV" (the only thing the 2024 list says)."""
    classes = geo_selectors.communes_classification(item[2] for item in items)
    exact_qpv = lookup.qpv_perimeters_loaded()
    rows = []
    for item in items:
        pk, types, commune, department, region, epci, lon, lat = item[:8]
        found = classes.get(commune)
        if found is None:
            rows.append(figures.PlaceFacts(key=str(pk), types=tuple(types or ()), located=False))
            continue
        in_qpv = bool(lookup.qpv_at(lon, lat)) if exact_qpv else found.has_qpv
        rows.append(
            figures.PlaceFacts(
                key=str(pk),
                types=tuple(types_of(item) if types_of else (types or ())),
                commune=commune,
                department=department or "",
                region=region or "",
                epci=epci or "",
                size_class=found.size_class.value,
                density_level=found.density_level,
                in_metropole=found.in_metropole,
                in_qpv=in_qpv,
                pvd=found.petite_ville_de_demain,
            )
        )
    return rows


@dataclass(frozen=True)
class Census2019:
    """The 2019 census as loaded in the atlas: one PlaceFacts per line of the file (the commune of the place it
    became), and the file's own "in a métropole" column over the same lines (None when the loaded data predates
    it: run `load_places` again)."""

    rows: tuple[figures.PlaceFacts, ...]
    own_metropole: figures.Share | None
    differences: tuple[
        tuple[str, bool, bool], ...
    ]  # (commune INSEE, file says métropole, we say) that differ


@dataclass(frozen=True)
class Mentoring:
    available: bool
    counts: dict[str, Any]


class Observatory:
    """The rows behind every figure for one choice of filters, each read once."""

    def __init__(self, filters: Filters, *, today: dt.date | None = None):
        self.filters = filters
        self.today = today or timezone.localdate()

    # --- places ---------------------------------------------------------------------------------------------
    def _places(self) -> QuerySet[Any]:  # of places.models.Place (read through place_selectors)
        return place_selectors.places_with_territory().filter(**territory_filter(self.filters))

    @cached_property
    def atlas(self) -> list[figures.PlaceFacts]:
        """The open places of the territory today (the places the diagnostic counts)."""
        return place_facts(list(self._places().filter(status="open").values_list(*PLACE_FIELDS)))

    @cached_property
    def laureates(self) -> dict[int, list[figures.PlaceFacts]]:
        """The places of the published laureates of the platform's calls, by year of publication."""
        by_place: dict[int, int] = {}
        for place_id, published_at in review_selectors.laureates_public().values_list(
            "application__place_id", "published_at"
        ):
            if place_id is not None:
                year = timezone.localtime(published_at).year
                by_place[place_id] = min(year, by_place.get(place_id, year))
        items = list(self._places().filter(pk__in=list(by_place)).values_list(*PLACE_FIELDS))
        years: dict[int, list[figures.PlaceFacts]] = {}
        for item, facts in zip(items, place_facts(items), strict=True):
            years.setdefault(by_place[item[0]], []).append(facts)
        return dict(sorted(years.items()))

    @cached_property
    def historical_fabriques(self) -> list[figures.PlaceFacts]:
        """The places of the ANCT list of Fabriques labelled before the platform."""
        places = review_selectors.historical_fabriques().filter(**territory_filter(self.filters))
        return place_facts(list(places.values_list(*PLACE_FIELDS)))

    @cached_property
    def fabriques(self) -> list[tuple[str, str, str, str]]:
        """(place id, region, department, EPCI) of the labelled Fabriques of the territory that are not closed:
        places labelled Fabrique de territoire (or numérique) in the atlas, and places of published laureates."""
        places = self._places().exclude(status="closed")
        fields = ("pk", "commune__region_id", "commune__department_id", "commune__epci_id")
        found = {row[0]: row for row in place_selectors.fabrique_rows(places, *fields)}
        laureate_ids = [int(facts.key) for rows in self.laureates.values() for facts in rows]
        for row in places.filter(pk__in=laureate_ids).values_list(*fields):
            found.setdefault(row[0], row)
        return [tuple(str(v or "") for v in row) for row in found.values()]

    @cached_property
    def census_2019(self) -> Census2019:
        records = place_selectors.source_records(CENSUS_2019).filter(
            **territory_filter(self.filters, "place__")
        )
        items = list(
            records.values_list(
                *(f"place__{name}" if name != "pk" else "place_id" for name in PLACE_FIELDS), "raw"
            )
        )
        rows = place_facts(items, types_of=lambda item: cget_types((item[8] or {}).get("TYPO")))
        own = [(item[8] or {}).get("METRO") for item in items]
        own_metropole = None
        differences = []
        if items and all(value is not None for value in own):
            own_metropole = figures.Share(sum(1 for value in own if str(value) == "1"), len(own))
            for item, facts, value in zip(items, rows, own, strict=True):
                theirs = str(value) == "1"
                if facts.located and theirs != facts.in_metropole:
                    differences.append((item[2], theirs, facts.in_metropole))
        return Census2019(tuple(rows), own_metropole, tuple(sorted(differences)))

    # --- coverage -------------------------------------------------------------------------------------------
    @cached_property
    def coverage(self) -> Diagnostic:
        """The diagnostic's figures of the territory (stored per-commune coverage, not recomputed here)."""
        return diagnostic_selectors.territory_diagnostic(self.filters.territory)

    # --- populations ----------------------------------------------------------------------------------------
    def populations(self, level: str) -> dict[str, int]:
        return geo_selectors.population_by(level, **self.filters.scope())

    # --- reports --------------------------------------------------------------------------------------------
    @cached_property
    def reports(self) -> list[followup_selectors.ReportIndicators]:
        return followup_selectors.accepted_report_indicators(**self.filters.scope())

    @cached_property
    def report_responses(self) -> dict[int, followup_selectors.ReportResponse]:
        """Reports expected, submitted and accepted per year (years with any report expected or accepted)."""
        years = set(range(FIRST_REPORT_YEAR, self.today.year + 1)) | {row.year for row in self.reports}
        responses = {}
        for year in sorted(years):
            response = followup_selectors.report_response(year=year, as_of=self.today, **self.filters.scope())
            if response.expected or any(row.year == year for row in self.reports):
                responses[year] = response
        return responses

    # --- census ---------------------------------------------------------------------------------------------
    @cached_property
    def census_years(self) -> list[int]:
        return followup_selectors.census_years()

    @cached_property
    def census_year(self) -> int | None:
        """The census shown: the year asked when a census was held that year, else the last one."""
        if self.filters.year is not None:
            return self.filters.year if self.filters.year in self.census_years else None
        return self.census_years[-1] if self.census_years else None

    @cached_property
    def census(self) -> list[followup_selectors.CensusRow]:
        if self.census_year is None:
            return []
        return followup_selectors.census_answers(year=self.census_year, **self.filters.scope())

    @cached_property
    def census_response(self) -> followup_selectors.CensusResponse | None:
        if self.census_year is None:
            return None
        return followup_selectors.census_response(year=self.census_year, **self.filters.scope())

    # --- mentoring ------------------------------------------------------------------------------------------
    @cached_property
    def mentoring(self) -> Mentoring:
        """The network's mentoring counts (pairings started in the year when one is chosen). The network counts
        by region and department: none for an EPCI."""
        if self.filters.kind == "epci":
            return Mentoring(False, {})
        year = self.filters.year
        since = dt.date(year, 1, 1) if year else None
        until = dt.date(year, 12, 31) if year else None
        counts = mentoring_selectors.mentoring_counts(
            since=since,
            until=until,
            region=self.filters.region or "",
            department=self.filters.department or "",
        )
        return Mentoring(True, counts)
