"""Full computation of the coverage of communes by places."""

from __future__ import annotations

import numpy as np
from scipy.spatial import cKDTree

from tierslieux.geo.coverage.inputs import (
    Communes,
    CoverageSettings,
    FloatArray,
    IntArray,
    ObjectArray,
    Places,
    PlaceSelector,
    kdtree,
)
from tierslieux.geo.coverage.kernel import grid_coverage
from tierslieux.geo.coverage.results import CoverageResult
from tierslieux.geo.spherical import chord_to_km, km_to_chord


def radius_chords(settings: CoverageSettings) -> FloatArray:
    return np.array([km_to_chord(r) for r in settings.radii_km])


def nearest_places(
    place_tree: cKDTree | None, xyz: FloatArray, workers: int = 1
) -> tuple[FloatArray, IntArray]:
    """Chord to, and index of, the nearest place of every point (``inf`` / -1 without places)."""
    if place_tree is None or place_tree.n == 0 or len(xyz) == 0:
        return np.full(len(xyz), np.inf), np.full(len(xyz), -1, dtype=np.int64)
    chord, index = place_tree.query(xyz, k=1, workers=workers)
    return np.asarray(chord, dtype=np.float64), np.asarray(index, dtype=np.int64)


def territory_arrays(
    commune_xyz: FloatArray, place_xyz: FloatArray, chords: FloatArray, workers: int = 1
) -> tuple[FloatArray, IntArray, IntArray]:
    """`coverage_arrays` for the points of one territory on the sphere (``(n, 3)`` each, places not empty).

    One compiled pass over the places sorted by latitude band and longitude (`kernel.grid_coverage`: each
    commune reads only the longitude windows that can hold a place within the largest radius) gives the
    counts and the nearest place within that radius; the communes with none that close are searched again
    with wider radii (×4 each time, on them only: a few hundred at most when places are many); beyond a
    quarter of the sphere, a KD-tree query.
    """
    best, nearest, counts = grid_coverage(commune_xyz, place_xyz, chords)
    reach = float(chords[-1])
    missing = np.flatnonzero(nearest < 0)
    while missing.size and reach < 0.5:
        reach *= 4.0
        far_best, far_nearest, _far = grid_coverage(commune_xyz[missing], place_xyz, np.array([reach]))
        best[missing], nearest[missing] = far_best, far_nearest
        missing = missing[far_nearest < 0]
    if missing.size:
        best[missing], nearest[missing] = nearest_places(kdtree(place_xyz), commune_xyz[missing], workers)
    return best, nearest, counts


def coverage_arrays(
    communes: Communes, place_xyz: FloatArray, chords: FloatArray, workers: int = 1
) -> tuple[FloatArray, IntArray, IntArray]:
    """Nearest chord, nearest place and counts within each chord radius (increasing) for every commune.

    ``place_xyz`` are the places in the communes' embedding (`Communes.place_xyz`). Territory by territory
    (`Communes.zone_rows`; one territory without zones), `territory_arrays` runs on that territory's
    communes and places only: a nearest place or a count never crosses a territory, and the communes of a
    territory without any place keep ``inf``, -1 and zero counts.
    """
    n = len(communes)
    best = np.full(n, np.inf)
    nearest = np.full(n, -1, dtype=np.int64)
    counts = np.zeros((n, chords.size), dtype=np.int64)
    if len(place_xyz) == 0 or n == 0:
        return best, nearest, counts
    if place_xyz.shape[1] != communes.xyz.shape[1]:
        raise ValueError("places must be given in the communes' embedding (Communes.place_xyz)")
    place_zone = communes.zone_numbers_in(place_xyz)
    place_surface = place_xyz[:, :3]
    by_zone = np.argsort(place_zone, kind="stable")
    zone_bounds = np.searchsorted(place_zone[by_zone], [[z, z + 1] for z in communes.zone_rows])
    for rows, (lo, hi) in zip(communes.zone_rows.values(), zone_bounds, strict=True):
        if lo == hi:
            continue  # no place in this territory: no nearest place, nothing within any radius
        columns = by_zone[lo:hi]
        zone_best, zone_nearest, counts[rows] = territory_arrays(
            communes.surface_xyz[rows], place_surface[columns], chords, workers
        )
        best[rows] = zone_best
        nearest[rows] = np.where(zone_nearest >= 0, columns[np.maximum(zone_nearest, 0)], -1)
    return best, nearest, counts


def host_communes(communes: Communes, places: Places) -> IntArray:
    return communes.host_rows(places)


def build_result(
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

    ``workers`` is passed to scipy's nearest-neighbour query of the communes with no place
    within the largest radius (-1 = all cores).
    """
    settings = settings or CoverageSettings()
    if place_subset is not None:
        places = places.subset(place_subset)
    nearest_chord, nearest_place, counts = coverage_arrays(
        communes, communes.place_xyz(places), radius_chords(settings), workers
    )
    return build_result(
        communes, settings, nearest_chord, nearest_place, places.ids, host_communes(communes, places), counts
    )
