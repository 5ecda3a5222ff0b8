"""Point-in-polygon index over GeoJSON outlines with shapely 2 and an STRtree (plain Python, no Django).

`PolygonIndex(ids, geometries)` answers which polygon contains a point, one at a time (`locate`) or
vectorised (`locate_many`, thousands of points per call). Simplified outlines leave thin gaps between
neighbours and along coasts: a point inside no polygon is given the nearest one within `tolerance`
degrees (0 disables that).
"""

from __future__ import annotations

import json
from collections.abc import Sequence
from typing import Any

import numpy as np
import shapely
from shapely.strtree import STRtree

DEFAULT_TOLERANCE = 0.005  # degrees, about 500 m: the simplification error of the commune outlines


def geometries_from_geojson(texts: Sequence[str]) -> np.ndarray:
    """Shapely geometries (array) from GeoJSON geometry texts; invalid ones are repaired."""
    shapes: np.ndarray = shapely.from_geojson(np.asarray(texts, dtype=object))
    invalid = ~shapely.is_valid(shapes)
    if invalid.any():
        shapes[invalid] = shapely.make_valid(shapes[invalid])
    return shapes


class PolygonIndex:
    """An STRtree over polygons, each known by an id (INSEE code, QPV code…)."""

    def __init__(
        self,
        ids: Sequence[Any],
        geometries: Sequence[Any] | np.ndarray,
        *,
        tolerance: float = DEFAULT_TOLERANCE,
    ) -> None:
        if len(ids) != len(geometries):
            raise ValueError(f"{len(ids)} ids for {len(geometries)} geometries")
        self.ids = list(ids)
        self.geometries = np.asarray(geometries, dtype=object)
        self.tolerance = float(tolerance)
        shapely.prepare(self.geometries)
        self.tree = STRtree(self.geometries)

    @classmethod
    def from_geojson(cls, pairs: Sequence[tuple[Any, str]], **kwargs: Any) -> PolygonIndex:
        """Build from (id, GeoJSON geometry text) pairs; empty texts are skipped."""
        kept = [(key, text) for key, text in pairs if text]
        return cls([key for key, _ in kept], geometries_from_geojson([text for _, text in kept]), **kwargs)

    @classmethod
    def from_feature_collection(cls, data: dict[str, Any], id_property: str, **kwargs: Any) -> PolygonIndex:
        pairs = [
            (feature["properties"][id_property], json.dumps(feature["geometry"]))
            for feature in data["features"]
            if feature.get("geometry")
        ]
        return cls.from_geojson(pairs, **kwargs)

    def __len__(self) -> int:
        return len(self.ids)

    def locate(self, lon: float, lat: float) -> Any | None:
        """Id of the polygon containing (lon, lat), else of the nearest within the tolerance, else None."""
        return self.locate_many([lon], [lat])[0]

    def locate_many(
        self, lons: Sequence[float] | np.ndarray, lats: Sequence[float] | np.ndarray
    ) -> list[Any | None]:
        """Vectorised `locate`: one id (or None) per point; NaN or out-of-range coordinates give None."""
        lons = np.asarray(lons, dtype=float)
        lats = np.asarray(lats, dtype=float)
        if lons.shape != lats.shape or lons.ndim != 1:
            raise ValueError("lons and lats must be 1-D sequences of the same length")
        result: list[Any | None] = [None] * len(lons)
        if not len(lons) or not len(self.ids):
            return result
        valid = np.isfinite(lons) & np.isfinite(lats) & (np.abs(lats) <= 90) & (np.abs(lons) <= 180)
        positions = np.flatnonzero(valid)
        points = shapely.points(lons[positions], lats[positions])
        found = np.full(len(positions), -1, dtype=np.int64)
        point_idx, tree_idx = self.tree.query(points, predicate="intersects")
        if len(point_idx):
            # Several matches (a point on a shared border): keep the first polygon, deterministically.
            order = np.lexsort((tree_idx, point_idx))
            point_idx, tree_idx = point_idx[order], tree_idx[order]
            first = np.unique(point_idx, return_index=True)[1]
            found[point_idx[first]] = tree_idx[first]
        missing = np.flatnonzero(found < 0)
        if len(missing) and self.tolerance > 0:
            near_point, near_tree = self.tree.query_nearest(
                points[missing], max_distance=self.tolerance, all_matches=False
            )
            found[missing[near_point]] = near_tree
        for position, tree_index in zip(positions.tolist(), found.tolist(), strict=True):
            if tree_index >= 0:
                result[position] = self.ids[tree_index]
        return result

    def contains_brute_force(self, lon: float, lat: float) -> Any | None:
        """Baseline without the index: test every polygon in turn (for benchmarks and tests)."""
        point = shapely.Point(lon, lat)
        for key, geometry in zip(self.ids, self.geometries, strict=True):
            if geometry.contains(point) or geometry.touches(point):
                return key
        return None
