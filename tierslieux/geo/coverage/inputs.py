"""Inputs of the coverage computation: settings, communes, places."""

from __future__ import annotations

import math
from collections.abc import Callable, Iterable, Mapping
from dataclasses import dataclass, field
from functools import cached_property
from typing import Any

import numpy as np
from numpy.typing import ArrayLike, NDArray
from scipy.spatial import cKDTree

from tierslieux.geo.spherical import lonlat_to_xyz

FloatArray = NDArray[np.float64]
IntArray = NDArray[np.int64]
BoolArray = NDArray[np.bool_]
ObjectArray = NDArray[np.object_]

PlaceSelector = ArrayLike | Callable[[Mapping[str, Any]], bool]
"""A boolean mask over places, or a predicate receiving ``{"id": ..., **tags}`` for one place."""

METROPOLE = "metropole"
ZONE_GAP = 4.0
"""Distance between two zones in the embedding: more than 2, the largest chord on one unit sphere."""
SAME_ZONE_MAX_CHORD = 2.0 + 1e-9
"""A nearest chord beyond this one joins two zones: there is no place in the commune's zone."""
ORDER_BAND_DEGREES = 0.1
"""Latitude bands (about 11 km) of the spatial order of the communes given to the compiled pass."""


def territory_zone(department: str) -> str:
    """The zone distances are computed in: metropolitan France with Corsica is one, each overseas
    department (971 Guadeloupe, 972 Martinique, 973 Guyane, 974 La Réunion, 976 Mayotte…) its own.

    >>> territory_zone("29"), territory_zone("2A"), territory_zone("971")
    ('metropole', 'metropole', '971')
    """
    code = str(department or "")
    return code if len(code) == 3 and code.startswith("97") else METROPOLE


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


def kdtree(points: FloatArray) -> cKDTree:
    """KD-tree on unit vectors; the sliding-midpoint build is twice as fast and queries as fast."""
    return cKDTree(points, balanced_tree=False)


def _object_array(values: Iterable[Any], n: int, what: str) -> ObjectArray:
    arr = np.empty(n, dtype=object)
    seq = list(values)
    if len(seq) != n:
        raise ValueError(f"{what}: expected {n} values, got {len(seq)}")
    arr[:] = seq
    return arr


def validated_coordinates(lon: ArrayLike, lat: ArrayLike, what: str) -> tuple[FloatArray, FloatArray]:
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

    ``zones`` (optional, one label per commune, see :func:`territory_zone`) separates land masses:
    nearest places and counts never cross zones, and a commune whose zone has no place has none
    (``nearest_km = inf``). Points are then embedded with a fourth coordinate, ``ZONE_GAP`` apart per
    zone, so that one KD-tree still answers every query exactly: within a zone chords are unchanged,
    between zones they exceed every radius.
    """

    ids: ObjectArray
    lon: FloatArray
    lat: FloatArray
    # None (every population 0) is accepted: always an array after __post_init__.
    population: FloatArray = None  # type: ignore[assignment]
    names: ObjectArray | None = None
    territories: Mapping[str, ObjectArray] = field(default_factory=dict)
    zones: ObjectArray | None = None

    def __post_init__(self) -> None:
        lon, lat = validated_coordinates(self.lon, self.lat, "communes")
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
        zones = None if self.zones is None else _object_array([str(z) for z in self.zones], n, "zones")
        for name, value in (("ids", ids), ("lon", lon), ("lat", lat), ("population", population)):
            object.__setattr__(self, name, value)
        object.__setattr__(self, "names", names)
        object.__setattr__(self, "territories", territories)
        object.__setattr__(self, "zones", zones)

    def __len__(self) -> int:
        return int(self.lon.size)

    @cached_property
    def surface_xyz(self) -> FloatArray:
        """Unit vectors on the sphere, shape ``(n, 3)`` (whatever the zones)."""
        return lonlat_to_xyz(self.lon, self.lat).reshape(-1, 3)

    @cached_property
    def surface_tree(self) -> cKDTree:
        """KD-tree on :attr:`surface_xyz`: the commune whose point is nearest to any point."""
        return kdtree(self.surface_xyz) if self.zones is not None else self.tree

    @cached_property
    def zone_numbers(self) -> dict[str, int]:
        """Zone label -> number (labels sorted); empty without zones."""
        return {} if self.zones is None else {z: k for k, z in enumerate(sorted(set(self.zones)))}

    @cached_property
    def zone_of_row(self) -> IntArray:
        """Zone number of every commune (0 without zones)."""
        if self.zones is None:
            return np.zeros(len(self), dtype=np.int64)
        return np.fromiter((self.zone_numbers[z] for z in self.zones), dtype=np.int64, count=len(self))

    def embed(self, surface: FloatArray, zone_numbers: ArrayLike) -> FloatArray:
        """Points of the sphere (``(n, 3)``) in the embedding of these communes (their zone numbers)."""
        surface = np.asarray(surface, dtype=np.float64).reshape(-1, 3)
        if self.zones is None:
            return surface
        gap = np.asarray(zone_numbers, dtype=np.float64).reshape(-1, 1) * ZONE_GAP
        return np.hstack([surface, gap])

    @cached_property
    def xyz(self) -> FloatArray:
        """Embedded points: unit vectors, shape ``(n, 3)``, plus the zone coordinate when zones are given."""
        return self.embed(self.surface_xyz, self.zone_of_row)

    @cached_property
    def zone_rows(self) -> dict[int, IntArray]:
        """Zone number -> rows of its communes, in a spatially coherent order (bands of latitude of
        ``ORDER_BAND_DEGREES``, then longitude): the per-territory pass reads neighbouring places one commune
        after the other. One entry (zone 0) without zones."""
        order = np.lexsort((self.lon, np.floor(self.lat / ORDER_BAND_DEGREES), self.zone_of_row))
        zones = self.zone_of_row[order]
        bounds = np.flatnonzero(np.diff(zones)) + 1
        return {int(self.zone_of_row[part[0]]): part for part in np.split(order, bounds) if part.size}

    @staticmethod
    def zone_numbers_in(xyz: FloatArray) -> IntArray:
        """Zone number of embedded points (their fourth coordinate; 0 for points of the sphere alone)."""
        if xyz.shape[1] == 3:
            return np.zeros(len(xyz), dtype=np.int64)
        return np.rint(xyz[:, 3] / ZONE_GAP).astype(np.int64)

    @cached_property
    def tree(self) -> cKDTree:
        """KD-tree on :attr:`xyz`, built once and reused by every computation on these communes."""
        return kdtree(self.xyz)

    @cached_property
    def position(self) -> dict[Any, int]:
        """Commune id -> row index."""
        return {value: i for i, value in enumerate(self.ids)}

    def nearest_rows(self, surface: FloatArray) -> IntArray:
        """Row of the commune whose point is nearest to each point of the sphere (-1 without communes)."""
        surface = np.asarray(surface, dtype=np.float64).reshape(-1, 3)
        if not len(self) or not len(surface):
            return np.full(len(surface), -1, dtype=np.int64)
        return np.asarray(self.surface_tree.query(surface, k=1)[1], dtype=np.int64).reshape(-1)

    def host_rows(self, places: Places) -> IntArray:
        """Row of each place's host commune: its ``commune_ids`` when given (-1 if unknown), else the
        commune whose point is nearest."""
        if places.commune_ids is not None:
            position = self.position
            return np.array([position.get(c, -1) for c in places.commune_ids], dtype=np.int64)
        return self.nearest_rows(places.xyz)

    def zone_numbers_of(self, labels: Iterable[Any]) -> IntArray:
        """Zone numbers of zone labels; a label without commune gets a number of its own (no commune near)."""
        numbers = dict(self.zone_numbers)
        out = []
        for label in labels:
            out.append(numbers.setdefault(str(label), len(numbers)))
        return np.asarray(out, dtype=np.int64)

    def place_xyz(self, places: Places) -> FloatArray:
        """The places in the embedding of these communes: in the zone of ``places.zones`` when given, else
        in the zone of their host commune (its ``commune_ids``, else the nearest commune)."""
        if self.zones is None:
            return places.xyz
        if places.zones is not None:
            return self.embed(places.xyz, self.zone_numbers_of(places.zones))
        hosts = self.host_rows(places)
        unknown = hosts < 0
        if unknown.any():
            hosts = hosts.copy()
            hosts[unknown] = self.nearest_rows(places.xyz[unknown])
        numbers = np.where(hosts >= 0, self.zone_of_row[np.maximum(hosts, 0)], 0)
        return self.embed(places.xyz, numbers)

    def point_xyz(self, lon: float, lat: float, commune_id: Any = None) -> FloatArray:
        """One point in the embedding: in the zone of ``commune_id`` when known, else of the nearest commune."""
        surface = lonlat_to_xyz([lon], [lat]).reshape(-1, 3)
        point: FloatArray
        if self.zones is None:
            point = surface[0]
            return point
        row = self.position.get(commune_id, -1) if commune_id is not None else -1
        if row < 0:
            row = int(self.nearest_rows(surface)[0])
        point = self.embed(surface, [self.zone_of_row[row] if row >= 0 else 0])[0]
        return point


@dataclass(frozen=True, eq=False)
class Places:
    """Third places: ids, points, optional tags (type, label, status...) and optional host commune ids.

    When ``commune_ids`` is not given, a place is counted in the territory of the commune whose
    point is nearest (used only for "places per 10,000 inhabitants"). ``zones`` (optional) gives each
    place's zone (:func:`territory_zone`); by default it is the zone of its host commune.
    """

    ids: ObjectArray
    lon: FloatArray
    lat: FloatArray
    tags: Mapping[str, ObjectArray] = field(default_factory=dict)
    commune_ids: ObjectArray | None = None
    zones: ObjectArray | None = None

    def __post_init__(self) -> None:
        lon, lat = validated_coordinates(self.lon, self.lat, "places")
        n = lon.size
        ids = _object_array(self.ids, n, "places ids")
        _check_unique(ids, "places")
        tags = {key: _object_array(values, n, f"tag {key!r}") for key, values in self.tags.items()}
        commune_ids = None if self.commune_ids is None else _object_array(self.commune_ids, n, "commune_ids")
        zones = None if self.zones is None else _object_array([str(z) for z in self.zones], n, "place zones")
        for name, value in (
            ("ids", ids),
            ("lon", lon),
            ("lat", lat),
            ("tags", tags),
            ("commune_ids", commune_ids),
            ("zones", zones),
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
            zones=None if self.zones is None else self.zones[keep],
        )

    @cached_property
    def xyz(self) -> FloatArray:
        """Unit vectors on the sphere, shape ``(n, 3)`` (see :meth:`Communes.place_xyz` for zones)."""
        return lonlat_to_xyz(self.lon, self.lat).reshape(-1, 3)
