"""Platform-wide pages. Every view here is public, except "À traiter" (signed-in people)."""

import json
import logging

from django.contrib.auth.decorators import login_required
from django.http import HttpResponse
from django.shortcuts import render
from django.utils.translation import gettext as _
from django.views.decorators.csrf import csrf_exempt
from django.views.decorators.http import require_GET

from . import rgaa, selectors
from .counters import counts_for


@require_GET
def home(request):
    """Public: presents the platform with live figures."""
    return render(
        request, "core/home.html", {"figures": selectors.home_figures(), "sources": selectors.home_sources()}
    )


@login_required
@require_GET
def todo(request):
    """Signed-in people: what waits for them, by kind (reviewers and programme staff; nothing for others)."""
    return render(
        request,
        "core/todo.html",
        {
            "counts": counts_for(request.user),
            "page_title": _("À traiter"),
            "breadcrumb": [{"label": _("À traiter")}],
        },
    )


@require_GET
def about(request):
    """Public."""
    return render(
        request, "core/about.html", {"page_title": _("À propos"), "breadcrumb": [{"label": _("À propos")}]}
    )


@require_GET
def accessibility(request):
    """Public: the accessibility statement, built from the RGAA self-audit of docs/accessibility.md."""
    return render(
        request,
        "core/accessibility.html",
        {
            "audit": rgaa_audit(),
            "page_title": _("Déclaration d’accessibilité"),
            "breadcrumb": [{"label": _("Accessibilité")}],
        },
    )


def rgaa_audit():
    """The self-audit (None when docs/accessibility.md is missing or malformed: the page says so)."""
    try:
        return rgaa.load()
    except (OSError, rgaa.AuditError):
        return None


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
    from .middleware import too_large
    from .uploads import UploadTooLarge

    if isinstance(exception, UploadTooLarge):  # stopped while the CSRF check read the upload
        return too_large(request)
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


csp_logger = logging.getLogger("tierslieux.security.csp")
CSP_REPORT_MAX_BYTES = 16 * 1024


@csrf_exempt
def csp_report(request):
    """Public (browsers POST here): logs a Content-Security-Policy violation report, answers 204. Only the
    fields that say what was blocked where are logged, truncated; a body that is too large or not JSON: 400."""
    if request.method != "POST":
        return HttpResponse(status=405, headers={"Allow": "POST"})
    try:
        length = int(request.META.get("CONTENT_LENGTH") or 0)
    except ValueError:
        length = 0
    if length > CSP_REPORT_MAX_BYTES:
        return HttpResponse(status=400)
    try:
        payload = json.loads(request.body or b"{}")
    except ValueError:
        return HttpResponse(status=400)
    reports = payload if isinstance(payload, list) else [payload]
    for entry in reports:
        report = (entry.get("csp-report") or entry.get("body") or {}) if isinstance(entry, dict) else {}
        if not isinstance(report, dict):
            continue
        fields = {
            key: str(report.get(key, ""))[:300]
            for key in (
                "document-uri",
                "documentURL",
                "violated-directive",
                "effectiveDirective",
                "blocked-uri",
                "blockedURL",
                "source-file",
                "line-number",
            )
            if report.get(key) not in (None, "")
        }
        csp_logger.warning("CSP violation: %s", json.dumps(fields, ensure_ascii=False, sort_keys=True))
    return HttpResponse(status=204)


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
