"""The one caching helper, on Django's cache framework: cached values, pages and API answers, invalidated by
namespaced versions that the writes bump.

Two stores (settings.CACHES):
- "default", shared by every process (the database, or Redis with CACHE_URL): values worth computing once for
  the whole site (the home page's counts, a commune's classification and outline);
- "local", this process's memory (`ProcessMemoryCache`: Django's LocMemCache without the pickling, so large
  objects — numpy arrays, indexes, rendered pages — are read at no cost; never mutate a value read from it),
  and "local-data", the same for the few large computed inputs (the diagnostic's), which many small values
  must not evict.

A value depends on named data sets, the namespaces of `NAMESPACES`. Each has a version number in the shared
cache that the writes bump after commit (`namespace_bump`): "places" by `places.index.invalidate()`, "geo" by
`geo.lookup.invalidate()`, "content" by any save or delete of a model shown on the public pages
(`watch_models`, from `www.apps`). The versions are part of the key, so a change makes every dependent value
unreachable at once, in every process; each process reads them at most every `CACHE_VERSION_SECONDS` (one
cache read), its own bumps at once. `PAGE_CACHE_SECONDS` bounds the rest (0 turns page caching off).

Pages (`cached_page`) are cached only for anonymous visitors without pending messages, keyed by path, query
string, language and the versions: a signed-in person's page is never stored, and the per-request values of a
page — the CSP nonce and the CSRF token — are stored as placeholders and filled in for each request.
"""

from __future__ import annotations

import gzip
import hashlib
import logging
import re
import threading
import time
from collections import OrderedDict
from collections.abc import Callable, Iterable
from functools import wraps
from typing import Any, TypeVar, cast

from django.conf import settings
from django.contrib.messages import get_messages
from django.core.cache import caches
from django.core.cache.backends.base import DEFAULT_TIMEOUT
from django.core.cache.backends.locmem import LocMemCache
from django.db import DEFAULT_DB_ALIAS, connections, transaction
from django.db.models.signals import m2m_changed, post_delete, post_save
from django.http import HttpRequest, HttpResponse
from django.middleware.csrf import get_token
from django.utils import timezone
from django.utils.translation import get_language

logger = logging.getLogger(__name__)
T = TypeVar("T")

SHARED = "default"
LOCAL = "local"
LOCAL_DATA = "local-data"  # large computed inputs, few: kept apart so that many small values never evict them
NAMESPACES = {
    "places": "places:atlas-index:generation",  # also read by the atlas index of every process
    "geo": "geo:generation",
    "content": "content:generation",
    "todo": "todo:generation",  # the header's "À traiter" counts (core/counters.py)
}
PAGE_NAMESPACES = ("places", "geo", "content")
_MISSING = object()
_RECENT_CALLBACKS = 32
_PAGE_TIMEOUT = object()


class ProcessMemoryCache(LocMemCache):
    """LocMemCache that keeps the values themselves instead of pickled copies: reading a large value costs
    nothing, and values that cannot be pickled may be kept. Values are shared by the threads of the process."""

    # LocMemCache's own state and helpers, which these methods use as LocMemCache's do (not in its stubs).
    _lock: Any
    _cache: OrderedDict[str, Any]
    _has_expired: Callable[[str], bool]
    _set: Callable[[str, Any, Any], None]
    _delete: Callable[[str], bool]

    def add(self, key: Any, value: Any, timeout: Any = DEFAULT_TIMEOUT, version: int | None = None) -> bool:
        key = self.make_and_validate_key(key, version=version)
        with self._lock:
            if self._has_expired(key):
                self._set(key, value, timeout)
                return True
            return False

    def get(self, key: Any, default: Any = None, version: int | None = None) -> Any:
        key = self.make_and_validate_key(key, version=version)
        with self._lock:
            if self._has_expired(key):
                self._delete(key)
                return default
            self._cache.move_to_end(key, last=False)
            return self._cache[key]

    def set(self, key: Any, value: Any, timeout: Any = DEFAULT_TIMEOUT, version: int | None = None) -> None:
        key = self.make_and_validate_key(key, version=version)
        with self._lock:
            self._set(key, value, timeout)

    def incr(self, key: Any, delta: int = 1, version: int | None = None) -> int:
        key = self.make_and_validate_key(key, version=version)
        with self._lock:
            if self._has_expired(key):
                self._delete(key)
                raise ValueError(f"Key '{key}' not found")
            self._cache[key] += delta
            self._cache.move_to_end(key, last=False)
            value: int = self._cache[key]
            return value


# ------------------------------------------------------------------------------------------- namespaces

_versions: dict[str, int] = {}
_versions_read = {"at": -1e9}
_versions_lock = threading.Lock()


def _fresh_version() -> int:
    return int(time.time() * 1000)


def namespace_versions(names: Iterable[str]) -> tuple[int, ...]:
    """The current version of each namespace (0 before its first bump), read from the shared cache at most
    every CACHE_VERSION_SECONDS by this process."""
    names = tuple(names)
    if not names:
        return ()
    now = time.monotonic()
    if now - _versions_read["at"] >= getattr(settings, "CACHE_VERSION_SECONDS", 1.0):
        shared = caches[SHARED]
        values = shared.get_many(list(NAMESPACES.values()))
        for key in set(NAMESPACES.values()) - set(values):
            # A first version that no earlier life of the cache had (after a clear, old keys stay unreachable).
            shared.add(key, _fresh_version(), timeout=None)
            values[key] = shared.get(key, 0)
        with _versions_lock:
            _versions.update({name: values.get(key, 0) for name, key in NAMESPACES.items()})
            _versions_read["at"] = now
    return tuple(_versions.get(name, 0) for name in names)


def namespace_bump(name: str) -> None:
    """Namespace `name` changed: every value depending on it is recomputed on next use, in every process."""
    key = NAMESPACES[name]
    shared = caches[SHARED]
    try:
        try:
            value = shared.incr(key)
        except ValueError:
            start = _fresh_version()
            value = start if shared.add(key, start, timeout=None) else shared.incr(key)
    except Exception:  # the cache is down: values expire after their timeout anyway
        logger.warning("cache namespace %s not bumped", name, exc_info=True)
        return
    with _versions_lock:
        _versions[name] = value


def namespace_bump_after_commit(name: str, *, using: str = DEFAULT_DB_ALIAS) -> None:
    """Bump once the current transaction commits (at once outside one): a burst of writes in one atomic block
    (a loader's loop) registers one bump, found among the last callbacks (a bounded look, not a scan)."""
    connection = connections[using]
    here = set(connection.savepoint_ids)
    recent: list[Any] = list(
        connection.run_on_commit[-_RECENT_CALLBACKS:]
    )  # (savepoint ids, callback, robust)
    if any(getattr(entry[1], "cache_namespace", None) == name and entry[0] == here for entry in recent):
        return

    def callback() -> None:
        namespace_bump(name)

    callback.cache_namespace = name  # type: ignore[attr-defined]
    transaction.on_commit(callback, using=using)


_watched: dict[str, set[str]] = {}


def watch_models(name: str, labels: Iterable[str]) -> None:
    """Bump namespace `name` after any save or delete (and many-to-many change) of the models named by
    `labels`: an app label ("news") or a model label ("calls.Call"). Calling it again for the same namespace adds
    labels to those it watches."""
    watched = _watched.setdefault(name, set())
    watched.update(labels)

    def changed(sender: Any, using: str = DEFAULT_DB_ALIAS, **kwargs: Any) -> None:
        meta = sender._meta
        if meta.app_label in watched or meta.label in watched:
            namespace_bump_after_commit(name, using=using)

    for signal in (post_save, post_delete, m2m_changed):
        signal.connect(changed, weak=False, dispatch_uid=f"tierslieux.core.cache.{name}.{signal!r}")


# ------------------------------------------------------------------------------------------- values


def cache_key(parts: Iterable[Any]) -> str:
    """A key any backend accepts (≤ 250 characters, no spaces), readable by its first part."""
    parts = tuple(parts)
    digest = hashlib.blake2b(repr(parts).encode(), digest_size=16).hexdigest()
    return f"tl:{str(parts[0])[:40].replace(' ', '_')}:{digest}"


def cached(
    key_parts: Iterable[Any],
    compute: Callable[[], T],
    *,
    namespaces: Iterable[str] = (),
    timeout: Any = _PAGE_TIMEOUT,
    store: str = SHARED,
) -> T:
    """`compute()`, cached under `key_parts` in `store` until a namespace of `namespaces` changes and for
    `timeout` seconds (PAGE_CACHE_SECONDS by default, where 0 turns caching off; None: until evicted — for
    keys that carry their own fingerprint of the data). Shared values must be picklable and, like every value
    here, must not depend on who asks."""
    seconds = getattr(settings, "PAGE_CACHE_SECONDS", 0) if timeout is _PAGE_TIMEOUT else timeout
    if seconds is not None and seconds <= 0:
        return compute()
    backend = caches[store]
    try:
        key = cache_key((*key_parts, *namespace_versions(namespaces)))
        value = backend.get(key, _MISSING)
    except Exception:
        logger.warning("cache %s unavailable", store, exc_info=True)
        return compute()
    if value is _MISSING:
        value = compute()
        try:
            backend.set(key, value, seconds)
        except Exception:
            logger.warning("cache %s not written", store, exc_info=True)
    return cast(T, value)


# ------------------------------------------------------------------------------------------- pages

CSRF_MARK = "tlcsrfmark0c7e4b1d9a"
NONCE_MARK = "tlnoncemark5f2a8e63b0"
_STORED_HEADERS = ("Content-Type", "Content-Language", "Cache-Control", "Link", "X-Robots-Tag", "Vary")


def page_cacheable(request: HttpRequest) -> bool:
    """Anonymous GET/HEAD requests without pending messages (a message is for one person), caching on."""
    if request.method not in ("GET", "HEAD") or getattr(settings, "PAGE_CACHE_SECONDS", 0) <= 0:
        return False
    user = getattr(request, "user", None)
    if user is None or user.is_authenticated:
        return False
    return len(get_messages(request)) == 0


_MARKS = re.compile(f"({CSRF_MARK}|{NONCE_MARK})".encode())


def _pieces(body: bytes) -> tuple[bytes, ...]:
    """The page cut around its placeholders (odd items are the placeholders), filled in by `_fill`."""
    return tuple(_MARKS.split(body))


def _fill(pieces: tuple[bytes, ...], request: HttpRequest) -> bytes:
    if len(pieces) == 1:
        return pieces[0]
    values: dict[bytes, bytes] = {}
    if CSRF_MARK.encode() in pieces[1::2]:
        values[CSRF_MARK.encode()] = get_token(request).encode()
    if NONCE_MARK.encode() in pieces[1::2]:
        values[NONCE_MARK.encode()] = str(getattr(request, "csp_nonce", "")).encode()
    return b"".join(values[piece] if index % 2 else piece for index, piece in enumerate(pieces))


_rendering: dict[str, threading.Event] = {}
_rendering_lock = threading.Lock()
RENDER_WAIT_SECONDS = 30


def _render_and_keep(
    request: HttpRequest,
    key: str,
    view: Callable[..., HttpResponse],
    args: tuple[Any, ...],
    kwargs: dict[str, Any],
) -> HttpResponse:
    marked: Any = request  # an attribute of this request only, read by core.context_processors
    marked.page_cache_placeholders = True  # core.context_processors renders CSRF_MARK
    try:
        response = view(request, *args, **kwargs)
    finally:  # an error page rendered after an exception gets the real token
        marked.page_cache_placeholders = False
    if response.streaming:
        return response
    body = response.content
    nonce = getattr(request, "_csp_nonce", None)
    if isinstance(nonce, str):
        body = body.replace(nonce.encode(), NONCE_MARK.encode())
    pieces = _pieces(body)
    if response.status_code == 200 and not response.cookies:
        headers = [(name, response[name]) for name in _STORED_HEADERS if response.has_header(name)]
        caches[LOCAL].set(key, (200, headers, pieces), settings.PAGE_CACHE_SECONDS)
    response.content = _fill(pieces, request)
    return response


def cached_page(
    *,
    namespaces: Iterable[str] = PAGE_NAMESPACES,
    per_minute: bool = False,
    vary: Callable[[], Any] | None = None,
) -> Callable[[Callable[..., HttpResponse]], Callable[..., HttpResponse]]:
    """Decorator of a public HTML view: for anonymous visitors, the rendered page is kept in this process's
    memory and served again until a namespace changes, or `vary()` (e.g. the signature of the in-memory index
    the page reads), or, with `per_minute`, the minute (pages that show what is open now or upcoming). The
    CSRF token and CSP nonce are filled in per request."""
    namespaces = tuple(namespaces)

    def decorator(view: Callable[..., HttpResponse]) -> Callable[..., HttpResponse]:
        @wraps(view)
        def wrapper(request: HttpRequest, *args: Any, **kwargs: Any) -> HttpResponse:
            if not page_cacheable(request):
                return view(request, *args, **kwargs)
            parts = [
                "page",
                request.path,
                sorted(request.GET.lists()),
                get_language(),
                request.headers.get("HX-Request", ""),
                request.headers.get("HX-Target", ""),
            ]
            if per_minute:
                parts.append(timezone.localtime().strftime("%Y%m%d%H%M"))
            try:
                if vary is not None:
                    parts.append(vary())
                key = cache_key((*parts, *namespace_versions(namespaces)))
                entry = caches[LOCAL].get(key)
            except Exception:
                logger.warning("page cache unavailable", exc_info=True)
                return view(request, *args, **kwargs)
            leader, done = False, None
            if entry is None:
                # One thread renders a missing page; the others asking for it meanwhile wait for it.
                with _rendering_lock:
                    done = _rendering.get(key)
                    leader = done is None
                    if leader:
                        done = _rendering[key] = threading.Event()
                if not leader and done is not None:
                    done.wait(RENDER_WAIT_SECONDS)
                    entry = caches[LOCAL].get(key)
            if entry is not None:
                status, headers, pieces = entry
                response = HttpResponse(_fill(pieces, request), status=status)
                for name, value in headers:
                    response[name] = value
                return response
            try:
                return _render_and_keep(request, key, view, args, kwargs)
            finally:
                if leader and done is not None:
                    with _rendering_lock:
                        _rendering.pop(key, None)
                    done.set()

        return wrapper

    return decorator


# ------------------------------------------------------------------------------------------- API answers


def _api_entry(
    request: HttpRequest, key_parts: Iterable[Any], namespaces: Iterable[str]
) -> tuple[str | None, tuple[str, bytes, bytes, str] | None]:
    """The key of an API answer and its kept entry; (None, None) when answers are not kept (caching off, not a
    read) or the cache cannot be read."""
    if getattr(settings, "PAGE_CACHE_SECONDS", 0) <= 0 or request.method not in ("GET", "HEAD"):
        return None, None
    try:
        key = cache_key(("api", request.path, *key_parts, *namespace_versions(namespaces)))
        return key, caches[LOCAL].get(key)
    except Exception:
        logger.warning("API cache unavailable", exc_info=True)
        return None, None


def _api_response(request: HttpRequest, entry: tuple[str, bytes, bytes, str]) -> HttpResponse:
    content_type, body, compressed, etag = entry
    if etag in request.headers.get("If-None-Match", ""):
        response = HttpResponse(status=304)
    elif "gzip" in request.headers.get("Accept-Encoding", "") and len(body) >= 200:
        response = HttpResponse(compressed, content_type=content_type)
        response["Content-Encoding"] = "gzip"
    else:
        response = HttpResponse(body, content_type=content_type)
    response["ETag"] = etag
    response["Vary"] = "Accept-Encoding"
    return response


def cached_json_hit(
    request: HttpRequest, key_parts: Iterable[Any], *, namespaces: Iterable[str] = ("places", "geo")
) -> HttpResponse | None:
    """The kept API answer for this request if there is one, else None: what a thin view in front of the API
    framework answers without parsing the parameters again (the answer was kept only once they were valid,
    and the key holds every parameter). `key_parts` and `namespaces` must be those of `cached_json`."""
    entry = _api_entry(request, key_parts, namespaces)[1]
    return _api_response(request, entry) if entry is not None else None


def cached_json(
    request: HttpRequest,
    key_parts: Iterable[Any],
    render: Callable[[], HttpResponse],
    *,
    namespaces: Iterable[str] = ("places", "geo"),
) -> HttpResponse:
    """An API answer (the same for everyone who asks with these parameters: `key_parts` must hold all it
    depends on besides the namespaces) from this process's memory, with its gzipped body kept beside it, an
    ETag and 304 to a matching If-None-Match."""
    key, entry = _api_entry(request, key_parts, namespaces)
    if key is None:
        return render()
    if entry is None:
        response = render()
        if response.status_code != 200 or response.streaming:
            return response
        body = response.content
        entry = (response["Content-Type"], body, gzip.compress(body, 6), f'"{key.rsplit(":", 1)[1]}"')
        caches[LOCAL].set(key, entry, settings.PAGE_CACHE_SECONDS)
    return _api_response(request, entry)
