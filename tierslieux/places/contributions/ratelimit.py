"""A small cache-based rate limit for public forms: at most `limit` submissions per `window` seconds per
visitor (IP address and session)."""

from __future__ import annotations

from django.core.cache import cache


def _keys(request, scope: str) -> list[str]:
    ip = request.META.get("REMOTE_ADDR", "") or "unknown"
    keys = [f"ratelimit:{scope}:ip:{ip}"]
    if request.session.session_key:
        keys.append(f"ratelimit:{scope}:session:{request.session.session_key}")
    return keys


def rate_limited(request, scope: str, *, limit: int = 5, window: int = 3600) -> bool:
    """True when this visitor already used up its `limit` submissions for `scope`."""
    return any((cache.get(key) or 0) >= limit for key in _keys(request, scope))


def rate_hit(request, scope: str, *, window: int = 3600) -> None:
    """Count one submission for this visitor."""
    for key in _keys(request, scope):
        if cache.add(key, 1, timeout=window):
            continue
        try:
            cache.incr(key)
        except ValueError:
            cache.set(key, 1, timeout=window)
