"""Tests of the selection optimiser (no database, no Django)."""

from __future__ import annotations

import dataclasses
import itertools
import math
import random

import pytest
from hypothesis import event, given, settings
from hypothesis import strategies as st

from tierslieux.geo.spherical import haversine_km
from tierslieux.selection.optimiser import (
    Application,
    Balance,
    Coverage,
    Envelope,
    ExistingPlace,
    Quota,
    SelectionProblem,
    SelectionResult,
    SolverOptions,
    TargetCommune,
    evaluate_selection,
    greedy,
    optimise,
    rank_by_score,
)

EXACT = SolverOptions(mip_rel_gap=1e-9, time_limit_s=30, exact_reasons=3)


# --- an independent reference implementation of the rules -------------------------------------------


def violations(
    problem: SelectionProblem, assignment: dict[str, str], *, maxima_only: bool = False
) -> list[str]:
    apps = {a.id: a for a in problem.applications}
    envs = {e.code: e for e in problem.envelopes}
    out: list[str] = []
    for app_id, code in assignment.items():
        if code not in apps[app_id].envelopes or code not in envs:
            out.append(f"{app_id} not eligible to {code}")
    for env in problem.envelopes:
        members = [a for a, c in assignment.items() if c == env.code]
        if env.max_laureates is not None and len(members) > env.max_laureates:
            out.append(f"envelope {env.code} count")
        if env.max_budget is not None and sum(apps[a].total_amount for a in members) > env.max_budget + 1e-6:
            out.append(f"envelope {env.code} budget")
    chosen = [apps[a] for a in assignment]
    if problem.total_budget is not None and sum(a.total_amount for a in chosen) > problem.total_budget + 1e-6:
        out.append("total budget")
    if problem.yearly_budget is not None:
        years = max([len(a.yearly_amounts) for a in chosen] + [0])
        for t in range(years):
            spent = sum(a.yearly_amounts[t] for a in chosen if len(a.yearly_amounts) > t)
            if spent > float(problem.yearly_budget) + 1e-6:  # type: ignore[arg-type]
                out.append(f"year {t + 1}")
    if problem.max_laureates is not None and len(chosen) > problem.max_laureates:
        out.append("max laureates")
    balance = problem.balance
    for scope, cap in (("region", balance.max_per_region), ("department", balance.max_per_department)):
        for code in {getattr(a, scope) for a in chosen if getattr(a, scope)}:
            if cap is not None and sum(getattr(a, scope) == code for a in chosen) > cap:
                out.append(f"{scope} {code} cap")
    for quota in balance.quotas:
        count = sum(getattr(a, quota.scope) == quota.code for a in chosen)
        if quota.maximum is not None and count > quota.maximum:
            out.append(f"quota max {quota.code}")
        if not maxima_only and count < quota.minimum:
            out.append(f"quota min {quota.code}")
    for dep in balance.required_departments:
        if not maxima_only and not any(a.department == dep for a in chosen):
            out.append(f"required {dep}")
    if balance.one_per_epci:
        epcis = [a.epci for a in chosen if a.epci]
        if len(epcis) != len(set(epcis)):
            out.append("epci")
    return out


def newly_covered(problem: SelectionProblem, assignment: dict[str, str]) -> int:
    cov = problem.coverage
    apps = {a.id: a for a in problem.applications}
    population = 0
    for target in cov.targets:
        if any(haversine_km(target.lon, target.lat, p.lon, p.lat) <= cov.radius_km for p in cov.existing):
            continue
        if any(
            haversine_km(target.lon, target.lat, apps[a].lon, apps[a].lat) <= cov.radius_km
            for a in assignment
        ):
            population += target.population
    return population


def objective(problem: SelectionProblem, assignment: dict[str, str]) -> float:
    scores = {a.id: a.score for a in problem.applications}
    return sum(scores[a] for a in assignment) + problem.coverage.points_per_10k / 1e4 * newly_covered(
        problem, assignment
    )


def brute_force(problem: SelectionProblem) -> float | None:
    apps = problem.applications
    best = None
    for choice in itertools.product(*[[None, *a.envelopes] for a in apps]):
        assignment = {a.id: c for a, c in zip(apps, choice, strict=True) if c is not None}
        if not violations(problem, assignment):
            value = objective(problem, assignment)
            best = value if best is None else max(best, value)
    return best


# --- instance generators -----------------------------------------------------------------------------


@st.composite
def problems(draw: st.DrawFn, max_apps: int = 7) -> SelectionProblem:
    n = draw(st.integers(1, max_apps))
    apps = []
    for k in range(n):
        envelopes = draw(st.sampled_from([("A",), ("B",), ("A", "B"), (), ("Z",)]))
        years = draw(st.lists(st.sampled_from([20_000.0, 30_000.0, 50_000.0]), min_size=1, max_size=3))
        apps.append(
            Application(
                id=f"app-{k}",
                score=draw(st.integers(0, 500)) / 100,
                envelopes=envelopes,
                yearly_amounts=tuple(years),
                lon=draw(st.floats(2.0, 2.4)),
                lat=draw(st.floats(46.0, 46.3)),
                region=draw(st.sampled_from(["R1", "R2"])),
                department=draw(st.sampled_from(["D1", "D2", "D3"])),
                epci=draw(st.sampled_from(["E1", "E2", "E3", "E4", ""])),
            )
        )
    envelopes = (
        Envelope(
            "A", "Enveloppe A", draw(st.integers(0, 3)), draw(st.sampled_from([None, 100_000.0, 200_000.0]))
        ),
        Envelope("B", "Enveloppe B", draw(st.sampled_from([None, 1, 2]))),
    )
    quotas = []
    if draw(st.booleans()):
        quotas.append(
            Quota(
                "region", "R1", minimum=draw(st.integers(0, 2)), maximum=draw(st.sampled_from([None, 1, 2]))
            )
        )
    targets = tuple(
        TargetCommune(
            f"c{k}", draw(st.floats(1.9, 2.5)), draw(st.floats(45.9, 46.4)), draw(st.integers(0, 50_000))
        )
        for k in range(draw(st.integers(0, 6)))
    )
    existing = tuple(
        ExistingPlace(draw(st.floats(1.9, 2.5)), draw(st.floats(45.9, 46.4)))
        for _ in range(draw(st.integers(0, 2)))
    )
    return SelectionProblem(
        applications=tuple(apps),
        envelopes=envelopes,
        total_budget=draw(st.sampled_from([None, 150_000.0, 300_000.0])),
        yearly_budget=draw(st.sampled_from([None, 80_000.0])),
        max_laureates=draw(st.sampled_from([None, 3])),
        balance=Balance(
            quotas=tuple(quotas),
            max_per_department=draw(st.sampled_from([None, 1])),
            one_per_epci=draw(st.booleans()),
            required_departments=draw(st.sampled_from([(), ("D1",)])),
        ),
        coverage=Coverage(
            targets, existing, radius_km=10.0, points_per_10k=draw(st.sampled_from([0.0, 0.5, 2.0]))
        ),
    )


def wave(n: int, seed: int, *, targets: int = 0) -> SelectionProblem:
    rng = random.Random(seed)
    apps = tuple(
        Application(
            f"D{k:04d}",
            round(min(5.0, max(0.0, rng.gauss(3.2, 0.8))), 2),
            rng.choice([("HORS_GCU",), ("QPV",), ("QPV", "NUM"), ("HORS_GCU", "QPV")]),
            tuple(float(rng.randrange(25_000, 50_001, 500)) for _ in range(3)),
            f"{k % 97:05d}",
            rng.uniform(-1.0, 7.0),
            rng.uniform(43.0, 50.0),
            f"R{k % 13}",
            f"{k % 95:02d}",
            f"E{k % 700}",
        )
        for k in range(n)
    )
    cities = tuple(
        TargetCommune(f"T{k:05d}", rng.uniform(-1.0, 7.0), rng.uniform(43.0, 50.0), rng.randint(50, 20_000))
        for k in range(targets)
    )
    return SelectionProblem(
        apps,
        (
            Envelope("HORS_GCU", "Hors grands centres urbains", 15),
            Envelope("QPV", "QPV", 12),
            Envelope("NUM", "Fabriques numériques", 3),
        ),
        total_budget=3_300_000.0,
        yearly_budget=1_110_000.0,
        balance=Balance(max_per_department=2),
        coverage=Coverage(cities, (ExistingPlace(2.35, 48.85),), 10.0, 0.5),
    )


def stable(result: SelectionResult) -> SelectionResult:
    """The result without its timings."""
    return dataclasses.replace(result, run_time_s=0.0, solve_time_s=0.0)


# --- tests -------------------------------------------------------------------------------------------


@settings(max_examples=60, deadline=None)
@given(problems())
def test_optimiser_matches_brute_force(problem: SelectionProblem) -> None:
    best = brute_force(problem)
    result = optimise(problem, EXACT)
    event("infeasible" if best is None else f"optimum selects {len(result.assignment)}")
    if best is None:
        assert result.status == "infeasible"
        assert result.infeasibility is not None and result.infeasibility.summary
        assert result.infeasibility.conflicts
        assert result.assignment == {}
        return
    assert result.status == "optimal", result.messages
    assert violations(problem, dict(result.assignment)) == []
    assert result.objective == pytest.approx(best, abs=1e-6)
    assert result.objective == pytest.approx(objective(problem, dict(result.assignment)), abs=1e-6)
    assert result.newly_covered_population == newly_covered(problem, dict(result.assignment))
    assert result.gap is not None and result.gap <= 1e-6
    left_out = {a.id for a in problem.applications} - set(result.assignment)
    assert set(result.reasons) == left_out
    assert all(r.message for r in result.reasons.values())


@settings(max_examples=60, deadline=None)
@given(problems())
def test_baselines_respect_constraints(problem: SelectionProblem) -> None:
    for method in (rank_by_score, greedy):
        result = method(problem)
        assert result.status == "heuristic"
        assignment = dict(result.assignment)
        assert violations(problem, assignment, maxima_only=True) == []
        assert bool(violations(problem, assignment)) == bool(result.violations)
        assert result.objective == pytest.approx(objective(problem, assignment), abs=1e-6)
        assert set(result.reasons) == {a.id for a in problem.applications} - set(assignment)


@settings(max_examples=40, deadline=None)
@given(problems(max_apps=6))
def test_swap_costs_are_exact(problem: SelectionProblem) -> None:
    result = optimise(problem, dataclasses.replace(EXACT, exact_reasons=0))
    if result.status != "optimal":
        return
    for app_id, reason in result.reasons.items():
        if reason.cost is None:
            continue
        if reason.code == "outranked" and len(reason.swap_with) == 1:
            swapped = {a: e for a, e in result.assignment.items() if a != reason.swap_with[0]}
            app = next(a for a in problem.applications if a.id == app_id)
            values = [
                objective(problem, {**swapped, app_id: e})
                for e in app.envelopes
                if not violations(problem, {**swapped, app_id: e})
            ]
            assert values, reason.message
            assert reason.cost == pytest.approx(result.objective - max(values), abs=1e-6)
        assert reason.cost >= -1e-6  # the selection is optimal: no swap can improve it


def test_exact_reason_is_a_lower_bound_of_swaps() -> None:
    problem = wave(60, 3, targets=300)
    result = optimise(problem, SolverOptions(exact_reasons=3, mip_rel_gap=1e-9))
    assert result.status == "optimal"
    exact = [r for r in result.reasons.values() if r.exact]
    assert len(exact) == 3
    swaps = optimise(problem, SolverOptions(exact_reasons=0, mip_rel_gap=1e-9)).reasons
    for reason in exact:
        assert reason.cost is not None and reason.cost >= -1e-6
        assert "réoptimisation" in reason.message
        if swaps[reason.application_id].cost is not None:
            assert reason.cost <= swaps[reason.application_id].cost + 1e-6  # type: ignore[operator]


def test_reason_messages() -> None:
    apps = (
        Application("a", 4.0, ("A",), (30_000.0,) * 3, lon=2.0, lat=46.0),
        Application("b", 3.0, ("A",), (30_000.0,) * 3, lon=2.0, lat=46.0),
        Application("c", 5.0, ("CLOSED",), (30_000.0,) * 3, lon=2.0, lat=46.0),
        Application("d", 5.0, ("A",), (60_000.0,) * 3, lon=2.0, lat=46.0),
    )
    problem = SelectionProblem(
        apps, (Envelope("A", "Hors GCU", 1), Envelope("CLOSED", "Fermée", 0)), yearly_budget=50_000.0
    )
    result = optimise(problem, EXACT)
    assert result.assignment == {"a": "A"}
    assert result.reasons["b"].code == "outranked"
    assert "enveloppe « Hors GCU » complète (1/1)" in result.reasons["b"].message
    assert "1,00 point" in result.reasons["b"].message
    assert result.reasons["b"].cost == pytest.approx(1.0)
    assert result.reasons["c"].code == "ineligible"
    assert "non éligible à une enveloppe ouverte" in result.reasons["c"].message
    assert result.reasons["d"].code == "amount"
    assert "budget annuel" in result.reasons["d"].message
    binding = {c.key for c in result.binding_constraints}
    assert "envelope_count:A" in binding and "yearly_budget:1" in binding  # 20 000 € left < 30 000 € asked


def test_budget_reason() -> None:
    apps = (
        Application("a", 4.0, ("A",), (50_000.0,) * 2),
        Application("b", 3.9, ("A",), (40_000.0,) * 2),
    )
    result = optimise(SelectionProblem(apps, (Envelope("A", "A", 5),), total_budget=120_000.0), EXACT)
    assert result.assignment == {"a": "A"}
    assert "épuisé" in result.reasons["b"].message
    assert any(c.key == "total_budget" and c.binding for c in result.constraints)


def _conflicts(result: SelectionResult) -> str:
    assert result.status == "infeasible"
    assert result.assignment == {}
    assert result.infeasibility is not None
    assert all(r.code == "infeasible_problem" for r in result.reasons.values())
    return result.infeasibility.summary


def test_infeasible_department_without_candidate() -> None:
    problem = dataclasses.replace(wave(20, 1), balance=Balance(required_departments=("2A",)))
    summary = _conflicts(optimise(problem))
    assert "département 2A" in summary and "aucune candidature" in summary


def test_infeasible_minimums_above_envelope_sizes() -> None:
    base = wave(200, 2)
    quotas = tuple(Quota("region", f"R{k}", minimum=3) for k in range(13))
    summary = _conflicts(optimise(dataclasses.replace(base, balance=Balance(quotas=quotas))))
    assert "minimums par région" in summary and "30 places" in summary


def test_infeasible_budget_too_small_for_minimums() -> None:
    base = wave(200, 2)
    problem = dataclasses.replace(
        base, total_budget=140_000.0, balance=Balance(required_departments=("01", "02"))
    )
    summary = _conflicts(optimise(problem))
    assert "budget total" in summary and "ne suffit pas" in summary


def test_infeasible_conflict_found_by_relaxation() -> None:
    # every candidate of region R is in department D: "at least 2 in R" vs "at most 1 per department"
    apps = tuple(Application(f"a{k}", 3.0, ("A",), (30_000.0,), region="R", department="D") for k in range(3))
    apps += (Application("b", 3.0, ("A",), (30_000.0,), region="S", department="E"),)
    problem = SelectionProblem(
        apps,
        (Envelope("A", "A", 3),),
        balance=Balance(quotas=(Quota("region", "R", minimum=2),), max_per_department=1),
    )
    result = optimise(problem)
    _conflicts(result)
    assert result.infeasibility is not None
    conflicts = " | ".join(result.infeasibility.conflicts)
    assert "au moins 2 lauréats dans la région R" in conflicts
    assert "au plus 1 lauréat dans le département D" in conflicts
    assert "département E" not in conflicts
    assert result.infeasibility.relaxations


def test_invalid_input_never_raises() -> None:
    apps = (Application("a", 3.0, ("A",), (1.0,)), Application("a", math.nan, ("A",), (-5.0,)))
    result = optimise(SelectionProblem(apps, (Envelope("A", "A", 1),)))
    assert result.status == "invalid"
    assert any("double" in m for m in result.messages)
    assert any("note invalide" in m for m in result.messages)
    assert rank_by_score(SelectionProblem(apps, ())).status == "invalid"


def test_deterministic_and_order_independent() -> None:
    problem = wave(150, 7, targets=400)
    options = SolverOptions(exact_reasons=2)
    first = stable(optimise(problem, options))
    assert first.status == "optimal"
    assert sum(r.exact for r in first.reasons.values()) == 2
    assert stable(optimise(problem, options)) == first
    shuffled = list(problem.applications)
    random.Random(1).shuffle(shuffled)
    targets = list(problem.coverage.targets)
    random.Random(2).shuffle(targets)
    other = dataclasses.replace(
        problem,
        applications=tuple(shuffled),
        coverage=dataclasses.replace(problem.coverage, targets=tuple(targets)),
    )
    again = stable(optimise(other, options))
    assert again.assignment == first.assignment
    assert again.objective == pytest.approx(first.objective, abs=1e-9)
    assert again.reasons == first.reasons
    for method in (rank_by_score, greedy):
        assert stable(method(other)).assignment == stable(method(problem)).assignment


def test_time_limit_returns_a_feasible_selection_with_its_gap() -> None:
    problem = wave(3000, 11, targets=6000)
    result = optimise(problem, SolverOptions(time_limit_s=0.001, exact_reasons=0))
    assert result.status == "time_limit"
    assert result.gap is not None and result.gap >= 0 and result.dual_bound is not None
    assert result.dual_bound >= result.objective
    assert result.assignment and violations(problem, dict(result.assignment)) == []
    assert set(result.reasons) == {a.id for a in problem.applications} - set(result.assignment)


def test_optimiser_beats_baselines_on_a_wave() -> None:
    problem = wave(400, 5, targets=2000)
    best = optimise(problem, SolverOptions(exact_reasons=0))
    assert best.status == "optimal"
    for method in (rank_by_score, greedy):
        baseline = method(problem)
        assert violations(problem, dict(baseline.assignment)) == []
        assert baseline.objective <= best.objective + 1e-6
    assert violations(problem, dict(best.assignment)) == []
    assert len(best.assignment) <= 30


def test_evaluate_selection_of_a_committee_choice() -> None:
    problem = wave(50, 4)
    choice = {"D0000": "HORS_GCU", "D0001": "NUM", "D0002": "QPV"}
    result = evaluate_selection(problem, choice)
    assert result.method == "manual"
    eligible = {a.id: a.envelopes for a in problem.applications}
    expected = {a: e for a, e in choice.items() if e in eligible[a]}
    assert dict(result.assignment) == expected
    assert bool(result.violations) == (expected != choice)
    assert set(result.reasons) == {a.id for a in problem.applications} - set(expected)


def test_rank_by_score_takes_the_first_envelope_with_room() -> None:
    apps = (
        Application("a", 5.0, ("A", "B"), (10.0,)),
        Application("b", 4.0, ("A",), (10.0,)),
        Application("c", 3.0, ("A", "B"), (10.0,)),
        Application("d", 2.0, ("B",), (10.0,)),
    )
    problem = SelectionProblem(apps, (Envelope("A", "A", 2), Envelope("B", "B", 1)))
    assert dict(rank_by_score(problem).assignment) == {"a": "A", "b": "A", "c": "B"}
    assert "enveloppe « B » complète (1/1)" in rank_by_score(problem).reasons["d"].message


def test_coverage_changes_the_choice() -> None:
    apps = (
        Application("near", 3.0, ("A",), (10.0,), lon=2.0, lat=46.0),
        Application("far", 4.0, ("A",), (10.0,), lon=5.0, lat=48.0),
    )
    coverage = Coverage((TargetCommune("t", 2.05, 46.0, 50_000),), (), 10.0, 1.0)
    problem = SelectionProblem(apps, (Envelope("A", "A", 1),), coverage=coverage)
    assert dict(rank_by_score(problem).assignment) == {"far": "A"}
    assert dict(greedy(problem).assignment) == {"near": "A"}
    best = optimise(problem, EXACT)
    assert dict(best.assignment) == {"near": "A"}
    assert best.newly_covered_population == 50_000 and best.coverage_points == pytest.approx(5.0)
    assert best.reasons["far"].cost == pytest.approx(4.0)  # 8 points (3 + 5) against 4
    covered = dataclasses.replace(
        problem, coverage=dataclasses.replace(coverage, existing=(ExistingPlace(2.0, 46.0),))
    )
    assert dict(optimise(covered, EXACT).assignment) == {"far": "A"}  # already covered: nothing to gain


def test_too_few_candidates_text_agrees_in_number() -> None:
    from tierslieux.selection.optimiser.infeasibility import _too_few_text

    constraint, where = "au moins 3 lauréats dans le département 29", "le département 29"
    assert _too_few_text(constraint, where, 2).endswith(": 2 candidatures éligibles dans le département 29")
    assert _too_few_text(constraint, where, 1).endswith(": 1 candidature éligible dans le département 29")
    assert _too_few_text(constraint, where, 0).endswith(
        ": aucune candidature éligible dans le département 29"
    )


# --- Reasons consistent with the status of the selection ------------------------------------------------
def test_a_tie_is_said_as_a_tie_never_as_a_gain_of_zero_points() -> None:
    apps = (Application("a", 4.0, ("A",), (10_000.0,)), Application("z", 0.0, ("A",), (10_000.0,)))
    problem = SelectionProblem(apps, (Envelope("A", "A", 5),))
    manual = evaluate_selection(problem, {"a": "A"})
    message = manual.reasons["z"].message
    assert "ex aequo" in message and "0,00" not in message and "point(s)" not in message


def test_addable_reasons_agree_with_the_status() -> None:
    apps = (Application("a", 4.0, ("A",), (10_000.0,)), Application("b", 3.0, ("A",), (10_000.0,)))
    problem = SelectionProblem(apps, (Envelope("A", "A", 5),), max_laureates=2)
    # A heuristic selection that leaves room: not an optimisation, said so (never "non prouvée optimale").
    manual = evaluate_selection(problem, {"a": "A"})
    assert manual.reasons["b"].code == "addable"
    assert "3,00 points" in manual.reasons["b"].message
    assert "n'étant pas une optimisation" in manual.reasons["b"].message
    proven = optimise(problem, EXACT)
    assert proven.status == "optimal" and set(proven.assignment) == {"a", "b"}
    # On a proven optimum, no reason may say the selection is not optimal.
    tight = optimise(SelectionProblem(apps, (Envelope("A", "A", 1),)), EXACT)
    assert tight.status == "optimal"
    for reason in tight.reasons.values():
        assert "prouvée" not in reason.message and "n'étant pas une optimisation" not in reason.message
        assert "point(s)" not in reason.message and "gagnerait 0,00" not in reason.message
