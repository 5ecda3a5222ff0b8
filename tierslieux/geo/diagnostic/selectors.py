"""Reads of the territorial diagnostic: territories, figures, per-commune tables, map data, what-if.

Figures come from the pure module (`tierslieux.geo.coverage`). For the default count (open places) the
stored per-commune table is used when it matches the current places; any other filter is computed on the
fly. Results are kept in memory keyed by the filter and the data fingerprint.
"""

from __future__ import annotations

import itertools
import json
import math
from dataclasses import dataclass, field
from typing import TYPE_CHECKING

import numpy as np
from django.urls import NoReverseMatch, reverse
from django.utils.translation import get_language, gettext_lazy
from django.utils.translation import gettext as _

from tierslieux.core.numbers import fr_int, fr_km, fr_percent
from tierslieux.geo.coverage import (
    CoverageIndex,
    CoverageResult,
    TerritoryCoverage,
    compute_coverage,
    summarize_by,
    summarize_territory,
)
from tierslieux.geo.coverage.compute import host_communes
from tierslieux.geo.coverage.inputs import METROPOLE
from tierslieux.geo.models import Commune, Department, Epci, Region
from tierslieux.geo.spherical import lonlat_to_xyz
from tierslieux.places.models import Place

from .inputs import (
    DEFAULT_FILTER,
    PlaceFilter,
    coverage_parameters,
    coverage_settings,
    data_fingerprint,
    fingerprint_scope,
    geography,
    memoized,
    places_for,
)
from .models import CommuneCoverage, CoverageRun

if TYPE_CHECKING:
    from django_stubs_ext import StrOrPromise

KIND_LABELS = {
    "france": gettext_lazy("France"),
    "region": gettext_lazy("Région"),
    "departement": gettext_lazy("Département"),
    "epci": gettext_lazy("Intercommunalité (EPCI)"),
    "commune": gettext_lazy("Commune"),
}
WHITE_ZONE_LIMIT = 50
# Distance classes of the map and of the histogram (km); the last class is "no place at all".
MAP_CLASSES = [(0.0, 2.0), (2.0, 5.0), (5.0, 10.0), (10.0, 20.0), (20.0, math.inf)]
# Classes of the choropleth: colours alternate dark and light so that neighbouring classes differ by at least 3:1
# and every swatch stands out from white by at least 3:1 (WCAG 1.4.11); each class also has its own pattern
# (solid, dots, stripes, cross-hatching, lines, "no place") so that colour is never the only cue.
MAP_COLOURS = ["#0f4524", "#50a532", "#4b3900", "#d77b36", "#790f12", "#929292"]
MAP_PATTERNS = ["solid", "dots", "stripes", "crosshatch", "lines", "none"]
HISTOGRAM_BINS = [0.0, 2.0, 5.0, 10.0, 15.0, 20.0, 30.0, math.inf]


class TerritoryNotFound(LookupError):
    pass


# ------------------------------------------------------------------------------------------- territories


@dataclass(frozen=True)
class Territory:
    kind: str  # france, region, departement, epci, commune
    code: str
    name: str
    parents: tuple[tuple[str, str], ...] = ()  # (label, diagnostic URL) from the largest
    geo_url: str | None = None
    department_code: str | None = None
    epci_code: str | None = None

    @property
    def kind_label(self) -> StrOrPromise:
        return KIND_LABELS[self.kind]

    @property
    def title(self) -> str:
        if self.kind == "departement":
            return f"{self.name} ({self.code})"
        return self.name

    def url(self, name: str = "territory") -> str:
        if self.kind == "france":
            return reverse(f"diagnostic:{'france' if name == 'territory' else name}")
        return reverse(f"diagnostic:{name}", args=[self.kind, self.code])

    def mask(self) -> np.ndarray:
        communes = geography().communes
        if self.kind == "france":
            return np.ones(len(communes), dtype=bool)
        if self.kind == "commune":
            return communes.ids == self.code
        key = {"region": "region", "departement": "department", "epci": "epci"}[self.kind]
        return communes.territories[key] == self.code


def _territory_url(kind: str, code: str) -> str:
    return reverse("diagnostic:territory", args=[kind, code])


FRANCE = Territory(kind="france", code="FR", name="France")


def territory_get(kind: str, code: str) -> Territory:
    """The territory `kind`/`code`; raises TerritoryNotFound. An arrondissement resolves to its city."""
    code = (code or "").strip().upper()[:9]
    if kind == "france":
        return FRANCE
    if kind == "region":
        region = Region.objects.filter(code=code).first()
        if region is None:
            raise TerritoryNotFound(code)
        return Territory("region", region.code, region.name, geo_url=region.get_absolute_url())
    if kind == "departement":
        dep = (
            Department.objects.select_related("region")
            .defer("outline", "region__outline")
            .filter(code=code)
            .first()
        )
        if dep is None:
            raise TerritoryNotFound(code)
        parents = ((dep.region.name, _territory_url("region", dep.region_id)),)
        return Territory("departement", dep.code, dep.name, parents, dep.get_absolute_url(), dep.code)
    if kind == "epci":
        epci = Epci.objects.filter(siren=code).first()
        if epci is None:
            raise TerritoryNotFound(code)
        dep = Department.objects.filter(communes__epci=epci).order_by("code").first()
        parents = ((dep.name, _territory_url("departement", dep.code)),) if dep else ()
        return Territory(
            "epci", epci.siren, epci.name, parents, epci.get_absolute_url(), dep.code if dep else None
        )
    if kind == "commune":
        commune = (
            Commune.objects.select_related("department", "epci", "parent__department", "parent__epci")
            .defer("outline", "department__outline", "parent__outline", "parent__department__outline")
            .filter(insee=code)
            .first()
        )
        if commune is None:
            raise TerritoryNotFound(code)
        commune = commune.parent if commune.parent_id else commune
        parents = ((commune.department.name, _territory_url("departement", commune.department_id)),)
        if commune.epci_id:
            parents += ((commune.epci.name, _territory_url("epci", commune.epci_id)),)
        return Territory(
            "commune",
            commune.insee,
            commune.name,
            parents,
            commune.get_absolute_url(),
            commune.department_id,
            commune.epci_id,
        )
    raise TerritoryNotFound(kind)


# ------------------------------------------------------------------------------------------- results


def _stored_result(fingerprint: str) -> CoverageResult | None:
    """The stored coverage as a CoverageResult, when it matches the current open places and communes."""
    from .services import places_state_fingerprint

    last = CoverageRun.objects.order_by("-id").first()
    if last is None:
        return None
    parameters = coverage_parameters()
    places = places_for(DEFAULT_FILTER, fingerprint)
    if last.parameters != parameters or last.fingerprint != places_state_fingerprint(places, parameters):
        return None
    communes = geography().communes
    rows = list(
        CommuneCoverage.objects.values_list(
            "commune_id",
            "nearest_place_id",
            "nearest_km",
            "within_5km",
            "within_10km",
            "within_20km",
            "white_zone",
        )
    )
    if len(rows) != len(communes):
        return None
    place_position = {pid: i for i, pid in enumerate(places.ids)}
    n = len(communes)
    nearest_km = np.full(n, np.inf)
    nearest = np.full(n, -1, dtype=np.int64)
    counts = np.zeros((n, 3), dtype=np.int64)
    white = np.zeros(n, dtype=bool)
    for insee, place_id, km, c5, c10, c20, is_white in rows:
        i = communes.position.get(insee)
        if i is None:
            return None
        if km is not None:
            nearest_km[i] = km
        nearest[i] = place_position.get(place_id, -1)
        counts[i] = (c5, c10, c20)
        white[i] = is_white
    return CoverageResult(
        settings=coverage_settings(),
        commune_ids=communes.ids,
        nearest_km=nearest_km,
        nearest_place=nearest,
        place_ids=places.ids,
        place_commune=host_communes(communes, places),
        ring_counts=counts,
        white_zone=white,
    )


@fingerprint_scope()
def coverage_result(place_filter: PlaceFilter = DEFAULT_FILTER) -> CoverageResult:
    fingerprint = data_fingerprint()

    def build() -> CoverageResult:
        if place_filter.is_default:
            stored = _stored_result(fingerprint)
            if stored is not None:
                return stored
        return compute_coverage(
            geography().communes, places_for(place_filter, fingerprint), coverage_settings()
        )

    return memoized(("result", place_filter.key, fingerprint), build)


# ------------------------------------------------------------------------------------------- zones without place


def zone_name(zone: str) -> str:
    """The name of a zone: "France métropolitaine", or the name of the overseas department it is."""
    if zone == METROPOLE:
        return _("France métropolitaine")
    return geography().zone_names.get(zone, zone)


def no_place_note(zone: str) -> str:
    """What a commune shows instead of a distance when its territory has no place counted."""
    return _("aucun tiers-lieu compté dans ce territoire (%(territory)s)") % {"territory": zone_name(zone)}


def _zones_without_place(result: CoverageResult, mask: np.ndarray) -> tuple[str, ...]:
    """Names of the territories (zones) of the masked communes that have no place counted at all."""
    communes = geography().communes
    if communes.zones is None:
        return ()
    empty = mask & (result.nearest_place < 0)
    zones = sorted(set(communes.zones[empty]), key=lambda z: (z != METROPOLE, z))
    return tuple(zone_name(z) for z in zones)


def commune_note(commune_id: str, km: float | None) -> str:
    """The note shown for a commune without a distance ("" when it has one)."""
    if km is not None and math.isfinite(km):
        return ""
    communes = geography().communes
    i = communes.position.get(commune_id)
    if i is None or communes.zones is None:
        return _("aucun tiers-lieu compté")
    return no_place_note(str(communes.zones[i]))


# ------------------------------------------------------------------------------------------- figures


@dataclass(frozen=True)
class Bar:
    label: str
    value: float  # what the bar length shows
    display: str  # the value as written
    url: str | None = None
    extra: dict = field(default_factory=dict)


@dataclass(frozen=True)
class CountedSource:
    label: str
    date: str
    places: int


def counted_sources(place_filter: PlaceFilter, fingerprint: str) -> tuple[CountedSource, ...]:
    """The main sources of the places `place_filter` counts, each with its date and number of places."""
    from tierslieux.places.provenance import sort_key, source_info

    places = places_for(place_filter, fingerprint)
    codes = places.tags.get("source")
    counts: dict[str, int] = {}
    for code in codes if codes is not None else []:
        counts[str(code)] = counts.get(str(code), 0) + 1
    out = []
    for code in sorted(counts, key=sort_key):
        info = source_info(code)
        out.append(CountedSource(str(info.label), str(info.date), counts[code]))
    return tuple(out)


@dataclass(frozen=True)
class Diagnostic:
    territory: Territory
    place_filter: PlaceFilter
    summary: TerritoryCoverage
    mean_km: float | None  # population-weighted mean distance to the nearest place
    histogram: list[Bar]
    children_kind: str | None
    children: list[Bar]
    fingerprint: str
    zones_without_place: tuple[str, ...] = ()
    """Territories (metropolitan France, overseas departments) of this one with no place counted: their
    communes have no distance (never one to a place of another territory)."""
    white_zone_notes: dict = field(default_factory=dict)
    """White-zone commune id -> the note shown instead of a distance (territory without place)."""
    sources: tuple[CountedSource, ...] = ()
    """The sources of the places counted (nationally), with the date of their data."""

    @property
    def share_rows(self) -> list[tuple[float, float, float]]:
        return list(
            zip(self.summary.rings_km, self.summary.population_within, self.summary.share_within, strict=True)
        )

    @property
    def has_data(self) -> bool:
        return self.summary.commune_count > 0


def _histogram(result: CoverageResult, mask: np.ndarray, population: np.ndarray) -> list[Bar]:
    km = result.nearest_km[mask]
    pop = population[mask]
    bars = []
    for low, high in itertools.pairwise(HISTOGRAM_BINS):
        inside = (km >= low) & (km < high)
        label = _distance_label(low, high)
        count = int(inside.sum())
        bars.append(Bar(label, count, fr_int(count), extra={"population": float(pop[inside].sum())}))
    none = ~np.isfinite(km)
    if none.any():
        count = int(none.sum())
        bars.append(
            Bar(
                _("aucun lieu compté"),
                count,
                fr_int(count),
                extra={"population": float(pop[none].sum())},
            )
        )
    return bars


def _mean_km(result: CoverageResult, mask: np.ndarray, population: np.ndarray) -> float | None:
    """Population-weighted mean distance of the communes that have a place in their territory (None when
    none has)."""
    km = result.nearest_km[mask]
    pop = population[mask]
    finite = np.isfinite(km)
    if not finite.any() or pop[finite].sum() <= 0:
        return None
    return float((km[finite] * pop[finite]).sum() / pop[finite].sum())


def _percent(value: float) -> str:
    return fr_percent(value)


def _children(territory: Territory, result: CoverageResult) -> tuple[str | None, list[Bar]]:
    """Coverage (share of the population within the white-zone radius) of the territory's subdivisions."""
    communes = geography().communes
    if territory.kind in ("france", "region"):
        key, kind = "department", "departement"
        names = dict(Department.objects.values_list("code", "name"))
    elif territory.kind == "departement":
        key, kind = "epci", "epci"
        names = dict(Epci.objects.values_list("siren", "name"))
    else:
        return None, []
    mask = territory.mask()
    codes = set(communes.territories[key][mask].astype(str))
    by = summarize_by(communes, result, key, max_white_zone_communes=0)
    bars = []
    for code in sorted(codes):
        if not code or code not in by:
            continue
        item = by[code]
        covered = 1.0 - item.white_zone_share if math.isfinite(item.white_zone_share) else math.nan
        label = f"{names.get(code, code)} ({code})" if kind == "departement" else names.get(code, code)
        extra: dict = {"summary": item}
        if kind == "departement":
            # The value the map colours this department with, and its class, so the table carries the map.
            km = _mean_km(result, communes.territories[key] == code, communes.population)
            k = distance_class(km)
            extra |= {"mean_km": km, "map_class": k, "map_label": map_legend()[k]["label"]}
        bars.append(
            Bar(
                label,
                covered if math.isfinite(covered) else 0.0,
                _percent(covered),
                _territory_url(kind, code),
                extra=extra,
            )
        )
    bars.sort(key=lambda b: (b.value, b.label))
    return kind, bars


@fingerprint_scope()
def territory_diagnostic(territory: Territory, place_filter: PlaceFilter = DEFAULT_FILTER) -> Diagnostic:
    fingerprint = data_fingerprint()

    def build() -> Diagnostic:
        communes = geography().communes
        result = coverage_result(place_filter)
        mask = territory.mask()
        summary = summarize_territory(
            communes, result, mask, label=territory.name, max_white_zone_communes=WHITE_ZONE_LIMIT
        )
        children_kind, children = _children(territory, result)
        return Diagnostic(
            territory=territory,
            place_filter=place_filter,
            summary=summary,
            mean_km=_mean_km(result, mask, communes.population),
            histogram=_histogram(result, mask, communes.population),
            children_kind=children_kind,
            children=children,
            fingerprint=fingerprint,
            zones_without_place=_zones_without_place(result, mask),
            white_zone_notes={
                c.commune_id: commune_note(str(c.commune_id), c.nearest_km)
                for c in summary.white_zone_communes
                if not math.isfinite(c.nearest_km)
            },
            sources=counted_sources(place_filter, fingerprint),
        )

    # the texts (histogram labels) are in the active language
    return memoized(("diagnostic", territory, place_filter.key, fingerprint, get_language()), build)


# ------------------------------------------------------------------------------------------- per-commune table


@dataclass(frozen=True)
class CommuneRow:
    insee: str
    name: str
    department: str
    epci: str
    population: int
    nearest_km: float | None
    road_km: float | None
    nearest_place: str
    nearest_place_url: str | None
    within_5km: int
    within_10km: int
    within_20km: int
    white_zone: bool
    note: str = ""  # instead of a distance: no place counted in the commune's territory


@fingerprint_scope()
def commune_rows(territory: Territory, place_filter: PlaceFilter = DEFAULT_FILTER) -> list[CommuneRow]:
    """One row per commune of the territory, most populated first."""
    communes = geography().communes
    result = coverage_result(place_filter)
    rows = np.flatnonzero(territory.mask())
    rows = rows[np.lexsort((communes.ids[rows].astype(str), -communes.population[rows]))]
    nearest_ids = result.nearest_place_id[rows]
    places = Place.objects.only("name", "slug").in_bulk({int(pid) for pid in nearest_ids if pid is not None})
    names = {pid: place.name for pid, place in places.items()}
    urls = {pid: _place_url(place) for pid, place in places.items()}
    road = result.road_km
    out = []
    for i, pid in zip(rows, nearest_ids, strict=True):
        km = float(result.nearest_km[i])
        out.append(
            CommuneRow(
                insee=str(communes.ids[i]),
                name=str(communes.names[i]),
                department=str(communes.territories["department"][i]),
                epci=str(communes.territories["epci"][i]),
                population=int(communes.population[i]),
                nearest_km=km if math.isfinite(km) else None,
                road_km=float(road[i]) if math.isfinite(km) else None,
                nearest_place=names.get(pid, ""),
                nearest_place_url=urls.get(pid),
                within_5km=int(result.ring_counts[i, 0]),
                within_10km=int(result.ring_counts[i, 1]),
                within_20km=int(result.ring_counts[i, 2]),
                white_zone=bool(result.white_zone[i]),
                note=commune_note(str(communes.ids[i]), km),
            )
        )
    return out


def _place_url(place: Place | None) -> str | None:
    if place is None:
        return None
    try:
        return place.get_absolute_url()
    except NoReverseMatch:  # the atlas pages may not be mounted yet
        return None


# ------------------------------------------------------------------------------------------- map


def distance_class(km: float | None) -> int:
    """Index of the map class of a distance (the last class: no place at all)."""
    if km is None or not math.isfinite(km):
        return len(MAP_CLASSES)
    for k, (_low, high) in enumerate(MAP_CLASSES):
        if km < high:
            return k
    return len(MAP_CLASSES) - 1


def _distance_label(low: float, high: float) -> str:
    if not math.isfinite(high):
        return _("%(low)s km et plus") % {"low": f"{low:g}"}
    return _("%(low)s à %(high)s km") % {"low": f"{low:g}", "high": f"{high:g}"}


def map_legend() -> list[dict]:
    items = []
    for k, (low, high) in enumerate(MAP_CLASSES):
        label = _("moins de %(high)s km") % {"high": f"{high:g}"} if low == 0 else _distance_label(low, high)
        items.append({"colour": MAP_COLOURS[k], "pattern": MAP_PATTERNS[k], "class": k, "label": label})
    k = len(MAP_CLASSES)
    items.append(
        {
            "colour": MAP_COLOURS[k],
            "pattern": MAP_PATTERNS[k],
            "class": k,
            "label": _("aucun tiers-lieu compté"),
        }
    )
    return items


def map_level(territory: Territory) -> str:
    """Departments for France and regions (payload weight), communes below."""
    return "departement" if territory.kind in ("france", "region") else "commune"


@fingerprint_scope()
def choropleth_geojson(territory: Territory, place_filter: PlaceFilter = DEFAULT_FILTER) -> bytes:
    """FeatureCollection (UTF-8) of the map: departments or communes coloured by distance to the nearest place.

    Properties: code, name, km (rounded to 0.1, null when no place), class (index of MAP_CLASSES, or the
    "no place" class), colour, label (the value as written).
    """
    fingerprint = data_fingerprint()

    def build() -> bytes:
        communes = geography().communes
        result = coverage_result(place_filter)
        features: list[str] = []
        if map_level(territory) == "departement":
            mask = territory.mask()
            codes = sorted(set(communes.territories["department"][mask].astype(str)))
            outlines = Department.objects.filter(code__in=codes).exclude(outline="")
            dep = communes.territories["department"].astype(str)
            items = []
            for code, name, outline in outlines.values_list("code", "name", "outline"):
                rows = dep == code
                km = _mean_km(result, rows, communes.population)
                items.append((code, f"{name} ({code})", km, outline))
        else:
            if territory.kind == "commune":
                epci = (
                    communes.territories["epci"][communes.position[territory.code]]
                    if territory.code in communes.position
                    else ""
                )
                scope = (
                    Commune.objects.filter(epci_id=epci)
                    if epci
                    else Commune.objects.filter(insee=territory.code)
                )
            elif territory.kind == "epci":
                scope = Commune.objects.filter(epci_id=territory.code)
            else:
                scope = Commune.objects.filter(department_id=territory.code)
            items = []
            for insee, name, outline in (
                scope.filter(kind=Commune.Kind.COMMUNE)
                .exclude(outline="")
                .values_list("insee", "name", "outline")
            ):
                i = communes.position.get(insee)
                km = float(result.nearest_km[i]) if i is not None else None
                items.append((insee, name, km if km is not None and math.isfinite(km) else None, outline))
        for code, name, km, outline in items:
            k = distance_class(km)
            if km is not None:
                label = fr_km(km)
            elif len(code) == 5:
                label = commune_note(code, None)
            else:  # a department: its zone is the department's own overseas, or the metropolitan one
                label = no_place_note(code if code in geography().zone_names else METROPOLE)
            properties = {
                "code": code,
                "name": name,
                "km": None if km is None else round(km, 1),
                "class": k,
                "colour": MAP_COLOURS[k],
                "pattern": MAP_PATTERNS[k],
                "label": label,
            }
            features.append(
                '{"type":"Feature","properties":'
                + json.dumps(properties, ensure_ascii=False)
                + ',"geometry":'
                + outline.strip()
                + "}"
            )
        return ('{"type":"FeatureCollection","features":[' + ",".join(features) + "]}").encode()

    # the texts (labels) are in the active language
    return memoized(("geojson", territory, place_filter.key, fingerprint, get_language()), build)


# ------------------------------------------------------------------------------------------- what-if


@dataclass(frozen=True)
class WhatIfCommune:
    insee: str
    name: str
    population: int


@dataclass(frozen=True)
class WhatIfPreview:
    lon: float
    lat: float
    commune: WhatIfCommune | None  # the commune whose point is nearest to the hypothetical place
    white_zone_km: float
    population_gained: float
    rings: list[tuple[float, float]]  # (ring km, population brought within it)
    leaving: list[WhatIfCommune]
    leaving_count: int


WHAT_IF_LIST = 30


@fingerprint_scope()
def what_if(lon: float, lat: float, place_filter: PlaceFilter = DEFAULT_FILTER) -> WhatIfPreview:
    """Effect of a hypothetical new place at (lon, lat) on the coverage counted by `place_filter`.

    Nothing is written. Raises ValueError for coordinates out of range.
    """
    fingerprint = data_fingerprint()
    geo = geography()
    index: CoverageIndex = memoized(
        ("index", place_filter.key, fingerprint),
        lambda: CoverageIndex(geo.communes, places_for(place_filter, fingerprint), coverage_settings()),
    )
    result = index.what_if(lon, lat)
    communes = geo.communes

    def describe(i: int) -> WhatIfCommune:
        return WhatIfCommune(str(communes.ids[i]), str(communes.names[i]), int(communes.population[i]))

    host = None
    if len(communes):
        host = describe(int(communes.nearest_rows(_xyz(lon, lat))[0]))
    leaving = [describe(communes.position[c]) for c in result.communes_leaving_white_zone]
    return WhatIfPreview(
        lon=float(lon),
        lat=float(lat),
        commune=host,
        white_zone_km=result.white_zone_km,
        population_gained=result.population_gained,
        rings=list(zip(result.rings_km, result.population_gained_by_ring, strict=True)),
        leaving=leaving[:WHAT_IF_LIST],
        leaving_count=len(leaving),
    )


def _xyz(lon: float, lat: float) -> np.ndarray:
    return lonlat_to_xyz(np.array([lon], dtype=float), np.array([lat], dtype=float)).reshape(3)
