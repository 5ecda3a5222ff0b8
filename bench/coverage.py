"""Benchmark of the coverage computation on the 34,875 real communes (python bench/coverage.py).

Synthetic places are drawn where people live (communes sampled by population, jittered by a few km,
seeded; each place is hosted by the commune it was drawn from). Distances are computed **within one
territory** (metropolitan France with Corsica; each overseas department alone), as the diagnostic does.
Measured side by side on exactly the same inputs and outputs (for every commune: the nearest place of its
territory and the number of its territory's places within 5, 10 and 20 km), at 5,000, 50,000 and 200,000
places:

- ours: `coverage_arrays` (the compiled banded pass of geo/coverage/kernel.py, once per territory);
- baseline: plain SciPy `cKDTree`s — what a competent engineer would write — in the faster of two forms:
  one tree per territory (`query(k=1)` for the nearest place, `query_ball_point(..., return_length=True)`
  once per radius), or one tree of the points with the zone coordinate (`Communes.xyz`, the embedding the
  incremental index uses), the same queries, nearest chords above 2 meaning "none in the territory";
- floor: building the tree(s) and the nearest query alone (no counts), per territory or embedded, the
  faster: no method computing the counts can be cheaper than this by much;
- the brute-force NumPy haversine per territory (5,000 and 50,000 places) as the correctness reference.

Each is timed REPEATS times (median of wall and CPU time: the machine is shared, CPU time is the steadier);
results are checked equal to the brute force (to the baseline at 200,000). Also: the full `compute_coverage`
(host communes and result object included), aggregation and the incremental update of one place.
The last line printed is ``BENCH coverage …`` with ``ckdtree_ratio_50k`` (baseline p50 / ours p50) and
``floor_ratio_50k`` (ours / floor).
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
from scipy.spatial import cKDTree

ROOT = Path(__file__).resolve().parent.parent
# This script is named coverage.py: its folder on sys.path would shadow the `coverage` package numba imports.
sys.path[:] = [p for p in sys.path if Path(p or ".").resolve() != Path(__file__).resolve().parent]
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
)
from tierslieux.geo.coverage.compute import coverage_arrays, radius_chords  # noqa: E402
from tierslieux.geo.coverage.inputs import SAME_ZONE_MAX_CHORD, territory_zone  # noqa: E402
from tierslieux.geo.spherical import EARTH_RADIUS_KM  # noqa: E402

DATA = ROOT / "tierslieux" / "geo" / "data" / "communes.csv.gz"
SEED = 20261125
JITTER_KM = 3.0
REPEATS = 7
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
        zones=[territory_zone(row["department"]) for row in kept],
    )
    return communes, len(rows) - len(kept)


def synthetic_points(
    communes: Communes, n: int, rng: np.random.Generator
) -> tuple[np.ndarray, np.ndarray, np.ndarray]:
    """``n`` points near communes drawn with probability proportional to population, and those communes."""
    weights = communes.population / communes.population.sum()
    picked = rng.choice(len(communes), size=n, p=weights)
    km_per_degree = math.pi * EARTH_RADIUS_KM / 180.0
    lat = communes.lat[picked] + rng.normal(0.0, JITTER_KM, n) / km_per_degree
    lon = communes.lon[picked] + rng.normal(0.0, JITTER_KM, n) / (km_per_degree * np.cos(np.radians(lat)))
    return lon, np.clip(lat, -89.9, 89.9), communes.ids[picked]


def synthetic_places(communes: Communes, n: int, rng: np.random.Generator) -> Places:
    lon, lat, hosts = synthetic_points(communes, n, rng)
    return Places(ids=np.arange(n), lon=lon, lat=lat, commune_ids=hosts)


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
    """`brute_force_sphere` within each territory: a commune only sees its own territory's places."""
    radii = config.radii_km
    n = len(communes)
    out = {
        "nearest_km": np.full(n, np.inf),
        "nearest": np.full(n, -1),
        "ring_counts": np.zeros((n, len(config.rings_km)), dtype=np.int64),
        "white_zone": np.ones(n, dtype=bool),
    }
    place_zone = communes.zone_numbers_in(communes.place_xyz(places))
    for zone, rows in communes.zone_rows.items():
        columns = np.flatnonzero(place_zone == zone)
        if not columns.size:
            continue
        part = brute_force_sphere(
            communes.lon[rows], communes.lat[rows], places.lon[columns], places.lat[columns], radii
        )
        out["nearest_km"][rows] = part["nearest_km"]
        out["nearest"][rows] = columns[part["nearest"]]
        out["ring_counts"][rows] = part["counts"][:, [radii.index(r) for r in config.rings_km]]
        out["white_zone"][rows] = part["counts"][:, radii.index(config.white_zone_km)] == 0
    return out


def brute_force_sphere(
    commune_lon: np.ndarray,
    commune_lat: np.ndarray,
    place_lon: np.ndarray,
    place_lat: np.ndarray,
    radii_km: tuple[float, ...],
) -> dict[str, np.ndarray]:
    """Haversine over every (commune, place) pair, chunked over communes; nearest place and counts.

    A fair NumPy baseline: in-place operations, and comparisons on the haversine term h itself
    (it grows with the distance), so the arcsine is taken only for the nearest place.
    """
    c_lon, c_lat = np.radians(commune_lon), np.radians(commune_lat)
    p_lon, p_lat = np.radians(place_lon), np.radians(place_lat)
    p_cos = np.cos(p_lat)
    # h = sin²(Δφ/2) + cos φ1 cos φ2 sin²(Δλ/2); distance = 2 R asin(√h), so compare h to h(r).
    h_radii = np.sin(np.array(radii_km) / (2.0 * EARTH_RADIUS_KM)) ** 2
    n = len(c_lon)
    nearest_km, nearest = np.full(n, np.inf), np.full(n, -1)
    counts = np.zeros((n, h_radii.size), dtype=np.int64)
    chunk = max(8, BASELINE_CHUNK_PAIRS // max(1, len(p_lon)))
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
    return {"nearest_km": nearest_km, "nearest": nearest, "counts": counts}


def check(result: CoverageResult, baseline: dict[str, np.ndarray]) -> str:
    """Differences between ours and the baseline ('' when they agree)."""
    problems = []
    none = np.isinf(baseline["nearest_km"])
    if not np.array_equal(np.isinf(result.nearest_km), none):
        problems.append("not the same communes without a place in their territory")
    km_error = np.abs(result.nearest_km[~none] - baseline["nearest_km"][~none]).max(initial=0.0)
    if km_error > 1e-6:
        problems.append(f"nearest_km differs by up to {km_error:.3g} km")
    same_place = result.nearest_place == baseline["nearest"]
    if not same_place.all():
        # Ties: a different place at the same distance is fine.
        rows = np.flatnonzero(~same_place & ~none)
        ours = result.nearest_km[rows]
        if np.abs(ours - baseline["nearest_km"][rows]).max(initial=0.0) > 1e-6:
            problems.append(f"{rows.size} different nearest places")
    for key in ("ring_counts", "white_zone"):
        wrong = int(np.count_nonzero(getattr(result, key) != baseline[key]))
        if wrong:
            problems.append(f"{wrong} different {key}")
    return "; ".join(problems)


def incremental(communes: Communes, places: Places, rng: np.random.Generator) -> dict[str, float]:
    """add/move timings (ms) over INCREMENTAL_UPDATES random updates, then a check against a full run."""
    index = CoverageIndex(communes, places)
    positions = {
        int(i): (float(x), float(y), host)
        for i, x, y, host in zip(places.ids, places.lon, places.lat, places.commune_ids, strict=True)
    }
    new_lon, new_lat, new_hosts = synthetic_points(communes, INCREMENTAL_UPDATES, rng)
    times: dict[str, list[float]] = {"add": [], "move": [], "remove": []}
    touched = []
    next_id = len(places)
    for step in range(INCREMENTAL_UPDATES):
        point = (float(new_lon[step]), float(new_lat[step]), new_hosts[step])
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
    final = Places(
        ids=ids,
        lon=[positions[i][0] for i in ids],
        lat=[positions[i][1] for i in ids],
        commune_ids=[positions[i][2] for i in ids],
    )
    full, ours = compute_coverage(communes, final), index.result()
    same = (
        np.array_equal(full.ring_counts, ours.ring_counts)
        and np.array_equal(full.white_zone, ours.white_zone)
        and np.allclose(full.nearest_km, ours.nearest_km, rtol=0, atol=1e-9)
        and sorted(ours.place_ids) == sorted(full.place_ids)
    )
    all_times = np.concatenate([np.array(t) for t in times.values()])
    rebuild_ms, _ = timed(index.compact, 3)
    what_if_ms, _ = timed(lambda: index.what_if(point[0], point[1]), 50)
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


def ckdtree_per_territory(
    communes: Communes, place_xyz: np.ndarray, chords: np.ndarray, with_counts: bool = True
) -> dict[str, np.ndarray]:
    """Baseline, first form: one cKDTree of each territory's places, nearest query, one ball count per
    radius (``with_counts=False``: the floor, tree builds and nearest queries alone)."""
    n = len(communes)
    chord, nearest = np.full(n, np.inf), np.full(n, -1, dtype=np.int64)
    counts = np.zeros((n, chords.size), dtype=np.int64)
    place_zone = communes.zone_numbers_in(place_xyz)
    for zone, rows in communes.zone_rows.items():
        columns = np.flatnonzero(place_zone == zone)
        if not columns.size:
            continue
        tree = cKDTree(place_xyz[columns, :3])
        points = communes.surface_xyz[rows]
        chord[rows], found = tree.query(points, k=1)
        nearest[rows] = columns[found]
        if with_counts:
            counts[rows] = np.stack(
                [tree.query_ball_point(points, r, return_length=True) for r in chords], axis=1
            )
    return {"chord": chord, "nearest": nearest, "counts": counts}


def ckdtree_embedded(
    communes: Communes, place_xyz: np.ndarray, chords: np.ndarray, with_counts: bool = True
) -> dict[str, np.ndarray]:
    """Baseline, second form: one cKDTree of the places with their zone coordinate (a ball never reaches
    another territory; a nearest chord above 2 is in another territory, so none)."""
    tree = cKDTree(place_xyz)
    chord, nearest = tree.query(communes.xyz, k=1)
    other = chord > SAME_ZONE_MAX_CHORD
    chord[other], nearest[other] = np.inf, -1
    counts = (
        np.stack([tree.query_ball_point(communes.xyz, r, return_length=True) for r in chords], axis=1)
        if with_counts
        else None
    )
    return {"chord": chord, "nearest": nearest, "counts": counts}


BASELINES = {"per territory": ckdtree_per_territory, "embedded": ckdtree_embedded}


def percentiles(values: list[float]) -> tuple[float, float]:
    return float(np.percentile(values, 50)), float(np.percentile(values, 95))


def sample(function: Callable[[], Any], repeats: int) -> tuple[list[float], list[float], Any]:
    walls, cpus, value = [], [], None
    for _ in range(repeats):
        start, start_cpu = time.perf_counter(), time.process_time()
        value = function()
        walls.append(1000.0 * (time.perf_counter() - start))
        cpus.append(1000.0 * (time.process_time() - start_cpu))
    return walls, cpus, value


def fastest(
    runs: dict[str, tuple[list[float], list[float], Any]],
) -> tuple[str, list[float], list[float], Any]:
    """The form with the lowest median CPU time (the steadier figure on a shared machine)."""
    name = min(runs, key=lambda k: float(np.median(runs[k][1])))
    return (name, *runs[name])


def compare(communes: Communes, places: Places, config: CoverageSettings, reference: bool) -> dict:
    chords = radius_chords(config)
    place_xyz = communes.place_xyz(places)  # the places with their territory's zone coordinate
    coverage_arrays(communes, place_xyz[:10], chords)  # compiled (or loaded from the cache) before timing
    ours_wall, ours_cpu, (best, _nearest, counts) = sample(
        lambda: coverage_arrays(communes, place_xyz, chords), REPEATS
    )
    bases = {k: sample(lambda f=f: f(communes, place_xyz, chords), REPEATS) for k, f in BASELINES.items()}
    floors = {
        k: sample(lambda f=f: f(communes, place_xyz, chords, False), REPEATS) for k, f in BASELINES.items()
    }
    base_name, base_wall, base_cpu, _ = fastest(bases)
    floor_name, floor_wall, floor_cpu, _ = fastest(floors)
    problems = []
    finite = np.isfinite(best)
    for name, (_wall, _cpu, base) in bases.items():
        if not np.array_equal(counts, base["counts"]):
            problems.append(f"counts differ from the cKDTree baseline ({name})")
        if not np.array_equal(finite, np.isfinite(base["chord"])) or (
            np.abs(best[finite] - base["chord"][finite]).max(initial=0.0) > 1e-12
        ):
            problems.append(f"nearest distances differ from the cKDTree baseline ({name})")
    full_ms, result = timed(lambda: compute_coverage(communes, places, config), 3)
    if reference:
        brute = brute_force(communes, places, config)
        wrong = check(result, brute)
        if wrong:
            problems.append(wrong)
    return {
        "ours": percentiles(ours_wall), "ours_cpu": percentiles(ours_cpu),
        "base": percentiles(base_wall), "base_cpu": percentiles(base_cpu), "base_name": base_name,
        "floor": percentiles(floor_wall), "floor_cpu": percentiles(floor_cpu), "floor_name": floor_name,
        "forms": {k: percentiles(v[1])[0] for k, v in bases.items()},
        "floor_forms": {k: percentiles(v[1])[0] for k, v in floors.items()},
        "full_ms": full_ms, "problems": problems, "result": result,
        "without_place": int((~finite).sum()),
    }  # fmt: skip


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
    figures: dict[int, dict] = {}
    failures = []
    print(
        f"{'places':>8} | {'ours p50/p95 ms':>16} {'CPU p50':>8} | {'cKDTree p50/p95':>16} {'CPU p50':>8} |"
        f" {'floor p50/p95':>14} {'CPU p50':>8} | cKDTree/ours p95 | ours/floor p95 | full compute_coverage"
    )
    for n_places in (5_000, 50_000, 200_000):
        places = synthetic_places(communes, n_places, rng)
        row = compare(communes, places, config, reference=n_places <= 50_000)
        figures[n_places] = row
        failures += [f"{n_places} places: {p}" for p in row["problems"]]
        print(
            f"{n_places:>8} | {row['ours'][0]:7.1f}/{row['ours'][1]:7.1f} {row['ours_cpu'][0]:8.1f} |"
            f" {row['base'][0]:7.1f}/{row['base'][1]:7.1f} {row['base_cpu'][0]:8.1f} |"
            f" {row['floor'][0]:6.1f}/{row['floor'][1]:6.1f} {row['floor_cpu'][0]:8.1f} |"
            f" {row['base'][1] / row['ours'][1]:15.2f}x | {row['ours'][1] / row['floor'][1]:13.2f}x |"
            f" {row['full_ms']:.1f} ms"
            + ("" if not row["problems"] else "  DIFFER: " + "; ".join(row["problems"]))
        )
        print(
            f"{'':>8}   cKDTree CPU p50 by form: "
            + ", ".join(f"{k} {v:.1f} ms" for k, v in row["forms"].items())
            + f" (baseline: {row['base_name']}); floor: "
            + ", ".join(f"{k} {v:.1f} ms" for k, v in row["floor_forms"].items())
            + f" (floor: {row['floor_name']}); communes without a place in their territory: {row['without_place']}"
        )
    result = figures[50_000]["result"]
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
    five, fifty, big = figures[5_000], figures[50_000], figures[200_000]
    print(
        f"total bench time {time.perf_counter() - started:.0f} s;",
        "load average {:.2f} {:.2f} {:.2f}".format(*os.getloadavg()),
    )
    for failure in failures:
        print(f"FAILED: {failure}")
    print(
        f"BENCH coverage p95_ms_5k={five['ours'][1]:.1f} p95_ms_50k={fifty['ours'][1]:.1f}"
        f" p95_ms_200k={big['ours'][1]:.1f} ckdtree_p95_ms_50k={fifty['base'][1]:.1f}"
        f" floor_p95_ms_50k={fifty['floor'][1]:.1f} ckdtree_ratio_5k={five['base'][1] / five['ours'][1]:.2f}"
        f" ckdtree_ratio_50k={fifty['base'][1] / fifty['ours'][1]:.2f}"
        f" ckdtree_ratio_200k={big['base'][1] / big['ours'][1]:.2f}"
        f" floor_ratio_50k={fifty['ours'][1] / fifty['floor'][1]:.2f}"
        f" cpu_ckdtree_ratio_50k={fifty['base_cpu'][0] / fifty['ours_cpu'][0]:.2f}"
        f" cpu_floor_ratio_50k={fifty['ours_cpu'][0] / fifty['floor_cpu'][0]:.2f}"
        f" incremental_p95_ms={inc['p95']:.2f} incremental_p95_ms_50k={inc50['p95']:.2f}"
        f" equal={'yes' if not failures else 'no'}"
    )
    return 1 if failures else 0


if __name__ == "__main__":
    sys.exit(main())
