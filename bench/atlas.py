"""Benchmark of the atlas at 50,000 places (python bench/atlas.py).

Builds 50,000 SYNTHETIC places on real communes (drawn by population, jittered by ~2 km, seeded) in a
throw-away database (/tmp, or $BENCH_DATABASE_URL) — never the platform's database, never shown as real
data. Measured side by side in one run, through Django's full request stack:

- ours: `/api/v1/places/clusters` (bbox + zoom, server-side grid clustering over the in-memory index) and
  `/api/v1/places?q=…` (accent-insensitive, typo-tolerant search, first page of 20 GeoJSON features);
- baseline: the same querysets serialised with Django REST framework as GeoJSON-style features, without
  pagination — every place of the map view (what client-side clustering downloads) and every place the
  search matches; informative only: a naive `search_text__icontains` per word (no typo tolerance);
- the map page in headless Chromium (/usr/bin/chromium, Playwright): time from navigation to the first
  markers drawn, on a warm server.

The last line printed is `BENCH atlas …` (ratio = our throughput / baseline throughput on the same mix).
"""

from __future__ import annotations

import os
import random
import statistics
import sys
import tempfile
import threading
import time
from pathlib import Path

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
from django.test import Client  # noqa: E402
from rest_framework import serializers  # noqa: E402
from rest_framework.renderers import JSONRenderer  # noqa: E402

from tierslieux.geo.models import Commune  # noqa: E402
from tierslieux.places import index as atlas_index  # noqa: E402
from tierslieux.places.models import Label, Place, PlaceStatus, PlaceType, Service  # noqa: E402
from tierslieux.places.selectors import parse_filters, places_queryset  # noqa: E402
from tierslieux.places.text import normalise  # noqa: E402

settings.ALLOWED_HOSTS = ["*"]
SEED = 20261125
N_PLACES = int(os.environ.get("BENCH_PLACES", "50000"))
N_OURS = 300
N_BASELINE = 24
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


class PlaceGeoSerializer(serializers.ModelSerializer):
    """Baseline: a GeoJSON-style DRF serializer (one Feature per place)."""

    commune_name = serializers.CharField(source="commune.name")

    class Meta:
        model = Place
        fields = [
            "id",
            "name",
            "slug",
            "types",
            "services",
            "labels",
            "status",
            "postcode",
            "commune_id",
            "commune_name",
            "lon",
            "lat",
            "website",
            "short_description",
        ]

    def to_representation(self, instance):
        properties = super().to_representation(instance)
        lon, lat = properties.pop("lon"), properties.pop("lat")
        return {
            "type": "Feature",
            "id": properties["id"],
            "geometry": {"type": "Point", "coordinates": [lon, lat]},
            "properties": properties,
        }


def setup_database(rng: random.Random) -> list[str]:
    call_command("migrate", verbosity=0)
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


def baseline_clusters(params: dict) -> bytes:
    west, south, east, north = (float(v) for v in params["bbox"].split(","))
    queryset = places_queryset(parse_filters(params)).filter(
        lon__gte=west, lon__lte=east, lat__gte=south, lat__lte=north
    )
    return JSONRenderer().render(
        {"type": "FeatureCollection", "features": PlaceGeoSerializer(queryset, many=True).data}
    )


def baseline_search(params: dict) -> bytes:
    """The same queryset as ours (every place our search matches), serialised by DRF without pagination."""
    queryset = places_queryset(parse_filters(params))
    return JSONRenderer().render(
        {"type": "FeatureCollection", "features": PlaceGeoSerializer(queryset, many=True).data}
    )


def baseline_search_icontains(params: dict) -> bytes:
    """Informative: a naive SQL search (`icontains` per word, no typo tolerance), serialised by DRF."""
    queryset = Place.objects.select_related("commune")
    for word in normalise(params["q"]).split():
        queryset = queryset.filter(search_text__icontains=word)
    return JSONRenderer().render(
        {"type": "FeatureCollection", "features": PlaceGeoSerializer(queryset, many=True).data}
    )


def run_baseline(function, workload: list[dict]) -> list[float]:
    times = []
    step = max(1, len(workload) // N_BASELINE)
    for params in workload[::step][:N_BASELINE]:
        start = time.perf_counter()
        function(params)
        times.append((time.perf_counter() - start) * 1000)
    return times


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
    towns = setup_database(rng)
    print(
        f"Base : {Place.objects.count()} lieux synthétiques ({time.perf_counter() - started:.1f} s)",
        flush=True,
    )
    atlas_index.invalidate()
    start = time.perf_counter()
    built = atlas_index.get_index()
    index_s = time.perf_counter() - start
    print(f"Index en mémoire : {len(built)} lieux construits en {index_s:.2f} s", flush=True)
    clusters_load, search_load = workloads(rng, towns)
    client = Client()
    run_ours(client, "/api/v1/places/clusters", clusters_load[:20])  # warm-up
    run_ours(client, "/api/v1/places", search_load[:20])
    ours_clusters = run_ours(client, "/api/v1/places/clusters", clusters_load)
    ours_search = run_ours(client, "/api/v1/places", search_load)
    base_clusters = run_baseline(baseline_clusters, clusters_load)
    base_search = run_baseline(baseline_search, search_load)
    base_icontains = run_baseline(baseline_search_icontains, search_load)

    def line(label, values):
        print(
            f"{label:<34} n={len(values):>4}  p50={percentile(values, 50):8.1f} ms  "
            f"p95={percentile(values, 95):8.1f} ms  débit={1000 / statistics.mean(values):8.1f} req/s"
        )

    line("clusters (nous)", ours_clusters)
    line("clusters (base DRF, tout le cadre)", base_clusters)
    line("recherche (nous)", ours_search)
    line("recherche (base DRF, même queryset)", base_search)
    line("recherche (DRF + icontains, indicatif)", base_icontains)
    ours_mean = (statistics.mean(ours_clusters) + statistics.mean(ours_search)) / 2
    base_mean = (statistics.mean(base_clusters) + statistics.mean(base_search)) / 2
    ratio = base_mean / ours_mean
    clusters_ratio = statistics.mean(base_clusters) / statistics.mean(ours_clusters)
    search_ratio = statistics.mean(base_search) / statistics.mean(ours_search)
    icontains_ratio = statistics.mean(base_icontains) / statistics.mean(ours_search)
    print(
        f"Rapport de débit (mélange 50/50) : ×{ratio:.1f} ; clusters ×{clusters_ratio:.1f} ; "
        f"recherche ×{search_ratio:.1f}",
        flush=True,
    )

    base_url, server = serve()
    Client().get("/lieux/")  # the page's own queries warm (the index is already built in this process)
    browser_ms, wall_ms = map_first_markers(base_url)
    server.shutdown()
    print(
        f"Carte (Chromium headless) : premiers marqueurs {statistics.median(browser_ms):.0f} ms après le début "
        f"de la navigation (médiane ; max {max(browser_ms):.0f} ms) ; vu de Playwright "
        f"{statistics.median(wall_ms):.0f} ms (max {max(wall_ms):.0f} ms), {len(browser_ms)} chargements à froid",
        flush=True,
    )
    engine = settings.DATABASES["default"]["ENGINE"].rsplit(".", 1)[-1]
    print(
        f"BENCH atlas places={len(built)} db={engine} clusters_p95_ms={percentile(ours_clusters, 95):.1f} "
        f"search_p95_ms={percentile(ours_search, 95):.1f} ratio={ratio:.1f} clusters_ratio={clusters_ratio:.1f} "
        f"search_ratio={search_ratio:.1f} search_vs_icontains_ratio={icontains_ratio:.1f} baseline_clusters_p95_ms={percentile(base_clusters, 95):.0f} "
        f"baseline_search_p95_ms={percentile(base_search, 95):.0f} index_build_s={index_s:.2f} "
        f"map_first_markers_ms={statistics.median(browser_ms):.0f} map_first_markers_max_ms={max(browser_ms):.0f} "
        f"map_first_markers_wall_ms={statistics.median(wall_ms):.0f}"
    )


if __name__ == "__main__":
    main()
