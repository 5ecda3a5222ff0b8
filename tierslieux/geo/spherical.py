"""Spherical geometry helpers (numpy only, no Django).

Points are given in degrees (WGS84 longitude/latitude) and treated as lying on a
sphere of radius :data:`EARTH_RADIUS_KM` (the IUGG mean Earth radius). The 3D
unit-vector representation lets a Euclidean KD-tree answer great-circle queries
exactly, because the chord length between two unit vectors is a strictly
increasing function of the great-circle distance between them.
"""

from __future__ import annotations

import numpy as np
from numpy.typing import ArrayLike, NDArray

EARTH_RADIUS_KM = 6371.0088
"""Mean Earth radius (IUGG), in kilometres."""

__all__ = ["EARTH_RADIUS_KM", "chord_to_km", "haversine_km", "km_to_chord", "lonlat_to_xyz"]


def lonlat_to_xyz(lon: ArrayLike, lat: ArrayLike) -> NDArray[np.float64]:
    """Convert longitude/latitude arrays in degrees to unit vectors, shape ``(n, 3)``.

    Scalars are accepted and give an array of shape ``(1, 3)``.
    """
    lon_rad = np.radians(np.atleast_1d(np.asarray(lon, dtype=np.float64)))
    lat_rad = np.radians(np.atleast_1d(np.asarray(lat, dtype=np.float64)))
    cos_lat = np.cos(lat_rad)
    return np.column_stack((cos_lat * np.cos(lon_rad), cos_lat * np.sin(lon_rad), np.sin(lat_rad)))


def km_to_chord(km: float) -> float:
    """Great-circle distance in km -> chord length between unit vectors.

    Distances beyond half the Earth's circumference are clamped to the diameter (2.0).
    Infinite distances give ``inf`` so that "no limit" stays "no limit".
    """
    if np.isinf(km):
        return float("inf")
    angle = min(max(float(km), 0.0) / EARTH_RADIUS_KM, np.pi)
    return float(2.0 * np.sin(angle / 2.0))


def chord_to_km(chord: ArrayLike) -> NDArray[np.float64]:
    """Chord length between unit vectors -> great-circle distance in km (vectorised).

    ``inf`` chords (e.g. a KD-tree query with no neighbour) map to ``inf`` km.
    """
    chord_arr = np.asarray(chord, dtype=np.float64)
    with np.errstate(invalid="ignore"):
        half = np.clip(chord_arr / 2.0, 0.0, 1.0)
    km = 2.0 * EARTH_RADIUS_KM * np.arcsin(half)
    return np.where(np.isinf(chord_arr), np.inf, km)


def haversine_km(lon1: ArrayLike, lat1: ArrayLike, lon2: ArrayLike, lat2: ArrayLike) -> NDArray[np.float64]:
    """Great-circle distance in km between points given in degrees (broadcasting)."""
    lon1_r, lat1_r, lon2_r, lat2_r = (
        np.radians(np.asarray(a, dtype=np.float64)) for a in (lon1, lat1, lon2, lat2)
    )
    sin_dlat = np.sin((lat2_r - lat1_r) / 2.0)
    sin_dlon = np.sin((lon2_r - lon1_r) / 2.0)
    h = sin_dlat * sin_dlat + np.cos(lat1_r) * np.cos(lat2_r) * sin_dlon * sin_dlon
    km: NDArray[np.float64] = 2.0 * EARTH_RADIUS_KM * np.arcsin(np.sqrt(np.clip(h, 0.0, 1.0)))
    return km
