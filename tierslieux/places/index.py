"""In-memory index of the public places (numpy arrays) behind the map clusters, the filters and the search.

Only published places are in it (a project place waiting for moderation is not). The search text of a place
is its name, its town (the current name of its commune), its postcode and the names of its types, services
and labels (`search_words`), so that "coworking" finds every place of type coworking.

Built from the database on first use (at server start-up: `warm()`, before the workers fork) and rebuilt
when places change: services call `invalidate()` after commit, which marks this process's index stale and
bumps a generation number in the shared cache. By default (background mode) a thread of each process reads
that number every `POLL_SECONDS`, compares the signature (count and latest update, for writes that bypass the
services) every `SIGNATURE_SECONDS`, rebuilds when either changed and swaps the new index in when it is ready:
requests never query for freshness and never wait for a rebuild; they see the previous index meanwhile
(about a second at 50,000 places). Synchronous mode (`ATLAS_INDEX_BACKGROUND = False`, the tests) checks the
signature at most every `CHECK_SECONDS` on use and rebuilds in the request.
"""

from __future__ import annotations

import json
import logging
import os
import threading
import time
from collections.abc import Iterator
from contextlib import contextmanager
from dataclasses import dataclass, field

import numpy as np
from django.conf import settings
from django.core.cache import cache
from django.db.models import Count, Max, TextField
from django.db.models.functions import Cast
from django.utils import translation

from tierslieux.core import cache as core_cache

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
_state: dict = {"index": None, "checked": 0.0, "stale": True, "generation": None, "poller": None}
_wake = threading.Event()
_stop = threading.Event()
_local = threading.local()

GENERATION_KEY = core_cache.NAMESPACES["places"]
POLL_SECONDS = 1.0
"""Background mode: how often a process reads the shared generation number (one cache read)."""
SIGNATURE_SECONDS = 30.0
"""Background mode: how often it also compares the signature, for writes that bypass the services (admin)."""

logger = logging.getLogger(__name__)


def _background() -> bool:
    return getattr(settings, "ATLAS_INDEX_BACKGROUND", True)


def _generation() -> int | None:
    try:
        return cache.get(GENERATION_KEY, 0)
    except Exception:  # cache table missing or cache down: the signature check still catches changes
        logger.warning("atlas index: shared generation unreadable", exc_info=True)
        return None


def invalidate() -> None:
    """Places changed: this process rebuilds its index (in the background, or on next use in synchronous
    mode), and the shared generation number tells every other process to do the same."""
    if getattr(_local, "suppressed", False):
        return
    _state["stale"] = True
    _wake.set()
    # Other processes learn of the change once it is committed (at once outside a transaction).
    try:
        core_cache.namespace_bump_after_commit("places")
    except Exception:  # no database at hand (a test without one): this process's own index is marked
        logger.debug("atlas index: shared generation not bumped", exc_info=True)


@contextmanager
def staleness_preserved() -> Iterator[None]:
    """For writes rolled back at once (a trial validation): the index keeps the freshness it had, so a
    change that never happened does not force a rebuild. A real change elsewhere is still caught by the
    generation and signature checks."""
    stale = _state["stale"]
    _local.suppressed = True
    try:
        yield
    finally:
        _local.suppressed = False
        _state["stale"] = stale


def warm() -> AtlasIndex:
    """Build the index now (server start-up, before the workers fork: they share it and serve warm)."""
    with _lock:
        generation = _generation()
        current = build()
        _state.update(index=current, checked=time.monotonic(), stale=False, generation=generation)
        return current


def get_index() -> AtlasIndex:
    """The current index. First use builds it; afterwards no request waits for a rebuild: in background mode
    (the default) a thread of this process notices changes and swaps in a new index when it is built;
    synchronous mode (`ATLAS_INDEX_BACKGROUND = False`, the tests) rebuilds on the next use after a change."""
    current = _state["index"]
    if current is None:
        with _lock:
            if _state["index"] is None:
                _state["stale"] = False
                _state["generation"] = _generation()
                _state["index"] = build()
                _state["checked"] = time.monotonic()
            current = _state["index"]
    if _background():
        _ensure_poller()
        return current
    now = time.monotonic()
    if not _state["stale"] and now - _state["checked"] < CHECK_SECONDS:
        return current
    with _lock:
        current = _state["index"]
        if not _state["stale"]:
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


def _ensure_poller() -> None:
    poller = _state["poller"]
    if poller is not None and poller.is_alive() and _state.get("poller_pid") == os.getpid():
        return
    with _lock:
        poller = _state["poller"]
        if poller is not None and poller.is_alive() and _state.get("poller_pid") == os.getpid():
            return
        _stop.clear()
        poller = threading.Thread(target=_poll, name="atlas-index", daemon=True)
        _state.update(poller=poller, poller_pid=os.getpid())
        poller.start()


def stop_poller(timeout: float = 10.0) -> None:
    """Stop this process's background thread (tests; it restarts on the next `get_index`)."""
    poller = _state["poller"]
    _stop.set()
    _wake.set()
    if poller is not None:
        poller.join(timeout)
    _state["poller"] = None


def _poll() -> None:
    """The background thread: every POLL_SECONDS (or at once after an edit in this process), rebuild when
    the shared generation moved, the signature changed, or this process invalidated; swap when built."""
    from django.db import close_old_connections

    last_signature = time.monotonic()
    while not _stop.is_set():
        _wake.wait(POLL_SECONDS)
        _wake.clear()
        if _stop.is_set():
            break
        try:
            close_old_connections()
            generation = _generation()
            stale = _state["stale"] or (generation is not None and generation != _state["generation"])
            if not stale and time.monotonic() - last_signature >= SIGNATURE_SECONDS:
                last_signature = time.monotonic()
                stale = _signature() != _state["index"].signature
            if stale:
                _state["stale"] = False  # an edit during the build marks it again: one more rebuild
                started = time.perf_counter()
                current = build()
                with _lock:
                    _state.update(index=current, checked=time.monotonic(), generation=generation)
                logger.info(
                    "atlas index rebuilt: %s places in %.2f s", len(current), time.perf_counter() - started
                )
        except Exception:
            logger.exception("atlas index: background rebuild failed (the previous index is kept)")
            _stop.wait(POLL_SECONDS * 5)
    from django.db import connections

    connections.close_all()  # this thread's own connections
