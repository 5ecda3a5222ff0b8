"""Outputs of the coverage computation (plain dataclasses)."""

from __future__ import annotations

from collections.abc import Iterator
from dataclasses import dataclass
from typing import Any

import numpy as np

from tierslieux.geo.coverage.inputs import BoolArray, CoverageSettings, FloatArray, IntArray, ObjectArray


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
