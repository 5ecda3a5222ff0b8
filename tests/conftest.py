"""Fixtures shared by every test: a real SMTP server on loopback, headless Chromium with axe-core,
and one signed-in user per role.

- `mailbox`: the messages received by the SMTP server since the test started. With the `db` fixture
  the transaction is never committed, so wrap the action in `django_capture_on_commit_callbacks(execute=True)`
  (emails are sent after commit); browser tests (live_server) commit for real.
- `page`: a Playwright page in Debian's Chromium, failing the test on any Content-Security-Policy violation;
  `assert_accessible(page)` runs axe-core on it.
"""

from __future__ import annotations

import email
import email.policy
import os
import socket
import threading
import time
from collections.abc import Callable, Iterator
from pathlib import Path

import pytest
from aiosmtpd.controller import Controller
from django.conf import settings
from hypothesis import settings as hypothesis_settings
from playwright.sync_api import Error as PlaywrightError

from tests.factories.accounts import UserFactory
from tierslieux.accounts.roles import Role

# Playwright's sync API runs an event loop in the test thread; Django's ORM is safe to use there.
os.environ.setdefault("DJANGO_ALLOW_ASYNC_UNSAFE", "true")

ROOT = Path(__file__).resolve().parent.parent
AXE_JS = ROOT / "node_modules" / "axe-core" / "axe.min.js"
CHROMIUM = os.environ.get("CHROMIUM_PATH", "/usr/bin/chromium")

# `france`: the national geography, loaded once per session (per xdist worker).
pytest_plugins = ["tests.national_geography"]

# Hypothesis's 200 ms deadline per example is a timing assertion: it fails on a loaded machine (CI's two cores
# shared by the workers, their servers and browsers). No deadline.
hypothesis_settings.register_profile("suite", deadline=None)
hypothesis_settings.load_profile("suite")


# --- CI: no test may be skipped ---------------------------------------------------------------------------
def pytest_sessionfinish(session, exitstatus):
    reporter = session.config.pluginmanager.get_plugin("terminalreporter")
    if os.environ.get("CI") == "true" and reporter is not None and reporter.stats.get("skipped"):
        reporter.write_line(
            f"CI: {len(reporter.stats['skipped'])} test(s) skipped — not allowed in CI.", red=True
        )
        session.exitstatus = 1


# --- SMTP ---------------------------------------------------------------------------------------------------
class _Inbox:
    def __init__(self) -> None:
        self.messages: list[email.message.EmailMessage] = []
        self._lock = threading.Lock()

    async def handle_DATA(self, server, session, envelope):
        message = email.message_from_bytes(envelope.content, policy=email.policy.default)
        with self._lock:
            self.messages.append(message)
        return "250 Message accepted for delivery"


def _free_port() -> int:
    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        return sock.getsockname()[1]


@pytest.fixture(scope="session")
def smtp_server() -> Iterator[_Inbox]:
    inbox = _Inbox()
    controller = Controller(inbox, hostname="127.0.0.1", port=_free_port())
    controller.start()
    # pytest-django swaps in the in-memory backend: every test sends real SMTP instead.
    settings.EMAIL_BACKEND = "django.core.mail.backends.smtp.EmailBackend"
    settings.EMAIL_HOST = "127.0.0.1"
    settings.EMAIL_PORT = controller.port
    yield inbox
    controller.stop()


class Mailbox:
    """The messages received over SMTP during one test."""

    def __init__(self, inbox: _Inbox) -> None:
        self._inbox = inbox
        self._start = len(inbox.messages)

    @property
    def messages(self) -> list[email.message.EmailMessage]:
        return self._inbox.messages[self._start :]

    def to(self, address: str) -> list[email.message.EmailMessage]:
        return [m for m in self.messages if address in m["To"]]

    def wait_for(
        self, address: str, count: int = 1, timeout: float = 10.0
    ) -> list[email.message.EmailMessage]:
        deadline = time.monotonic() + timeout
        while time.monotonic() < deadline:
            found = self.to(address)
            if len(found) >= count:
                return found
            time.sleep(0.05)
        raise AssertionError(f"{count} message(s) to {address} expected, got {len(self.to(address))}")

    @staticmethod
    def text(message: email.message.EmailMessage) -> str:
        return message.get_body(preferencelist=("plain",)).get_content()


@pytest.fixture
def mailbox(smtp_server) -> Mailbox:
    return Mailbox(smtp_server)


@pytest.fixture(autouse=True)
def _smtp_always_on(smtp_server):
    """Every test runs with the SMTP server up, so no code path can silently fail to send."""
    return


@pytest.fixture(autouse=True)
def _close_test_client_responses(monkeypatch):
    """Close every test-client response when the test ends, as a WSGI server closes each response: a
    FileResponse left open would otherwise raise ResourceWarning (an error in this suite) when collected."""
    from django.test import client as test_client

    responses = []
    original = test_client.Client.request

    def request(self, **kwargs):
        response = original(self, **kwargs)
        responses.append(response)
        return response

    monkeypatch.setattr(test_client.Client, "request", request)
    yield
    for response in responses:
        # Only the files (HttpResponse.close() would also send request_finished, after the database is gone).
        for closer in getattr(response, "_resource_closers", []):
            closer()


# --- Roles --------------------------------------------------------------------------------------------------
PASSWORD = "motdepasse-de-test-1"


def _user_with_role(role: Role | None, **extra):
    user = UserFactory(**extra)
    if role is not None:
        from tierslieux.accounts.services import user_grant_role

        user_grant_role(user=user, role=role)
    return user


@pytest.fixture
def plain_user(db):
    return _user_with_role(None, email="personne@example.org")


@pytest.fixture
def place_manager(db):
    return _user_with_role(Role.PLACE_MANAGER, email="gestionnaire@example.org")


@pytest.fixture
def applicant(db):
    return _user_with_role(Role.APPLICANT, email="porteur@example.org")


@pytest.fixture
def reviewer(db):
    return _user_with_role(Role.REVIEWER, email="instructeur@example.org")


@pytest.fixture
def programme_staff(db):
    return _user_with_role(Role.PROGRAMME_STAFF, email="equipe@example.org")


@pytest.fixture
def administrator(db):
    return _user_with_role(Role.ADMINISTRATOR, email="admin@example.org", is_superuser=True, is_staff=True)


@pytest.fixture
def client_for(client) -> Callable:
    """`client_for(user)` returns a test client signed in as `user` (None: anonymous)."""
    from django.test import Client

    def make(user):
        if user is None:
            return Client()
        new_client = Client()
        new_client.force_login(user)
        verify_second_factor(new_client, user)
        return new_client

    return make


def totp_device(user):
    """The confirmed TOTP device of `user` (created if none), ready to accept the current code again."""
    from django_otp.plugins.otp_totp.models import TOTPDevice

    device = TOTPDevice.objects.filter(user=user, confirmed=True).first()
    if device is None:
        device = TOTPDevice.objects.create(user=user, name="test", confirmed=True)
    TOTPDevice.objects.filter(pk=device.pk).update(last_t=-1, throttling_failure_count=0)
    device.refresh_from_db()
    return device


def totp_code(device) -> str:
    """The code an authentication app shows now for `device` (RFC 6238, computed here)."""
    from django_otp.oath import TOTP

    totp = TOTP(device.bin_key, device.step, device.t0, device.digits, device.drift)
    return f"{totp.token():0{device.digits}d}"


def verify_second_factor(client, user) -> None:
    """Programme staff and administrators: mark the test client's session as second-factor verified (as the
    login step does), so tests of their pages start signed in for real."""
    from django_otp import DEVICE_ID_SESSION_KEY

    from tierslieux.accounts.second_factor import requires_second_factor

    if not requires_second_factor(type(user).objects.get(pk=user.pk)):  # a copy: roles are cached on users
        return
    session = client.session
    session[DEVICE_ID_SESSION_KEY] = totp_device(user).persistent_id
    session.save()


# --- Browser ------------------------------------------------------------------------------------------------
@pytest.fixture(scope="session")
def browser():
    from playwright.sync_api import sync_playwright

    if not Path(CHROMIUM).exists():
        pytest.fail(f"Chromium est introuvable ({CHROMIUM}) : installez le paquet Debian « chromium ».")
    with sync_playwright() as playwright:
        browser = playwright.chromium.launch(
            executable_path=CHROMIUM,
            headless=True,
            args=[
                "--no-sandbox",
                "--disable-gpu",
                "--disable-quic",
                "--no-first-run",
                "--disable-background-networking",
                "--disable-component-update",
                "--disable-sync",
            ],
        )
        yield browser
        browser.close()


@pytest.fixture
def csp_violations() -> list[str]:
    """The Content-Security-Policy violations the pages of `page` reported in this test (any fails it)."""
    return []


@pytest.fixture
def page(browser, live_server, csp_violations):
    from django.core.cache import cache

    # Rate-limit counters live in the shared (database) cache, which the flush between browser tests keeps.
    cache.clear()
    context = browser.new_context(base_url=live_server.url, locale="fr-FR", timezone_id="Europe/Paris")
    # 20 s: the suite's workers, their live servers and browsers share the machine's cores (CI has two).
    context.set_default_timeout(20_000)
    # Nothing may leave the machine: any request that is not for the live server fails the test.
    outside: list[str] = []

    def guard(route):
        if route.request.url.startswith(live_server.url) or route.request.url.startswith("data:"):
            return route.continue_()
        outside.append(route.request.url)
        return route.abort()

    context.route("**/*", guard)
    # Every page runs under the real Content-Security-Policy, and any violation fails the test (a blocked
    # inline script, handler or style is a feature that silently does not work).
    context.expose_binding(
        "__tlCspViolation", lambda source, text: csp_violations.append(f"{source['page'].url}: {text}")
    )
    context.add_init_script(CSP_WATCH)
    page = context.new_page()
    yield page
    context.close()
    assert not outside, f"requests outside the platform: {outside}"
    assert not csp_violations, "Content-Security-Policy violations:\n" + "\n".join(csp_violations)


CSP_WATCH = """
document.addEventListener("securitypolicyviolation", function (event) {
  window.__tlCspViolation(event.violatedDirective + " " + (event.blockedURI || "inline") + " " + (event.sample || ""));
});
"""


def submit_status(page, button: str) -> int:
    """Click the submit button named `button` and return the HTTP status of the POST (a 4xx page is shown by
    Chromium like any other), once the page it answered is loaded."""
    with page.expect_response(lambda response: response.request.method == "POST") as posted:
        page.get_by_role("button", name=button).click()
    page.wait_for_load_state()
    return posted.value.status


NAVIGATION_ERRORS = (
    "Execution context was destroyed",
    "reading 'appendChild'",
    "navigation",
    "axe is not defined",
)


def _axe_source() -> str:
    return AXE_JS.read_text(encoding="utf-8")


def assert_accessible(page, *, exclude: tuple[str, ...] = ()) -> None:
    """Run axe-core (WCAG 2.x A and AA rules) on the current page and fail on any violation."""
    if not AXE_JS.exists():
        pytest.fail("axe-core est absent : lancez « npm ci » (make install).")
    for attempt in range(5):
        # A click may have started a navigation: check the page it leads to, once it is loaded.
        page.wait_for_load_state("load")
        try:
            # Evaluated through the DevTools protocol, which the page's Content-Security-Policy does not block
            # (add_script_tag would insert an inline script the policy refuses).
            if not page.evaluate("() => typeof window.axe !== 'undefined'"):
                page.evaluate(_axe_source() + "\n;true")
            result = page.evaluate(
                """async (exclude) => await axe.run({include: [document], exclude: exclude.map(s => [s])},
                     {runOnly: {type: 'tag', values: ['wcag2a', 'wcag2aa', 'wcag21a', 'wcag21aa']}})""",
                list(exclude),
            )
            break
        except PlaywrightError as error:  # the document was replaced while axe was being injected or run
            if attempt == 4 or not any(sign in str(error) for sign in NAVIGATION_ERRORS):
                raise
            page.wait_for_timeout(200)
    violations = [
        f"{v['id']} ({v['impact']}): {v['help']} — " + "; ".join(n["target"][0] for n in v["nodes"][:5])
        for v in result["violations"]
    ]
    assert not violations, "axe-core violations on " + page.url + ":\n" + "\n".join(violations)


def sign_in(page, user, password: str = PASSWORD) -> None:
    """Sign `user` in on `page` through the login form (and the TOTP step for staff and administrators)."""
    from tierslieux.accounts.second_factor import requires_second_factor

    fresh = type(user).objects.get(pk=user.pk)  # a copy: roles are cached on user objects
    device = totp_device(user) if requires_second_factor(fresh) else None
    page.goto("/comptes/connexion/")
    page.get_by_label("Adresse électronique").fill(user.email)
    page.get_by_label("Mot de passe").fill(password)
    page.get_by_role("button", name="Se connecter").click()
    if device is not None:  # programme staff and administrators: the second step, a TOTP code
        page.wait_for_url("**/comptes/double-authentification/**")
        page.get_by_label("Code de vérification").fill(totp_code(device))
        page.get_by_role("button", name="Vérifier").click()
    page.wait_for_url("**/comptes/profil/")


@pytest.fixture
def login(page):
    """`login(user)` signs `user` in through the login form."""

    def do(user, password: str = PASSWORD):
        sign_in(page, user, password)

    return do


# --- Address geocoder ---------------------------------------------------------------------------------------
@pytest.fixture
def ban_geocoder(settings):
    """A fake Base Adresse Nationale on loopback (the network stays blocked): `GEOCODER_URL` points at it.
    `ban_geocoder.addresses` maps a lower-case query prefix to (label, lon, lat, type, citycode);
    `ban_geocoder.requests` lists the query strings received; `ban_geocoder.fail = True` makes it answer 500."""
    import json as _json
    import urllib.parse
    from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer

    state = type("Ban", (), {})()
    state.addresses = {
        "2 quai carnot": ("2 Quai Carnot 29900 Concarneau", -3.9125, 47.8731, "housenumber", "29039"),
    }
    state.requests = []
    state.fail = False

    class Handler(BaseHTTPRequestHandler):
        def do_GET(self):
            query = urllib.parse.urlparse(self.path).query
            state.requests.append(query)
            if state.fail:
                self.send_response(500)
                self.end_headers()
                return
            q = urllib.parse.parse_qs(query).get("q", [""])[0].lower()
            features = [
                {
                    "type": "Feature",
                    "geometry": {"type": "Point", "coordinates": [lon, lat]},
                    "properties": {
                        "label": label,
                        "score": 0.97,
                        "type": kind,
                        "citycode": city,
                        "postcode": "",
                    },
                }
                for prefix, (label, lon, lat, kind, city) in state.addresses.items()
                if q.startswith(prefix)
            ]
            body = _json.dumps({"type": "FeatureCollection", "features": features}).encode()
            self.send_response(200)
            self.send_header("Content-Type", "application/json")
            self.send_header("Content-Length", str(len(body)))
            self.end_headers()
            self.wfile.write(body)

        def log_message(self, *args):
            pass

    from django.core.cache import cache

    cache.clear()  # the geocoding endpoint's rate limit lives in the cache
    server = ThreadingHTTPServer(("127.0.0.1", 0), Handler)
    thread = threading.Thread(target=server.serve_forever, daemon=True)
    thread.start()
    settings.GEOCODER_URL = f"http://127.0.0.1:{server.server_address[1]}/search/"
    yield state
    server.shutdown()
    server.server_close()


@pytest.fixture
def cache_on(settings):
    """Caching as in production (core/cache.py; the test settings turn it off): pages, API answers and kept
    values for 600 s, both stores empty before and after."""
    from django.core.cache import cache, caches

    from tierslieux.core.cache import LOCAL

    settings.PAGE_CACHE_SECONDS = 600
    cache.clear()
    caches[LOCAL].clear()
    yield
    cache.clear()
    caches[LOCAL].clear()
