"""Helpers for tests that run the platform's real processes (make serve, gunicorn, db_worker) as
subprocesses on this test's database, on loopback ports."""

from __future__ import annotations

import json
import os
import signal
import socket
import subprocess
import time
import urllib.error
import urllib.request
from pathlib import Path
from urllib.parse import quote

ROOT = Path(__file__).resolve().parents[2]
PYTHON = str(ROOT / ".venv" / "bin" / "python") if (ROOT / ".venv" / "bin" / "python").exists() else "python"


def free_port() -> int:
    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        return sock.getsockname()[1]


def database_url(settings_dict: dict | None = None) -> str:
    """A DATABASE_URL for the database this test uses (pytest-django's test database)."""
    if settings_dict is None:
        from django.db import connection

        settings_dict = connection.settings_dict
    if settings_dict["ENGINE"].endswith("sqlite3"):
        return f"sqlite:///{settings_dict['NAME']}"
    user = quote(settings_dict["USER"] or "", safe="")
    password = quote(settings_dict["PASSWORD"] or "", safe="")
    host = settings_dict["HOST"] or "127.0.0.1"
    return f"postgres://{user}:{password}@{host}:{settings_dict['PORT'] or 5432}/{settings_dict['NAME']}"


def production_env(**overrides: str) -> dict[str, str]:
    """The environment of a production process: prod settings, plain HTTP, this test's database."""
    env = {k: v for k, v in os.environ.items() if not k.startswith(("DJANGO_", "PYTEST"))}
    env.update(
        {
            "DJANGO_SETTINGS_MODULE": "config.settings.prod",
            "DJANGO_SECRET_KEY": "test-production-process-key-" + "x" * 40,
            "DJANGO_SECURE_SSL_REDIRECT": "0",
            "DJANGO_ALLOWED_HOSTS": "127.0.0.1,localhost",
            "DATABASE_URL": database_url(),
            "PYTHON": PYTHON,
            "PYTHONUNBUFFERED": "1",
            "WEB_WORKERS": "2",
            "WEB_THREADS": "2",
        }
    )
    env.update(overrides)
    return env


def start(command: list[str], env: dict[str, str], log: Path) -> subprocess.Popen:
    """Start `command` in its own process group, output to `log` (the child holds its own copy of the file
    descriptor: ours is closed at once, or it would be left open — a ResourceWarning, an error here)."""
    with log.open("wb") as handle:
        return subprocess.Popen(
            command, cwd=ROOT, env=env, stdout=handle, stderr=subprocess.STDOUT, start_new_session=True
        )


def stop(process: subprocess.Popen, sig: int = signal.SIGTERM, timeout: float = 20) -> None:
    """Stop `process` and its whole group (by its own id), killing it if it does not stop in time."""
    if process.poll() is not None:
        return
    try:
        os.killpg(process.pid, sig)
        process.wait(timeout=timeout)
    except subprocess.TimeoutExpired:
        os.killpg(process.pid, signal.SIGKILL)
        process.wait(timeout=10)
    except ProcessLookupError:
        pass


def get(url: str, *, timeout: float = 10, headers: dict | None = None) -> tuple[int, dict, bytes]:
    """GET `url`: (status, headers, body), without raising on 4xx/5xx."""
    request = urllib.request.Request(url, headers=headers or {})
    try:
        with urllib.request.urlopen(request, timeout=timeout) as response:
            return response.status, dict(response.headers), response.read()
    except urllib.error.HTTPError as error:
        return error.code, dict(error.headers), error.read()


def wait_for(predicate, *, timeout: float, interval: float = 0.5, what: str = "condition"):
    """Call `predicate()` until it returns a true value (returned) or `timeout` seconds pass."""
    deadline = time.monotonic() + timeout
    last_error: Exception | None = None
    while time.monotonic() < deadline:
        try:
            value = predicate()
            if value:
                return value
        except (OSError, ValueError) as error:
            last_error = error
        time.sleep(interval)
    raise AssertionError(f"timed out waiting for {what} ({last_error!r})")


def health(base_url: str) -> dict | None:
    status, _headers, body = get(f"{base_url}/sante/", timeout=5)
    return json.loads(body) | {"http_status": status} if body.startswith(b"{") else None
