"""PostgreSQL restarted under the running site: while it is down every request gets a clean French 503 (the
API a JSON one, `/sante/` says "down"), and once it is back the same server processes answer again, with no
restart of the site. The production server (gunicorn, persistent connections) runs on a PostgreSQL cluster
of this test's own, which the test stops and starts."""

from __future__ import annotations

import json
import tempfile
from pathlib import Path

import pytest

from tests.core.pgcluster import Cluster
from tests.core.processes import PYTHON, free_port, get, production_env, start, stop, wait_for


@pytest.fixture
def cluster():
    cluster = Cluster(Path(tempfile.mkdtemp(prefix="tl-pg-")))
    cluster.init()
    cluster.start()
    yield cluster
    cluster.destroy()


def test_requests_fail_cleanly_while_postgresql_restarts_and_recover_without_restarting_the_site(
    cluster, tmp_path
):
    import subprocess

    env = production_env(
        DATABASE_URL=cluster.create_database("tierslieux"),
        DATABASE_CONN_MAX_AGE="600",
        STATIC_ROOT=str(tmp_path / "static"),
        WEB_WORKERS="1",
        WEB_THREADS="2",
        # The uncached path: an anonymous page kept in the process's memory may still be served during the
        # outage (for CACHE_VERSION_SECONDS, until the cache versions must be read again from the database).
        PAGE_CACHE_SECONDS="0",
    )
    # The release role on the fresh database. The server runs without collected static files (plain static
    # storage instead of the manifest one; `make serve` itself is tested in test_serve.py).
    subprocess.run(
        ["deploy/entrypoint.sh", "release"],
        cwd=Path(__file__).resolve().parents[2],
        env=env,
        check=True,
        capture_output=True,
        timeout=300,
    )
    port = free_port()
    base = f"http://127.0.0.1:{port}"
    web = start(
        [PYTHON, "-m", "gunicorn", "--config", "config/gunicorn.conf.py", "--bind", f"127.0.0.1:{port}"],
        env | {"DJANGO_SETTINGS_MODULE": "tests.core.prod_plain_static"},
        tmp_path / "web.log",
    )
    try:
        wait_for(lambda: get(f"{base}/sante/")[0] == 200, timeout=120, what="the server")
        pages = ["/", "/lieux/", "/api/v1/places?limit=5", "/api/v1/calls"]
        for path in pages:
            assert get(base + path)[0] == 200, path
        server_pid = web.pid

        cluster.stop()
        status, headers, body = get(f"{base}/")
        text = body.decode()
        assert status == 503, text[:500]
        assert "Service momentanément indisponible" in text and "réessayez" in text
        assert headers["Retry-After"] == "30" and 'lang="fr"' in text
        status, headers, body = get(f"{base}/api/v1/calls")
        assert status == 503 and "indisponible" in json.loads(body)["detail"]
        # What the atlas answers from its in-memory index still works without the database.
        assert get(f"{base}/api/v1/places?limit=5")[0] == 200
        status, _headers, body = get(f"{base}/sante/")
        assert status == 503 and json.loads(body)["status"] == "down"
        status, _headers, _body = get(f"{base}/lieux/")
        assert status == 503

        cluster.start()
        # The broken persistent connections are dropped after the failed requests: the next ones reconnect.
        wait_for(lambda: get(f"{base}/sante/")[0] == 200, timeout=30, interval=0.2, what="recovery")
        for _round in range(3):
            for path in pages:
                assert get(base + path)[0] == 200, path
        assert web.poll() is None and web.pid == server_pid  # the same server, never restarted
        assert "database unavailable" in (tmp_path / "web.log").read_text()
    finally:
        stop(web)
