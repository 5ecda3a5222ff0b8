"""Per-route security headers.

Every response gets the Content-Security-Policy of settings.CONTENT_SECURITY_POLICY (django-csp), whose
`frame-ancestors 'none'` forbids framing, and `X-Frame-Options: DENY`. A view meant to be embedded by partner
sites (a future widget) is allow-listed explicitly:

    @embeddable("https://www.exemple-partenaire.fr")
    def widget(request): ...
"""

from __future__ import annotations

from collections.abc import Callable
from functools import wraps

from csp.decorators import csp_replace
from django.http.response import HttpResponseBase
from django.views.decorators.clickjacking import xframe_options_exempt

ViewFunc = Callable[..., HttpResponseBase]


def embeddable(*origins: str) -> Callable[[ViewFunc], ViewFunc]:
    """Allow the decorated view to be framed by `origins` (https://… each; 'self' for the platform itself)
    and by nothing else: CSP frame-ancestors lists them, X-Frame-Options is dropped for this view only."""
    if not origins:
        raise ValueError("embeddable() needs at least one origin")
    for origin in origins:
        # 'self', one https origin, or "https:" (any site served over HTTPS, for public widgets).
        if origin not in ("'self'", "https:") and not origin.startswith("https://"):
            raise ValueError(f"not an https origin: {origin}")

    def decorator(view: ViewFunc) -> ViewFunc:
        framed = xframe_options_exempt(csp_replace({"frame-ancestors": list(origins)})(view))
        return wraps(view)(framed)

    return decorator
