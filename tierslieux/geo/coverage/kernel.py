"""The compiled core of the coverage computation (numba): for every commune, its nearest place within the
largest radius and the number of places within each radius, in one pass.

It works on the points of **one territory** (unit vectors of the sphere, shape ``(n, 3)``): the caller
(`compute.coverage_arrays`) runs it once per territory, with that territory's communes and places, so no
answer ever crosses a territory. Distances are chords, as everywhere in `geo.coverage`.

Places are sorted into bands of latitude (ROWS_PER_RADIUS bands per largest angular radius α) and, inside a
band, by longitude. A commune reads, in each band that can hold a place within α of it, only the longitude
window that can (from the haversine formula, with the band's nearest latitude and its widest parallel), found
by two binary searches; each candidate is then checked exactly on its chord. No pair list is built: the
NumPy/SciPy alternatives materialise millions of pairs or walk a KD-tree once per radius (bench/coverage.py
compares them). Communes given in a spatially coherent order (`Communes.zone_rows`) read neighbouring places
one after another, which the processor's caches reward.

Exact: a place counts within radius r when its chord c satisfies ``c <= r``, as in the brute-force reference,
the incremental index and the what-if. The kernel compares squared chords with `squared_limits(r)`, the
largest double whose square root is still ≤ r, which is the same test without a square root per candidate.
Communes with no place within the largest radius get ``inf`` and -1; the caller searches them further.

Compiled once per machine (`cache=True` keeps the machine code beside this file, or in NUMBA_CACHE_DIR).
"""

from __future__ import annotations

import math

import numpy as np
from numba import njit

ROWS_PER_RADIUS = 2
"""Latitude bands per largest angular radius: thinner bands fit the disk better (fewer candidates) at two
binary searches each; with the squared-chord test a candidate is cheap, and 2 measured fastest (1 to 4 are
within 10 %, bench/coverage.py)."""


def squared_limits(chords: np.ndarray) -> np.ndarray:
    """For each chord r, the largest double t with ``sqrt(t) <= r``: ``d2 <= t`` is then exactly
    ``sqrt(d2) <= r`` (the square root is correctly rounded, hence monotonic)."""
    out = np.empty(len(chords))
    for k, chord in enumerate(np.asarray(chords, dtype=np.float64)):
        t = chord * chord
        while t > 0.0 and math.sqrt(t) > chord:
            t = float(np.nextafter(t, 0.0))
        while math.sqrt(float(np.nextafter(t, np.inf))) <= chord:
            t = float(np.nextafter(t, np.inf))
        out[k] = t
    return out


@njit(cache=True, nogil=True)
def _window(sorted_lon: np.ndarray, lo: int, hi: int, start: float, stop: float) -> tuple[np.intp, np.intp]:
    """Indices [a, b) of the band slice sorted_lon[lo:hi] whose longitude is in [start, stop]."""
    a = lo + np.searchsorted(sorted_lon[lo:hi], start)
    b = lo + np.searchsorted(sorted_lon[lo:hi], stop, side="right")
    return a, b


@njit(cache=True, nogil=True)
def _scan(
    sorted_xyz: np.ndarray,
    a: int | np.intp,
    b: int | np.intp,
    x: float,
    y: float,
    z: float,
    limits: np.ndarray,
    acc: np.ndarray,
    best: np.ndarray,
) -> None:
    """Check candidates [a, b) against the commune at (x, y, z): acc[k] += places with d² ≤ limits[k];
    best = [d², index] of the nearest so far."""
    n_radii = limits.shape[0]
    largest2 = limits[n_radii - 1]
    best_d2 = best[0]
    best_j = best[1]
    for j in range(a, b):
        ex = sorted_xyz[j, 0] - x
        ey = sorted_xyz[j, 1] - y
        ez = sorted_xyz[j, 2] - z
        d2 = ex * ex + ey * ey + ez * ez
        if d2 > largest2:
            continue
        for k in range(n_radii):
            acc[k] += d2 <= limits[k]
        if d2 < best_d2:
            best_d2 = d2
            best_j = j
    best[0] = best_d2
    best[1] = best_j


@njit(cache=True, nogil=True)
def _banded_pass(
    commune_xyz: np.ndarray,
    place_xyz: np.ndarray,
    chords: np.ndarray,
    limits: np.ndarray,
    rows_per_radius: int,
) -> tuple[np.ndarray, np.ndarray, np.ndarray]:
    n_places = place_xyz.shape[0]
    n_communes = commune_xyz.shape[0]
    n_radii = chords.shape[0]
    largest = chords[n_radii - 1]
    alpha = 2.0 * math.asin(min(1.0, largest / 2.0)) * (1.0 + 1e-9)  # angular radius
    hav_alpha = math.sin(alpha / 2.0) ** 2
    band = alpha / rows_per_radius
    n_bands = math.ceil(math.pi / band) + 1
    lat = np.empty(n_places)
    lon = np.empty(n_places)
    rows = np.empty(n_places, dtype=np.int64)
    for j in range(n_places):
        lat[j] = math.asin(max(-1.0, min(1.0, place_xyz[j, 2])))
        lon[j] = math.atan2(place_xyz[j, 1], place_xyz[j, 0])
        rows[j] = min(n_bands - 1, int((lat[j] + math.pi / 2.0) / band))
    # Sort by (band, longitude): lexsort-free, as band + scaled longitude in [0, 1).
    order = np.argsort(rows.astype(np.float64) + (lon + math.pi) / (2.0 * math.pi + 1e-9), kind="mergesort")
    sorted_lon = lon[order]
    sorted_xyz = place_xyz[order]
    band_start = np.searchsorted(rows[order], np.arange(n_bands + 1))
    best_chord = np.full(n_communes, np.inf)
    nearest = np.full(n_communes, -1, dtype=np.int64)
    counts = np.zeros((n_communes, n_radii), dtype=np.int64)
    best = np.empty(2)
    acc = np.zeros(n_radii, dtype=np.int64)
    for i in range(n_communes):
        x, y, z = commune_xyz[i, 0], commune_xyz[i, 1], commune_xyz[i, 2]
        phi = math.asin(max(-1.0, min(1.0, z)))
        lam = math.atan2(y, x)
        cos_phi = math.cos(phi)
        best[0] = np.inf
        best[1] = -1.0
        acc[:] = 0
        first = max(0, int((phi - alpha + math.pi / 2.0) / band))
        last = min(n_bands - 1, int((phi + alpha + math.pi / 2.0) / band))
        for r in range(first, last + 1):
            lo, hi = band_start[r], band_start[r + 1]
            if lo == hi:
                continue
            south = r * band - math.pi / 2.0
            north = south + band
            gap = 0.0 if south <= phi <= north else min(abs(phi - south), abs(phi - north))
            widest = max(abs(south), abs(north))  # the band's latitude farthest from the equator
            denominator = cos_phi * math.cos(min(widest, math.pi / 2.0))
            room = hav_alpha - math.sin(gap / 2.0) ** 2
            if room < 0.0:
                continue
            if denominator <= 0.0 or room >= denominator:
                _scan(sorted_xyz, lo, hi, x, y, z, limits, acc, best)  # near a pole, or the whole parallel
                continue
            half = 2.0 * math.asin(math.sqrt(room / denominator)) * (1.0 + 1e-9) + 1e-12
            start, stop = lam - half, lam + half
            a, b = _window(sorted_lon, lo, hi, start, stop)
            _scan(sorted_xyz, a, b, x, y, z, limits, acc, best)
            if start < -math.pi:  # the window wraps around the antimeridian
                a, b = _window(sorted_lon, lo, hi, start + 2.0 * math.pi, math.pi)
                _scan(sorted_xyz, a, b, x, y, z, limits, acc, best)
            if stop > math.pi:
                a, b = _window(sorted_lon, lo, hi, -math.pi, stop - 2.0 * math.pi)
                _scan(sorted_xyz, a, b, x, y, z, limits, acc, best)
        for k in range(n_radii):
            counts[i, k] = acc[k]
        if best[1] >= 0 and best[0] <= limits[n_radii - 1]:
            best_chord[i] = math.sqrt(best[0])
            nearest[i] = order[int(best[1])]
    return best_chord, nearest, counts


def grid_coverage(
    commune_xyz: np.ndarray, place_xyz: np.ndarray, chords: np.ndarray
) -> tuple[np.ndarray, np.ndarray, np.ndarray]:
    """(nearest chord, nearest place index, counts within each chord radius) for every commune of one
    territory, looking no further than the largest radius (`inf`, -1 beyond it). Points ``(n, 3)`` on the
    unit sphere; `chords` increasing."""
    if commune_xyz.shape[1:] != (3,) or place_xyz.shape[1:] != (3,):
        raise ValueError("the kernel takes the points of one territory on the sphere, shape (n, 3)")
    chords = np.ascontiguousarray(chords, dtype=np.float64)
    return _banded_pass(
        np.ascontiguousarray(commune_xyz, dtype=np.float64),
        np.ascontiguousarray(place_xyz, dtype=np.float64),
        chords,
        squared_limits(chords),
        ROWS_PER_RADIUS,
    )


def warm() -> None:
    """Compile (or load from numba's cache) the kernel now: server start-up, image build."""
    point = np.array([[1.0, 0.0, 0.0]])
    grid_coverage(point, point, np.array([0.001, 0.002]))
