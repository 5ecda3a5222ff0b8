"""Benchmark of the coverage computation on the 34,875 real communes (python bench/coverage.py).

Synthetic places are drawn where people live (communes sampled by population, jittered by a few km,
seeded). Measured side by side: the full national computation (KD-tree on the unit sphere) against a
brute-force NumPy haversine baseline for 5,000 and 50,000 places, GeoPandas ``sjoin_nearest`` when
geopandas happens to be importable, and the incremental update of one place. Results are checked
against the baseline. The last line printed is ``BENCH coverage …``.
"""

from __future__ import annotations

import csv
import gzip
import math
import os
import sys
import time
from collections.abc import Callable
from pathlib import Path
from typing import Any

import numpy as np

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))

from tierslieux.geo.coverage import (  # noqa: E402
    Communes,
    CoverageIndex,
    CoverageResult,
    CoverageSettings,
    Places,
    choose_coordinates,
    compute_coverage,
    summarize_by,
    summarize_territory,
)
from tierslieux.geo.spherical import EARTH_RADIUS_KM  # noqa: E402

DATA = ROOT / "tierslieux" / "geo" / "data" / "communes.csv.gz"
SEED = 20261125
JITTER_KM = 3.0
REPEATS = 5
INCREMENTAL_UPDATES = 200
BASELINE_CHUNK_PAIRS = 1_000_000  # (commune, place) pairs per chunk: about 8 MB per temporary array


def load_communes() -> tuple[Communes, int]:
    """The COM rows; town hall point, else interior point; rows with neither are dropped (returned count)."""
    with gzip.open(DATA, "rt", encoding="utf-8", newline="") as handle:
        rows = [row for row in csv.DictReader(handle) if row["type"] == "COM"]

    def column(name: str) -> list[float | None]:
        return [float(row[name]) if row[name] else None for row in rows]

    lon, lat = choose_coordinates(
        column("town_hall_lon"), column("town_hall_lat"), column("interior_lon"), column("interior_lat")
    )
    keep = np.isfinite(lon) & np.isfinite(lat)
    kept = [row for row, k in zip(rows, keep, strict=True) if k]
    communes = Communes(
        ids=[row["insee"] for row in kept],
        lon=lon[keep],
        lat=lat[keep],
        population=[int(row["population"]) if row["population"] else None for row in kept],
        names=[row["name"] for row in kept],
        territories={key: [row[key] for row in kept] for key in ("department", "region", "epci_siren")},
    )
    return communes, len(rows) - len(kept)


def synthetic_points(communes: Communes, n: int, rng: np.random.Generator) -> tuple[np.ndarray, np.ndarray]:
    """``n`` points near communes drawn with probability proportional to population."""
    weights = communes.population / communes.population.sum()
    picked = rng.choice(len(communes), size=n, p=weights)
    km_per_degree = math.pi * EARTH_RADIUS_KM / 180.0
    lat = communes.lat[picked] + rng.normal(0.0, JITTER_KM, n) / km_per_degree
    lon = communes.lon[picked] + rng.normal(0.0, JITTER_KM, n) / (km_per_degree * np.cos(np.radians(lat)))
    return lon, np.clip(lat, -89.9, 89.9)


def synthetic_places(communes: Communes, n: int, rng: np.random.Generator) -> Places:
    lon, lat = synthetic_points(communes, n, rng)
    return Places(ids=np.arange(n), lon=lon, lat=lat)


def fresh_copy(communes: Communes) -> Communes:
    """Same communes without the cached unit vectors and KD-tree (to time a cold computation)."""
    fresh = object.__new__(Communes)
    for name in ("ids", "lon", "lat", "population", "names", "territories"):
        object.__setattr__(fresh, name, getattr(communes, name))
    return fresh


CPU_MS: list[float] = []  # median CPU time of the last timed() call (the machine is shared)


def timed(function: Callable[[], Any], repeats: int) -> tuple[float, Any]:
    """Median wall time in ms over ``repeats`` runs, and the last value (median CPU ms in CPU_MS[-1])."""
    times, cpu, value = [], [], None
    for _ in range(repeats):
        start, start_cpu = time.perf_counter(), time.process_time()
        value = function()
        times.append(1000.0 * (time.perf_counter() - start))
        cpu.append(1000.0 * (time.process_time() - start_cpu))
    CPU_MS.append(float(np.median(cpu)))
    return float(np.median(times)), value


def brute_force(communes: Communes, places: Places, config: CoverageSettings) -> dict[str, np.ndarray]:
    """Haversine over every (commune, place) pair, chunked over communes; same outputs as ours.

    A fair NumPy baseline: in-place operations, and comparisons on the haversine term h itself
    (it grows with the distance), so the arcsine is taken only for the nearest place.
    """
    c_lon, c_lat = np.radians(communes.lon), np.radians(communes.lat)
    p_lon, p_lat = np.radians(places.lon), np.radians(places.lat)
    p_cos = np.cos(p_lat)
    # h = sin²(Δφ/2) + cos φ1 cos φ2 sin²(Δλ/2); distance = 2 R asin(√h), so compare h to h(r).
    h_radii = np.sin(np.array(config.radii_km) / (2.0 * EARTH_RADIUS_KM)) ** 2
    n = len(communes)
    nearest_km, nearest = np.full(n, np.inf), np.full(n, -1)
    counts = np.zeros((n, h_radii.size), dtype=np.int64)
    chunk = max(8, BASELINE_CHUNK_PAIRS // max(1, len(places)))
    for start in range(0, n, chunk):
        sl = slice(start, start + chunk)
        h = np.sin((p_lat[None, :] - c_lat[sl, None]) / 2.0)
        h *= h
        s = np.sin((p_lon[None, :] - c_lon[sl, None]) / 2.0)
        s *= s
        s *= p_cos[None, :]
        s *= np.cos(c_lat[sl, None])
        h += s
        best = np.argmin(h, axis=1)
        nearest[sl] = best
        nearest_km[sl] = (
            2.0 * EARTH_RADIUS_KM * np.arcsin(np.sqrt(np.clip(h[np.arange(len(best)), best], 0, 1)))
        )
        for k, threshold in enumerate(h_radii):
            counts[sl, k] = np.count_nonzero(h <= threshold, axis=1)
    radii = config.radii_km
    return {
        "nearest_km": nearest_km,
        "nearest": nearest,
        "ring_counts": counts[:, [radii.index(r) for r in config.rings_km]],
        "white_zone": counts[:, radii.index(config.white_zone_km)] == 0,
    }


def check(result: CoverageResult, baseline: dict[str, np.ndarray]) -> str:
    """Differences between ours and the baseline ('' when they agree)."""
    problems = []
    km_error = np.abs(result.nearest_km - baseline["nearest_km"]).max()
    if km_error > 1e-6:
        problems.append(f"nearest_km differs by up to {km_error:.3g} km")
    same_place = result.nearest_place == baseline["nearest"]
    if not same_place.all():
        # Ties: a different place at the same distance is fine.
        rows = np.flatnonzero(~same_place)
        ours = result.nearest_km[rows]
        if np.abs(ours - baseline["nearest_km"][rows]).max() > 1e-6:
            problems.append(f"{rows.size} different nearest places")
    for key in ("ring_counts", "white_zone"):
        wrong = int(np.count_nonzero(getattr(result, key) != baseline[key]))
        if wrong:
            problems.append(f"{wrong} different {key}")
    return "; ".join(problems)


def geopandas_nearest(communes: Communes, places: Places) -> float | None:
    """ms of GeoPandas sjoin_nearest in Lambert-93 (metres), or None when geopandas is not importable."""
    try:
        import geopandas as gpd  # type: ignore[import-not-found]
    except ImportError:
        return None
    left = gpd.GeoDataFrame(geometry=gpd.points_from_xy(communes.lon, communes.lat), crs=4326).to_crs(2154)
    right = gpd.GeoDataFrame(geometry=gpd.points_from_xy(places.lon, places.lat), crs=4326).to_crs(2154)
    ms, _ = timed(lambda: gpd.sjoin_nearest(left, right, distance_col="distance_m"), 1)
    return ms


def incremental(communes: Communes, places: Places, rng: np.random.Generator) -> dict[str, float]:
    """add/move timings (ms) over INCREMENTAL_UPDATES random updates, then a check against a full run."""
    index = CoverageIndex(communes, places)
    positions = {
        int(i): (float(x), float(y)) for i, x, y in zip(places.ids, places.lon, places.lat, strict=True)
    }
    new_lon, new_lat = synthetic_points(communes, INCREMENTAL_UPDATES, rng)
    times: dict[str, list[float]] = {"add": [], "move": [], "remove": []}
    touched = []
    next_id = len(places)
    for step in range(INCREMENTAL_UPDATES):
        point = (float(new_lon[step]), float(new_lat[step]))
        kind = ("add", "move", "remove")[step % 3]
        victim = int(rng.choice(list(positions))) if kind != "add" else -1  # picked before timing
        start = time.perf_counter()
        if kind == "add":
            index.add_place(next_id, *point)
            positions[next_id] = point
            next_id += 1
        elif kind == "move":
            index.move_place(victim, *point)
            positions[victim] = point
        else:
            index.remove_place(victim)
            del positions[victim]
        times[kind].append(1000.0 * (time.perf_counter() - start))
        touched.append(index.last_recomputed)
    ids = list(positions)
    final = Places(ids=ids, lon=[positions[i][0] for i in ids], lat=[positions[i][1] for i in ids])
    full, ours = compute_coverage(communes, final), index.result()
    same = (
        np.array_equal(full.ring_counts, ours.ring_counts)
        and np.array_equal(full.white_zone, ours.white_zone)
        and np.allclose(full.nearest_km, ours.nearest_km, rtol=0, atol=1e-9)
        and sorted(ours.place_ids) == sorted(full.place_ids)
    )
    all_times = np.concatenate([np.array(t) for t in times.values()])
    rebuild_ms, _ = timed(index.compact, 3)
    what_if_ms, _ = timed(lambda: index.what_if(*point), 50)
    return {
        **{f"{kind}_median": float(np.median(t)) for kind, t in times.items()},
        **{f"{kind}_p95": float(np.percentile(t, 95)) for kind, t in times.items()},
        "p95": float(np.percentile(all_times, 95)),
        "max": float(all_times.max()),
        "median_touched": float(np.median(touched)),
        "what_if": what_if_ms,
        "rebuild": rebuild_ms,
        "equal": float(same),
    }


def main() -> int:
    started = time.perf_counter()
    print("load average at start: {:.2f} {:.2f} {:.2f}".format(*os.getloadavg()))
    communes, dropped = load_communes()
    config = CoverageSettings()
    print(
        f"communes: {len(communes)} COM with a point ({dropped} without town hall nor interior point dropped)"
    )
    print(
        f"settings: white zone {config.white_zone_km} km, rings {config.rings_km} km, detour {config.detour_factor}"
    )
    rng = np.random.default_rng(SEED)
    figures: dict[int, dict[str, float]] = {}
    failures = []
    for n_places in (5_000, 50_000):
        places = synthetic_places(communes, n_places, rng)
        cold_ms, _ = timed(lambda: compute_coverage(fresh_copy(communes), places, config), REPEATS)  # noqa: B023
        cold_cpu_ms = CPU_MS[-1]
        communes.tree  # noqa: B018 - build the cached KD-tree once
        warm_ms, result = timed(lambda: compute_coverage(communes, places, config), REPEATS)  # noqa: B023
        baseline_ms, baseline = timed(lambda: brute_force(communes, places, config), 1)  # noqa: B023
        problems = check(result, baseline)
        if problems:
            failures.append(f"{n_places} places: {problems}")
        gpd_ms = geopandas_nearest(communes, places)
        figures[n_places] = {"cold": cold_ms, "warm": warm_ms, "baseline": baseline_ms}
        france = summarize_territory(communes, result)
        print(
            f"{n_places:>6} places: ours {cold_ms:8.1f} ms (CPU {cold_cpu_ms:.1f} ms; communes KD-tree included;"
            f" {warm_ms:.1f} ms when cached)"
            f" | brute force {baseline_ms:9.1f} ms | ratio {baseline_ms / cold_ms:6.1f}x"
            f" | results {'equal' if not problems else 'DIFFER: ' + problems}"
        )
        print(
            "              geopandas sjoin_nearest: "
            + (
                "not available (geopandas not importable)"
                if gpd_ms is None
                else f"{gpd_ms:.1f} ms (nearest only)"
            )
        )
        shares = ", ".join(
            f"{r:g} km {s:.1%}" for r, s in zip(france.rings_km, france.share_within, strict=True)
        )
        print(
            f"              France: {shares}; white zone {france.white_zone_population:,.0f} inhabitants"
            f" in {france.white_zone_commune_count} communes"
        )
    aggregate_ms, departments = timed(lambda: summarize_by(communes, result, "department"), 3)
    epci_ms, epcis = timed(lambda: summarize_by(communes, result, "epci_siren"), 3)
    print(
        f"aggregation (50,000 places): {len(departments)} departments {aggregate_ms:.1f} ms, {len(epcis)} EPCI {epci_ms:.1f} ms"
    )

    inc = incremental(communes, synthetic_places(communes, 5_000, np.random.default_rng(SEED + 1)), rng)
    inc50 = incremental(communes, synthetic_places(communes, 50_000, np.random.default_rng(SEED + 2)), rng)
    for label, stats in (("5,000", inc), ("50,000", inc50)):
        print(
            f"incremental ({label} places, {INCREMENTAL_UPDATES} updates):"
            f" add median {stats['add_median']:.2f} / p95 {stats['add_p95']:.2f} ms,"
            f" move median {stats['move_median']:.2f} / p95 {stats['move_p95']:.2f} ms,"
            f" remove median {stats['remove_median']:.2f} / p95 {stats['remove_p95']:.2f} ms,"
            f" all p95 {stats['p95']:.2f} ms, max {stats['max']:.2f} ms;"
            f" snapshot rebuild {stats['rebuild']:.1f} ms (once every max(64, places/50) updates);"
            f" median communes recomputed {stats['median_touched']:.0f},"
            f" what-if {stats['what_if']:.3f} ms, equals full recomputation: {bool(stats['equal'])}"
        )
        if not stats["equal"]:
            failures.append(f"incremental ({label} places) differs from the full recomputation")
    five, fifty = figures[5_000], figures[50_000]
    print(
        f"total bench time {time.perf_counter() - started:.0f} s;",
        "load average {:.2f} {:.2f} {:.2f}".format(*os.getloadavg()),
    )
    for failure in failures:
        print(f"FAILED: {failure}")
    print(
        f"BENCH coverage ms={five['cold']:.1f} baseline_ms={five['baseline']:.0f}"
        f" ratio={five['baseline'] / five['cold']:.0f} ms_50k={fifty['cold']:.1f}"
        f" baseline_ms_50k={fifty['baseline']:.0f} incremental_p95_ms={inc['p95']:.2f}"
        f" incremental_p95_ms_50k={inc50['p95']:.2f} equal={'yes' if not failures else 'no'}"
    )
    return 1 if failures else 0


if __name__ == "__main__":
    sys.exit(main())
