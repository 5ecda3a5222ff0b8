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
) -> Clusters:
    """Cluster the points `rows` (indices into the other arrays) at `zoom`."""
    if len(rows) == 0:
        empty = np.zeros(0)
        return Clusters(
            empty.astype(int), empty, empty, empty, empty, empty, empty, empty.astype(int), empty.astype(int)
        )
    cells = (256.0 * (2.0**zoom)) / cell_px
    cx = np.floor(x[rows] * cells).astype(np.int64)
    cy = np.floor(y[rows] * cells).astype(np.int64)
    keys = cx * (1 << 31) + cy
    order = np.argsort(keys, kind="stable")
    sorted_keys = keys[order]
    starts = np.flatnonzero(np.r_[True, sorted_keys[1:] != sorted_keys[:-1]])
    members = rows[order]
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
