"""Selection optimiser for the "Fabriques de territoire" waves (plain Python, no Django).

The optimiser *proposes*, the committee decides. Entry points:

- :func:`optimise`: exact mixed-integer programme solved by HiGHS;
- :func:`rank_by_score` and :func:`greedy`: the two baselines;
- :func:`evaluate_selection`: objective, constraints and reasons of any selection
  (e.g. the committee's own).

All of them take a :class:`SelectionProblem` and return a :class:`SelectionResult`;
none of them raises: invalid data, infeasible settings and internal errors come
back as a status with French messages. See docs/selection.md.
"""

from __future__ import annotations

import dataclasses
from collections.abc import Callable, Mapping
from time import perf_counter
from typing import Any

import numpy as np

from tierslieux.core.i18n import gettext as _
from tierslieux.core.i18n import gettext_noop

from .baselines import greedy_pairs, rank_by_score_pairs
from .infeasibility import explain_infeasibility, precheck
from .instance import Prepared, prepare
from .mip import build_and_solve, solver_version
from .model import (
    DEFAULT_POINTS_PER_10K,
    DEFAULT_RADIUS_KM,
    Application,
    Balance,
    ConstraintStatus,
    Coverage,
    Envelope,
    ExistingPlace,
    Infeasibility,
    Method,
    Quota,
    Reason,
    SelectionProblem,
    SelectionResult,
    SolverOptions,
    Status,
    TargetCommune,
)
from .reasons import explain
from .search import warm_start
from .state import Evaluation, constraint_statuses, evaluate

__all__ = [
    "DEFAULT_POINTS_PER_10K",
    "DEFAULT_RADIUS_KM",
    "Application",
    "Balance",
    "ConstraintStatus",
    "Coverage",
    "Envelope",
    "ExistingPlace",
    "Infeasibility",
    "Quota",
    "Reason",
    "SelectionProblem",
    "SelectionResult",
    "SolverOptions",
    "TargetCommune",
    "evaluate_selection",
    "greedy",
    "optimise",
    "rank_by_score",
]

STATUS_LABELS = {
    "optimal": gettext_noop("optimum prouvé"),
    "time_limit": gettext_noop(
        "limite de temps atteinte : meilleure sélection trouvée, écart d'optimalité indiqué"
    ),
    "heuristic": gettext_noop("heuristique, sans garantie d'optimalité"),
    "infeasible": gettext_noop("réglages incompatibles : aucune sélection possible"),
    "invalid": gettext_noop("données invalides"),
    "error": gettext_noop("erreur interne de l'optimiseur"),
}
"""Marked only (evaluated at import): translated with `_()` when a result is built."""


def _empty(method: Method, status: Status, t0: float, **extra: Any) -> SelectionResult:
    return SelectionResult(
        method,
        status,
        _(STATUS_LABELS[status]),
        {},
        run_time_s=perf_counter() - t0,
        solver=solver_version() if method == "optimiser" else "",
        **extra,
    )


def _result(
    method: Method,
    status: Status,
    prep: Prepared,
    evaluation: Evaluation,
    t0: float,
    reasons: Mapping[str, Reason],
    **extra: object,
) -> SelectionResult:
    chosen = evaluation.chosen
    assignment = {prep.ids[prep.pair_app[p]]: prep.env_codes[prep.pair_env[p]] for p in chosen}
    return SelectionResult(
        method=method,
        status=status,
        status_label=_(STATUS_LABELS[status]),
        assignment=dict(sorted(assignment.items())),
        objective=evaluation.objective,
        score_total=evaluation.score_total,
        coverage_points=evaluation.coverage_points,
        newly_covered_population=evaluation.newly_covered_population,
        newly_covered_communes=evaluation.newly_covered_communes,
        already_covered_population=prep.already_covered_population,
        target_population=prep.target_population,
        total_amount=evaluation.total_amount,
        constraints=constraint_statuses(prep, evaluation),
        reasons=reasons,
        violations=evaluation.violations,
        messages=tuple(prep.warnings),
        run_time_s=perf_counter() - t0,
        **extra,  # type: ignore[arg-type]
    )


def _infeasible(method: Method, prep: Prepared, t0: float, report: Infeasibility) -> SelectionResult:
    reasons = {
        app_id: Reason(
            app_id,
            "infeasible_problem",
            _("Aucune sélection possible. %(summary)s") % {"summary": report.summary},
        )
        for app_id in prep.ids
    }
    return _empty(
        method, "infeasible", t0, infeasibility=report, reasons=reasons, messages=tuple(prep.warnings)
    )


def _guard(method: Method, run: Callable[[float], SelectionResult]) -> SelectionResult:
    t0 = perf_counter()
    try:
        return run(t0)
    except Exception as exc:  # noqa: BLE001 - never leak an exception to the caller
        return _empty(
            method,
            "error",
            t0,
            messages=(
                _("erreur interne : %(kind)s : %(error)s") % {"kind": type(exc).__name__, "error": exc},
            ),
        )


def optimise(problem: SelectionProblem, options: SolverOptions | None = None) -> SelectionResult:
    """Exact selection: maximise total score + λ x newly covered population under every constraint."""
    return _guard("optimiser", lambda t0: _optimise(problem, options or SolverOptions(), t0))


def _optimise(problem: SelectionProblem, options: SolverOptions, t0: float) -> SelectionResult:
    prep = prepare(problem)
    if prep.errors:
        return _empty("optimiser", "invalid", t0, messages=tuple(prep.errors))
    conflicts = precheck(prep)
    if conflicts:
        summary = _("Réglages incompatibles : %(conflicts)s.") % {"conflicts": " ; ".join(conflicts)}
        return _infeasible("optimiser", prep, t0, Infeasibility(summary, tuple(conflicts)))
    start = warm_start(prep, options, greedy_pairs(prep)) if options.warm_start else None
    outcome = build_and_solve(
        prep,
        start=start,
        time_limit_s=options.time_limit_s,
        mip_rel_gap=options.mip_rel_gap,
        threads=options.threads,
    )
    version = solver_version()
    if outcome.status == "infeasible":
        if not options.explain_infeasibility:
            return _infeasible("optimiser", prep, t0, Infeasibility(_("Réglages incompatibles."), ()))
        return _infeasible("optimiser", prep, t0, explain_infeasibility(prep, options.time_limit_s))
    if outcome.chosen is None:
        status: Status = "time_limit" if outcome.status == "limit" else "error"
        message = (
            _("aucune sélection trouvée dans le temps imparti")
            if status == "time_limit"
            else _("le solveur a échoué : %(detail)s") % {"detail": outcome.detail}
        )
        return _empty("optimiser", status, t0, solve_time_s=outcome.time_s, messages=(message,))
    evaluation = evaluate(prep, outcome.chosen)
    bound = max(
        outcome.dual_bound if outcome.dual_bound is not None else evaluation.objective, evaluation.objective
    )
    gap = (
        (bound - evaluation.objective) / max(abs(evaluation.objective), 1e-9)
        if bound > evaluation.objective
        else 0.0
    )
    resolve = options if prep.n_pairs <= options.exact_reasons_max_pairs else None
    status = "optimal" if outcome.status == "optimal" else "time_limit"
    reasons = explain(
        prep, evaluation, options=resolve, gap_abs=bound - evaluation.objective, proven=status == "optimal"
    )
    return _result(
        "optimiser",
        status,
        prep,
        evaluation,
        t0,
        reasons,
        gap=gap,
        dual_bound=bound,
        solver=version,
        solve_time_s=outcome.time_s,
    )


def _heuristic(
    method: Method,
    problem: SelectionProblem,
    pick: Callable[[Prepared], np.ndarray],
    explain_reasons: bool,
    t0: float,
) -> SelectionResult:
    prep = prepare(problem)
    if prep.errors:
        return _empty(method, "invalid", t0, messages=tuple(prep.errors))
    solve_start = perf_counter()
    evaluation = evaluate(prep, pick(prep))
    solve_time = perf_counter() - solve_start
    reasons = explain(prep, evaluation) if explain_reasons else {}
    return _result(method, "heuristic", prep, evaluation, t0, reasons, solve_time_s=solve_time)


def rank_by_score(problem: SelectionProblem, *, explain_reasons: bool = True) -> SelectionResult:
    """Committee by hand: best scores first, each in the first of its envelopes with room (minimums first)."""
    return _guard(
        "rank_by_score",
        lambda t0: _heuristic("rank_by_score", problem, rank_by_score_pairs, explain_reasons, t0),
    )


def greedy(problem: SelectionProblem, *, explain_reasons: bool = True) -> SelectionResult:
    """Greedy on marginal score + λ x newly covered population, same constraints (minimums first)."""
    return _guard("greedy", lambda t0: _heuristic("greedy", problem, greedy_pairs, explain_reasons, t0))


def evaluate_selection(problem: SelectionProblem, assignment: Mapping[str, str]) -> SelectionResult:
    """Objective, constraint status, violations and reasons of a given selection (id -> envelope code)."""

    def run(t0: float) -> SelectionResult:
        prep = prepare(problem)
        if prep.errors:
            return _empty("manual", "invalid", t0, messages=tuple(prep.errors))
        index = {
            (prep.ids[prep.pair_app[p]], prep.env_codes[prep.pair_env[p]]): p for p in range(prep.n_pairs)
        }
        unknown = [f"{a} → {e}" for a, e in assignment.items() if (a, e) not in index]
        evaluation = evaluate(
            prep, np.asarray([index[k] for k in assignment.items() if k in index], dtype=np.int64)
        )
        result = _result("manual", "heuristic", prep, evaluation, t0, explain(prep, evaluation))
        if unknown:
            extra = tuple(
                _("affectation impossible (candidature ou enveloppe inconnue, ou non éligible) : %(pair)s")
                % {"pair": u}
                for u in unknown
            )
            return dataclasses.replace(result, violations=result.violations + extra)
        return result

    return _guard("manual", run)
