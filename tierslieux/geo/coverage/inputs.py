"""Inputs of the coverage computation: settings, communes, places."""

from __future__ import annotations

import math
from collections.abc import Callable, Mapping
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


def _object_array(values: ArrayLike, n: int, what: str) -> ObjectArray:
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
    """

    ids: ObjectArray
    lon: FloatArray
    lat: FloatArray
    population: FloatArray | None = None
    names: ObjectArray | None = None
    territories: Mapping[str, ObjectArray] = field(default_factory=dict)

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
        return kdtree(self.xyz)

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
        lon, lat = validated_coordinates(self.lon, self.lat, "places")
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
