"""Request-wide behaviour of the platform."""

from __future__ import annotations

from collections.abc import Callable
from typing import TYPE_CHECKING

from django.conf import settings
from django.http import HttpRequest, HttpResponse, JsonResponse
from django.shortcuts import render
from django.utils.translation import gettext as _

from .errors import ServiceError
from .uploads import UploadTooLarge
from .views import too_large

if TYPE_CHECKING:
    from django_stubs_ext import StrOrPromise


class ServiceErrorMiddleware:
    """A `ServiceError` that escapes a view becomes its refusal: the French page "Action impossible" with the
    error's status, an alert fragment for htmx requests, `{"detail": message}` under /api/. Views may still
    catch the error to show it inside their own page (a form with what was typed)."""

    def __init__(self, get_response: Callable[[HttpRequest], HttpResponse]) -> None:
        self.get_response = get_response

    def __call__(self, request: HttpRequest) -> HttpResponse:
        return self.get_response(request)

    def process_exception(self, request: HttpRequest, exception: Exception) -> HttpResponse | None:
        if not isinstance(exception, ServiceError):
            return None
        return refusal(request, exception.message, status=exception.status)


def refusal(
    request: HttpRequest, message: StrOrPromise, *, status: int = 403, title: StrOrPromise | None = None
) -> HttpResponse:
    """The one refusal answer of the platform (page, htmx fragment or JSON), with a French message."""
    if request.path.startswith("/api/"):
        return JsonResponse({"detail": message}, status=status)
    if getattr(request, "htmx", False):
        return render(request, "core/_alert.html", {"level": "error", "message": message}, status=status)
    return render(
        request,
        "core/refused.html",
        {"page_title": title or _("Action impossible"), "message": message, "status": status},
        status=status,
    )


class RequestSizeLimitMiddleware:
    """Refuses (413, French page) a request whose declared body exceeds UPLOAD_MAX_REQUEST_SIZE before
    anything reads it (the CSRF check reads POST data, so this runs first), and turns the streaming upload
    handler's UploadTooLarge into the same page."""

    def __init__(self, get_response: Callable[[HttpRequest], HttpResponse]) -> None:
        self.get_response = get_response

    def __call__(self, request: HttpRequest) -> HttpResponse:
        try:
            length = int(request.META.get("CONTENT_LENGTH") or 0)
        except ValueError:
            length = 0
        if length > settings.UPLOAD_MAX_REQUEST_SIZE:
            return too_large(request)
        return self.get_response(request)

    def process_exception(self, request: HttpRequest, exception: Exception) -> HttpResponse | None:
        if isinstance(exception, UploadTooLarge):
            return too_large(request)
        return None
