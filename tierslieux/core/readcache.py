"""Cached reads of the public pages, in the shared cache (`CACHES["default"]`), invalidated on change.

A cached value depends on named data sets ("places", "geo"); each has a generation number in the cache that
the writes bump (places: `places.index.invalidate()`, after every committed place change; geo: the loaders,
through `geo.lookup.invalidate()`). The generations are part of the key, so a change makes every dependent
value unreachable at once, in every process; `PAGE_CACHE_SECONDS` bounds the rest (0 turns caching off).
Values must be picklable and must not depend on who asks (never cache per-user data here).
"""

from __future__ import annotations

import logging
from collections.abc import Callable, Iterable
from typing import TypeVar, cast

from django.conf import settings
from django.core.cache import cache
from django.db import transaction

logger = logging.getLogger(__name__)
T = TypeVar("T")
GENERATION_KEYS = {"places": "places:atlas-index:generation", "geo": "geo:generation"}
_MISSING = object()


def bump(name: str) -> None:
    """Data set `name` changed: every cached value depending on it is recomputed on next use."""
    key = GENERATION_KEYS[name]
    try:
        cache.incr(key)
    except ValueError:
        cache.add(key, 1, timeout=None)
    except Exception:  # the cache is down: values expire after PAGE_CACHE_SECONDS anyway
        logger.warning("cache generation %s not bumped", name, exc_info=True)


def bump_after_commit(name: str) -> None:
    transaction.on_commit(lambda: bump(name))


def cached(key: str, build: Callable[[], T], *, depends: Iterable[str]) -> T:
    """`build()`, cached under `key` for PAGE_CACHE_SECONDS and until a data set of `depends` changes."""
    seconds = getattr(settings, "PAGE_CACHE_SECONDS", 0)
    if seconds <= 0:
        return build()
    try:
        names = [GENERATION_KEYS[name] for name in depends]
        generations = cache.get_many(names)
        full_key = "read:" + key + ":" + ".".join(str(generations.get(name, 0)) for name in names)
        value = cache.get(full_key, _MISSING)
    except Exception:
        logger.warning("read cache unavailable", exc_info=True)
        return build()
    if value is _MISSING:
        value = build()
        try:
            cache.set(full_key, value, seconds)
        except Exception:
            logger.warning("read cache not written", exc_info=True)
    return cast(T, value)
