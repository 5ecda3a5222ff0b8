"""Server-side grid clustering of points for a web map (plain numpy, no Django).

Points are projected once to Web Mercator in [0, 1]²; at zoom z a cell is `cell_px` screen pixels wide
(256·2^z pixels for the whole world). Points of one cell form one cluster: its count, centroid, bounds and
dominant category. A cell with one point is returned as that point.
"""

from __future__ import annotations

import math
from dataclasses import dataclass

import numpy as np


def mercator(lon: np.ndarray, lat: np.ndarray) -> tuple[np.ndarray, np.ndarray]:
    """Web Mercator coordinates in [0, 1] (x east, y south)."""
    lat = np.clip(lat, -85.05112878, 85.05112878)
    x = (np.asarray(lon, dtype=np.float64) + 180.0) / 360.0
    sin = np.sin(np.radians(lat))
    y = 0.5 - np.log((1 + sin) / (1 - sin)) / (4 * math.pi)
    return x, y


def cell_keys(x: np.ndarray, y: np.ndarray, zoom: int, cell_px: int) -> np.ndarray:
    """Grid cell of each point (one int64 per point) at `zoom`, cells `cell_px` screen pixels wide."""
    cells = (256.0 * (2.0**zoom)) / cell_px
    return np.floor(x * cells).astype(np.int64) * (1 << 31) + np.floor(y * cells).astype(np.int64)


def grid_order(x: np.ndarray, y: np.ndarray, zoom: int, cell_px: int) -> tuple[np.ndarray, np.ndarray]:
    """(cell key of every point, points sorted by cell): reusable by every `cluster` call at that zoom."""
    keys = cell_keys(x, y, zoom, cell_px)
    return keys, np.argsort(keys, kind="stable")


@dataclass
class Clusters:
    count: np.ndarray  # points per cluster
    lon: np.ndarray  # centroid
    lat: np.ndarray
    west: np.ndarray  # bounds
    south: np.ndarray
    east: np.ndarray
    north: np.ndarray
    category: np.ndarray  # dominant category per cluster
    first: np.ndarray  # index (in the input arrays) of one member: the point itself when count == 1


def cluster(
    rows: np.ndarray,
    x: np.ndarray,
    y: np.ndarray,
    lon: np.ndarray,
    lat: np.ndarray,
    category: np.ndarray,
    zoom: int,
    *,
    cell_px: int = 64,
    categories: int = 16,
    grid: tuple[np.ndarray, np.ndarray] | None = None,
) -> Clusters:
    """Cluster the points `rows` (indices into the other arrays) at `zoom`. `grid`: the `grid_order` of
    every point for this zoom and cell size, computed once: then no sort is needed per call."""
    if len(rows) == 0:
        empty = np.zeros(0)
        return Clusters(
            empty.astype(int), empty, empty, empty, empty, empty, empty, empty.astype(int), empty.astype(int)
        )
    if grid is None:
        keys = cell_keys(x[rows], y[rows], zoom, cell_px)
        order = np.argsort(keys, kind="stable")
        sorted_keys = keys[order]
        members = rows[order]
    else:
        all_keys, all_order = grid
        selected = np.zeros(len(all_keys), dtype=bool)
        selected[rows] = True
        members = all_order[selected[all_order]]
        sorted_keys = all_keys[members]
    starts = np.flatnonzero(np.r_[True, sorted_keys[1:] != sorted_keys[:-1]])
    count = np.diff(np.r_[starts, len(members)])
    plon, plat = lon[members], lat[members]
    sum_lon = np.add.reduceat(plon, starts)
    sum_lat = np.add.reduceat(plat, starts)
    group = np.repeat(np.arange(len(starts)), count)
    per_category = np.bincount(group * categories + category[members], minlength=len(starts) * categories)
    dominant = per_category.reshape(len(starts), categories).argmax(axis=1)
    return Clusters(
        count=count,
        lon=sum_lon / count,
        lat=sum_lat / count,
        west=np.minimum.reduceat(plon, starts),
        south=np.minimum.reduceat(plat, starts),
        east=np.maximum.reduceat(plon, starts),
        north=np.maximum.reduceat(plat, starts),
        category=dominant,
        first=members[starts],
    )
