"""Benchmark of the atlas at 50,000 places (python bench/atlas.py; BENCH_PLACES=200000 for the larger case).

Builds SYNTHETIC places on real communes (drawn by population, jittered by ~2 km, seeded) in a throw-away
database (/tmp SQLite, or $BENCH_DATABASE_URL, e.g. a PostgreSQL database of its own) — never the platform's
database, never shown as real data. Every method runs exactly the same workload:

- clusters, 300 map views (6 views from zoom 5 to 15 × 6 filter sets, the same list for everyone):
  ours = `/api/v1/places/clusters` through Django's full request stack (in-memory index, grid per zoom);
  baseline = what one would ship without it: one SQL `GROUP BY` on a grid of the view (count, centroid,
  bounds per cell, the filters in SQL), serialised as JSON — run straight on the database cursor, no request
  stack (in its favour); on PostgreSQL and on SQLite, whichever database this run uses;
- search, 300 queries (towns, words with a typo, word + town): ours = `/api/v1/places?q=` (first page of 20);
  baseline on PostgreSQL = `pg_trgm` (GIN trigram index, `word_similarity` ranking, top 20); on SQLite =
  FTS5 with the trigram tokenizer (top 20). Beside speed, recall on 200 typo queries (a place's own name
  with two letters swapped in one word): share of queries whose place is in the top 20;
- the client-side alternative, supercluster in Node.js (bench/supercluster.mjs): payload of every place
  (raw and gzip), index build, then the same 300 views;
- the index's memory (tracemalloc of a build) and build time; the map page's first markers in Chromium.

Each reports p50 and p95 and the ratio of p95s (baseline p95 / ours p95). The last line is `BENCH atlas …`.
"""

from __future__ import annotations

import gzip
import json
import os
import random
import statistics
import subprocess
import sys
import tempfile
import threading
import time
import tracemalloc
from pathlib import Path

# bench/http.py and bench/coverage.py would shadow the standard library's `http` and the `coverage` package.
sys.path[:] = [p for p in sys.path if Path(p or ".").resolve() != Path(__file__).resolve().parent]
ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))
WORK = Path(tempfile.gettempdir()) / "tierslieux-bench-atlas"
WORK.mkdir(exist_ok=True)
os.environ["DJANGO_SETTINGS_MODULE"] = "config.settings.test"
os.environ["DATABASE_URL"] = os.environ.get("BENCH_DATABASE_URL") or f"sqlite:///{WORK / 'atlas.sqlite3'}"
os.environ.setdefault("DJANGO_ALLOW_ASYNC_UNSAFE", "true")

import django  # noqa: E402

django.setup()

import numpy as np  # noqa: E402
from django.conf import settings  # noqa: E402
from django.core.management import call_command  # noqa: E402
from django.db import connection  # noqa: E402
from django.test import Client  # noqa: E402

from tierslieux.geo.models import Commune  # noqa: E402
from tierslieux.places import index as atlas_index  # noqa: E402
from tierslieux.places.models import Label, Place, PlaceStatus, PlaceType, Service  # noqa: E402
from tierslieux.places.selectors import parse_filters, places_filtered  # noqa: E402
from tierslieux.places.text import normalise  # noqa: E402

settings.ALLOWED_HOSTS = ["*"]
SEED = 20261125
N_PLACES = int(os.environ.get("BENCH_PLACES", "50000"))
N_OURS = 300
SYNTHETIC = "synthetic-bench"
PREFIXES = [
    "La Fabrique",
    "Le Hangar",
    "L'Atelier",
    "La Ruche",
    "Coworking",
    "Fablab",
    "Le Garage",
    "La Cantine",
    "Tiers-lieu",
    "La Friche",
    "Le Repaire",
    "La Coopérative",
    "Le Labo",
    "La Manufacture",
    "L'Établi",
    "Le Quai",
    "La Passerelle",
    "Le Moulin",
    "La Serre",
    "Le Relais",
]
NOUNS = [
    "numérique",
    "des possibles",
    "partagée",
    "solidaire",
    "créative",
    "du village",
    "des savoirs",
    "citoyenne",
    "du port",
    "des champs",
    "de la gare",
    "des arts",
    "du lien",
    "paysanne",
    "des makers",
    "des communs",
    "collaborative",
    "de quartier",
    "éphémère",
    "des idées",
    "verte",
    "sonore",
    "textile",
    "du bois",
]


def setup_database(rng: random.Random) -> list[str]:
    call_command("migrate", verbosity=0)
    call_command("createcachetable", verbosity=0)
    if not Commune.objects.exists():
        print("Chargement de la géographie de référence (load_geo)…", flush=True)
        call_command("load_geo", verbosity=0)
    if Place.objects.filter(source=SYNTHETIC).count() != N_PLACES:
        Place.objects.all().delete()
        communes = list(
            Commune.objects.filter(kind=Commune.Kind.COMMUNE, population__gt=0)
            .exclude(town_hall_lon=None)
            .values_list("insee", "name", "town_hall_lon", "town_hall_lat", "population", "postcodes")
        )
        weights = np.array([c[4] for c in communes], dtype=float)
        nprng = np.random.default_rng(SEED)
        picked = nprng.choice(len(communes), size=N_PLACES, p=weights / weights.sum())
        jitter = nprng.normal(0.0, 2.0 / 111.0, size=(N_PLACES, 2))
        types, services, labels = list(PlaceType.values), list(Service.values), list(Label.values)
        statuses = [PlaceStatus.OPEN] * 8 + [PlaceStatus.PROJECT, PlaceStatus.TEMPORARILY_CLOSED]
        batch = []
        for number in range(N_PLACES):
            insee, commune_name, lon, lat, _pop, postcodes = communes[picked[number]]
            name = f"{rng.choice(PREFIXES)} {rng.choice(NOUNS)} {number}"
            postcode = (postcodes.split() or [""])[0][:5]
            batch.append(
                Place(
                    name=name,
                    slug=f"bench-{number}",
                    types=rng.sample(types, rng.choice([1, 1, 2])),
                    services=rng.sample(services, rng.randint(0, 4)),
                    labels=rng.sample(labels, rng.choice([0] * 8 + [1])),
                    status=rng.choice(statuses),
                    commune_id=insee,
                    lon=lon + jitter[number, 0],
                    lat=lat + jitter[number, 1],
                    postcode=postcode,
                    source=SYNTHETIC,
                    short_description="Lieu synthétique du banc d’essai (pas une donnée réelle).",
                    search_text=normalise(f"{name} {commune_name} {postcode}"),
                )
            )
            if len(batch) == 5000:
                Place.objects.bulk_create(batch)
                batch = []
        Place.objects.bulk_create(batch)
    return list(
        Commune.objects.filter(kind=Commune.Kind.COMMUNE, population__gt=20000).values_list("name", flat=True)
    )


def typo(word: str, rng: random.Random) -> str:
    if len(word) < 5:
        return word
    i = rng.randrange(1, len(word) - 1)
    return word[:i] + word[i + 1] + word[i] + word[i + 2 :]  # swap two letters


def workloads(rng: random.Random, towns: list[str]) -> tuple[list[dict], list[dict]]:
    views = [
        ((-5.5, 41.0, 10.0, 51.5), 5),
        ((-1.5, 46.0, 3.5, 49.5), 7),
        ((1.8, 48.6, 2.9, 49.1), 10),
        ((4.7, 45.6, 5.0, 45.9), 12),
        ((-1.7, 47.1, -1.4, 47.3), 13),
        ((2.30, 48.84, 2.38, 48.88), 15),
    ]
    filters = [{}, {}, {"type": "fablab"}, {"status": "open"}, {"service": "machines"}, {"type": "coworking"}]
    clusters = []
    for number in range(N_OURS):
        bbox, zoom = views[number % len(views)]
        params = {"bbox": ",".join(map(str, bbox)), "zoom": zoom} | filters[
            (number // len(views)) % len(filters)
        ]
        clusters.append(params)
    searches = []
    for number in range(N_OURS):
        kind = number % 4
        if kind == 0:
            q = rng.choice(towns)
        elif kind == 1:
            q = typo(normalise(rng.choice(PREFIXES)).split()[-1], rng)
        elif kind == 2:
            q = f"{rng.choice(NOUNS)} {rng.choice(towns)}"
        else:
            q = typo(normalise(rng.choice(NOUNS)).split()[-1], rng) + " " + rng.choice(towns)
        searches.append({"q": q})
    return clusters, searches


def percentile(values: list[float], p: float) -> float:
    return float(np.percentile(np.array(values), p))


def run_ours(client: Client, url: str, workload: list[dict]) -> list[float]:
    times = []
    for params in workload:
        start = time.perf_counter()
        response = client.get(url, params)
        _ = response.content
        times.append((time.perf_counter() - start) * 1000)
        assert response.status_code == 200, (url, params, response.status_code)
    return times


def _filters_sql(params: dict, vendor: str) -> tuple[str, list]:
    clauses, args = [], []
    for field in ("type", "service"):
        if field in params:
            column = {"type": "types", "service": "services"}[field]
            if vendor == "postgresql":
                clauses.append(f"{column} @> %s::jsonb")
                args.append(json.dumps([params[field]]))
            else:
                clauses.append(f"EXISTS (SELECT 1 FROM json_each({column}) WHERE value = %s)")
                args.append(params[field])
    if "status" in params:
        clauses.append("status = %s")
        args.append(params["status"])
    return "".join(f" AND {clause}" for clause in clauses), args


def baseline_clusters(params: dict) -> bytes:
    """One GROUP BY on a grid of the view (cells of 48 screen pixels, like ours), with the filters in SQL."""
    west, south, east, north = (float(v) for v in params["bbox"].split(","))
    zoom = int(params["zoom"])
    cell = 360.0 / (256.0 * 2**zoom) * (48 if zoom < 14 else 24)  # degrees of longitude per cell
    vendor = connection.vendor
    cell_x = "floor((lon - %s) / %s)" if vendor == "postgresql" else "CAST((lon - %s) / %s AS INTEGER)"
    cell_y = "floor((lat - %s) / %s)" if vendor == "postgresql" else "CAST((lat - %s) / %s AS INTEGER)"
    where, args = _filters_sql(params, vendor)
    sql = (
        f"SELECT {cell_x} AS gx, {cell_y} AS gy, COUNT(*), AVG(lon), AVG(lat), MIN(lon), MIN(lat), MAX(lon),"
        f" MAX(lat), MIN(id) FROM places_place WHERE lon BETWEEN %s AND %s AND lat BETWEEN %s AND %s{where}"
        f" GROUP BY gx, gy"
    )
    with connection.cursor() as cursor:
        cursor.execute(sql, [west, cell, south, cell, west, east, south, north, *args])
        rows = cursor.fetchall()
    features = [
        {
            "type": "Feature",
            "geometry": {"type": "Point", "coordinates": [row[3], row[4]]},
            "properties": {"count": row[2], "bounds": [row[5], row[6], row[7], row[8]], "id": row[9]},
        }
        for row in rows
    ]
    return json.dumps({"type": "FeatureCollection", "features": features}).encode()


def prepare_search_baseline() -> str:
    """pg_trgm (PostgreSQL) or FTS5 trigram (SQLite) over search_text; returns its name."""
    with connection.cursor() as cursor:
        if connection.vendor == "postgresql":
            cursor.execute("CREATE EXTENSION IF NOT EXISTS pg_trgm")
            cursor.execute(
                "CREATE INDEX IF NOT EXISTS bench_place_trgm ON places_place USING gin (search_text gin_trgm_ops)"
            )
            cursor.execute("ANALYZE places_place")
            return "pg_trgm"
        cursor.execute("DROP TABLE IF EXISTS bench_place_fts")
        cursor.execute("CREATE VIRTUAL TABLE bench_place_fts USING fts5(search_text, tokenize='trigram')")
        cursor.execute(
            "INSERT INTO bench_place_fts(rowid, search_text) SELECT id, search_text FROM places_place"
        )
        return "FTS5 trigram"


def baseline_search_ids(q: str) -> list[int]:
    words = normalise(q).split()
    with connection.cursor() as cursor:
        if connection.vendor == "postgresql":
            text = " ".join(words)
            cursor.execute(
                "SELECT id FROM places_place WHERE %s <%% search_text"
                " ORDER BY word_similarity(%s, search_text) DESC, id LIMIT 20",
                [text, text],
            )
        else:
            match = " AND ".join('"' + w.replace('"', "") + '"' for w in words if len(w) >= 3) or '""'
            cursor.execute(
                "SELECT rowid FROM bench_place_fts WHERE bench_place_fts MATCH %s ORDER BY rank LIMIT 20",
                [match],
            )
        return [row[0] for row in cursor.fetchall()]


def baseline_search(params: dict) -> bytes:
    """The baseline's top 20, as GeoJSON features like ours."""
    ids = baseline_search_ids(params["q"])
    rows = Place.objects.filter(id__in=ids).values("id", "name", "slug", "lon", "lat", "types", "commune_id")
    return json.dumps(
        {
            "type": "FeatureCollection",
            "features": [
                {
                    "type": "Feature",
                    "geometry": {"type": "Point", "coordinates": [r["lon"], r["lat"]]},
                    "properties": r,
                }
                for r in rows
            ],
        }
    ).encode()


def run_baseline(function, workload: list[dict]) -> list[float]:
    times = []
    for params in workload:
        start = time.perf_counter()
        function(params)
        times.append((time.perf_counter() - start) * 1000)
    return times


def typo_queries(rng: random.Random, n: int = 200) -> list[tuple[str, int]]:
    """(a place's name with two letters swapped in one word of 5+ letters, that place's id)."""
    picked = Place.objects.filter(source=SYNTHETIC).order_by("?").values_list("id", "name")[: n * 2]
    queries = []
    for pk, name in picked:
        words = name.split()
        long_words = [i for i, w in enumerate(words) if len(w) >= 5 and w.isalpha()]
        if not long_words:
            continue
        i = rng.choice(long_words)
        words[i] = typo(words[i], rng)
        queries.append((" ".join(words), pk))
        if len(queries) == n:
            break
    return queries


def recall(queries: list[tuple[str, int]], search) -> float:
    return sum(1 for q, pk in queries if pk in search(q)) / len(queries)


def ours_search_ids(q: str) -> list[int]:
    result = places_filtered(parse_filters({"q": q}))
    return result.index.ids[result.rows[:20]].tolist()


def supercluster(views: list[dict]) -> dict | None:
    """Client-side clustering in Node.js on every place: payload, build, the same views."""
    script = ROOT / "bench" / "supercluster.mjs"
    if not (ROOT / "node_modules" / "supercluster").exists():
        return None
    points = [[round(lon, 5), round(lat, 5)] for lon, lat in Place.objects.values_list("lon", "lat")]
    payload = json.dumps(
        [{"id": pk, "lon": round(lon, 5), "lat": round(lat, 5), "type": (types or ["autre"])[0]}
         for pk, lon, lat, types in Place.objects.values_list("id", "lon", "lat", "types")],
        separators=(",", ":"),
    ).encode()  # fmt: skip
    boxes = [[*map(float, v["bbox"].split(",")), int(v["zoom"])] for v in views]
    output = subprocess.run(
        ["node", str(script)], input=json.dumps({"points": points, "views": boxes}).encode(),
        capture_output=True, check=True, cwd=ROOT,
    ).stdout  # fmt: skip
    data = json.loads(output)
    return {
        "payload_kb": len(payload) / 1024,
        "payload_gzip_kb": len(gzip.compress(payload)) / 1024,
        "build_ms": data["build_ms"],
        "view_ms": data["view_ms"],
    }


def index_memory() -> tuple[float, float]:
    """(MiB allocated by one index build, seconds) — what each worker process holds."""
    tracemalloc.start()
    start = time.perf_counter()
    built = atlas_index.build()
    seconds = time.perf_counter() - start
    current, _peak = tracemalloc.get_traced_memory()
    tracemalloc.stop()
    del built
    return current / 1024 / 1024, seconds


def serve() -> tuple[str, object]:
    from socketserver import ThreadingMixIn
    from wsgiref.simple_server import WSGIRequestHandler, WSGIServer, make_server

    from django.contrib.staticfiles.handlers import StaticFilesHandler
    from django.core.wsgi import get_wsgi_application

    class Server(ThreadingMixIn, WSGIServer):
        daemon_threads = True

    class Quiet(WSGIRequestHandler):
        def log_message(self, *args):
            pass

    server = make_server(
        "127.0.0.1", 0, StaticFilesHandler(get_wsgi_application()), server_class=Server, handler_class=Quiet
    )
    threading.Thread(target=server.serve_forever, daemon=True).start()
    return f"http://127.0.0.1:{server.server_port}", server


def map_first_markers(base_url: str, runs: int = 7) -> tuple[list[float], list[float]]:
    """(browser-side time from navigation start to the first markers drawn — the `atlas:first-markers`
    performance mark —, wall-clock time measured by Playwright) for `runs` cold loads (new context each)."""
    from playwright.sync_api import sync_playwright

    marks, walls = [], []
    with sync_playwright() as playwright:
        browser = playwright.chromium.launch(
            executable_path="/usr/bin/chromium", headless=True, args=["--no-sandbox", "--disable-gpu"]
        )
        for _ in range(runs):
            context = browser.new_context(base_url=base_url)
            context.route(
                "**/*",
                lambda route: route.continue_() if route.request.url.startswith(base_url) else route.abort(),
            )
            page = context.new_page()
            start = time.perf_counter()
            page.goto("/lieux/", wait_until="commit")
            page.wait_for_selector(
                "#atlas-map .tl-cluster, #atlas-map .tl-place-marker", state="attached", timeout=30_000
            )
            walls.append((time.perf_counter() - start) * 1000)
            marks.append(page.evaluate("performance.getEntriesByName('atlas:first-markers')[0].startTime"))
            context.close()
        browser.close()
    return marks, walls


def main() -> None:
    rng = random.Random(SEED)
    started = time.perf_counter()
    print("load average at start: {:.2f} {:.2f} {:.2f}".format(*os.getloadavg()))
    towns = setup_database(rng)
    vendor = connection.vendor
    print(
        f"Base {vendor} : {Place.objects.count()} lieux synthétiques ({time.perf_counter() - started:.1f} s)",
        flush=True,
    )
    memory_mib, index_s = index_memory()
    atlas_index.invalidate()
    built = atlas_index.get_index()
    print(
        f"Index en mémoire : {len(built)} lieux, {memory_mib:.1f} Mio par processus, construit en {index_s:.2f} s"
    )
    clusters_load, search_load = workloads(rng, towns)
    client = Client()
    run_ours(client, "/api/v1/places/clusters", clusters_load[:20])  # warm-up
    run_ours(client, "/api/v1/places", search_load[:20])
    ours_clusters = run_ours(client, "/api/v1/places/clusters", clusters_load)
    ours_search = run_ours(client, "/api/v1/places", search_load)
    base_clusters = run_baseline(baseline_clusters, clusters_load)
    baseline_name = prepare_search_baseline()
    run_baseline(baseline_search, search_load[:20])
    base_search = run_baseline(baseline_search, search_load)
    typos = typo_queries(rng)
    ours_recall, base_recall = recall(typos, ours_search_ids), recall(typos, baseline_search_ids)
    client_side = supercluster(clusters_load)

    def line(label, values, reference=None):
        ratio = (
            ""
            if reference is None
            else f"  p95 baseline/ours ×{percentile(values, 95) / percentile(reference, 95):.1f}"
        )
        print(
            f"{label:<44} n={len(values):>4}  p50={percentile(values, 50):8.2f} ms  p95={percentile(values, 95):8.2f} ms{ratio}"
        )

    line("clusters (nous, pile Django complète)", ours_clusters)
    line(f"clusters (GROUP BY sur grille, {vendor}, SQL seul)", base_clusters, ours_clusters)
    line("recherche (nous, 20 premiers)", ours_search)
    line(f"recherche ({baseline_name}, 20 premiers)", base_search, ours_search)
    print(
        f"rappel sur {len(typos)} requêtes avec faute de frappe : nous {ours_recall:.1%}, {baseline_name} {base_recall:.1%}"
    )
    if client_side:
        views = client_side["view_ms"]
        print(
            f"supercluster (client) : {client_side['payload_kb']:.0f} Kio à télécharger ({client_side['payload_gzip_kb']:.0f} Kio gzip),"
            f" construction {client_side['build_ms']:.0f} ms, vue p50 {percentile(views, 50):.2f} ms p95 {percentile(views, 95):.2f} ms"
        )
    base_url, server = serve()
    Client().get("/lieux/")
    from playwright.sync_api import Error as PlaywrightError

    try:
        browser_ms, _wall_ms = map_first_markers(base_url)
    except PlaywrightError as error:  # no Chromium here: reported, not fatal
        print(f"Carte : non mesurée ({error})")
        browser_ms = [float("nan")]
    server.shutdown()
    print(
        f"Carte (Chromium headless) : premiers marqueurs {statistics.median(browser_ms):.0f} ms (médiane ; max {max(browser_ms):.0f} ms)"
    )
    print("load average at end: {:.2f} {:.2f} {:.2f}".format(*os.getloadavg()))
    sc = client_side or {"payload_gzip_kb": float("nan"), "build_ms": float("nan"), "view_ms": [float("nan")]}
    print(
        f"BENCH atlas places={len(built)} db={vendor} clusters_p50_ms={percentile(ours_clusters, 50):.2f}"
        f" clusters_p95_ms={percentile(ours_clusters, 95):.2f} groupby_p95_ms={percentile(base_clusters, 95):.2f}"
        f" clusters_p95_ratio={percentile(base_clusters, 95) / percentile(ours_clusters, 95):.1f}"
        f" search_p50_ms={percentile(ours_search, 50):.2f} search_p95_ms={percentile(ours_search, 95):.2f}"
        f" baseline_search={baseline_name.replace(' ', '_')} baseline_search_p95_ms={percentile(base_search, 95):.2f}"
        f" search_p95_ratio={percentile(base_search, 95) / percentile(ours_search, 95):.2f}"
        f" typo_recall={ours_recall:.3f} baseline_typo_recall={base_recall:.3f}"
        f" supercluster_gzip_kb={sc['payload_gzip_kb']:.0f} supercluster_build_ms={sc['build_ms']:.0f}"
        f" supercluster_view_p95_ms={percentile(sc['view_ms'], 95):.2f}"
        f" index_mib={memory_mib:.1f} index_build_s={index_s:.2f} map_first_markers_ms={statistics.median(browser_ms):.0f}"
    )


if __name__ == "__main__":
    main()
