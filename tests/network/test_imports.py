"""ICS import against a real HTTP server on loopback: creation, changes, cancellations, recurrence exceptions,
ETag/If-Modified-Since, a 404, a timeout, a 10 MB file, malformed ICS; errors reported to the managers once,
never a crash; URLs of private addresses refused unless the setting allows them (SSRF)."""

import datetime as dt
import threading
import time
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer

import pytest
from django.utils import timezone

from tierslieux.core.errors import ServiceError
from tierslieux.core.jobs import run_job
from tierslieux.network import fetching, services
from tierslieux.network.models import Event, IcsSource
from tierslieux.network.selectors.events import event_next_occurrences


class Server:
    """Serves `routes[path] = (status, body, headers, delay)`; records the request headers."""

    def __init__(self):
        self.routes: dict[str, tuple] = {}
        self.requests: list[dict] = []
        server = self

        class Handler(BaseHTTPRequestHandler):
            def do_GET(self):
                server.requests.append(dict(self.headers))
                status, body, headers, delay = server.routes.get(self.path, (404, b"absent", {}, 0))
                if delay:
                    time.sleep(delay)
                if (
                    status == 200
                    and headers.get("ETag")
                    and self.headers.get("If-None-Match") == headers["ETag"]
                ):
                    self.send_response(304)
                    self.end_headers()
                    return
                self.send_response(status)
                for key, value in headers.items():
                    self.send_header(key, value)
                self.send_header("Content-Length", str(len(body)))
                self.end_headers()
                try:
                    self.wfile.write(body)
                except (BrokenPipeError, ConnectionResetError):
                    pass

            def log_message(self, *args):
                pass

        self.httpd = ThreadingHTTPServer(("127.0.0.1", 0), Handler)
        self.httpd.daemon_threads = True
        self.thread = threading.Thread(target=self.httpd.serve_forever, daemon=True)
        self.thread.start()

    def url(self, path):
        return f"http://127.0.0.1:{self.httpd.server_address[1]}{path}"

    def stop(self):
        self.httpd.shutdown()
        self.httpd.server_close()


@pytest.fixture
def server():
    running = Server()
    yield running
    running.stop()


def ics(*events: str) -> bytes:
    return (
        "BEGIN:VCALENDAR\r\nVERSION:2.0\r\nPRODID:-//Fab-manager//FR\r\n"
        + "".join(events)
        + "END:VCALENDAR\r\n"
    ).encode()


def vevent(uid, title, start, *, end=None, extra=""):
    end = end or start + dt.timedelta(hours=2)
    return (
        f"BEGIN:VEVENT\r\nUID:{uid}\r\nDTSTAMP:20260101T000000Z\r\nSUMMARY:{title}\r\n"
        f"DTSTART;TZID=Europe/Paris:{start:%Y%m%dT%H%M%S}\r\nDTEND;TZID=Europe/Paris:{end:%Y%m%dT%H%M%S}\r\n{extra}END:VEVENT\r\n"
    )


def soon(days, hour=18):
    return dt.datetime.combine(timezone.localdate() + dt.timedelta(days=days), dt.time(hour, 0))


@pytest.fixture
def source(server, forge, place_manager):
    server.routes["/agenda.ics"] = (
        200,
        ics(vevent("a@fab", "Formation découpe", soon(5))),
        {"ETag": '"v1"'},
        0,
    )
    return services.ics_source_add(user=place_manager, place=forge, url=server.url("/agenda.ics"))


def test_creates_then_updates_then_cancels_by_uid_without_duplicates(server, source):
    assert services.ics_source_import(source=source) == "imported"
    event = Event.objects.get(source=source)
    assert event.title == "Formation découpe" and event.sequence == 0
    # Same ETag: 304, nothing changes.
    assert services.ics_source_import(source=IcsSource.objects.get(pk=source.pk)) == "not modified"
    assert server.requests[-1].get("If-None-Match") == '"v1"'
    # A change and a new event.
    server.routes["/agenda.ics"] = (
        200,
        ics(vevent("a@fab", "Formation découpe laser", soon(6)), vevent("b@fab", "Repair café", soon(8))),
        {"ETag": '"v2"'},
        0,
    )
    services.ics_source_import(source=IcsSource.objects.get(pk=source.pk))
    event.refresh_from_db()
    assert Event.objects.filter(source=source).count() == 2
    assert (event.title, event.sequence) == ("Formation découpe laser", 1)
    # Cancelled in the source, and one gone from it: both cancelled, none deleted.
    server.routes["/agenda.ics"] = (
        200,
        ics(vevent("a@fab", "Formation découpe laser", soon(6), extra="STATUS:CANCELLED\r\n")),
        {"ETag": '"v3"'},
        0,
    )
    services.ics_source_import(source=IcsSource.objects.get(pk=source.pk))
    assert set(Event.objects.filter(source=source).values_list("status", flat=True)) == {"cancelled"}
    assert Event.objects.filter(source=source).count() == 2
    report = IcsSource.objects.get(pk=source.pk).last_report
    assert report["cancelled"] == 2


def test_recurrence_with_exdate_and_an_overridden_occurrence(server, source):
    first = soon(7)
    rule = "RRULE:FREQ=WEEKLY;COUNT=4\r\n"
    exdate = f"EXDATE;TZID=Europe/Paris:{first + dt.timedelta(days=7):%Y%m%dT%H%M%S}\r\n"
    moved = vevent(
        "r@fab",
        "Open lab (déplacé)",
        first + dt.timedelta(days=14, hours=1),
        extra=f"RECURRENCE-ID;TZID=Europe/Paris:{first + dt.timedelta(days=14):%Y%m%dT%H%M%S}\r\n",
    )
    cancelled = vevent(
        "r@fab",
        "Open lab",
        first + dt.timedelta(days=21),
        extra=f"RECURRENCE-ID;TZID=Europe/Paris:{first + dt.timedelta(days=21):%Y%m%dT%H%M%S}\r\nSTATUS:CANCELLED\r\n",
    )
    server.routes["/agenda.ics"] = (
        200,
        ics(vevent("r@fab", "Open lab", first, extra=rule + exdate), moved, cancelled),
        {},
        0,
    )
    services.ics_source_import(source=source)
    master = Event.objects.get(source=source, source_uid="r@fab")
    assert [o.start.replace(tzinfo=None) for o in event_next_occurrences(master)] == [first]
    override = Event.objects.get(source=source, source_uid__startswith="r@fab#")
    assert override.title == "Open lab (déplacé)"
    # Importing the same file again changes nothing.
    services.ics_source_import(source=IcsSource.objects.get(pk=source.pk))
    assert Event.objects.filter(source=source, status="confirmed").count() == 2
    assert IcsSource.objects.get(pk=source.pk).last_report["unchanged"] == 2


@pytest.mark.parametrize(
    ("route", "words"),
    [
        ((404, b"absent", {}, 0), "404"),
        ((200, b"<html>Pas un calendrier</html>", {}, 0), "n’est pas un calendrier"),
        ((200, b"BEGIN:VCALENDAR\r\nBEGIN:VEVENT\r\nDTSTART:nonsense\r\n", {}, 0), "calendrier"),
        ((200, b"BEGIN:VCALENDAR\r\n" + b"X" * (10 * 1024 * 1024), {}, 0), "taille maximale"),
        ((200, ics(), {}, 3), "trop de temps"),
    ],
    ids=["404", "not-ics", "malformed", "10MB", "timeout"],
)
def test_failures_are_reported_to_the_managers_once_and_never_crash(
    server, source, route, words, mailbox, django_capture_on_commit_callbacks
):
    services.ics_source_import(source=source)
    before = list(Event.objects.values_list("pk", "title", "status"))
    server.routes["/agenda.ics"] = route
    with django_capture_on_commit_callbacks(execute=True):
        outcome = run_job("network.ics_import", now=timezone.now())
    assert "error: 1" in outcome
    stored = IcsSource.objects.get(pk=source.pk)
    assert words in stored.last_error
    assert list(Event.objects.values_list("pk", "title", "status")) == before  # nothing lost
    assert words in mailbox.text(mailbox.wait_for("gestionnaire@example.org")[0])
    with django_capture_on_commit_callbacks(execute=True):
        run_job("network.ics_import", now=timezone.now() + dt.timedelta(hours=1))
    assert len(mailbox.to("gestionnaire@example.org")) == 1  # told once until it works again


def test_private_addresses_are_refused_in_production(server, forge, place_manager, settings):
    settings.NETWORK_ICS_ALLOW_PRIVATE = False
    for url in (
        server.url("/agenda.ics"),
        "http://localhost/agenda.ics",
        "http://10.1.2.3/x.ics",
        "ftp://example.org/x.ics",
    ):
        with pytest.raises(ServiceError) as error:
            services.ics_source_add(user=place_manager, place=forge, url=url)
        assert error.value.status == 400
    with pytest.raises(fetching.FetchError):
        fetching.fetch(server.url("/agenda.ics"), timeout=1, max_bytes=1000)
    assert IcsSource.objects.count() == 0


def test_source_page_by_role(client_for, server, forge, plain_user, place_manager):
    url = f"/evenements/lieux/{forge.slug}/"
    assert client_for(plain_user).post(url, {"url": server.url("/agenda.ics")}).status_code == 403
    client = client_for(place_manager)
    response = client.post(url, {"url": "pas une adresse"})
    assert response.status_code == 400 and "https://" in response.content.decode()
    server.routes["/agenda.ics"] = (200, ics(vevent("z@fab", "Atelier couture", soon(3))), {}, 0)
    assert client.post(url, {"url": server.url("/agenda.ics")}).status_code == 302
    assert Event.objects.filter(title="Atelier couture").exists()
    assert client.post(url, {"url": server.url("/agenda.ics")}).status_code == 409
    page = client.get(url).content.decode()
    assert "1 créé(s)" in page
    # A first import that fails keeps nothing: a French message and a 400.
    server.routes["/page.html"] = (200, b"<html>Mon agenda</html>", {}, 0)
    response = client.post(url, {"url": server.url("/page.html")})
    assert response.status_code == 400 and "n’est pas un calendrier" in response.content.decode()
    assert IcsSource.objects.count() == 1
