"""The platform's own views: the error pages and the CSP report endpoint. Every view here is public. The home
page and the static pages are `tierslieux.www`'s."""

import json
import logging

from django.conf import settings
from django.http import HttpRequest, HttpResponse
from django.shortcuts import render
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy
from django.views.decorators.csrf import csrf_exempt
from django.views.decorators.http import require_GET

from .uploads import UploadTooLarge

# The error pages: (title, message) per status, rendered by `error_page` with the one template `error.html`.
ERRORS = {
    400: (
        gettext_lazy("Requête incorrecte"),
        gettext_lazy(
            "La requête envoyée n’a pas pu être traitée. Vérifiez l’adresse ou les informations saisies."
        ),
    ),
    403: (
        gettext_lazy("Accès refusé"),
        gettext_lazy(
            "Vous n’avez pas l’autorisation d’accéder à cette page. Si vous pensez qu’il s’agit d’une erreur, "
            "connectez-vous avec le bon compte."
        ),
    ),
    404: (
        gettext_lazy("Page non trouvée"),
        gettext_lazy(
            "La page que vous cherchez est introuvable. Excusez-nous pour la gêne occasionnée. Si vous avez tapé "
            "l’adresse web dans le navigateur, vérifiez qu’elle est correcte."
        ),
    ),
    413: (gettext_lazy("Envoi trop volumineux"), ""),
    500: (
        gettext_lazy("Erreur inattendue"),
        gettext_lazy(
            "Désolé, le service rencontre un problème, nous travaillons pour le résoudre le plus rapidement "
            "possible."
        ),
    ),
}


def error_page(request: HttpRequest, status: int, message: str = "") -> HttpResponse:
    """The French error page of `status` (`message` replaces the default sentence)."""
    title, default = ERRORS[status]
    context = {"status": status, "title": title, "message": message or default}
    return render(request, "error.html", context, status=status)


def error_400(request: HttpRequest, exception: Exception | None = None) -> HttpResponse:
    if isinstance(exception, UploadTooLarge):  # stopped while the CSRF check read the upload
        return too_large(request)
    return error_page(request, 400)


def too_large(request: HttpRequest) -> HttpResponse:
    """The 413 page: the request body exceeds the upload limits (nothing was saved)."""
    limit = settings.UPLOAD_MAX_FILE_SIZE // (1024 * 1024)
    message = _(
        "Votre envoi dépasse %(limit)s Mo : rien n’a été enregistré (%(limit)s Mo au plus par fichier)."
    ) % {"limit": limit}
    return error_page(request, 413, message)


def error_403(request: HttpRequest, exception: Exception | None = None) -> HttpResponse:
    return error_page(request, 403)


def error_404(request: HttpRequest, exception: Exception | None = None) -> HttpResponse:
    return error_page(request, 404)


def error_500(request: HttpRequest) -> HttpResponse:
    import sys

    from .observability import DATABASE_ERRORS, unavailable

    # The database went away outside a view (a middleware, the session): the 503 page, not a 500.
    if isinstance(sys.exc_info()[1], DATABASE_ERRORS):
        return unavailable(request)
    try:
        return error_page(request, 500)
    except DATABASE_ERRORS:
        return unavailable(request)


csp_logger = logging.getLogger("tierslieux.security.csp")
CSP_REPORT_MAX_BYTES = 16 * 1024


@csrf_exempt
def csp_report(request: HttpRequest) -> HttpResponse:
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
def security_txt(request: HttpRequest) -> HttpResponse:
    """Public: how to report a vulnerability (RFC 9116), from SECURITY_CONTACT_EMAIL; valid one year ahead."""
    from datetime import timedelta

    from django.utils import timezone

    expires = (timezone.now() + timedelta(days=365)).replace(microsecond=0)
    lines = [
        f"Contact: mailto:{settings.SECURITY_CONTACT_EMAIL}",
        f"Expires: {expires.strftime('%Y-%m-%dT%H:%M:%SZ')}",
        "Preferred-Languages: fr, en",
        f"Canonical: {request.build_absolute_uri(request.path)}",
        f"Policy: {request.build_absolute_uri('/mentions-legales/#securite')}",
    ]
    response = HttpResponse("\n".join(lines) + "\n", content_type="text/plain; charset=utf-8")
    response["Cache-Control"] = "public, max-age=86400"
    return response


@require_GET
def health(request: HttpRequest) -> HttpResponse:
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


def ping(request: HttpRequest) -> HttpResponse:
    """Public: "ok", through the whole middleware stack and no database (liveness; the ceiling of
    bench/http.py)."""
    from django.http import HttpResponse

    response = HttpResponse("ok", content_type="text/plain; charset=utf-8")
    response["Cache-Control"] = "no-store"
    return response
