"""From the database to the pure coverage module (`tierslieux.geo.coverage`): communes, places, filters.

Everything here is read-only. Inputs and results are kept in memory, keyed by a fingerprint of the data
(places, communes, parameters), so a change of any place is seen by the next request.
"""

from __future__ import annotations

import hashlib
import threading
from collections.abc import Callable, Iterator
from contextlib import contextmanager
from dataclasses import dataclass, field
from typing import Any, TypeVar

import numpy as np
from django.conf import settings
from django.core.cache import caches
from django.db.models import Count, Max, Sum
from django.db.models.functions import Length

from tierslieux.core.cache import LOCAL, LOCAL_DATA, cached
from tierslieux.geo.coverage import Communes, CoverageSettings, Places, choose_coordinates
from tierslieux.geo.coverage.inputs import territory_zone
from tierslieux.geo.models import Commune, Department
from tierslieux.places.models import (
    DIGITAL_INCLUSION_TYPES,
    Label,
    Place,
    PlaceStatus,
    PlaceType,
    Publication,
    is_digital_inclusion,
)

T = TypeVar("T")


def coverage_settings() -> CoverageSettings:
    """Parameters: settings `COVERAGE_WHITE_ZONE_KM` and `COVERAGE_DETOUR_FACTOR` (docs/environment.md)."""
    return CoverageSettings(
        white_zone_km=float(settings.COVERAGE_WHITE_ZONE_KM),
        rings_km=(5.0, 10.0, 20.0),
        detour_factor=float(settings.COVERAGE_DETOUR_FACTOR),
    )


def settings_parameters(cs: CoverageSettings) -> dict[str, Any]:
    return {
        "white_zone_km": cs.white_zone_km,
        "rings_km": list(cs.rings_km),
        "detour_factor": cs.detour_factor,
    }


# ------------------------------------------------------------------------------------------- place filter


STATUS_PLURALS = {
    PlaceStatus.PROJECT.value: "en projet",
    PlaceStatus.OPEN.value: "ouverts",
    PlaceStatus.TEMPORARILY_CLOSED.value: "fermés temporairement",
    PlaceStatus.CLOSED.value: "fermés définitivement",
}


@dataclass(frozen=True)
class PlaceFilter:
    """Which places count: any of `statuses`, and any of `types` / `labels` (empty: no condition). The
    digital-inclusion places (the médiation numérique list of one region, `is_digital_inclusion`) count only
    with `digital_inclusion`, or when one of their types is asked for; published places only."""

    statuses: tuple[str, ...] = (PlaceStatus.OPEN.value,)
    types: tuple[str, ...] = ()
    labels: tuple[str, ...] = ()
    digital_inclusion: bool = False

    def __post_init__(self) -> None:
        for name, choices in (("statuses", PlaceStatus), ("types", PlaceType), ("labels", Label)):
            values = tuple(sorted({str(v) for v in getattr(self, name)}))
            unknown = set(values) - set(choices.values)
            if unknown:
                raise ValueError(f"{name}: valeurs inconnues {sorted(unknown)}")
            object.__setattr__(self, name, values)

    @property
    def is_default(self) -> bool:
        return self == DEFAULT_FILTER

    @property
    def key(self) -> str:
        layer = ";m=1" if self.digital_inclusion else ""
        return f"s={','.join(self.statuses)};t={','.join(self.types)};l={','.join(self.labels)}{layer}"

    @property
    def counts_digital_inclusion(self) -> bool:
        return self.digital_inclusion or bool(DIGITAL_INCLUSION_TYPES & set(self.types))

    def query(self) -> str:
        """The filter as URL parameters (empty for the default filter)."""
        if self.is_default:
            return ""
        parts = [f"statut={s}" for s in self.statuses] or ["statut="]
        parts += [f"type={t}" for t in self.types] + [f"label={lab}" for lab in self.labels]
        if self.digital_inclusion:
            parts.append("mediation=1")
        return "&".join(parts)

    def accepts(self, status: str, types: tuple[str, ...], labels: tuple[str, ...]) -> bool:
        return (
            status in self.statuses
            and (not self.types or bool(set(types) & set(self.types)))
            and (not self.labels or bool(set(labels) & set(self.labels)))
            and (self.counts_digital_inclusion or not is_digital_inclusion(types))
        )

    def describe(self) -> str:
        """A French sentence: which places count."""
        parts = [
            "tiers-lieux " + (" ou ".join(STATUS_PLURALS[s] for s in self.statuses) if self.statuses else "—")
        ]
        if self.types:
            type_names = dict(PlaceType.choices)
            parts.append("de type " + " ou ".join(str(type_names[t]) for t in self.types))
        if self.labels:
            label_names = dict(Label.choices)
            parts.append("labellisés " + " ou ".join(str(label_names[lab]) for lab in self.labels))
        if self.digital_inclusion:
            parts.append("lieux de médiation numérique compris")
        elif not self.counts_digital_inclusion:
            parts.append("hors lieux de médiation numérique")
        return ", ".join(parts)


DEFAULT_FILTER = PlaceFilter()
# The labelled network ("Fabriques"), not closed: what the selection optimiser counts as existing by default.
LABELLED_NETWORK = PlaceFilter(
    statuses=(PlaceStatus.OPEN.value, PlaceStatus.PROJECT.value, PlaceStatus.TEMPORARILY_CLOSED.value),
    labels=(Label.FABRIQUE.value, Label.FABRIQUE_NUMERIQUE.value),
)


# ------------------------------------------------------------------------------------------- fingerprints


_scope = threading.local()


@contextmanager
def fingerprint_scope() -> Iterator[None]:
    """Within this block (or decorated function) the fingerprints are read from the database once."""
    if getattr(_scope, "values", None) is not None:
        yield
        return
    _scope.values = {}
    try:
        yield
    finally:
        _scope.values = None


def _scoped(name: str, read: Callable[[], str]) -> str:
    values = getattr(_scope, "values", None)
    if values is None:
        return read()
    if name not in values:
        values[name] = read()
    return values[name]


def _geography_fingerprint() -> str:
    totals = Commune.objects.filter(kind=Commune.Kind.COMMUNE).aggregate(
        n=Count("insee"),
        p=Sum("population"),
        last=Max("insee"),
        x=Sum("town_hall_lon"),
        y=Sum("town_hall_lat"),
        iy=Sum("interior_lat"),
        chars=Sum(Length("name")),  # names shown by the pages (a renamed commune: "Havre" -> "Le Havre")
    )
    return ":".join(str(totals[k]) for k in ("n", "p", "last", "x", "y", "iy", "chars"))


def geography_fingerprint() -> str:
    return _scoped("geography", _geography_fingerprint)


def _places_fingerprint() -> str:
    totals = Place.objects.aggregate(n=Count("id"), s=Sum("id"), last=Max("updated_at"))
    last = totals["last"].isoformat() if totals["last"] else ""
    return f"{totals['n']}:{totals['s']}:{last}"


def places_fingerprint() -> str:
    return _scoped("places", _places_fingerprint)


def coverage_parameters() -> dict[str, Any]:
    """What a stored run was computed with: the parameters, the communes and the method (compared before
    reusing it; runs stored before distances were kept within each territory are recomputed)."""
    return settings_parameters(coverage_settings()) | {
        "geography": geography_fingerprint(),
        "distances": "par territoire",
    }


def data_fingerprint() -> str:
    """Changes whenever a place, the communes or the parameters change."""
    raw = f"{geography_fingerprint()}|{places_fingerprint()}|{settings_parameters(coverage_settings())}"
    return hashlib.sha256(raw.encode()).hexdigest()[:32]


# ------------------------------------------------------------------------------------------- memory cache

# Inputs and full results (large, few) are kept apart from per-territory figures and maps (small, many), so
# that browsing many territories never evicts the national computation: two stores of the process memory
# (core/cache.py, settings.CACHES "local-data" and "local").
_CORE_KINDS = {"geography", "place-rows", "places", "result", "index"}


def memoized(key: tuple, build: Callable[[], T]) -> T:
    """Value of `key` from the process memory, built once (the key must carry the data fingerprint)."""
    store = LOCAL_DATA if key[0] in _CORE_KINDS else LOCAL
    return cached(("diagnostic", *key), build, store=store, timeout=None)


def memory_cache_clear() -> None:
    caches[LOCAL_DATA].clear()
    caches[LOCAL].clear()


# ------------------------------------------------------------------------------------------- inputs


@dataclass(frozen=True, eq=False)
class Geography:
    """Communes (type COM with a known point) as the pure module wants them, with lookups.

    Distances stay within each territory (`territory_zone`: metropolitan France with Corsica, each overseas
    department on its own): a commune's nearest place is never on another continent.
    """

    communes: Communes
    parent_of: dict[str, str] = field(default_factory=dict)
    """Municipal arrondissement -> its commune (a place in an arrondissement counts in the city)."""
    zone_names: dict[str, str] = field(default_factory=dict)
    """Zone -> the name of its overseas department (the metropolitan zone is named by the selectors)."""


def _load_geography() -> Geography:
    rows = list(
        Commune.objects.filter(kind=Commune.Kind.COMMUNE)
        .order_by("insee")
        .values_list(
            "insee",
            "name",
            "population",
            "town_hall_lon",
            "town_hall_lat",
            "interior_lon",
            "interior_lat",
            "department_id",
            "region_id",
            "epci_id",
        )
    )
    lon, lat = choose_coordinates(
        [r[3] for r in rows], [r[4] for r in rows], [r[5] for r in rows], [r[6] for r in rows]
    )
    known = np.isfinite(lon) & np.isfinite(lat)
    rows = [r for r, ok in zip(rows, known, strict=True) if ok]
    communes = Communes(
        ids=[r[0] for r in rows],
        lon=lon[known],
        lat=lat[known],
        population=[r[2] for r in rows],
        names=[r[1] for r in rows],
        territories={
            "department": [r[7] for r in rows],
            "region": [r[8] for r in rows],
            "epci": [r[9] or "" for r in rows],
        },
        zones=[territory_zone(r[7]) for r in rows],
    )
    parents = dict(
        Commune.objects.filter(kind=Commune.Kind.ARRONDISSEMENT, parent__isnull=False).values_list(
            "insee", "parent_id"
        )
    )
    zones = set(communes.zones)
    names = dict(Department.objects.filter(code__in=sorted(zones)).values_list("code", "name"))
    return Geography(communes=communes, parent_of=parents, zone_names=names)


def geography() -> Geography:
    return memoized(("geography", geography_fingerprint()), _load_geography)


@dataclass(frozen=True, eq=False)
class PlaceRows:
    ids: list[int]
    lon: list[float]
    lat: list[float]
    commune_ids: list[str]
    statuses: list[str]
    types: list[tuple[str, ...]]
    labels: list[tuple[str, ...]]
    sources: list[str]  # main source of each place (`Place.source`)


def _load_places(geo: Geography) -> PlaceRows:
    rows = list(
        Place.objects.filter(publication=Publication.PUBLISHED)
        .order_by("id")
        .values_list("id", "lon", "lat", "commune_id", "status", "types", "labels", "source")
    )
    rows = [r for r in rows if r[1] is not None and r[2] is not None and abs(r[1]) <= 180 and abs(r[2]) <= 90]
    return PlaceRows(
        ids=[r[0] for r in rows],
        lon=[r[1] for r in rows],
        lat=[r[2] for r in rows],
        commune_ids=[geo.parent_of.get(r[3], r[3]) for r in rows],
        statuses=[r[4] for r in rows],
        types=[tuple(r[5] or ()) for r in rows],
        labels=[tuple(r[6] or ()) for r in rows],
        sources=[r[7] or "" for r in rows],
    )


def places_for(place_filter: PlaceFilter, fingerprint: str | None = None) -> Places:
    """The places counted by `place_filter`, as the pure module wants them."""
    fingerprint = fingerprint or data_fingerprint()

    def build() -> Places:
        rows = memoized(("place-rows", fingerprint), lambda: _load_places(geography()))
        keep = [
            i
            for i in range(len(rows.ids))
            if place_filter.accepts(rows.statuses[i], rows.types[i], rows.labels[i])
        ]
        return Places(
            ids=[rows.ids[i] for i in keep],
            lon=[rows.lon[i] for i in keep],
            lat=[rows.lat[i] for i in keep],
            commune_ids=[rows.commune_ids[i] for i in keep],
            tags={"source": [rows.sources[i] for i in keep]},
        )

    return memoized(("places", place_filter.key, fingerprint), build)
