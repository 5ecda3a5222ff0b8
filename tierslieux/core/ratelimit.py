"""Rate limits of public forms (contributions, sign-up, password reset), counted in the shared cache
(`CACHES["default"]`: the database by default, Redis by setting), so every process of the site sees the same
counters. A limit is counted per client IP (tierslieux.core.clientip) and per other key given (an email
address, a session)."""

from __future__ import annotations

import hashlib

from django.core.cache import cache
from django.http import HttpRequest

from .clientip import client_ip


def _key(scope: str, kind: str, value: str) -> str:
    digest = hashlib.sha256(value.strip().lower().encode()).hexdigest()[:32]
    return f"ratelimit:{scope}:{kind}:{digest}"


def keys_for(request: HttpRequest, scope: str, *, extra: dict[str, str] | None = None) -> list[str]:
    """The counters of one request: its client IP, its session if any, and `extra` ({kind: value})."""
    keys = [_key(scope, "ip", client_ip(request))]
    session = getattr(request, "session", None)
    if session is not None and session.session_key:
        keys.append(_key(scope, "session", session.session_key))
    for kind, value in (extra or {}).items():
        if value:
            keys.append(_key(scope, kind, value))
    return keys


def rate_limited(
    request: HttpRequest, scope: str, *, limit: int = 5, extra: dict[str, str] | None = None
) -> bool:
    """True when one of this request's counters for `scope` already reached `limit`."""
    values = cache.get_many(keys_for(request, scope, extra=extra))
    return any((value or 0) >= limit for value in values.values())


def rate_hit(
    request: HttpRequest, scope: str, *, window: int = 3600, extra: dict[str, str] | None = None
) -> None:
    """Count one use of `scope` for this request (each counter expires `window` seconds after its first use)."""
    for key in keys_for(request, scope, extra=extra):
        if cache.add(key, 1, timeout=window):
            continue
        try:
            cache.incr(key)
        except ValueError:
            cache.set(key, 1, timeout=window)
