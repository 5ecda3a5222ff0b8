"""Platform-wide pages. Every view here is public."""

from django.shortcuts import render
from django.utils.translation import gettext as _
from django.views.decorators.http import require_GET

from . import selectors


@require_GET
def home(request):
    """Public: presents the platform with live figures."""
    return render(request, "core/home.html", {"figures": selectors.home_figures()})


@require_GET
def about(request):
    """Public."""
    return render(
        request, "core/about.html", {"page_title": _("À propos"), "breadcrumb": [{"label": _("À propos")}]}
    )


@require_GET
def accessibility(request):
    """Public: the accessibility statement (RGAA)."""
    return render(
        request,
        "core/accessibility.html",
        {"page_title": _("Déclaration d’accessibilité"), "breadcrumb": [{"label": _("Accessibilité")}]},
    )


@require_GET
def legal(request):
    """Public: legal notice and personal data."""
    return render(
        request,
        "core/legal.html",
        {"page_title": _("Mentions légales"), "breadcrumb": [{"label": _("Mentions légales")}]},
    )


@require_GET
def open_data(request):
    """Public: what the platform publishes and how to reuse it."""
    return render(
        request,
        "core/open_data.html",
        {"page_title": _("Données ouvertes"), "breadcrumb": [{"label": _("Données ouvertes")}]},
    )


def error_400(request, exception=None):
    return render(request, "400.html", status=400)


def error_403(request, exception=None):
    return render(request, "403.html", status=403)


def error_404(request, exception=None):
    return render(request, "404.html", status=404)


def error_500(request):
    import sys

    from .observability import DATABASE_ERRORS, unavailable

    # The database went away outside a view (a middleware, the session): the 503 page, not a 500.
    if isinstance(sys.exc_info()[1], DATABASE_ERRORS):
        return unavailable(request)
    try:
        return render(request, "500.html", status=500)
    except DATABASE_ERRORS:
        return unavailable(request)


@require_GET
def health(request):
    """Public (for load balancers and monitoring; shows counts and ages, no personal data): this node's
    database, the task queue, the scheduler heartbeat, the outbox and SMTP (`core/health.py`). 200 while the
    node can serve ("ok" or "degraded"), 503 when its database is unreachable or, with `?strict=1`, when any
    check fails."""
    from django.http import JsonResponse

    from .health import as_json
    from .health import health as node_health

    status, checks = node_health()
    strict = request.GET.get("strict") in {"1", "true", "oui"}
    failed = status == "down" or (strict and status != "ok")
    response = JsonResponse(as_json(status, checks), status=503 if failed else 200)
    response["Cache-Control"] = "no-store"
    return response


def ping(request):
    """Public: "ok", through the whole middleware stack and no database (liveness; the ceiling of
    bench/http.py)."""
    from django.http import HttpResponse

    response = HttpResponse("ok", content_type="text/plain; charset=utf-8")
    response["Cache-Control"] = "no-store"
    return response
