"""`make serve` runs the production roles (deploy/entrypoint.sh), and the Dockerfile and compose.yaml run the
same ones: the deployment files are linted here (no Docker engine runs in CI) and `make serve` is started for
real, on this test's database, on a loopback port."""

from __future__ import annotations

import json
import re
import shlex

import pytest
import yaml
from django.db import transaction

from tests.core.processes import ROOT, free_port, get, health, production_env, start, stop, wait_for

ROLES = {"release", "static", "web", "worker", "scheduler"}


def _entrypoint_roles() -> set[str]:
    text = (ROOT / "deploy" / "entrypoint.sh").read_text()
    return set(re.findall(r"^\s+([a-z]+)\)", text, flags=re.MULTILINE))


def _serve_recipe() -> list[str]:
    makefile = (ROOT / "Makefile").read_text()
    recipe = re.search(r"^serve:.*?\n((?:\t.*\n)+)", makefile, flags=re.MULTILINE)
    assert recipe, "Makefile has no serve target"
    return re.findall(r"deploy/entrypoint\.sh (\w+)", recipe.group(1))


def test_the_entrypoint_has_every_role_and_make_serve_runs_them_all():
    assert _entrypoint_roles() == ROLES
    assert _serve_recipe() == ["release", "static", "worker", "scheduler", "web"]


def test_compose_runs_each_role_of_the_image_beside_postgresql():
    compose = yaml.safe_load((ROOT / "compose.yaml").read_text())
    services = compose["services"]
    assert {"db", "release", "web", "worker", "scheduler"} <= set(services)
    assert services["db"]["image"].startswith("postgres:15")
    for name in ("release", "web", "worker", "scheduler"):
        service = services[name]
        assert service["build"] == "." and service["command"] == [name], name
        assert service["command"][0] in _entrypoint_roles()
        assert service["environment"]["DATABASE_URL"].endswith("@db:5432/tierslieux")
        assert service["depends_on"]["db"]["condition"] == "service_healthy"
    for name in ("web", "worker", "scheduler"):  # the others start once the migrations are applied
        assert services[name]["depends_on"]["release"]["condition"] == "service_completed_successfully"
    assert services["web"]["ports"] == ["${WEB_PORT:-8000}:8000"]
    assert "healthcheck" not in services["web"]  # the image's own: /sante/
    assert {name for name, s in services.items() if s.get("healthcheck", {}).get("disable")} == {
        "release",
        "worker",
        "scheduler",
    }
    assert set(compose["volumes"]) == {"pgdata", "media"}


def _dockerfile() -> dict[str, list[str]]:
    lines: dict[str, list[str]] = {}
    text = (ROOT / "Dockerfile").read_text().replace("\\\n", " ")
    for line in text.splitlines():
        if line.strip() and not line.lstrip().startswith("#"):
            instruction, _, rest = line.strip().partition(" ")
            lines.setdefault(instruction.upper(), []).append(rest.strip())
    return lines


def test_the_dockerfile_uses_the_entrypoint_and_ships_what_the_settings_read():
    docker = _dockerfile()
    assert docker["FROM"][0].startswith("python:3.11")
    assert json.loads(docker["ENTRYPOINT"][-1]) == ["deploy/entrypoint.sh"]
    assert json.loads(docker["CMD"][-1]) == ["web"]
    assert any("entrypoint.sh static" in run for run in docker["RUN"])
    copied = {shlex.split(copy)[0] for copy in docker["COPY"]}
    # Everything the settings and manage.py read from the source tree is in the image.
    assert {"config", "tierslieux", "templates", "static", "manage.py", "deploy", "pyproject.toml"} <= copied
    assert "/sante/" in " ".join(docker["HEALTHCHECK"])
    assert any("DJANGO_SETTINGS_MODULE=config.settings.prod" in env for env in docker["ENV"])
    assert (ROOT / "config" / "gunicorn.conf.py").exists()


@pytest.fixture
def serve(transactional_db, tmp_path, settings):
    """`make serve` on a free port, on this test's database, SMTP to the test's server, JSON logs."""
    port = free_port()
    env = production_env(
        STATIC_ROOT=str(tmp_path / "static"),
        PRIVATE_MEDIA_ROOT=str(tmp_path / "private"),
        EMAIL_HOST="127.0.0.1",
        EMAIL_PORT=str(settings.EMAIL_PORT),
        LOG_FORMAT="json",
    )
    log = tmp_path / "serve.log"
    process = start(["make", "--no-print-directory", "serve", f"PORT={port}", "HOST=127.0.0.1"], env, log)
    base = f"http://127.0.0.1:{port}"
    try:
        wait_for(
            lambda: process.poll() is None and (health(base) or {}).get("status") == "ok",
            timeout=240,
            what=f"make serve to be healthy; log:\n{log.read_text(errors='replace')[-3000:]}",
        )
        yield base, log
    finally:
        stop(process)


def test_make_serve_runs_the_site_the_worker_and_the_scheduler(serve, settings, mailbox):
    base, log = serve
    status, headers, body = get(f"{base}/sante/?strict=1", headers={"X-Request-ID": "lb-probe-42"})
    report = json.loads(body)
    assert status == 200 and report["status"] == "ok", report
    assert set(report["checks"]) == {"database", "tasks", "scheduler", "outbox", "smtp"}
    assert report["checks"]["scheduler"]["detail"]["last_beat_s"] < 60
    assert headers["X-Request-ID"] == "lb-probe-42"
    assert headers["Cache-Control"] == "no-store"

    status, headers, body = get(f"{base}/")
    assert status == 200 and "Tiers-Lieux" in body.decode()
    assert re.fullmatch(r"[0-9a-f]{32}", headers["X-Request-ID"])

    # The task worker started by make serve delivers an email stored in the outbox by this process.
    from tierslieux.core.emails import email_send

    settings.TASKS = {"default": {"BACKEND": "django_tasks_db.DatabaseBackend"}}
    with transaction.atomic():
        email_send(
            name="signup-confirmation",
            to=["serve@example.org"],
            context={"confirmation_path": "/comptes/confirmer/serve/"},
        )
    [message] = mailbox.wait_for("serve@example.org", timeout=60)
    assert message["Message-ID"].startswith("<outbox-")

    # JSON logs, one object a line, each request's line with its request id.
    def probe_logged():
        lines = [json.loads(line) for line in log.read_text().splitlines() if line.startswith("{")]
        return [line for line in lines if line.get("request_id") == "lb-probe-42"]

    [line] = wait_for(probe_logged, timeout=10, what="the probe's log line")
    assert line["logger"] == "tierslieux.request" and line["status"] == 200 and line["path"] == "/sante/"
    assert {"time", "level", "message", "duration_ms"} <= set(line)


def _gunicorn_config():
    import importlib.util

    spec = importlib.util.spec_from_file_location("gunicorn_conf", ROOT / "config" / "gunicorn.conf.py")
    assert spec is not None and spec.loader is not None
    module = importlib.util.module_from_spec(spec)
    spec.loader.exec_module(module)
    return module


@pytest.mark.django_db
def test_the_master_warms_a_place_page_and_the_most_populated_communes_page(client):
    from tests.factories.geo import CommuneFactory
    from tests.factories.places import PlaceFactory

    CommuneFactory(insee="29019", name="Brest", population=139_000)
    big = CommuneFactory(insee="35238", name="Rennes", population=225_000)
    place = PlaceFactory(commune=big)
    paths = _gunicorn_config()._warm_paths()
    assert paths[-2:] == [f"/lieux/{place.slug}/", "/territoires/commune/35238/"]
    for path in paths:  # each one a page that answers (a warm-up of a 404 would warm nothing)
        assert client.get(path).status_code == 200, path
