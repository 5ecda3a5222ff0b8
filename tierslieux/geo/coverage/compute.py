"""Full computation of the coverage of communes by places."""

from __future__ import annotations

import numpy as np
from scipy.spatial import cKDTree

from tierslieux.geo.coverage.inputs import (
    SAME_ZONE_MAX_CHORD,
    Communes,
    CoverageSettings,
    FloatArray,
    IntArray,
    ObjectArray,
    Places,
    PlaceSelector,
    kdtree,
)
from tierslieux.geo.coverage.results import CoverageResult
from tierslieux.geo.spherical import chord_to_km, km_to_chord

_PLACE_CHUNK = 8192


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


def coverage_arrays(
    commune_tree: cKDTree, place_xyz: FloatArray, chords: FloatArray, workers: int = 1
) -> tuple[FloatArray, IntArray, IntArray]:
    """Nearest chord, nearest place and counts within each chord radius (increasing) for every commune.

    One dual-tree ``sparse_distance_matrix`` lists the (commune, place) pairs within the largest
    radius; each pair goes to its ring bin and one ``bincount`` gives all the counts. The same pairs
    give the nearest place of every commune that has one within the largest radius; only the
    other communes are queried. Places are processed in chunks so that the pair list stays bounded.
    """
    n, n_radii = commune_tree.n, chords.size
    counts = np.zeros((n, n_radii), dtype=np.int64)
    best = np.full(n, np.inf)
    nearest = np.full(n, -1, dtype=np.int64)
    if len(place_xyz) == 0 or n == 0:
        return best, nearest, counts
    trees = []
    for start in range(0, len(place_xyz), _PLACE_CHUNK):
        tree = kdtree(place_xyz[start : start + _PLACE_CHUNK])
        trees.append(tree)
        pairs = commune_tree.sparse_distance_matrix(tree, chords[-1], output_type="ndarray")
        rows, distances = pairs["i"], pairs["v"]
        # bin b = number of radii strictly below the distance: within radius k <=> b <= k.
        keys = rows * n_radii
        for chord in chords[:-1]:
            keys += distances > chord
        counts += np.cumsum(np.bincount(keys, minlength=n * n_radii).reshape(n, n_radii), axis=1)
        chunk_best = np.full(n, np.inf)
        np.minimum.at(chunk_best, rows, distances)
        is_min = distances == chunk_best[rows]
        chunk_nearest = np.full(n, -1, dtype=np.int64)
        chunk_nearest[rows[is_min]] = start + pairs["j"][is_min]
        closer = chunk_best < best
        best[closer], nearest[closer] = chunk_best[closer], chunk_nearest[closer]
    missing = np.flatnonzero(nearest < 0)
    if missing.size:
        tree = trees[0] if len(trees) == 1 else kdtree(place_xyz)
        best[missing], nearest[missing] = nearest_places(tree, commune_tree.data[missing], workers)
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
    # A nearest place in another zone is no nearest place: the commune's zone has none.
    other_zone = nearest_chord > SAME_ZONE_MAX_CHORD
    if other_zone.any():
        nearest_chord = np.where(other_zone, np.inf, nearest_chord)
        nearest_place = np.where(other_zone, -1, nearest_place)
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
        communes.tree, communes.place_xyz(places), radius_chords(settings), workers
    )
    return build_result(
        communes, settings, nearest_chord, nearest_place, places.ids, host_communes(communes, places), counts
    )
