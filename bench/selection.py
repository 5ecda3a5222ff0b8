"""Bench of the selection optimiser on realistic instances built on real communes.

Run: ``python bench/selection.py`` (from the repository root). Standalone: reads
the open data shipped in the repository, draws seeded synthetic applications,
compares the exact optimiser with the two baselines, and replays the 2019-2021
labelling of the 382 Fabriques de territoire. The last line is the summary
``BENCH selection …`` for the 3,000-application case.
"""

from __future__ import annotations

import csv
import gzip
import math
import os
import sys
import time
from dataclasses import dataclass, replace
from pathlib import Path

import numpy as np

# bench/http.py and bench/coverage.py would shadow the standard library's `http` and the `coverage` package.
sys.path[:] = [p for p in sys.path if Path(p or ".").resolve() != Path(__file__).resolve().parent]
ROOT = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(ROOT))

from tierslieux.selection.optimiser import (  # noqa: E402
    Application,
    Balance,
    Coverage,
    Envelope,
    ExistingPlace,
    SelectionProblem,
    SelectionResult,
    SolverOptions,
    TargetCommune,
    greedy,
    optimise,
    rank_by_score,
)
from tierslieux.selection.optimiser.baselines import greedy_pairs  # noqa: E402
from tierslieux.selection.optimiser.instance import prepare  # noqa: E402
from tierslieux.selection.optimiser.state import evaluate  # noqa: E402

GEO = ROOT / "tierslieux" / "geo" / "data"
PLACES = ROOT / "tierslieux" / "places" / "data"
SEED = 20260101
LAMBDAS = (0.05, 0.1, 0.25, 0.5, 1.0)
"""Trade-off curve on the 3,000 case (points per 10,000 newly covered inhabitants)."""
BENCH_LAMBDA = 0.1
REPLAY_COVERAGE_LAMBDA = 10.0
"""Replay variant where coverage dominates (one point per 1,000 inhabitants): "how much more reach"."""


@dataclass(frozen=True)
class Commune:
    insee: str
    department: str
    region: str
    epci: str
    population: int
    area_km2: float
    lon: float
    lat: float
    large_urban: bool
    qpv: bool


def _float(text: str | None) -> float:
    try:
        return float((text or "").strip().replace(",", "."))
    except ValueError:
        return math.nan


def _read(path: Path) -> list[dict[str, str]]:
    with gzip.open(path, "rt", encoding="utf-8", newline="") as handle:
        sample = handle.read(4096)
        handle.seek(0)
        delimiter = ";" if sample.count(";") > sample.count(",") else ","
        return list(csv.DictReader(handle, delimiter=delimiter))


def load_communes() -> list[Commune]:
    density = {r["insee_com"]: r["niveau_densite"] for r in _read(GEO / "grilles_communales_ot.csv.gz")}
    qpv = {r["insee_com"] for r in _read(GEO / "qpv2024_liste.csv.gz")}
    communes = []
    for r in _read(GEO / "communes.csv.gz"):
        if r["type"] != "COM":
            continue
        lon, lat = _float(r["town_hall_lon"]), _float(r["town_hall_lat"])
        if not (math.isfinite(lon) and math.isfinite(lat)):
            lon, lat = _float(r["interior_lon"]), _float(r["interior_lat"])
        population = _float(r["population"])
        communes.append(
            Commune(
                r["insee"],
                r["department"],
                r["region"],
                r["epci_siren"],
                int(population) if math.isfinite(population) else 0,
                max(_float(r["area_km2"]), 0.01) if math.isfinite(_float(r["area_km2"])) else 1.0,
                lon,
                lat,
                density.get(r["insee"]) == "Grands centres urbains",
                r["insee"] in qpv,
            )
        )
    return communes


def load_census() -> list[tuple[float, float, str]]:
    places = []
    for r in _read(PLACES / "CGET_TiersLieux_2019.csv.gz"):
        lat, lon = _float(r.get("LAT")), _float(r.get("LONG"))
        if math.isfinite(lat) and math.isfinite(lon) and -90 <= lat <= 90 and -180 <= lon <= 180:
            places.append((lon, lat, (r.get("INSEEDEP") or "").strip()))
    return places


def load_fabriques() -> list[tuple[float, float]]:
    rows = _read(PLACES / "fabriques_de_territoire_liste.csv.gz")
    points = [(_float(r["commune_lon"]), _float(r["commune_lat"])) for r in rows]
    return [(lon, lat) for lon, lat in points if math.isfinite(lon) and math.isfinite(lat)]


def targets_of(communes: list[Commune]) -> list[TargetCommune]:
    return [
        TargetCommune(c.insee, c.lon, c.lat, c.population)
        for c in communes
        if not c.large_urban and c.population > 0 and math.isfinite(c.lon) and math.isfinite(c.lat)
    ]


def synthetic_applications(communes: list[Commune], n: int, rng: np.random.Generator) -> list[Application]:
    """Applications drawn where people live, with review scores and 3 yearly amounts of 25-50 k€."""
    located = [c for c in communes if math.isfinite(c.lon) and c.population > 0]
    weights = np.asarray([c.population for c in located], dtype=float)
    picks = rng.choice(len(located), size=n, p=weights / weights.sum())
    scores = np.clip(rng.normal(3.2, 0.75, size=n), 0.0, 5.0).round(2)
    amounts = (rng.uniform(25_000, 50_000, size=(n, 3)) / 500).round() * 500
    in_qpv_project = rng.random(n) < 0.5
    digital = rng.random(n) < 0.3
    apps = []
    for k, idx in enumerate(picks):
        c = located[idx]
        spread = math.sqrt(c.area_km2) / 3.0  # km, a location inside the commune
        dlat = rng.normal(0, spread) / 111.2
        dlon = rng.normal(0, spread) / (111.2 * max(math.cos(math.radians(c.lat)), 0.1))
        envelopes = []
        if not c.large_urban:
            envelopes.append("HORS_GCU")
        if c.qpv and in_qpv_project[k]:
            envelopes.append("QPV")
            if digital[k]:
                envelopes.append("NUM")
        apps.append(
            Application(
                f"D{k:05d}",
                float(scores[k]),
                tuple(envelopes),
                tuple(float(a) for a in amounts[k]),
                c.insee,
                c.lon + dlon,
                c.lat + dlat,
                c.region,
                c.department,
                c.epci,
            )
        )
    return apps


def wave_problem(
    communes: list[Commune],
    n: int,
    scale: int,
    existing: list[ExistingPlace],
    required: tuple[str, ...],
    rng: np.random.Generator,
) -> SelectionProblem:
    laureates = 30 * scale
    return SelectionProblem(
        applications=synthetic_applications(communes, n, rng),
        envelopes=(
            Envelope("HORS_GCU", "Hors grands centres urbains", 15 * scale),
            Envelope("QPV", "Quartiers prioritaires", 12 * scale),
            Envelope("NUM", "Fabriques numériques (QPV)", 3 * scale),
        ),
        total_budget=laureates * 110_000.0,
        yearly_budget=laureates * 37_000.0,
        balance=Balance(max_per_department=2 * scale, one_per_epci=scale == 1, required_departments=required),
        coverage=Coverage(targets_of(communes), existing, 10.0, BENCH_LAMBDA),
    )


def _row(name: str, r: SelectionResult, ref: SelectionResult | None = None) -> str:
    gap = "—" if r.gap is None else f"{100 * r.gap:.4f}"
    extra = ""
    if ref is not None and ref.newly_covered_population:
        gain = 100 * (r.newly_covered_population / ref.newly_covered_population - 1)
        loss = 100 * (1 - r.score_total / ref.score_total)
        extra = f" | {gain:+7.1f} % | {loss:+6.2f} %"
    return (
        f"| {name:<22} | {r.status:<10} | {len(r.assignment):>4} | {r.objective:9.2f} | {r.score_total:8.2f} | "
        f"{r.newly_covered_population:>9,} | {gap:>8} | {r.solve_time_s:6.2f} | {r.run_time_s:6.2f}{extra} |"
    )


HEADER = (
    "| method                 | status     |  sel | objective |    score | newly cov | gap %    | "
    "solve s |  run s | cov. vs rank | score vs rank |"
)


def compare(title: str, problem: SelectionProblem, options: SolverOptions) -> dict[str, SelectionResult]:
    print(f"\n### {title}\n")
    print(HEADER)
    results = {
        "rank_by_score": rank_by_score(problem),
        "greedy": greedy(problem),
        "optimiser": optimise(problem, options),
    }
    ref = results["rank_by_score"]
    for name, r in results.items():
        print(_row(name, r, ref))
        for message in r.messages + r.violations:
            print(f"|   ! {message}")
    best = results["optimiser"]
    binding = ", ".join(c.label for c in best.binding_constraints) or "aucune"
    print(f"\nbinding (optimiser): {binding}")
    return results


def tradeoff(problem: SelectionProblem, options: SolverOptions) -> None:
    print("\n### λ trade-off, 3,000 applications (optimiser vs rank-by-score)\n")
    print("| λ (points / 10k hab.) | newly covered | gain vs rank | score | loss vs rank | solve s |")
    ref = rank_by_score(problem, explain_reasons=False)
    for lam in LAMBDAS:
        p = replace(problem, coverage=replace(problem.coverage, points_per_10k=lam))
        r = optimise(p, replace(options, exact_reasons=0))
        gain = 100 * (r.newly_covered_population / ref.newly_covered_population - 1)
        loss = 100 * (1 - r.score_total / ref.score_total)
        print(
            f"| {lam:>21} | {r.newly_covered_population:>13,} | {gain:+11.1f} % | {r.score_total:6.2f} | "
            f"{loss:+11.2f} % | {r.solve_time_s:7.2f} |"
        )


def replay(
    communes: list[Commune],
    census: list[tuple[float, float, str]],
    fabriques: list[tuple[float, float]],
    rng: np.random.Generator,
    options: SolverOptions,
) -> dict[str, float]:
    """As many laureates as located Fabriques, chosen among the 1,512 census places (synthetic scores),
    against the real labelled Fabriques; coverage counted from scratch (no existing network)."""
    targets = targets_of(communes)
    scores = np.clip(rng.normal(3.2, 0.75, size=len(census)), 0.0, 5.0).round(2)
    apps = [
        Application(
            f"TL{k:04d}", float(scores[k]), ("FAB",), (50_000.0, 50_000.0, 50_000.0), lon=lon, lat=lat
        )
        for k, (lon, lat, _dep) in enumerate(census)
    ]
    real = SelectionProblem(
        [
            Application(f"F{k:03d}", 0.0, ("FAB",), (0.0,), lon=lon, lat=lat)
            for k, (lon, lat) in enumerate(fabriques)
        ],
        (Envelope("FAB", "Fabriques", len(fabriques)),),
        coverage=Coverage(targets, (), 10.0, BENCH_LAMBDA),
    )
    actual = rank_by_score(real, explain_reasons=False)
    print(
        f"\nreal labelled Fabriques ({len(fabriques)} located): {actual.newly_covered_population:,} target "
        f"inhabitants within 10 km (of {actual.target_population:,})"
    )
    gains: dict[str, float] = {}
    for lam, name in ((BENCH_LAMBDA, "default λ"), (REPLAY_COVERAGE_LAMBDA, "coverage first")):
        problem = SelectionProblem(
            apps,
            (Envelope("FAB", "Fabriques de territoire", len(fabriques)),),
            coverage=Coverage(targets, (), 10.0, lam),
        )
        results = compare(
            f"Replay ({name}, λ={lam}): {len(fabriques)} laureates among the {len(census):,} census places",
            problem,
            options,
        )
        for method, r in results.items():
            more = 100 * (r.newly_covered_population / actual.newly_covered_population - 1)
            gains[f"{method}@{lam}"] = more
            print(
                f"{method}: {r.newly_covered_population:,} inhabitants within reach ({more:+.1f} % vs real)"
            )
    return gains


N_SEEDS = int(os.environ.get("BENCH_SEEDS", "6"))
LOCAL_SEARCH_SECONDS = 15.0
LOCAL_SEARCH_CANDIDATES = 120


def greedy_local_search(problem: SelectionProblem) -> tuple[object, float]:
    """Greedy, then first-improvement swaps (one laureate out, one of the LOCAL_SEARCH_CANDIDATES best
    unselected applications by stand-alone value in) while the objective grows and every constraint holds,
    for at most LOCAL_SEARCH_SECONDS: what a careful engineer adds to a greedy before reaching for a MIP."""
    started = time.perf_counter()
    prep = prepare(problem)
    chosen = list(greedy_pairs(prep))
    best = evaluate(prep, np.asarray(chosen))
    by_app: dict[int, list[int]] = {}
    for pair, app in enumerate(prep.pair_app.tolist()):
        by_app.setdefault(app, []).append(pair)
    improved = True
    while improved and time.perf_counter() - started < LOCAL_SEARCH_SECONDS:
        improved = False
        taken = {int(prep.pair_app[p]) for p in chosen}
        outside = [a for a in np.argsort(-prep.score).tolist() if a not in taken and a in by_app]
        for out in list(chosen):
            for app in outside[:LOCAL_SEARCH_CANDIDATES]:
                for pair in by_app[app]:
                    trial = [p for p in chosen if p != out] + [pair]
                    evaluation = evaluate(prep, np.asarray(trial))
                    if not evaluation.violations and evaluation.objective > best.objective + 1e-9:
                        chosen, best, improved = trial, evaluation, True
                        break
                if improved or time.perf_counter() - started >= LOCAL_SEARCH_SECONDS:
                    break
            if improved or time.perf_counter() - started >= LOCAL_SEARCH_SECONDS:
                break
    return best, time.perf_counter() - started


def seeds_comparison(communes, existing, required, options) -> list[dict]:
    """The 3,000-application wave over N_SEEDS seeds: every method on each seed's same instance."""
    print(f"\n### 3,000 applications, 30 laureates, {N_SEEDS} seeds (absolute figures)\n")
    print("| seed | method | selected | score | newly covered | objective | s |")
    rows = []
    for k in range(N_SEEDS):
        problem = wave_problem(communes, 3_000, 1, existing, required, np.random.default_rng(SEED + k))
        figures = {}
        for name, run in (
            ("rank_by_score", lambda p=problem: rank_by_score(p, explain_reasons=False)),
            ("greedy", lambda p=problem: greedy(p, explain_reasons=False)),
            ("optimiser", lambda p=problem: optimise(p, options)),
            (
                "score_only_optimum",
                lambda p=problem: optimise(
                    replace(p, coverage=replace(p.coverage, points_per_10k=0.0)), options
                ),
            ),
        ):
            t0 = time.perf_counter()
            r = run()
            figures[name] = {
                "n": len(r.assignment), "score": r.score_total, "covered": r.newly_covered_population,
                "s": time.perf_counter() - t0,
            }  # fmt: skip
        ls, ls_s = greedy_local_search(problem)
        figures["greedy_local_search"] = {
            "n": len(ls.chosen), "score": ls.score_total, "covered": ls.newly_covered_population, "s": ls_s,
        }  # fmt: skip
        weight = BENCH_LAMBDA / 10_000
        for name, f in figures.items():
            objective = f["score"] + weight * f["covered"]
            f["objective"] = objective
            print(
                f"| {SEED + k} | {name} | {f['n']} | {f['score']:.2f} | {f['covered']:,} | {objective:.2f} | {f['s']:.1f} |"
            )
        rows.append(figures)
    return rows


def main() -> None:
    t_start = time.perf_counter()
    print("load average at start: {:.2f} {:.2f} {:.2f}".format(*os.getloadavg()))
    communes = load_communes()
    census = load_census()
    fabriques = load_fabriques()
    existing = [ExistingPlace(lon, lat) for lon, lat, _ in census] + [
        ExistingPlace(lon, lat) for lon, lat in fabriques
    ]
    with_place = {dep for _, _, dep in census}
    required = tuple(
        sorted({c.department for c in communes if not c.department.startswith("97")} - with_place)
    )
    targets = targets_of(communes)
    print(
        f"communes: {len(communes):,}; targets (outside large urban centres): {len(targets):,} "
        f"({sum(t.population for t in targets):,} inhabitants); census places: {len(census):,}; "
        f"Fabriques: {len(fabriques)}; departments without a census place: {', '.join(required) or 'none'}"
    )
    options = SolverOptions(time_limit_s=60.0, mip_rel_gap=1e-4, exact_reasons=0)
    rng = np.random.default_rng(SEED)
    small = wave_problem(communes, 3_000, 1, existing, required, rng)
    res_small = compare("3,000 applications, 30 laureates (15/12/3)", small, options)
    with_reasons = optimise(small, replace(options, exact_reasons=3))
    exact = sum(r.exact for r in with_reasons.reasons.values())
    print(
        f"\nsame run with {exact} exact re-solves for the best-scored applications left out: "
        f"{with_reasons.run_time_s:.2f} s (status {with_reasons.status}); sample reasons:"
    )
    exact_first = sorted(
        with_reasons.reasons.values(), key=lambda r: (not r.exact, r.cost is None, r.application_id)
    )
    for reason in exact_first[:3] + [r for r in exact_first if r.code != "outranked"][:2]:
        print(f"- {reason.application_id} [{reason.code}]: {reason.message}")
    tradeoff(small, options)
    seeds = seeds_comparison(communes, existing, required, options)

    def spread(method: str, key: str, reference: str) -> tuple[float, float, float]:
        values = [100 * (row[method][key] / row[reference][key] - 1) for row in seeds]
        return min(values), float(np.median(values)), max(values)

    for method in ("greedy", "greedy_local_search", "optimiser"):
        low, mid, high = spread(method, "covered", "rank_by_score")
        print(
            f"{method}: newly covered vs rank-by-score {low:+.1f} % / {mid:+.1f} % / {high:+.1f} % (min/median/max)"
        )
    low, mid, high = spread("optimiser", "objective", "greedy")
    print(f"optimiser objective vs greedy: {low:+.2f} % / {mid:+.2f} % / {high:+.2f} %")
    low, mid, high = spread("optimiser", "objective", "greedy_local_search")
    print(f"optimiser objective vs greedy + local search: {low:+.2f} % / {mid:+.2f} % / {high:+.2f} %")
    score_cost = [100 * (1 - row["optimiser"]["score"] / row["score_only_optimum"]["score"]) for row in seeds]
    print(
        f"score given up vs the score-only optimum (same solver, λ = 0): {min(score_cost):.2f} % / "
        f"{float(np.median(score_cost)):.2f} % / {max(score_cost):.2f} %"
    )
    big = wave_problem(communes, 30_000, 10, existing, required, rng)
    big_res = compare("30,000 applications, 300 laureates (150/120/30)", big, options)
    gains = replay(communes, census, fabriques, rng, options)
    opt, ref = res_small["optimiser"], res_small["rank_by_score"]
    gain = 100 * (opt.newly_covered_population / ref.newly_covered_population - 1)
    loss = 100 * (1 - opt.score_total / ref.score_total)
    print(f"\ntotal bench time: {time.perf_counter() - t_start:.1f} s")
    cover_median = spread("optimiser", "covered", "rank_by_score")[1]
    print(
        f"BENCH selection replay_reach_vs_real_pct={gains[f'optimiser@{REPLAY_COVERAGE_LAMBDA}']:.1f}"
        f" replay_default_vs_real_pct={gains[f'optimiser@{BENCH_LAMBDA}']:.1f}"
        f" seeds={N_SEEDS} coverage_gain_median_pct={cover_median:.1f}"
        f" greedy_gain_median_pct={spread('greedy', 'covered', 'rank_by_score')[1]:.1f}"
        f" objective_vs_greedy_median_pct={spread('optimiser', 'objective', 'greedy')[1]:.2f}"
        f" objective_vs_local_search_median_pct={spread('optimiser', 'objective', 'greedy_local_search')[1]:.2f}"
        f" score_cost_vs_score_optimum_median_pct={float(np.median(score_cost)):.2f}"
        f" time_s={opt.run_time_s:.2f} gap_pct={100 * (opt.gap or 0):.4f} "
        f"coverage_gain_pct={gain:.1f} score_loss_pct={loss:.2f} solve_s={opt.solve_time_s:.2f} "
        f"status={opt.status} lambda={BENCH_LAMBDA} "
        f"big_time_s={big_res['optimiser'].run_time_s:.2f} big_gap_pct={100 * (big_res['optimiser'].gap or 0):.4f} "
    )


if __name__ == "__main__":
    main()
