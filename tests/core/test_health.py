"""/sante/ (tierslieux/core/health.py), the request id, gzip for the API, the 503 page and error reporting."""

from __future__ import annotations

import gzip
import json
import logging
import threading
from datetime import timedelta
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer
from typing import ClassVar

import pytest
from django.db import OperationalError
from django.utils import timezone
from django_tasks_db.models import DBTaskResult

from tests.core.processes import free_port
from tierslieux.core import health as health_module
from tierslieux.core.models import OutboxEmail, SchedulerHeartbeat

pytestmark = pytest.mark.django_db


@pytest.fixture(autouse=True)
def _fresh_smtp_probe():
    health_module._smtp_cache.update(at=-1e9, check=None, target=None)
    yield
    health_module._smtp_cache.update(at=-1e9, check=None, target=None)


def _health(client, query: str = ""):
    response = client.get(f"/sante/{query}")
    return response.status_code, json.loads(response.content)


def test_all_green_with_a_recent_scheduler_beat(client):
    SchedulerHeartbeat.objects.create(name="default", owner="here:1", beat_at=timezone.now())
    status, report = _health(client, "?strict=1")
    assert status == 200 and report["status"] == "ok"
    checks = report["checks"]
    assert checks["database"]["ok"] and checks["smtp"]["ok"]
    assert checks["tasks"]["detail"] == {"waiting": 0, "running": 0, "oldest_waiting_s": None}
    assert checks["outbox"]["detail"] == {"backlog": 0, "oldest_s": None, "abandoned": 0}


def test_shared_problems_degrade_but_keep_the_node_in_the_load_balancer(client, settings):
    """No scheduler beat, an old waiting task, an old outbox email and SMTP down: 'degraded' with 200 (taking
    nodes out would not help), 503 only for ?strict=1 (monitoring)."""
    now = timezone.now()
    SchedulerHeartbeat.objects.create(name="default", owner="gone:1", beat_at=now - timedelta(minutes=10))
    settings.TASKS = {"default": {"BACKEND": "django_tasks_db.DatabaseBackend"}}
    from tests.core.slow_tasks import slow_task

    result = slow_task.enqueue(marker="/nonexistent", seconds=0)
    DBTaskResult.objects.filter(pk=result.id).update(enqueued_at=now - timedelta(minutes=20))
    email = OutboxEmail.objects.create(
        name="x", to=["a@example.org"], subject="s", text="t", next_attempt_at=now
    )
    OutboxEmail.objects.filter(pk=email.pk).update(created_at=now - timedelta(hours=1))
    settings.EMAIL_PORT = free_port()  # nothing listens there

    status, report = _health(client)
    assert status == 200 and report["status"] == "degraded"
    checks = report["checks"]
    assert not checks["scheduler"]["ok"] and checks["scheduler"]["detail"]["last_beat_s"] >= 600
    assert not checks["tasks"]["ok"] and checks["tasks"]["detail"]["waiting"] == 1
    assert checks["tasks"]["detail"]["oldest_waiting_s"] >= 1200
    assert not checks["outbox"]["ok"] and checks["outbox"]["detail"]["backlog"] == 1
    assert not checks["smtp"]["ok"] and checks["smtp"]["detail"]["error"] == "ConnectionRefusedError"
    assert checks["database"]["ok"]
    assert _health(client, "?strict=1")[0] == 503


def test_the_database_down_takes_the_node_out(client, monkeypatch):
    monkeypatch.setattr(health_module, "check_database", lambda: health_module.Check(False, {"error": "x"}))
    status, report = _health(client)
    assert status == 503 and report["status"] == "down" and set(report["checks"]) == {"database", "smtp"}


def test_health_publishes_no_personal_data(client):
    OutboxEmail.objects.create(
        name="x", to=["secret.person@example.org"], subject="s", text="t", next_attempt_at=timezone.now()
    )
    assert b"secret.person" not in client.get("/sante/").content


def test_every_response_carries_a_request_id_and_a_plain_incoming_one_is_kept(client, caplog):
    with caplog.at_level(logging.INFO, logger="tierslieux.request"):
        response = client.get("/a-propos/", HTTP_X_REQUEST_ID="lb-7f3a.1")
        fresh = client.get("/a-propos/", HTTP_X_REQUEST_ID="<script>alert(1)</script>")
    assert response["X-Request-ID"] == "lb-7f3a.1"
    assert fresh["X-Request-ID"] != "<script>alert(1)</script>" and len(fresh["X-Request-ID"]) == 32
    lines = [r for r in caplog.records if r.name == "tierslieux.request"]
    assert [r.request_id for r in lines] == ["lb-7f3a.1", fresh["X-Request-ID"]]
    assert lines[0].status == 200 and lines[0].path == "/a-propos/" and lines[0].duration_ms >= 0


def test_log_lines_are_json_objects_with_the_request_id():
    from pythonjsonlogger.json import JsonFormatter

    from config.settings.base import LOGGING
    from tierslieux.core.observability import RequestIdFilter, request_id_var

    options = dict(LOGGING["formatters"]["json"])
    options.pop("()")
    formatter = JsonFormatter(**options)
    record = logging.LogRecord("tierslieux.x", logging.WARNING, __file__, 1, "hello %s", ("world",), None)
    token = request_id_var.set("abc123")
    try:
        RequestIdFilter().filter(record)
    finally:
        request_id_var.reset(token)
    line = json.loads(formatter.format(record))
    assert line["message"] == "hello world" and line["request_id"] == "abc123"
    assert line["level"] == "WARNING" and line["logger"] == "tierslieux.x" and "time" in line


def test_api_answers_are_gzipped_and_html_pages_are_not(client):
    from tests.factories.places import PlaceFactory

    PlaceFactory.create_batch(5)
    api = client.get("/api/v1/places?limit=50", HTTP_ACCEPT_ENCODING="gzip")
    assert api.status_code == 200 and api["Content-Encoding"] == "gzip"
    assert json.loads(gzip.decompress(api.content))["type"] == "FeatureCollection"
    page = client.get("/a-propos/", HTTP_ACCEPT_ENCODING="gzip")
    assert page.status_code == 200 and not page.has_header("Content-Encoding")  # BREACH: no gzip for HTML


def test_a_lost_database_gives_the_french_503_page_and_json_for_the_api(client, monkeypatch):
    from django.db.backends import utils

    def lost(*args, **kwargs):
        raise OperationalError("server closed the connection unexpectedly")

    monkeypatch.setattr(utils.CursorWrapper, "execute", lost)
    response = client.get("/")
    assert response.status_code == 503 and response["Retry-After"] == "30"
    text = response.content.decode()
    assert "Service momentanément indisponible" in text and "Vos données sont conservées" in text
    api = client.get("/api/v1/calls")
    assert api.status_code == 503 and "indisponible" in api.json()["detail"]


class _Collector(BaseHTTPRequestHandler):
    received: ClassVar[list[bytes]] = []

    def do_POST(self):
        body = self.rfile.read(int(self.headers["Content-Length"] or 0))
        if self.headers.get("Content-Encoding") == "gzip":
            body = gzip.decompress(body)
        elif self.headers.get("Content-Encoding") == "br":  # the SDK prefers Brotli when it is installed
            import brotli

            body = brotli.decompress(body)
        _Collector.received.append(body)
        self.send_response(200)
        self.end_headers()
        self.wfile.write(b"{}")

    def log_message(self, *args):
        pass


def test_errors_are_reported_to_the_dsn_without_personal_data(client, settings, django_user_model):
    """A Sentry-protocol server on loopback receives the error of a failing request, tagged with the request
    id, without the user's email or cookies; with no DSN (the default) nothing is sent."""
    import sentry_sdk

    from tierslieux.core.observability import init_error_reporting

    assert init_error_reporting() is False  # off by default
    server = ThreadingHTTPServer(("127.0.0.1", free_port()), _Collector)
    threading.Thread(target=server.serve_forever, daemon=True).start()
    _Collector.received.clear()
    settings.SENTRY_DSN = f"http://publickey@127.0.0.1:{server.server_port}/1"
    settings.ROOT_URLCONF = "tests.core.failing_urls"
    try:
        assert init_error_reporting() is True
        user = django_user_model.objects.create_user(email="victim@example.org", password="x" * 12)
        client.force_login(user)
        client.raise_request_exception = False
        response = client.get("/echec/", HTTP_X_REQUEST_ID="req-sentry-1")
        assert response.status_code == 500
        sentry_sdk.flush(timeout=5)
    finally:
        sentry_sdk.init(dsn=None)
        server.shutdown()
    payload = b"\n".join(_Collector.received).decode()
    assert "boom in a view" in payload and "req-sentry-1" in payload
    assert "victim@example.org" not in payload and "sessionid" not in payload


def test_ping_answers_ok_without_the_database(client, django_assert_num_queries):
    with django_assert_num_queries(0):
        response = client.get("/sante/ok/")
    assert response.status_code == 200 and response.content == b"ok"
