"""The platform's own views: the error pages and the CSP report endpoint. Every view here is public. The home
page and the static pages are `tierslieux.www`'s."""

import json
import logging

from django.http import HttpResponse
from django.shortcuts import render
from django.views.decorators.csrf import csrf_exempt


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
    return render(request, "500.html", status=500)


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
