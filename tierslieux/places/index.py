"""In-memory index of the public places (numpy arrays) behind the map clusters, the filters and the search.

Only published places are in it (a project place waiting for moderation is not). The search text of a place
is its name, its town (the current name of its commune), its postcode and the names of its types, services
and labels (`search_words`), so that "coworking" finds every place of type coworking.

Built from the database on first use and rebuilt when places change: services call `invalidate()` after
commit (same process); other processes notice within `CHECK_SECONDS` through a cheap signature query
(count and latest update).
"""

from __future__ import annotations

import json
import threading
import time
from collections.abc import Iterator
from contextlib import contextmanager
from dataclasses import dataclass, field

import numpy as np
from django.conf import settings
from django.db.models import Count, Max, TextField
from django.db.models.functions import Cast
from django.utils import translation

from .clustering import grid_order, mercator
from .models import Label, Place, PlaceStatus, PlaceType, Service
from .search import SearchIndex, expand_words, index_words
from .text import normalise

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
    digital_inclusion: np.ndarray  # the "médiation numérique" layer (see models.is_digital_inclusion)
    names: list[str]
    search: SearchIndex
    hours: dict[int, tuple[dict, list]]
    signature: tuple
    row_of: dict[int, int] = field(default_factory=dict)
    grids: dict[tuple[int, int], tuple[np.ndarray, np.ndarray]] = field(default_factory=dict)

    def __len__(self) -> int:
        return len(self.ids)

    def grid(self, zoom: int, cell_px: int) -> tuple[np.ndarray, np.ndarray]:
        """Cell keys and cell order of every place at `zoom`, computed once per index."""
        key = (zoom, cell_px)
        if key not in self.grids:
            self.grids[key] = grid_order(self.x, self.y, zoom, cell_px)
        return self.grids[key]


def _signature() -> tuple:
    summary = Place.objects.aggregate(count=Count("id"), latest=Max("updated_at"))
    return (summary["count"], summary["latest"])


# Other words people type for a type, besides its name.
TYPE_SEARCH_WORDS = {
    "fablab": "fab lab atelier de fabrication numérique",
    "makerspace": "maker space",
    "repair_cafe": "repair café réparation",
    "culturel": "friche culturelle",
    "micro_folie": "micro-folie musée numérique",
    "mediation_numerique": "inclusion numérique",
    "garage_solidaire": "garage",
}


def _choice_words(choices, codes: list[str], extra: dict[str, str] | None = None) -> str:
    """The indexed words of a list of codes: their names (in the platform's language) and extra words."""
    labels = dict(choices.choices)
    with translation.override(settings.LANGUAGE_CODE):
        texts = [str(labels[code]) for code in codes if code in labels]
    texts += [(extra or {}).get(code, "") for code in codes]
    return " ".join(index_words(" ".join(texts)))


def search_words(
    search_text: str, commune_name: str, types_words: str, services_words: str, labels_words: str
) -> str:
    """The words a place is found by (normalised, space-separated)."""
    return " ".join(
        [
            " ".join(expand_words(search_text.split())),
            commune_name,
            types_words,
            services_words,
            labels_words,
        ]
    )


class _Parsed(dict):
    """Memo of JSON text -> value: the same few lists of codes repeat over thousands of places."""

    def __missing__(self, key):
        value = json.loads(key) if key else None
        self[key] = value
        return value


def _masks(raw: list, parsed: _Parsed, codes: list[str]) -> np.ndarray:
    memo: dict[str, int] = {}
    out = np.empty(len(raw), dtype=np.int64)
    for i, text in enumerate(raw):
        value = memo.get(text)
        if value is None:
            value = memo[text] = mask(codes, parsed[text])
        out[i] = value
    return out


def build(places=None) -> AtlasIndex:
    """The index of every place, or of the `places` queryset only (e.g. the new places of an alert)."""
    signature = _signature()
    # JSON columns are read as text (one memoised parse per distinct value): 10x faster than JSONField.
    as_text = {
        name: Cast(name, output_field=TextField())
        for name in ("types", "services", "labels", "opening_hours", "opening_exceptions")
    }
    rows = list(
        (Place.objects.published() if places is None else places & Place.objects.published())
        .order_by("name", "id")
        .annotate(**{f"{k}_text": v for k, v in as_text.items()})
        .values_list(
            "id",
            "lon",
            "lat",
            "types_text",
            "services_text",
            "labels_text",
            "status",
            "commune_id",
            "commune__department_id",
            "commune__region_id",
            "commune__epci_id",
            "name",
            "search_text",
            "opening_hours_text",
            "opening_exceptions_text",
            "commune__name",
            "digital_inclusion",
        )
    )
    columns = list(zip(*rows, strict=True)) if rows else [[] for _ in range(17)]
    parsed = _Parsed()
    ids = np.array(columns[0], dtype=np.int64)
    lon = np.array(columns[1], dtype=np.float64)
    lat = np.array(columns[2], dtype=np.float64)
    x, y = mercator(lon, lat)
    other = TYPE_CODES.index("autre")
    first_type: dict[str, int] = {}
    for text in set(columns[3]):
        codes = parsed[text] or []
        first_type[text] = TYPE_CODES.index(codes[0]) if codes and codes[0] in TYPE_CODES else other
    hours = {}
    for row, (week_text, exceptions_text) in enumerate(zip(columns[13], columns[14], strict=True)):
        if week_text not in ("{}", "", None) or exceptions_text not in ("[]", "", None):
            hours[row] = (parsed[week_text] or {}, parsed[exceptions_text] or [])
    status_codes = {code: number for number, code in enumerate(STATUS_CODES)}
    memo: dict[tuple[str, str], str] = {}

    def words_of(kind: str, text: str) -> str:
        key = (kind, text or "")
        if key not in memo:
            if kind == "commune":
                memo[key] = " ".join(index_words(normalise(text or "")))
            else:
                choices, extra = {"types": (PlaceType, TYPE_SEARCH_WORDS), "services": (Service, None)}.get(
                    kind, (Label, None)
                )
                memo[key] = _choice_words(choices, parsed[text] or [], extra)
        return memo[key]

    texts = [
        search_words(
            search_text or "",
            words_of("commune", commune_name),
            words_of("types", types_text),
            words_of("services", services_text),
            words_of("labels", labels_text),
        )
        for search_text, commune_name, types_text, services_text, labels_text in zip(
            columns[12], columns[15], columns[3], columns[4], columns[5], strict=True
        )
    ]
    return AtlasIndex(
        ids=ids,
        lon=lon,
        lat=lat,
        x=x,
        y=y,
        types=_masks(columns[3], parsed, TYPE_CODES),
        primary_type=np.array([first_type[t] for t in columns[3]], dtype=np.int64),
        services=_masks(columns[4], parsed, SERVICE_CODES),
        labels=_masks(columns[5], parsed, LABEL_CODES),
        status=np.array([status_codes[s] for s in columns[6]], dtype=np.int8),
        commune=np.array(columns[7], dtype="<U5"),
        department=np.array([v or "" for v in columns[8]], dtype="<U3"),
        region=np.array([v or "" for v in columns[9]], dtype="<U3"),
        epci=np.array([v or "" for v in columns[10]], dtype="<U9"),
        digital_inclusion=np.array(columns[16], dtype=bool),
        names=list(columns[11]),
        search=SearchIndex(texts, normalised=True),
        hours=hours,
        signature=signature,
        row_of={int(pk): row for row, pk in enumerate(columns[0])},
    )


_lock = threading.Lock()
_state: dict = {"index": None, "checked": 0.0, "stale": True}


def invalidate() -> None:
    _state["stale"] = True


@contextmanager
def staleness_preserved() -> Iterator[None]:
    """For writes rolled back at once (a trial validation): the index keeps the freshness it had, so a
    change that never happened does not force a rebuild. A real change elsewhere is still caught by the
    signature check every CHECK_SECONDS."""
    stale = _state["stale"]
    try:
        yield
    finally:
        _state["stale"] = stale


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
