"""Coverage of French communes by third places (plain Python: numpy + scipy, no Django).

For every commune (one representative point: the town hall, or the interior point when the
town hall is unknown; see :func:`choose_coordinates`) we compute the great-circle distance to
the nearest place, which place it is, how many places lie within each ring (5/10/20 km by
default) and whether the commune is in a *white zone* (no place within ``white_zone_km``).

Distances are straight lines on a sphere; ``road_km`` is only ``nearest_km * detour_factor``.

Geometry: points become unit vectors in 3D (:func:`~tierslieux.geo.spherical.lonlat_to_xyz`).
The chord between two unit vectors grows strictly with the great-circle distance, so a
Euclidean KD-tree (``scipy.spatial.cKDTree``) answers nearest-neighbour and "within r km"
queries exactly. All "within r km" tests are done on chords (``chord <= km_to_chord(r)``), in
the full computation, in the incremental index and in the what-if, so they agree.

Main entry points:

* :func:`compute_coverage` - full computation (optionally on a subset of places);
* :func:`summarize_territory` / :func:`summarize_by` - figures for a group of communes;
* :class:`CoverageIndex` - stateful incremental updates (add/move/remove a place) and what-if.
"""

from __future__ import annotations

import math
from collections.abc import Callable, Iterator, Mapping
from dataclasses import dataclass, field
from functools import cached_property
from typing import Any

import numpy as np
from numpy.typing import ArrayLike, NDArray
from scipy.spatial import cKDTree

from tierslieux.geo.spherical import chord_to_km, km_to_chord, lonlat_to_xyz

__all__ = [
    "CommuneCoverage",
    "Communes",
    "CoverageIndex",
    "CoverageResult",
    "CoverageSettings",
    "PlaceSelector",
    "Places",
    "TerritoryCoverage",
    "WhatIf",
    "WhiteZoneCommune",
    "choose_coordinates",
    "compute_coverage",
    "summarize_by",
    "summarize_territory",
]

FloatArray = NDArray[np.float64]
IntArray = NDArray[np.int64]
BoolArray = NDArray[np.bool_]
ObjectArray = NDArray[np.object_]

PlaceSelector = ArrayLike | Callable[[Mapping[str, Any]], bool]
"""A boolean mask over places, or a predicate receiving ``{"id": ..., **tags}`` for one place."""

# Number of places per sparse-distance chunk: bounds memory when places are numerous.
_PLACE_CHUNK = 8192


# ----------------------------------------------------------------------------- inputs


@dataclass(frozen=True)
class CoverageSettings:
    """Parameters of the computation (all distances in great-circle km)."""

    white_zone_km: float = 10.0
    rings_km: tuple[float, ...] = (5.0, 10.0, 20.0)
    detour_factor: float = 1.3

    def __post_init__(self) -> None:
        rings = tuple(sorted({float(r) for r in self.rings_km}))
        for value in (*rings, self.white_zone_km):
            if not (math.isfinite(value) and value > 0):
                raise ValueError(f"distances must be finite and > 0 km, got {value!r}")
        if not (math.isfinite(self.detour_factor) and self.detour_factor >= 1.0):
            raise ValueError(f"detour_factor must be finite and >= 1, got {self.detour_factor!r}")
        object.__setattr__(self, "rings_km", rings)
        object.__setattr__(self, "white_zone_km", float(self.white_zone_km))

    @property
    def radii_km(self) -> tuple[float, ...]:
        """Every radius the computation counts places within: the rings plus the white-zone radius."""
        return tuple(sorted({*self.rings_km, self.white_zone_km}))


def _object_array(values: ArrayLike, n: int, what: str) -> ObjectArray:
    arr = np.empty(n, dtype=object)
    seq = list(values)
    if len(seq) != n:
        raise ValueError(f"{what}: expected {n} values, got {len(seq)}")
    arr[:] = seq
    return arr


def _validated_coordinates(lon: ArrayLike, lat: ArrayLike, what: str) -> tuple[FloatArray, FloatArray]:
    lon_arr = np.asarray(lon, dtype=np.float64).reshape(-1)
    lat_arr = np.asarray(lat, dtype=np.float64).reshape(-1)
    if lon_arr.shape != lat_arr.shape:
        raise ValueError(f"{what}: lon and lat lengths differ ({lon_arr.size} != {lat_arr.size})")
    bad = ~(np.isfinite(lon_arr) & np.isfinite(lat_arr))
    if bad.any():
        raise ValueError(
            f"{what}: {int(bad.sum())} point(s) with NaN or infinite coordinates "
            f"(first at position {int(np.argmax(bad))}); choose another point or drop them"
        )
    out = (np.abs(lat_arr) > 90.0) | (np.abs(lon_arr) > 180.0)
    if out.any():
        i = int(np.argmax(out))
        raise ValueError(f"{what}: coordinates out of range at position {i}: ({lon_arr[i]}, {lat_arr[i]})")
    return lon_arr, lat_arr


def _check_unique(ids: ObjectArray, what: str) -> None:
    seen: set[Any] = set()
    for value in ids:
        if value in seen:
            raise ValueError(f"{what}: duplicate id {value!r}")
        seen.add(value)


def choose_coordinates(
    primary_lon: ArrayLike, primary_lat: ArrayLike, fallback_lon: ArrayLike, fallback_lat: ArrayLike
) -> tuple[FloatArray, FloatArray]:
    """Use the primary point (e.g. the town hall) where it is known, else the fallback (interior point).

    ``None`` counts as unknown. Points unknown on both sides stay NaN: drop them before building
    :class:`Communes`, which rejects NaN.
    """

    def as_float(values: ArrayLike) -> FloatArray:
        return np.array(
            [np.nan if v is None else v for v in np.asarray(values, dtype=object).reshape(-1)], float
        )

    p_lon, p_lat, f_lon, f_lat = (as_float(v) for v in (primary_lon, primary_lat, fallback_lon, fallback_lat))
    known = np.isfinite(p_lon) & np.isfinite(p_lat)
    return np.where(known, p_lon, f_lon), np.where(known, p_lat, f_lat)


@dataclass(frozen=True, eq=False)
class Communes:
    """Communes with one point each, a population and optional territory keys.

    ``population`` may contain ``None``/NaN (counted as 0). ``territories`` maps a key such as
    ``"department"``, ``"region"`` or ``"epci"`` to one code per commune.
    """

    ids: ObjectArray
    lon: FloatArray
    lat: FloatArray
    population: FloatArray | None = None
    names: ObjectArray | None = None
    territories: Mapping[str, ObjectArray] = field(default_factory=dict)

    def __post_init__(self) -> None:
        lon, lat = _validated_coordinates(self.lon, self.lat, "communes")
        n = lon.size
        ids = _object_array(self.ids, n, "communes ids")
        _check_unique(ids, "communes")
        if self.population is None:
            population = np.zeros(n)
        else:
            raw = _object_array(self.population, n, "communes population")
            population = np.array([np.nan if v is None else v for v in raw], dtype=np.float64)
            population[np.isnan(population)] = 0.0
            if (population < 0).any() or not np.isfinite(population).all():
                raise ValueError("communes population must be finite and >= 0")
        names = None if self.names is None else _object_array(self.names, n, "communes names")
        territories = {
            key: _object_array(codes, n, f"territory {key!r}") for key, codes in self.territories.items()
        }
        for name, value in (("ids", ids), ("lon", lon), ("lat", lat), ("population", population)):
            object.__setattr__(self, name, value)
        object.__setattr__(self, "names", names)
        object.__setattr__(self, "territories", territories)

    def __len__(self) -> int:
        return int(self.lon.size)

    @cached_property
    def xyz(self) -> FloatArray:
        """Unit vectors, shape ``(n, 3)``."""
        return lonlat_to_xyz(self.lon, self.lat).reshape(-1, 3)

    @cached_property
    def tree(self) -> cKDTree:
        """KD-tree on :attr:`xyz`, built once and reused by every computation on these communes."""
        return cKDTree(self.xyz)

    @cached_property
    def position(self) -> dict[Any, int]:
        """Commune id -> row index."""
        return {value: i for i, value in enumerate(self.ids)}


@dataclass(frozen=True, eq=False)
class Places:
    """Third places: ids, points, optional tags (type, label, status...) and optional host commune ids.

    When ``commune_ids`` is not given, a place is counted in the territory of the commune whose
    point is nearest (used only for "places per 10,000 inhabitants").
    """

    ids: ObjectArray
    lon: FloatArray
    lat: FloatArray
    tags: Mapping[str, ObjectArray] = field(default_factory=dict)
    commune_ids: ObjectArray | None = None

    def __post_init__(self) -> None:
        lon, lat = _validated_coordinates(self.lon, self.lat, "places")
        n = lon.size
        ids = _object_array(self.ids, n, "places ids")
        _check_unique(ids, "places")
        tags = {key: _object_array(values, n, f"tag {key!r}") for key, values in self.tags.items()}
        commune_ids = None if self.commune_ids is None else _object_array(self.commune_ids, n, "commune_ids")
        for name, value in (
            ("ids", ids),
            ("lon", lon),
            ("lat", lat),
            ("tags", tags),
            ("commune_ids", commune_ids),
        ):
            object.__setattr__(self, name, value)

    def __len__(self) -> int:
        return int(self.lon.size)

    def tags_of(self, i: int) -> dict[str, Any]:
        """``{"id": ..., **tags}`` of place ``i`` (what a selector predicate receives)."""
        return {"id": self.ids[i], **{key: values[i] for key, values in self.tags.items()}}

    def mask(self, selector: PlaceSelector) -> BoolArray:
        """Boolean mask of the places kept by ``selector`` (a mask or a predicate over tags)."""
        if callable(selector):
            return np.fromiter((bool(selector(self.tags_of(i))) for i in range(len(self))), bool, len(self))
        mask = np.asarray(selector)
        if mask.dtype != np.bool_ or mask.shape != (len(self),):
            raise ValueError(f"place mask must be a boolean array of length {len(self)}")
        return mask

    def subset(self, selector: PlaceSelector) -> Places:
        """The places kept by ``selector``."""
        keep = self.mask(selector)
        return Places(
            ids=self.ids[keep],
            lon=self.lon[keep],
            lat=self.lat[keep],
            tags={key: values[keep] for key, values in self.tags.items()},
            commune_ids=None if self.commune_ids is None else self.commune_ids[keep],
        )

    @cached_property
    def xyz(self) -> FloatArray:
        """Unit vectors, shape ``(n, 3)``."""
        return lonlat_to_xyz(self.lon, self.lat).reshape(-1, 3)


# ----------------------------------------------------------------------------- outputs


@dataclass(frozen=True)
class CommuneCoverage:
    """Coverage of one commune (one row of :meth:`CoverageResult.rows`)."""

    commune_id: Any
    nearest_km: float
    road_km: float
    nearest_place_id: Any
    ring_counts: tuple[int, ...]
    white_zone: bool


@dataclass(frozen=True, eq=False)
class CoverageResult:
    """Coverage of every commune (arrays aligned with the communes given).

    ``nearest_place`` indexes ``place_ids`` (-1 when there is no place at all, with
    ``nearest_km = inf``). ``ring_counts[:, k]`` counts places within ``settings.rings_km[k]``.
    ``place_commune`` gives, for each place, the row of its host commune (-1 if unknown).
    Ties between equidistant places are broken arbitrarily.
    """

    settings: CoverageSettings
    commune_ids: ObjectArray
    nearest_km: FloatArray
    nearest_place: IntArray
    place_ids: ObjectArray
    place_commune: IntArray
    ring_counts: IntArray
    white_zone: BoolArray

    @property
    def road_km(self) -> FloatArray:
        """Approximate road distance: ``nearest_km * detour_factor``."""
        return self.nearest_km * self.settings.detour_factor

    @property
    def nearest_place_id(self) -> ObjectArray:
        """Id of the nearest place per commune (``None`` when there is no place)."""
        out = np.full(self.nearest_place.size, None, dtype=object)
        found = self.nearest_place >= 0
        out[found] = self.place_ids[self.nearest_place[found]]
        return out

    def count_within(self, ring_km: float) -> IntArray:
        """Counts of places within one of the configured rings."""
        return self.ring_counts[:, self.settings.rings_km.index(float(ring_km))]

    def rows(self) -> Iterator[CommuneCoverage]:
        """One :class:`CommuneCoverage` per commune, in input order."""
        road = self.road_km
        place_ids = self.nearest_place_id
        for i, commune_id in enumerate(self.commune_ids):
            yield CommuneCoverage(
                commune_id=commune_id,
                nearest_km=float(self.nearest_km[i]),
                road_km=float(road[i]),
                nearest_place_id=place_ids[i],
                ring_counts=tuple(int(c) for c in self.ring_counts[i]),
                white_zone=bool(self.white_zone[i]),
            )


@dataclass(frozen=True)
class WhiteZoneCommune:
    """A commune with no place within the white-zone radius."""

    commune_id: Any
    name: str | None
    population: float
    nearest_km: float


@dataclass(frozen=True)
class TerritoryCoverage:
    """Coverage figures for a group of communes (EPCI, department, region, France...).

    Shares are fractions in [0, 1] (NaN when the territory has no inhabitants);
    ``places_per_10k`` counts the places hosted in the territory.
    """

    label: str
    commune_count: int
    population: float
    place_count: int
    places_per_10k: float
    rings_km: tuple[float, ...]
    population_within: tuple[float, ...]
    share_within: tuple[float, ...]
    white_zone_km: float
    white_zone_population: float
    white_zone_share: float
    white_zone_commune_count: int
    white_zone_communes: tuple[WhiteZoneCommune, ...]


@dataclass(frozen=True)
class WhatIf:
    """Effect of one hypothetical new place, computed without changing anything."""

    lon: float
    lat: float
    white_zone_km: float
    population_gained: float
    """Population of the communes that would leave the white zone (nothing within R km today)."""
    rings_km: tuple[float, ...]
    population_gained_by_ring: tuple[float, ...]
    """For each ring, population of the communes with no place within it today, and one tomorrow."""
    communes_leaving_white_zone: tuple[Any, ...]


# ----------------------------------------------------------------------------- full computation


def _radius_chords(settings: CoverageSettings) -> FloatArray:
    return np.array([km_to_chord(r) for r in settings.radii_km])


def _nearest(place_tree: cKDTree | None, xyz: FloatArray, workers: int) -> tuple[FloatArray, IntArray]:
    if place_tree is None or place_tree.n == 0:
        return np.full(len(xyz), np.inf), np.full(len(xyz), -1, dtype=np.int64)
    chord, index = place_tree.query(xyz, k=1, workers=workers)
    return np.asarray(chord, dtype=np.float64), np.asarray(index, dtype=np.int64)


def _radius_counts(commune_tree: cKDTree, place_xyz: FloatArray, chords: FloatArray) -> IntArray:
    """Counts of places within each chord radius, for every commune (dual-tree sparse distances).

    Places are processed in chunks so that the (commune, place) pair list stays bounded.
    """
    n, n_radii = commune_tree.n, chords.size
    counts = np.zeros((n, n_radii), dtype=np.int64)
    if len(place_xyz) == 0 or n == 0:
        return counts
    for start in range(0, len(place_xyz), _PLACE_CHUNK):
        chunk_tree = cKDTree(place_xyz[start : start + _PLACE_CHUNK])
        pairs = commune_tree.sparse_distance_matrix(chunk_tree, chords[-1], output_type="ndarray")
        # ring bin b = number of radii strictly below the distance: within radius k <=> b <= k.
        bins = np.searchsorted(chords, pairs["v"], side="left")
        hist = np.bincount(pairs["i"] * n_radii + bins, minlength=n * n_radii)
        counts += np.cumsum(hist.reshape(n, n_radii), axis=1)
    return counts


def _host_communes(communes: Communes, places: Places) -> IntArray:
    if places.commune_ids is not None:
        position = communes.position
        return np.array([position.get(c, -1) for c in places.commune_ids], dtype=np.int64)
    if len(places) == 0 or len(communes) == 0:
        return np.full(len(places), -1, dtype=np.int64)
    return np.asarray(communes.tree.query(places.xyz, k=1)[1], dtype=np.int64)


def _result(
    communes: Communes,
    settings: CoverageSettings,
    nearest_chord: FloatArray,
    nearest_place: IntArray,
    place_ids: ObjectArray,
    place_commune: IntArray,
    radius_counts: IntArray,
) -> CoverageResult:
    radii = settings.radii_km
    ring_columns = [radii.index(r) for r in settings.rings_km]
    return CoverageResult(
        settings=settings,
        commune_ids=communes.ids,
        nearest_km=chord_to_km(nearest_chord),
        nearest_place=nearest_place,
        place_ids=place_ids,
        place_commune=place_commune,
        ring_counts=radius_counts[:, ring_columns],
        white_zone=radius_counts[:, radii.index(settings.white_zone_km)] == 0,
    )


def compute_coverage(
    communes: Communes,
    places: Places,
    settings: CoverageSettings | None = None,
    *,
    place_subset: PlaceSelector | None = None,
    workers: int = 1,
) -> CoverageResult:
    """Full computation of the coverage of ``communes`` by ``places`` (or by the subset selected).

    ``workers`` is passed to scipy's nearest-neighbour query (-1 = all cores).
    """
    settings = settings or CoverageSettings()
    if place_subset is not None:
        places = places.subset(place_subset)
    place_tree = cKDTree(places.xyz) if len(places) else None
    nearest_chord, nearest_place = _nearest(place_tree, communes.xyz, workers)
    counts = _radius_counts(communes.tree, places.xyz, _radius_chords(settings))
    return _result(
        communes, settings, nearest_chord, nearest_place, places.ids, _host_communes(communes, places), counts
    )


# ----------------------------------------------------------------------------- aggregation


def _share(part: float, whole: float) -> float:
    return part / whole if whole > 0 else math.nan


def _summarize_rows(
    communes: Communes,
    result: CoverageResult,
    rows: IntArray,
    place_count: int,
    label: str,
    limit: int | None,
) -> TerritoryCoverage:
    population = communes.population[rows]
    total = float(population.sum())
    covered = result.ring_counts[rows] > 0
    within = tuple(float(population[covered[:, k]].sum()) for k in range(covered.shape[1]))
    white_rows = rows[result.white_zone[rows]]
    white_population = communes.population[white_rows]
    # Most populated first; ties by id for a stable order.
    order = sorted(
        range(white_rows.size), key=lambda j: (-white_population[j], str(communes.ids[white_rows[j]]))
    )
    if limit is not None:
        order = order[:limit]
    white_list = tuple(
        WhiteZoneCommune(
            commune_id=communes.ids[white_rows[j]],
            name=None if communes.names is None else communes.names[white_rows[j]],
            population=float(white_population[j]),
            nearest_km=float(result.nearest_km[white_rows[j]]),
        )
        for j in order
    )
    white_total = float(white_population.sum())
    return TerritoryCoverage(
        label=label,
        commune_count=int(rows.size),
        population=total,
        place_count=place_count,
        places_per_10k=_share(place_count * 10_000.0, total),
        rings_km=result.settings.rings_km,
        population_within=within,
        share_within=tuple(_share(p, total) for p in within),
        white_zone_km=result.settings.white_zone_km,
        white_zone_population=white_total,
        white_zone_share=_share(white_total, total),
        white_zone_commune_count=int(white_rows.size),
        white_zone_communes=white_list,
    )


def summarize_territory(
    communes: Communes,
    result: CoverageResult,
    commune_mask: ArrayLike | None = None,
    *,
    label: str = "France",
    max_white_zone_communes: int | None = None,
) -> TerritoryCoverage:
    """Figures for the communes selected by ``commune_mask`` (all communes when ``None``).

    ``result`` must come from the full set of places (a territory's communes may be served by
    places outside it); to restrict to a type of place, compute it with ``place_subset``.
    """
    n = len(communes)
    mask = np.ones(n, dtype=bool) if commune_mask is None else np.asarray(commune_mask, dtype=bool)
    if mask.shape != (n,):
        raise ValueError(f"commune_mask must have length {n}")
    hosts = result.place_commune
    place_count = int(mask[hosts[hosts >= 0]].sum())
    return _summarize_rows(
        communes, result, np.flatnonzero(mask), place_count, label, max_white_zone_communes
    )


def summarize_by(
    communes: Communes, result: CoverageResult, key: str, *, max_white_zone_communes: int | None = None
) -> dict[Any, TerritoryCoverage]:
    """Figures for every territory of ``communes.territories[key]`` (e.g. ``"department"``)."""
    codes = communes.territories[key]
    labels, group = np.unique(codes.astype(str), return_inverse=True)
    order = np.argsort(group, kind="stable")
    bounds = np.searchsorted(group[order], np.arange(labels.size + 1))
    hosts = result.place_commune
    place_counts = np.bincount(group[hosts[hosts >= 0]], minlength=labels.size)
    return {
        str(label): _summarize_rows(
            communes,
            result,
            order[bounds[g] : bounds[g + 1]],
            int(place_counts[g]),
            str(label),
            max_white_zone_communes,
        )
        for g, label in enumerate(labels)
    }


# ----------------------------------------------------------------------------- incremental index


def _chords_to(xyz: FloatArray, point: FloatArray) -> FloatArray:
    d = xyz - point
    return np.sqrt(d[:, 0] * d[:, 0] + d[:, 1] * d[:, 1] + d[:, 2] * d[:, 2])


class CoverageIndex:
    """Coverage kept up to date while places are added, moved and removed.

    Each update touches only the communes whose values can change (see ``docs/coverage.md``):
    counts change only within the largest radius of the old/new position; the nearest place
    changes only for communes whose nearest place was the one moved/removed (re-queried) or that
    are strictly closer to the new position than to their current nearest place - those are in
    the ball of the largest radius, or among the few communes whose nearest place is farther.
    The state always equals :func:`compute_coverage` on the current places.

    Places are indexed by a KD-tree snapshot plus a short list of pending changes (added or
    moved places, and stale snapshot entries); the snapshot is rebuilt every ``rebuild_every``
    changes.
    """

    def __init__(
        self,
        communes: Communes,
        places: Places | None = None,
        settings: CoverageSettings | None = None,
        *,
        rebuild_every: int = 64,
        workers: int = 1,
    ) -> None:
        self.communes = communes
        self.settings = settings or CoverageSettings()
        self._chords = _radius_chords(self.settings)
        self._rebuild_every = max(1, rebuild_every)
        self._workers = workers
        self._xyz = communes.xyz
        self._tree = communes.tree
        places = places if places is not None else Places(ids=[], lon=[], lat=[])
        n_places = len(places)
        self._slot_of: dict[Any, int] = {pid: i for i, pid in enumerate(places.ids)}
        self._place_ids: list[Any] = list(places.ids)
        self._place_xyz = np.empty((max(16, 2 * n_places), 3))
        self._place_xyz[:n_places] = places.xyz
        self._alive = np.zeros(len(self._place_xyz), dtype=bool)
        self._alive[:n_places] = True
        self._host = np.full(len(self._place_xyz), -1, dtype=np.int64)
        self._host[:n_places] = _host_communes(communes, places)
        self._rebuild_places()
        self._nearest_chord, self._nearest_slot = _nearest(self._snapshot, self._xyz, workers)
        self._counts = _radius_counts(self._tree, places.xyz, self._chords)
        self.last_recomputed = len(communes)
        """Number of communes whose values were recomputed by the last operation."""

    # -- place spatial index: snapshot KD-tree + stale entries + pending slots

    def _rebuild_places(self) -> None:
        slots = np.flatnonzero(self._alive)
        self._snapshot_slots = slots
        self._snapshot = cKDTree(self._place_xyz[slots]) if slots.size else None
        self._stale = np.zeros(slots.size, dtype=bool)
        self._snapshot_pos = {int(s): i for i, s in enumerate(slots)}
        self._pending: list[int] = []

    def _retire(self, slot: int) -> None:
        """Take ``slot`` out of the place index (it is being moved or removed)."""
        pos = self._snapshot_pos.pop(slot, None)
        if pos is not None:
            self._stale[pos] = True
        else:
            self._pending.remove(slot)

    def _after_change(self) -> None:
        if int(self._stale.sum()) + len(self._pending) >= self._rebuild_every:
            self._rebuild_places()

    def _query_nearest(self, rows: IntArray) -> tuple[FloatArray, IntArray]:
        """Exact nearest live place for the communes ``rows``."""
        best = np.full(rows.size, np.inf)
        slot = np.full(rows.size, -1, dtype=np.int64)
        if rows.size == 0:
            return best, slot
        points = self._xyz[rows]
        if self._snapshot is not None:
            n_stale = int(self._stale.sum())
            k = min(n_stale + 1, self._snapshot.n)
            dist, pos = self._snapshot.query(points, k=k)
            dist, pos = dist.reshape(rows.size, k), pos.reshape(rows.size, k)
            live = ~self._stale[pos]
            first = np.argmax(live, axis=1)
            found = live[np.arange(rows.size), first]
            best[found] = dist[found, first[found]]
            slot[found] = self._snapshot_slots[pos[found, first[found]]]
        if self._pending:
            pending = np.asarray(self._pending, dtype=np.int64)
            diff = points[:, None, :] - self._place_xyz[pending][None, :, :]
            chords = np.sqrt(np.einsum("ijk,ijk->ij", diff, diff))
            j = np.argmin(chords, axis=1)
            d = chords[np.arange(rows.size), j]
            closer = d < best
            best[closer] = d[closer]
            slot[closer] = pending[j[closer]]
        return best, slot

    # -- geometric effects of one point on the communes

    def _ball(self, point: FloatArray) -> tuple[IntArray, FloatArray]:
        rows = np.asarray(self._tree.query_ball_point(point, self._chords[-1]), dtype=np.int64)
        return rows, _chords_to(self._xyz[rows], point)

    def _shift_counts(self, point: FloatArray, sign: int) -> IntArray:
        rows, chords = self._ball(point)
        self._counts[rows] += sign * (chords[:, None] <= self._chords[None, :])
        return rows

    def _claim(self, slot: int, point: FloatArray) -> IntArray:
        """Make ``slot`` the nearest place of the communes strictly closer to it; returns them."""
        ball_rows = np.asarray(self._tree.query_ball_point(point, self._chords[-1]), dtype=np.int64)
        far_rows = np.flatnonzero(self._nearest_chord > self._chords[-1])
        rows = np.union1d(ball_rows, far_rows)
        chords = _chords_to(self._xyz[rows], point)
        closer = chords < self._nearest_chord[rows]
        rows = rows[closer]
        self._nearest_chord[rows] = chords[closer]
        self._nearest_slot[rows] = slot
        return rows

    def _requery(self, slot: int) -> IntArray:
        rows = np.flatnonzero(self._nearest_slot == slot)
        self._nearest_chord[rows], self._nearest_slot[rows] = self._query_nearest(rows)
        return rows

    @staticmethod
    def _point(lon: float, lat: float) -> FloatArray:
        lon_arr, lat_arr = _validated_coordinates([lon], [lat], "place")
        return lonlat_to_xyz(lon_arr, lat_arr)[0]

    # -- public API

    def __len__(self) -> int:
        return len(self._slot_of)

    def __contains__(self, place_id: object) -> bool:
        return place_id in self._slot_of

    def add_place(self, place_id: Any, lon: float, lat: float, commune_id: Any = None) -> None:
        """Add a place; ``commune_id`` is its host commune (else the commune with the nearest point)."""
        if place_id in self._slot_of:
            raise ValueError(f"place {place_id!r} already exists")
        point = self._point(lon, lat)
        slot = len(self._place_ids)
        if slot == len(self._place_xyz):
            grow = len(self._place_xyz)
            self._place_xyz = np.vstack([self._place_xyz, np.empty((grow, 3))])
            self._alive = np.concatenate([self._alive, np.zeros(grow, dtype=bool)])
            self._host = np.concatenate([self._host, np.full(grow, -1, dtype=np.int64)])
        self._place_ids.append(place_id)
        self._slot_of[place_id] = slot
        self._place_xyz[slot] = point
        self._alive[slot] = True
        self._host[slot] = self._host_of(point, commune_id)
        self._pending.append(slot)
        touched = np.union1d(self._shift_counts(point, +1), self._claim(slot, point))
        self.last_recomputed = int(touched.size)
        self._after_change()

    def move_place(self, place_id: Any, lon: float, lat: float, commune_id: Any = None) -> None:
        """Move a place to a new point (its host commune is updated the same way as in ``add_place``)."""
        slot = self._slot_of[place_id]
        point = self._point(lon, lat)
        old_rows = self._shift_counts(self._place_xyz[slot], -1)
        self._retire(slot)
        self._place_xyz[slot] = point
        self._host[slot] = self._host_of(point, commune_id)
        self._pending.append(slot)
        new_rows = self._shift_counts(point, +1)
        orphans = self._requery(slot)  # their nearest was this place: query again (it may still be)
        claimed = self._claim(slot, point)
        self.last_recomputed = int(
            np.union1d(np.union1d(old_rows, new_rows), np.union1d(orphans, claimed)).size
        )
        self._after_change()

    def remove_place(self, place_id: Any) -> None:
        """Remove a place."""
        slot = self._slot_of.pop(place_id)
        rows = self._shift_counts(self._place_xyz[slot], -1)
        self._retire(slot)
        self._alive[slot] = False
        orphans = self._requery(slot)
        self.last_recomputed = int(np.union1d(rows, orphans).size)
        self._after_change()

    def _host_of(self, point: FloatArray, commune_id: Any) -> int:
        if commune_id is not None:
            return self.communes.position.get(commune_id, -1)
        return int(self._tree.query(point, k=1)[1]) if len(self.communes) else -1

    def result(self) -> CoverageResult:
        """The current coverage (a copy, safe to keep)."""
        slots = np.flatnonzero(self._alive)
        remap = np.full(len(self._alive) + 1, -1, dtype=np.int64)
        remap[slots] = np.arange(slots.size)
        place_ids = np.empty(slots.size, dtype=object)
        place_ids[:] = [self._place_ids[s] for s in slots]
        return _result(
            self.communes,
            self.settings,
            self._nearest_chord.copy(),
            remap[self._nearest_slot],  # -1 maps to the extra last cell, which is -1
            place_ids,
            self._host[slots].copy(),
            self._counts.copy(),
        )

    def what_if(self, lon: float, lat: float) -> WhatIf:
        """Population a new place at (lon, lat) would bring within each radius (nothing is changed)."""
        point = self._point(lon, lat)
        rows, chords = self._ball(point)
        population = self.communes.population[rows]
        newly = (chords[:, None] <= self._chords[None, :]) & (self._counts[rows] == 0)
        gained = population @ newly
        radii = self.settings.radii_km
        white = radii.index(self.settings.white_zone_km)
        leaving = rows[newly[:, white]]
        leaving = leaving[np.argsort(-self.communes.population[leaving], kind="stable")]
        return WhatIf(
            lon=float(lon),
            lat=float(lat),
            white_zone_km=self.settings.white_zone_km,
            population_gained=float(gained[white]),
            rings_km=self.settings.rings_km,
            population_gained_by_ring=tuple(float(gained[radii.index(r)]) for r in self.settings.rings_km),
            communes_leaving_white_zone=tuple(self.communes.ids[leaving]),
        )
