"""Benchmark of the offers/needs matching (python bench/matching.py [--brute-sample N]).

50,000 offers and 50,000 needs are drawn where people live (real communes sampled by population, jittered by
a few km, seeded), over the 4 kinds and their 38 categories (skewed like real use: a few categories are
common), radii of 5 to 100 km, published over the last 90 days. Measured side by side on the same data:

- batch: every need against every offer (`matching.rank`: one k-d tree per category) and the reverse, keeping
  the 20 best matches of each listing as the platform does (`matching.LIMIT`), against the brute force
  (`matching.BruteForce`: each source measured against all 50,000 targets, vectorised, columns prebuilt);
- online: the p95 latency of the matches of one listing (what a page or a publication asks), index built.

Results are checked identical (same targets, same order, same distances) on every source the brute force
ran. The brute force runs on all sources unless `--brute-sample N` (then on N sources of each side, drawn
at random, and its total is extrapolated — said in the output). The last line is ``BENCH matching …``.
"""

from __future__ import annotations

import argparse
import csv
import gzip
import math
import os
import random
import statistics
import sys
import time
from pathlib import Path

import numpy as np

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))

from tierslieux.network.matching import LIMIT, BruteForce, Item, MatchIndex, rank  # noqa: E402

DATA = ROOT / "tierslieux" / "geo" / "data" / "communes.csv.gz"
SEED = 20260513
N = 50_000
NOW = 1_780_000_000.0
CATEGORIES = {
    "skill": [
        "menuiserie",
        "electronique",
        "conception_3d",
        "animation",
        "subventions",
        "comptabilite",
        "mediation_numerique",
        "communication",
        "gouvernance",
        "reparation",
        "couture",
        "cuisine",
        "autre",
    ],
    "equipment": [
        "numerique",
        "fabrication",
        "bois_metal",
        "textile",
        "audiovisuel",
        "cuisine",
        "bureau",
        "autre",
    ],
    "space": ["salle_reunion", "atelier", "bureau", "stockage", "salle_evenement"],
    "loan": ["vehicule", "outillage", "materiel", "autre"],
}
RADII = [5, 10, 20, 30, 50, 100]
ONLINE_QUERIES = 1_000


def communes() -> tuple[np.ndarray, np.ndarray, np.ndarray]:
    with gzip.open(DATA, "rt", encoding="utf-8", newline="") as handle:
        rows = [row for row in csv.DictReader(handle) if row["type"] == "COM" and row["town_hall_lon"]]
    lon = np.array([float(r["town_hall_lon"]) for r in rows])
    lat = np.array([float(r["town_hall_lat"]) for r in rows])
    weight = np.array([float(r["population"] or 1) for r in rows])
    return lon, lat, weight / weight.sum()


def draw(count: int, first_id: int, rng: random.Random, nprng: np.random.Generator, where) -> list[Item]:
    lon, lat, weight = where
    picks = nprng.choice(len(lon), size=count, p=weight)
    jitter = nprng.normal(0, 3.0 / 111.0, size=(count, 2))
    kinds = list(CATEGORIES)
    items = []
    for k in range(count):
        kind = rng.choices(kinds, weights=[4, 3, 2, 1])[0]
        categories = CATEGORIES[kind]
        category = categories[min(int(rng.expovariate(0.5)), len(categories) - 1)]
        point_lat = float(lat[picks[k]] + jitter[k, 0])
        point_lon = float(lon[picks[k]] + jitter[k, 1] / max(math.cos(math.radians(point_lat)), 0.2))
        items.append(
            Item(
                id=first_id + k,
                kind=kind,
                category=category,
                lon=point_lon,
                lat=point_lat,
                radius_km=float(rng.choice(RADII)),
                published=NOW - rng.uniform(0, 90) * 86_400,
                owner=rng.randint(1, 30_000),
            )
        )
    return items


def timed(function, *args, **kwargs):
    start = time.perf_counter()
    result = function(*args, **kwargs)
    return result, (time.perf_counter() - start) * 1000


def p95(values: list[float]) -> float:
    return statistics.quantiles(values, n=20)[-1]


def main() -> None:
    parser = argparse.ArgumentParser()
    parser.add_argument(
        "--brute-sample", type=int, default=0, help="run the brute force on N sources per side"
    )
    args = parser.parse_args()
    rng, nprng = random.Random(SEED), np.random.default_rng(SEED)
    where = communes()
    offers = draw(N, 1, rng, nprng, where)
    needs = draw(N, N + 1, rng, nprng, where)
    print(f"{len(offers):,} offers × {len(needs):,} needs; load average {os.getloadavg()[0]:.1f}")

    # Batch, ours (best of 3).
    runs = []
    for _ in range(3):
        need_matches, need_ms = timed(rank, needs, offers, now=NOW, limit=LIMIT)
        offer_matches, reverse_ms = timed(rank, offers, needs, now=NOW, limit=LIMIT)
        runs.append((need_ms + reverse_ms, need_ms, reverse_ms))
    ours_ms, need_ms, reverse_ms = min(runs)
    pairs = sum(len(v) for v in need_matches.values()) + sum(len(v) for v in offer_matches.values())
    print(f"ours: needs→offers {need_ms:,.0f} ms, offers→needs {reverse_ms:,.0f} ms, {pairs:,} matches")

    # Batch, brute force.
    if args.brute_sample:
        need_sources = rng.sample(needs, args.brute_sample)
        offer_sources = rng.sample(offers, args.brute_sample)
    else:
        need_sources, offer_sources = needs, offers
    offers_brute, offers_build_ms = timed(BruteForce, offers)
    needs_brute, needs_build_ms = timed(BruteForce, needs)
    brute_needs, brute_need_ms = timed(offers_brute.rank, need_sources, now=NOW, limit=LIMIT)
    brute_offers, brute_offer_ms = timed(needs_brute.rank, offer_sources, now=NOW, limit=LIMIT)
    brute_ms = offers_build_ms + needs_build_ms
    brute_ms += brute_need_ms * len(needs) / len(need_sources) + brute_offer_ms * len(offers) / len(
        offer_sources
    )
    extrapolated = " (extrapolated from the sample)" if args.brute_sample else ""
    print(
        f"brute force: {brute_ms:,.0f} ms{extrapolated} on {len(need_sources) + len(offer_sources):,} sources"
    )

    equal = all(need_matches.get(s.id, []) == brute_needs.get(s.id, []) for s in need_sources) and all(
        offer_matches.get(s.id, []) == brute_offers.get(s.id, []) for s in offer_sources
    )
    print(f"identical results on every source measured by the brute force: {'yes' if equal else 'NO'}")

    # Online: the matches of one listing, index already built.
    index = MatchIndex(offers)
    queries = rng.sample(needs, ONLINE_QUERIES)
    ours_times, brute_times = [], []
    for need in queries:
        result, ms = timed(index.rank, [need], now=NOW, limit=LIMIT)
        ours_times.append(ms)
        reference, brute_one_ms = timed(offers_brute.rank, [need], now=NOW, limit=LIMIT)
        brute_times.append(brute_one_ms)
        equal &= result.get(need.id, []) == reference.get(need.id, [])
    ours_p95, brute_p95 = p95(ours_times), p95(brute_times)
    print(
        f"one listing: p95 {ours_p95:.2f} ms (brute force {brute_p95:.2f} ms) over {ONLINE_QUERIES} queries"
    )
    ratio = brute_ms / ours_ms
    print(
        f"BENCH matching offers={N} needs={N} ms={ours_ms:.0f} baseline_ms={brute_ms:.0f} ratio={ratio:.0f} "
        f"p95_ms={ours_p95:.2f} baseline_p95_ms={brute_p95:.2f} matches={pairs} "
        f"sample={args.brute_sample or 'all'} equal={'yes' if equal else 'no'}"
    )
    if not equal:
        sys.exit(1)


if __name__ == "__main__":
    main()
