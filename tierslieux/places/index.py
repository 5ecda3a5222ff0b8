"""In-memory index of all places (numpy arrays) behind the map clusters, the filters and the search.

Built from the database on first use and rebuilt when places change: services call `invalidate()` after
commit (same process); other processes notice within `CHECK_SECONDS` through a cheap signature query
(count and latest update).
"""

from __future__ import annotations

import threading
import time
from dataclasses import dataclass, field

import numpy as np
from django.db.models import Count, Max

from .clustering import mercator
from .models import Label, Place, PlaceStatus, PlaceType, Service
from .search import SearchIndex

CHECK_SECONDS = 2.0
TYPE_CODES = list(PlaceType.values)
SERVICE_CODES = list(Service.values)
LABEL_CODES = list(Label.values)
STATUS_CODES = list(PlaceStatus.values)


def bit(codes: list[str], code: str) -> int:
    return 1 << codes.index(code)


def mask(codes: list[str], values) -> int:
    return sum(bit(codes, value) for value in set(values or []) if value in codes)


@dataclass
class AtlasIndex:
    ids: np.ndarray
    lon: np.ndarray
    lat: np.ndarray
    x: np.ndarray
    y: np.ndarray
    types: np.ndarray
    primary_type: np.ndarray
    services: np.ndarray
    labels: np.ndarray
    status: np.ndarray
    region: np.ndarray
    department: np.ndarray
    epci: np.ndarray
    commune: np.ndarray
    names: list[str]
    search: SearchIndex
    hours: dict[int, tuple[dict, list]]
    signature: tuple
    row_of: dict[int, int] = field(default_factory=dict)

    def __len__(self) -> int:
        return len(self.ids)


def _signature() -> tuple:
    summary = Place.objects.aggregate(count=Count("id"), latest=Max("updated_at"))
    return (summary["count"], summary["latest"])


def build() -> AtlasIndex:
    signature = _signature()
    rows = list(
        Place.objects.order_by("name", "id").values_list(
            "id",
            "lon",
            "lat",
            "types",
            "services",
            "labels",
            "status",
            "commune_id",
            "commune__department_id",
            "commune__region_id",
            "commune__epci_id",
            "name",
            "search_text",
            "opening_hours",
            "opening_exceptions",
        )
    )
    n = len(rows)
    ids = np.fromiter((r[0] for r in rows), dtype=np.int64, count=n)
    lon = np.fromiter((r[1] for r in rows), dtype=np.float64, count=n)
    lat = np.fromiter((r[2] for r in rows), dtype=np.float64, count=n)
    x, y = mercator(lon, lat)
    types = np.fromiter((mask(TYPE_CODES, r[3]) for r in rows), dtype=np.int64, count=n)
    primary = np.fromiter(
        (
            TYPE_CODES.index(r[3][0]) if r[3] and r[3][0] in TYPE_CODES else TYPE_CODES.index("autre")
            for r in rows
        ),
        dtype=np.int64,
        count=n,
    )
    hours = {row: (r[13], r[14]) for row, r in enumerate(rows) if r[13] or r[14]}
    return AtlasIndex(
        ids=ids,
        lon=lon,
        lat=lat,
        x=x,
        y=y,
        types=types,
        primary_type=primary,
        services=np.fromiter((mask(SERVICE_CODES, r[4]) for r in rows), dtype=np.int64, count=n),
        labels=np.fromiter((mask(LABEL_CODES, r[5]) for r in rows), dtype=np.int64, count=n),
        status=np.fromiter((STATUS_CODES.index(r[6]) for r in rows), dtype=np.int8, count=n),
        commune=np.array([r[7] for r in rows], dtype="<U5"),
        department=np.array([r[8] or "" for r in rows], dtype="<U3"),
        region=np.array([r[9] or "" for r in rows], dtype="<U3"),
        epci=np.array([r[10] or "" for r in rows], dtype="<U9"),
        names=[r[11] for r in rows],
        search=SearchIndex([r[12] for r in rows]),
        hours=hours,
        signature=signature,
        row_of={int(pk): row for row, pk in enumerate(ids)},
    )


_lock = threading.Lock()
_state: dict = {"index": None, "checked": 0.0, "stale": True}


def invalidate() -> None:
    _state["stale"] = True


def get_index() -> AtlasIndex:
    """The current index, rebuilt when places changed."""
    current = _state["index"]
    now = time.monotonic()
    if current is not None and not _state["stale"] and now - _state["checked"] < CHECK_SECONDS:
        return current
    with _lock:
        current = _state["index"]
        if current is not None and not _state["stale"]:
            if time.monotonic() - _state["checked"] < CHECK_SECONDS:
                return current
            if _signature() == current.signature:
                _state["checked"] = time.monotonic()
                return current
        _state["stale"] = False
        current = build()
        _state["index"] = current
        _state["checked"] = time.monotonic()
        return current
