"""Benchmark of point-in-commune lookups (python bench/geo_lookup.py).

Builds the STRtree index straight from tierslieux/geo/data/communes.geojson.gz (34,867 simplified
polygons, no database), draws seeded random points over metropolitan France and measures side by side:
- the vectorised STRtree lookup (`PolygonIndex.locate_many`) and one-at-a-time lookups (`locate`);
- the brute-force baseline: shapely `contains` over every polygon, on a subsample of the points
  (results checked equal to the index's on that subsample);
and times `manage.py load_geo` on a fresh SQLite database (then the idempotent second run).
The last line printed is ``BENCH geo_lookup …``.
"""

from __future__ import annotations

import gzip
import json
import os
import subprocess
import sys
import tempfile
import time
from pathlib import Path

import numpy as np

# bench/http.py and bench/coverage.py would shadow the standard library's `http` and the `coverage` package.
sys.path[:] = [p for p in sys.path if Path(p or ".").resolve() != Path(__file__).resolve().parent]
ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))

from tierslieux.geo.index import PolygonIndex  # noqa: E402

SEED = 20261125
POINTS = 200_000
SINGLE = 5_000
BASELINE = 100
BBOX = (-5.2, 41.3, 9.6, 51.1)  # metropolitan France, Corsica included


def build_index() -> tuple[PolygonIndex, float]:
    started = time.perf_counter()
    data = json.loads(gzip.decompress((ROOT / "tierslieux/geo/data/communes.geojson.gz").read_bytes()))
    index = PolygonIndex.from_feature_collection(data, "insee", tolerance=0.0)
    return index, time.perf_counter() - started


def time_load_geo() -> tuple[float, float]:
    with tempfile.TemporaryDirectory() as directory:
        env = {**os.environ, "DATABASE_URL": f"sqlite:///{directory}/bench.sqlite3"}
        env.setdefault("DJANGO_SECRET_KEY", "bench-only")
        manage = [sys.executable, str(ROOT / "manage.py")]
        subprocess.run([*manage, "migrate", "-v0"], env=env, check=True, cwd=ROOT)
        durations = []
        for _ in range(2):
            started = time.perf_counter()
            subprocess.run([*manage, "load_geo", "--no-progress", "-v0"], env=env, check=True, cwd=ROOT)
            durations.append(time.perf_counter() - started)
        return durations[0], durations[1]


def main() -> None:
    index, build_s = build_index()
    print(f"index: {len(index)} polygons built in {build_s:.2f} s (from the data file)")
    rng = np.random.default_rng(SEED)
    lons = rng.uniform(BBOX[0], BBOX[2], POINTS)
    lats = rng.uniform(BBOX[1], BBOX[3], POINTS)

    started = time.perf_counter()
    batch = index.locate_many(lons, lats)
    batch_s = time.perf_counter() - started
    found = sum(code is not None for code in batch)
    print(f"STRtree batch: {POINTS} points in {batch_s:.3f} s, {found} in a commune")

    started = time.perf_counter()
    single = [index.locate(lon, lat) for lon, lat in zip(lons[:SINGLE], lats[:SINGLE], strict=True)]
    single_s = time.perf_counter() - started
    assert single == batch[:SINGLE]
    print(f"STRtree one at a time: {SINGLE} points in {single_s:.3f} s")

    started = time.perf_counter()
    brute = [
        index.contains_brute_force(lon, lat)
        for lon, lat in zip(lons[:BASELINE], lats[:BASELINE], strict=True)
    ]
    brute_s = time.perf_counter() - started
    assert brute == batch[:BASELINE], "the baseline and the index disagree"
    print(f"brute force (contains over every polygon): {BASELINE} points in {brute_s:.3f} s, same answers")

    load_s, reload_s = time_load_geo()
    print(f"load_geo on a fresh SQLite database: {load_s:.1f} s (second, idempotent run: {reload_s:.1f} s)")

    lookups_per_s = POINTS / batch_s
    single_per_s = SINGLE / single_s
    baseline_per_s = BASELINE / brute_s
    print(
        f"BENCH geo_lookup lookups_per_s={lookups_per_s:.0f} baseline_lookups_per_s={baseline_per_s:.1f} "
        f"ratio={lookups_per_s / baseline_per_s:.0f} single_lookups_per_s={single_per_s:.0f} "
        f"load_geo_s={load_s:.1f} load_geo_rerun_s={reload_s:.1f}"
    )


if __name__ == "__main__":
    main()
