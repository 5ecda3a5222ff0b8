"""Which commune (or QPV) is at a coordinate: the Django side of `tierslieux.geo.index`.

    from tierslieux.geo import lookup
    lookup.commune_at(-3.918, 47.873)          # "29039" (Concarneau) or None outside France
    lookup.communes_at(lons, lats)             # vectorised: one INSEE code or None per point
    lookup.qpv_at(lon, lat)                    # QPV code, exact once load_qpv_perimeters has run, else None
    lookup.invalidate()                        # after load_geo / load_qpv_perimeters (done by the services)

The indexes are built lazily, once per process, from the outlines stored in the database (communes:
type COM only, arrondissements have no outline; a point in Paris gives 75056). Thread-safe.
"""

from __future__ import annotations

import threading
from collections.abc import Sequence

from .index import PolygonIndex

_lock = threading.Lock()
_indexes: dict[str, PolygonIndex] = {}


def _build(name: str) -> PolygonIndex:
    from .models import Commune, Qpv

    if name == "communes":
        pairs = Commune.objects.exclude(outline="").order_by("insee").values_list("insee", "outline")
        return PolygonIndex.from_geojson(list(pairs))
    pairs = Qpv.objects.exclude(perimeter="").order_by("code").values_list("code", "perimeter")
    return PolygonIndex.from_geojson(list(pairs), tolerance=0.0)


def get_index(name: str) -> PolygonIndex:
    """The "communes" or "qpv" index of this process (built on first use)."""
    index = _indexes.get(name)
    if index is None:
        with _lock:
            index = _indexes.get(name)
            if index is None:
                index = _indexes[name] = _build(name)
    return index


def invalidate() -> None:
    """Forget the indexes: the next lookup rebuilds them from the database; cached reads of the geography
    (core/cache.py) are recomputed too, in every process."""
    with _lock:
        _indexes.clear()
    from tierslieux.core.cache import namespace_bump

    namespace_bump("geo")


def commune_at(lon: float, lat: float) -> str | None:
    """INSEE code of the commune at (lon, lat) (WGS84 degrees), or None outside every commune."""
    return get_index("communes").locate(lon, lat)


def communes_at(lons: Sequence[float], lats: Sequence[float]) -> list[str | None]:
    """INSEE code (or None) for each point; fast for thousands of points."""
    return get_index("communes").locate_many(lons, lats)


def qpv_at(lon: float, lat: float) -> str | None:
    """Code of the QPV containing (lon, lat), when QPV perimeters are loaded; None otherwise."""
    return get_index("qpv").locate(lon, lat)


def qpv_perimeters_loaded() -> bool:
    """Whether the official QPV perimeters are loaded (until then a QPV is known by its communes only)."""
    return len(get_index("qpv")) > 0
