"""Security headers and cookie flags of the production settings (config.settings.prod), read from a real
response rendered in a separate process with those settings, and `check --deploy` clean there."""

from __future__ import annotations

import json
import os
import subprocess
import sys
from pathlib import Path

import pytest

ROOT = Path(__file__).resolve().parent.parent.parent
PROBE = r"""
import json, django
django.setup()
from django.conf import settings
from django.core.management import call_command

call_command("migrate", verbosity=0)  # a throw-away SQLite database (DATABASE_URL set by the test)
from django.test import Client, override_settings

# Static files are not collected here: the manifest storage is swapped for the plain one (no header depends on it).
with override_settings(STORAGES={**settings.STORAGES, "staticfiles": {"BACKEND": "django.contrib.staticfiles.storage.StaticFilesStorage"}}):
    client = Client()
    page = client.get("/a-propos/", secure=True, HTTP_HOST="localhost")
    plain = client.get("/a-propos/", HTTP_HOST="localhost")
csrf = page.cookies.get("csrftoken")
print(json.dumps({
    "status": page.status_code,
    "headers": dict(page.headers),
    "nonce_in_page": page.headers.get("Content-Security-Policy", "").split("'nonce-")[1].split("'")[0]
        in page.content.decode() if "'nonce-" in page.headers.get("Content-Security-Policy", "") else False,
    "http_redirect": [plain.status_code, plain.headers.get("Location", "")],
    "csrf_cookie": {"secure": bool(csrf["secure"]), "httponly": bool(csrf["httponly"]), "samesite": csrf["samesite"]},
    "session_cookie": [settings.SESSION_COOKIE_SECURE, settings.SESSION_COOKIE_HTTPONLY, settings.SESSION_COOKIE_SAMESITE],
}))
"""


def _env() -> dict[str, str]:
    env = {k: v for k, v in os.environ.items() if not k.startswith("DJANGO_")}
    env |= {
        "DJANGO_SETTINGS_MODULE": "config.settings.prod",
        "DJANGO_SECRET_KEY": "k" * 20 + "-production-like-secret-key-for-the-header-test-" + "z" * 20,
        "PYTHONPATH": str(ROOT),
    }
    return env


@pytest.fixture(scope="module")
def production_response(tmp_path_factory) -> dict:
    database = tmp_path_factory.mktemp("prod-headers") / "db.sqlite3"
    env = _env() | {"DATABASE_URL": f"sqlite:///{database}"}
    result = subprocess.run(
        [sys.executable, "-c", PROBE], cwd=ROOT, env=env, capture_output=True, text=True, timeout=300
    )
    assert result.returncode == 0, result.stderr[-3000:]
    return json.loads(result.stdout.strip().splitlines()[-1])


def test_check_deploy_is_clean_on_the_production_settings():
    result = subprocess.run(
        [sys.executable, "manage.py", "check", "--deploy", "--fail-level", "WARNING"],
        cwd=ROOT,
        env=_env(),
        capture_output=True,
        text=True,
        timeout=120,
    )
    assert result.returncode == 0, result.stdout + result.stderr
    assert "no issues" in result.stdout


def test_content_security_policy(production_response):
    assert production_response["status"] == 200
    policy = production_response["headers"]["Content-Security-Policy"]
    directives = dict([*part.strip().split(" ", 1), ""][:2] for part in policy.split(";") if part.strip())
    assert directives["default-src"] == "'self'"
    script, style = directives["script-src"].split(), directives["style-src"].split()
    for sources in (script, style):
        assert "'self'" in sources, policy
        assert any(s.startswith("'nonce-") for s in sources), policy
        assert "'self'" in sources and any(s.startswith("'nonce-") for s in sources)
        assert "'unsafe-inline'" not in sources and "'unsafe-eval'" not in sources
    assert directives["frame-ancestors"] == "'none'"
    assert directives["object-src"] == "'none'"
    assert directives["base-uri"] == "'self'" and directives["form-action"] == "'self'"
    assert directives["report-uri"] == "/securite/csp/"
    assert production_response["nonce_in_page"], "the page's scripts carry the header's nonce"


def test_other_security_headers(production_response):
    headers = production_response["headers"]
    assert headers["Strict-Transport-Security"] == "max-age=31536000; includeSubDomains; preload"
    assert headers["X-Content-Type-Options"] == "nosniff"
    assert headers["Referrer-Policy"] == "same-origin"
    assert headers["X-Frame-Options"] == "DENY"
    assert headers["Cross-Origin-Opener-Policy"] == "same-origin"
    policy = dict(item.strip().split("=", 1) for item in headers["Permissions-Policy"].split(","))
    for feature in ("camera", "microphone", "payment", "usb", "display-capture"):
        assert policy[feature] == "()"
    assert policy["geolocation"] == "(self)"  # the atlas's "near me"


def test_https_only_and_cookie_flags(production_response):
    status, location = production_response["http_redirect"]
    assert status == 301 and location.startswith("https://")
    assert production_response["csrf_cookie"] == {"secure": True, "httponly": True, "samesite": "Lax"}
    assert production_response["session_cookie"] == [True, True, "Lax"]
