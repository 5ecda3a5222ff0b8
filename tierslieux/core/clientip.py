"""The client's IP address, as the rate limits and the login lockouts count it.

Without a trusted reverse proxy it is REMOTE_ADDR. Behind one, set TRUSTED_PROXY_HEADER to the META name of
the header it writes (e.g. "HTTP_X_FORWARDED_FOR") and TRUSTED_PROXY_COUNT to the number of proxies that
append to it: the client is that many entries from the right, so a value the client wrote itself at the left
of the header is never believed (docs/environment.md)."""

from __future__ import annotations

from ipaddress import ip_address

from django.conf import settings
from django.http import HttpRequest


def _valid(value: str) -> str | None:
    value = value.strip()
    if value.startswith("[") and "]" in value:  # "[::1]:port"
        value = value[1 : value.index("]")]
    elif value.count(":") == 1:  # "1.2.3.4:port"
        value = value.split(":", 1)[0]
    try:
        return str(ip_address(value))
    except ValueError:
        return None


def client_ip(request: HttpRequest) -> str:
    """The client IP of `request` (a string; "unknown" when none can be read)."""
    remote = _valid(request.META.get("REMOTE_ADDR", "") or "") or "unknown"
    header = getattr(settings, "TRUSTED_PROXY_HEADER", "")
    if not header:
        return remote
    raw = request.META.get(header, "")
    entries = [entry for entry in raw.split(",") if entry.strip()]
    count = max(1, int(getattr(settings, "TRUSTED_PROXY_COUNT", 1)))
    if len(entries) < count:
        return remote
    return _valid(entries[-count]) or remote


def axes_client_ip(request: HttpRequest) -> str | None:
    """django-axes' view of the client IP: None when there is none (a request built without REMOTE_ADDR, e.g.
    a test client's force_login), since Axes stores it in an IP-address column."""
    value = client_ip(request)
    return None if value == "unknown" else value
