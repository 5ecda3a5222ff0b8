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
from tierslieux.geo.coverage.results import CoverageResult
from tierslieux.geo.spherical import chord_to_km, km_to_chord

_PLACE_CHUNK = 8192


def radius_chords(settings: CoverageSettings) -> FloatArray:
    return np.array([km_to_chord(r) for r in settings.radii_km])


def nearest_places(place_tree: cKDTree | None, xyz: FloatArray, workers: int) -> tuple[FloatArray, IntArray]:
    if place_tree is None or place_tree.n == 0:
        return np.full(len(xyz), np.inf), np.full(len(xyz), -1, dtype=np.int64)
    chord, index = place_tree.query(xyz, k=1, workers=workers)
    return np.asarray(chord, dtype=np.float64), np.asarray(index, dtype=np.int64)


def radius_counts(
    commune_tree: cKDTree, place_xyz: FloatArray, chords: FloatArray, place_tree: cKDTree | None = None
) -> IntArray:
    """Counts of places within each chord radius (increasing), for every commune (dual-tree sparse distances).

    Places are processed in chunks so that the (commune, place) pair list stays bounded;
    ``place_tree`` (on all of ``place_xyz``) is reused when there is a single chunk.
    """
    n, n_radii = commune_tree.n, chords.size
    counts = np.zeros((n, n_radii), dtype=np.int64)
    if len(place_xyz) == 0 or n == 0:
        return counts
    for start in range(0, len(place_xyz), _PLACE_CHUNK):
        single = place_tree is not None and len(place_xyz) <= _PLACE_CHUNK
        chunk_tree = place_tree if single else kdtree(place_xyz[start : start + _PLACE_CHUNK])
        pairs = commune_tree.sparse_distance_matrix(chunk_tree, chords[-1], output_type="ndarray")
        # bin b = number of radii strictly below the distance: within radius k <=> b <= k.
        distances = pairs["v"]
        keys = pairs["i"] * n_radii
        for chord in chords[:-1]:
            keys += distances > chord
        hist = np.bincount(keys, minlength=n * n_radii)
        counts += np.cumsum(hist.reshape(n, n_radii), axis=1)
    return counts


def host_communes(communes: Communes, places: Places) -> IntArray:
    if places.commune_ids is not None:
        position = communes.position
        return np.array([position.get(c, -1) for c in places.commune_ids], dtype=np.int64)
    if len(places) == 0 or len(communes) == 0:
        return np.full(len(places), -1, dtype=np.int64)
    return np.asarray(communes.tree.query(places.xyz, k=1)[1], dtype=np.int64)


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

    ``workers`` is passed to scipy's nearest-neighbour query (-1 = all cores).
    """
    settings = settings or CoverageSettings()
    if place_subset is not None:
        places = places.subset(place_subset)
    place_tree = kdtree(places.xyz) if len(places) else None
    nearest_chord, nearest_place = nearest_places(place_tree, communes.xyz, workers)
    counts = radius_counts(communes.tree, places.xyz, radius_chords(settings), place_tree)
    return build_result(
        communes, settings, nearest_chord, nearest_place, places.ids, host_communes(communes, places), counts
    )


# ----------------------------------------------------------------------------- aggregation
