"""The site over HTTP: the production server (gunicorn, config/gunicorn.conf.py, as `make serve` runs it) on
PostgreSQL, concurrent clients on loopback, bounded in time (python bench/http.py; about 3 minutes).

The database is `BENCH_DATABASE_URL`, else `DATABASE_URL` with `_bench` appended to its name (created if
missing, kept between runs; filled once with the reference geography and the real places by `load_geo` and
`load_places`). Without PostgreSQL the script says so and ends with `BENCH http skipped=no-postgresql`.

For each route, CLIENTS threads with keep-alive connections send requests for SECONDS seconds, in ROUNDS
rounds that interleave the routes (each route keeps its median round):
- cold: the first request of each route right after the server started (workers forked from a master that
  warmed the most opened pages; the place and the commune measured here are not among them);
- warm: the steady state, route by route;
- after an edit: a place is edited (through the service, as a person would), then the atlas routes are
  loaded at once while every worker notices the change and rebuilds its index in the background.
Reported per route: requests/s, p50, p95, errors (non-2xx or failed connections), and the ratio of the
route's requests/s to the same server's trivial "ok" view (`/sante/ok/`: the whole middleware stack, no
database) — the ceiling of this stack on this machine, where the clients share the 2 cores with the server.
Targets (docs/performance.md): 0 errors; the places API and clusters ≥ 50 % of the ceiling; HTML ≥ 20 %.
"""

from __future__ import annotations

import os
import sys

# This script is named http.py: its folder on sys.path would shadow the standard library's `http`.
_HERE = os.path.dirname(os.path.abspath(__file__))
sys.path[:] = [p for p in sys.path if os.path.abspath(p or ".") != _HERE]

import http.client  # noqa: E402
import secrets  # noqa: E402
import signal  # noqa: E402
import socket  # noqa: E402
import subprocess  # noqa: E402
import threading  # noqa: E402
import time  # noqa: E402
from pathlib import Path  # noqa: E402
from urllib.parse import urlsplit, urlunsplit  # noqa: E402

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))
PYTHON = sys.executable
CLIENTS = int(os.environ.get("BENCH_HTTP_CLIENTS", "8"))
SECONDS = float(os.environ.get("BENCH_HTTP_SECONDS", "4"))
ROUNDS = int(os.environ.get("BENCH_HTTP_ROUNDS", "5"))
WORKERS, THREADS = os.environ.get("WEB_WORKERS", "2"), os.environ.get("WEB_THREADS", "4")
API = {"api_places", "api_clusters"}
HTML = {"home", "atlas", "place", "commune"}


def median_round(measures: list[dict]) -> dict:
    """The round of median throughput (its p50 and p95 with it), with the errors of every round."""
    ordered = sorted(measures, key=lambda m: m["rps"])
    return ordered[len(ordered) // 2] | {"errors": sum(m["errors"] for m in measures)}


def database_url() -> str | None:
    url = os.environ.get("BENCH_DATABASE_URL")
    if url:
        return url
    base = os.environ.get("DATABASE_URL", "")
    if not base.startswith(("postgres://", "postgresql://")):
        return None
    parts = urlsplit(base)
    return urlunsplit(parts._replace(path=parts.path.rstrip("/") + "_bench"))


def ensure_database(url: str) -> None:
    import psycopg

    parts = urlsplit(url)
    name = parts.path.lstrip("/")
    admin = urlunsplit(parts._replace(path="/postgres"))
    with psycopg.connect(admin, autocommit=True) as connection:
        if not connection.execute("SELECT 1 FROM pg_database WHERE datname = %s", [name]).fetchone():
            connection.execute(f'CREATE DATABASE "{name}"')
            print(f"created database {name}")


def free_port() -> int:
    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        return sock.getsockname()[1]


def environment(url: str, static_root: Path) -> dict[str, str]:
    env = {k: v for k, v in os.environ.items() if not k.startswith("DJANGO_")}
    env.update(
        DJANGO_SETTINGS_MODULE="config.settings.prod",
        DJANGO_SECRET_KEY=secrets.token_urlsafe(50),
        DJANGO_SECURE_SSL_REDIRECT="0",
        DJANGO_ALLOWED_HOSTS="127.0.0.1,localhost",
        DATABASE_URL=url,
        STATIC_ROOT=str(static_root),
        PYTHON=PYTHON,
        WEB_WORKERS=WORKERS,
        WEB_THREADS=THREADS,
        LOG_LEVEL="WARNING",
    )
    return env


def manage(env: dict[str, str], *args: str) -> None:
    subprocess.run([PYTHON, "manage.py", *args], cwd=ROOT, env=env, check=True, stdout=subprocess.DEVNULL)


def prepare(env: dict[str, str]) -> None:
    subprocess.run(
        ["deploy/entrypoint.sh", "release"], cwd=ROOT, env=env, check=True, stdout=subprocess.DEVNULL
    )
    if not (Path(env["STATIC_ROOT"]) / "staticfiles.json").exists():
        subprocess.run(["deploy/entrypoint.sh", "static"], cwd=ROOT, env=env, check=True)
    import django

    os.environ.update({k: env[k] for k in ("DJANGO_SETTINGS_MODULE", "DJANGO_SECRET_KEY", "DATABASE_URL")})
    django.setup()
    from tierslieux.geo.models import Commune
    from tierslieux.places.models import Place

    if not Commune.objects.exists():
        print("loading the reference geography (once)…", flush=True)
        manage(env, "load_geo")
    if not Place.objects.exists():
        print("loading the real places (once)…", flush=True)
        manage(env, "load_places")


class Load:
    """CLIENTS threads sending GET `path` on keep-alive connections until `deadline`."""

    def __init__(self, port: int, path: str, seconds: float) -> None:
        self.port, self.path, self.seconds = port, path, seconds
        self.latencies: list[float] = []
        self.errors = 0
        self.lock = threading.Lock()

    def client(self, deadline: float) -> None:
        connection = http.client.HTTPConnection("127.0.0.1", self.port, timeout=30)
        latencies, errors = [], 0
        while time.perf_counter() < deadline:
            started = time.perf_counter()
            try:
                connection.request("GET", self.path, headers={"Accept-Encoding": "gzip"})
                response = connection.getresponse()
                response.read()
                if not 200 <= response.status < 300:
                    errors += 1
            except (OSError, http.client.HTTPException):
                errors += 1
                connection.close()
                connection = http.client.HTTPConnection("127.0.0.1", self.port, timeout=30)
            latencies.append(time.perf_counter() - started)
        connection.close()
        with self.lock:
            self.latencies += latencies
            self.errors += errors

    def run(self) -> dict:
        deadline = time.perf_counter() + self.seconds
        started = time.perf_counter()
        threads = [threading.Thread(target=self.client, args=(deadline,)) for _ in range(CLIENTS)]
        for thread in threads:
            thread.start()
        for thread in threads:
            thread.join()
        elapsed = time.perf_counter() - started
        values = sorted(self.latencies)

        def pick(q: float) -> float:
            return 1000 * values[min(len(values) - 1, int(q * len(values)))] if values else float("nan")

        return {"rps": len(values) / elapsed, "p50": pick(0.50), "p95": pick(0.95), "errors": self.errors}


def single(port: int, path: str) -> tuple[float, int]:
    connection = http.client.HTTPConnection("127.0.0.1", port, timeout=60)
    started = time.perf_counter()
    connection.request("GET", path)
    response = connection.getresponse()
    response.read()
    connection.close()
    return 1000 * (time.perf_counter() - started), response.status


def wait_ready(port: int, process: subprocess.Popen, timeout: float = 180) -> None:
    deadline = time.monotonic() + timeout
    while time.monotonic() < deadline:
        if process.poll() is not None:
            raise SystemExit("the server stopped during start-up")
        try:
            if single(port, "/sante/ok/")[1] == 200:
                return
        except OSError:
            time.sleep(0.5)
    raise SystemExit("the server did not start in time")


def edit_a_place() -> str:
    from tierslieux.places.models import Place
    from tierslieux.places.services import place_update

    place = Place.objects.order_by("?").first()
    place_update(place=place, data={"short_description": f"Édition du banc d’essai {time.time():.0f}"})
    return place.slug


def main() -> int:
    url = database_url()
    print("load average at start: {:.2f} {:.2f} {:.2f}".format(*os.getloadavg()))
    if url is None:
        print("PostgreSQL required: set BENCH_DATABASE_URL or DATABASE_URL=postgres://…")
        print("BENCH http skipped=no-postgresql")
        return 0
    ensure_database(url)
    env = environment(url, Path(os.environ.get("BENCH_STATIC_ROOT", "/tmp/tierslieux-bench-static")))
    prepare(env)
    from tierslieux.geo.models import Commune
    from tierslieux.places.models import Place

    # A place and a commune that the master does not warm (config/gunicorn.conf.py warms the first place and the
    # most populated commune): their cold figure is what a worker's first visitor of any such page waits.
    place = Place.objects.published().order_by("-id").first()
    commune = Commune.objects.filter(kind="COM", population__isnull=False).order_by("-population")[1]
    routes = {
        "ok": "/sante/ok/",
        "home": "/",
        "atlas": "/lieux/",
        "place": f"/lieux/{place.slug}/",
        "commune": f"/territoires/commune/{commune.insee}/",
        "api_places": "/api/v1/places?page_size=20",
        "api_clusters": "/api/v1/places/clusters?bbox=-5.5,41.2,9.8,51.2&zoom=6",
    }
    print(f"data: {Place.objects.count()} places, {Commune.objects.count()} communes; routes: {routes}")
    port = free_port()
    server = subprocess.Popen(
        ["deploy/entrypoint.sh", "web", "--bind", f"127.0.0.1:{port}"],
        cwd=ROOT, env=env, start_new_session=True, stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL,
    )  # fmt: skip
    started = time.perf_counter()
    try:
        wait_ready(port, server)
        print(
            f"server: gunicorn {WORKERS} workers × {THREADS} threads, ready in {time.perf_counter() - started:.1f} s"
        )
        cold = {name: single(port, path) for name, path in routes.items()}
        # Rounds interleave the routes (ok, home, …, ok, home, …): a burst of the shared machine's other load
        # falls on every route alike instead of on one; each route keeps its median round.
        rounds: dict[str, list[dict]] = {name: [] for name in routes}
        for _round in range(ROUNDS):
            for name, path in routes.items():
                rounds[name].append(Load(port, path, SECONDS).run())
        warm = {name: median_round(measures) for name, measures in rounds.items()}
        slug = edit_a_place()
        after = {
            name: Load(port, routes[name], SECONDS).run() for name in ("atlas", "api_places", "api_clusters")
        }
    finally:
        os.killpg(server.pid, signal.SIGTERM)
        server.wait(timeout=30)
    ceiling = warm["ok"]["rps"]
    print(f"\n{ROUNDS} rounds of {SECONDS:g} s per route, median round; ok per round: "
          + ", ".join(f"{m['rps']:.0f}" for m in rounds["ok"]) + " req/s")  # fmt: skip
    print(
        f"\n{'route':<13} {'cold ms':>8} | {'req/s':>7} {'p50 ms':>7} {'p95 ms':>7} {'errors':>6} {'÷ ok':>6}"
    )
    for name, figures in warm.items():
        print(
            f"{name:<13} {cold[name][0]:8.1f} | {figures['rps']:7.1f} {figures['p50']:7.1f} {figures['p95']:7.1f}"
            f" {figures['errors']:6d} {figures['rps'] / ceiling:6.2f}"
        )
    print(f"\nright after an edit of {slug} (indexes rebuilt in the background):")
    for name, figures in after.items():
        print(
            f"{name:<13} {'':>8} | {figures['rps']:7.1f} {figures['p50']:7.1f} {figures['p95']:7.1f}"
            f" {figures['errors']:6d} {figures['rps'] / ceiling:6.2f}"
        )
    errors = sum(f["errors"] for f in warm.values()) + sum(f["errors"] for f in after.values())
    errors += sum(1 for _ms, status in cold.values() if status != 200)
    min_api = min(warm[name]["rps"] / ceiling for name in API)
    min_html = min(warm[name]["rps"] / ceiling for name in HTML)
    print("load average at end: {:.2f} {:.2f} {:.2f}".format(*os.getloadavg()))
    line = " ".join(
        [f"ok_rps={ceiling:.0f} rounds={ROUNDS}"]
        + [
            f"{name}_rps={warm[name]['rps']:.0f} {name}_p95_ms={warm[name]['p95']:.0f}"
            for name in routes
            if name != "ok"
        ]
        + [f"edit_{name}_p95_ms={after[name]['p95']:.0f}" for name in after]
        + [f"cold_max_ms={max(ms for ms, _status in cold.values()):.0f}"]
        + [f"min_ratio_api={min_api:.2f} min_ratio_html={min_html:.2f} errors={errors}"]
    )
    print(f"BENCH http {line}")
    return 0


if __name__ == "__main__":
    sys.exit(main())
