"""What production needs around every request: a request id in every log line and response, gzip for the
API, a clean French 503 while the database is unreachable, and optional error reporting (Sentry protocol).

- `RequestIdMiddleware` (first in MIDDLEWARE) takes the load balancer's `X-Request-ID` when it is a plain
  token (letters, digits, `-`, `_`, `.`, at most 64) or makes one, keeps it for the request's logs
  (`RequestIdFilter` adds `request_id` to every record of the thread), answers it in `X-Request-ID`, and logs
  one line per request (`tierslieux.request`: method, path, status, duration).
- `ApiGZipMiddleware` compresses `/api/` answers only: HTML pages carry CSRF tokens beside user-chosen text,
  which compression would expose (BREACH); static files are pre-compressed by WhiteNoise.
- `DatabaseUnavailableMiddleware` (last) turns a lost database connection into the French page
  `templates/503.html` (or `{"detail": …}` under /api/) with `Retry-After`. Django drops the broken
  connection at the end of the request, so the next request reconnects: the site recovers by itself when the
  database is back.
"""

from __future__ import annotations

import contextvars
import logging
import re
import time
import uuid
from collections.abc import Callable
from typing import TYPE_CHECKING, Any

from django.conf import settings
from django.db import DatabaseError, InterfaceError, OperationalError
from django.http import HttpRequest, HttpResponse, JsonResponse
from django.http.response import HttpResponseBase
from django.middleware.gzip import GZipMiddleware
from django.template.loader import render_to_string
from django.utils.translation import gettext as _

if TYPE_CHECKING:
    from sentry_sdk.types import Event

request_id_var: contextvars.ContextVar[str] = contextvars.ContextVar("request_id", default="-")
REQUEST_ID_RE = re.compile(r"^[A-Za-z0-9._-]{1,64}$")
REQUEST_ID_HEADER = "X-Request-ID"

request_logger = logging.getLogger("tierslieux.request")
logger = logging.getLogger(__name__)


class RequestIdFilter(logging.Filter):
    """Adds `request_id` (the current request's, "-" outside a request) to every log record."""

    def filter(self, record: logging.LogRecord) -> bool:
        if not hasattr(record, "request_id"):
            record.request_id = request_id_var.get()
        return True


class RequestIdMiddleware:
    def __init__(self, get_response: Callable[[HttpRequest], HttpResponse]) -> None:
        self.get_response = get_response

    def __call__(self, request: HttpRequest) -> HttpResponse:
        given = request.headers.get(REQUEST_ID_HEADER, "")
        request_id = given if REQUEST_ID_RE.match(given) else uuid.uuid4().hex
        request.id = request_id  # type: ignore[attr-defined]  # the platform's own attribute on the request
        token = request_id_var.set(request_id)
        started = time.perf_counter()
        try:
            response = self.get_response(request)
            response[REQUEST_ID_HEADER] = request_id
            request_logger.info(
                "%s %s %s %.1f ms",
                request.method,
                request.path,
                response.status_code,
                (time.perf_counter() - started) * 1000,
                extra={
                    "method": request.method,
                    "path": request.path,
                    "status": response.status_code,
                    "duration_ms": round((time.perf_counter() - started) * 1000, 1),
                },
            )
            return response
        finally:
            request_id_var.reset(token)


class ApiGZipMiddleware(GZipMiddleware):
    """Django's GZipMiddleware, for the API's answers only (see the module docstring)."""

    def process_response(self, request: HttpRequest, response: HttpResponseBase) -> HttpResponseBase:
        if not request.path.startswith("/api/"):
            return response
        return super().process_response(request, response)


DATABASE_ERRORS = (OperationalError, InterfaceError)


def unavailable(request: HttpRequest) -> HttpResponse:
    """The answer while the database cannot be reached: 503, French, retry in 30 s. Rendered without the
    context processors or the session (they would need the database)."""
    message = _(
        "Le service est momentanément indisponible. Vos données sont conservées : réessayez dans un instant."
    )
    response: HttpResponse
    if request.path.startswith("/api/"):
        response = JsonResponse({"detail": message}, status=503)
    else:
        response = HttpResponse(render_to_string("503.html", {"message": message}), status=503)
    response["Retry-After"] = "30"
    response["Cache-Control"] = "no-store"
    return response


class DatabaseUnavailableMiddleware:
    """A lost database connection becomes the French 503 page instead of a 500 (see the module docstring)."""

    def __init__(self, get_response: Callable[[HttpRequest], HttpResponse]) -> None:
        self.get_response = get_response

    def __call__(self, request: HttpRequest) -> HttpResponse:
        try:
            return self.get_response(request)
        except DATABASE_ERRORS as error:  # raised outside the view (a middleware, the session)
            return self._answer(request, error)

    def process_exception(self, request: HttpRequest, exception: Exception) -> HttpResponse | None:
        if isinstance(exception, DATABASE_ERRORS) or (
            isinstance(exception, DatabaseError) and _connection_lost()
        ):
            return self._answer(request, exception)
        return None

    def _answer(self, request: HttpRequest, error: Exception) -> HttpResponse:
        logger.error("database unavailable: %s", error)
        return unavailable(request)


def _connection_lost() -> bool:
    from django.db import connection

    return connection.connection is not None and not connection.is_usable()


def init_error_reporting() -> bool:
    """Send unhandled errors to `settings.SENTRY_DSN` (Sentry or a compatible server) when it is set; no
    personal data (sentry-sdk sends no cookies, user or IP by default; no request bodies). Returns whether reporting is on."""
    if not settings.SENTRY_DSN:
        return False
    import sentry_sdk
    from sentry_sdk.integrations.django import DjangoIntegration

    sentry_sdk.init(
        dsn=settings.SENTRY_DSN,
        environment=settings.SENTRY_ENVIRONMENT,
        integrations=[DjangoIntegration()],
        traces_sample_rate=settings.SENTRY_TRACES_SAMPLE_RATE,
        max_request_body_size="never",
        before_send=_tag_request_id,
    )
    return True


def _tag_request_id(event: Event, hint: dict[str, Any]) -> Event:
    event.setdefault("tags", {})["request_id"] = request_id_var.get()
    return event
