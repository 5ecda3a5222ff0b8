"""Reference points of the communes checked against their contours (plain Python: shapely + numpy).

A town-hall point of the source may lie far from its commune (sign flips in Guadeloupe, points thousands of
kilometres away): `points_outside` finds every point farther than `tolerance` degrees from the contour it
should lie in, and how far it is, so the load can refuse those points (and say so) instead of using them.

The contour of a commune is its own, or its parent city's for a municipal arrondissement, or, for the few
communes without a contour in the source, its department's outline with the holes filled (a missing commune
contour leaves a hole in the outline dissolved from the communes) and a wider tolerance (the missing commune
may also be a notch on the department's border).
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass
from typing import Any

import numpy as np
import shapely

from .index import DEFAULT_TOLERANCE, geometries_from_geojson
from .spherical import haversine_km


@dataclass(frozen=True)
class Check:
    """One point to check: the GeoJSON geometry text it must lie in (None: nothing to check against)."""

    geometry: str | None
    lon: float | None
    lat: float | None
    fill_holes: bool = False
    tolerance: float | None = None
    """Degrees; None: the tolerance given to `points_outside`."""


def _shells(shape: Any) -> Any:
    """The polygon(s) without their holes."""
    if shape.geom_type == "Polygon":
        return shapely.Polygon(shape.exterior)
    if shape.geom_type == "MultiPolygon":
        return shapely.MultiPolygon([shapely.Polygon(part.exterior) for part in shape.geoms])
    if hasattr(shape, "geoms"):  # a repaired geometry may be a collection
        return shapely.union_all([_shells(part) for part in shape.geoms if part.area > 0])
    return shape


def points_outside(checks: Sequence[Check], *, tolerance: float = DEFAULT_TOLERANCE) -> dict[int, float]:
    """{position: distance in km to the contour} of every point farther than its tolerance (degrees) from it.

    Points or contours that are unknown are not checked.
    """
    keys: dict[tuple[str, bool], int] = {}
    rows: list[int] = []
    geometry_of: list[int] = []
    tolerances: list[float] = []
    for position, check in enumerate(checks):
        if not check.geometry or check.lon is None or check.lat is None:
            continue
        key = (check.geometry, check.fill_holes)
        geometry_of.append(keys.setdefault(key, len(keys)))
        rows.append(position)
        tolerances.append(tolerance if check.tolerance is None else check.tolerance)
    if not rows:
        return {}
    ordered = sorted(keys, key=keys.__getitem__)
    shapes = geometries_from_geojson([text for text, _fill in ordered])
    for number, (_text, fill) in enumerate(ordered):
        if fill:
            shapes[number] = _shells(shapes[number])
    geometries = shapes[np.asarray(geometry_of)]
    lon = np.array([checks[p].lon for p in rows], dtype=float)
    lat = np.array([checks[p].lat for p in rows], dtype=float)
    candidates = np.flatnonzero(~shapely.contains_xy(geometries, lon, lat))
    if not candidates.size:
        return {}
    points = shapely.points(lon[candidates], lat[candidates])
    far = shapely.distance(geometries[candidates], points) > np.asarray(tolerances)[candidates]
    candidates, points = candidates[far], points[far]
    if not candidates.size:
        return {}
    lines = shapely.shortest_line(geometries[candidates], points)
    starts = shapely.get_coordinates(shapely.get_point(lines, 0))
    km = haversine_km(starts[:, 0], starts[:, 1], lon[candidates], lat[candidates])
    return {rows[int(c)]: float(d) for c, d in zip(candidates, km, strict=True)}
