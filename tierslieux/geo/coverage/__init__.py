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

from tierslieux.geo.coverage.compute import compute_coverage
from tierslieux.geo.coverage.incremental import CoverageIndex
from tierslieux.geo.coverage.inputs import (
    Communes,
    CoverageSettings,
    Places,
    PlaceSelector,
    choose_coordinates,
)
from tierslieux.geo.coverage.results import (
    CommuneCoverage,
    CoverageResult,
    TerritoryCoverage,
    WhatIf,
    WhiteZoneCommune,
)
from tierslieux.geo.coverage.territory import summarize_by, summarize_territory

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
