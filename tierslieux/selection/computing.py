"""The background computation of a stored run (`run_execute`: the optimiser, the rank-by-score baseline on the
same data, the score/coverage trade-off) and of its replay from the stored inputs (`run_replay_execute`), run
by the tasks of `tasks.py`. Each moves the run along its state machine (`workflow.RUN`, `workflow.REPLAY`)
through `core.services.transition_apply`, as the platform ("system")."""

from __future__ import annotations

import dataclasses
from collections.abc import Callable
from time import perf_counter

from django.db import transaction
from django.utils import timezone
from django.utils.translation import gettext as _

from tierslieux.core.services import transition_apply
from tierslieux.core.workflow import SYSTEM

from . import analysis, problem, selectors, workflow
from .models import ReplayStatus, Run, RunStatus
from .optimiser import SolverOptions, optimise, rank_by_score
from .optimiser.mip import solver_version
from .serialize import (
    fingerprint,
    options_from_json,
    options_to_json,
    problem_from_json,
    problem_to_json,
    result_to_json,
)

TRADEOFF_LAMBDAS = (0.0, 0.02, 0.05, 0.1, 0.25, 0.5, 1.0)
TRADEOFF_TIME_LIMIT_S = 10.0


def run_transition(*, run: Run, to_status: str, reason: str = "", changes: dict | None = None) -> Run:
    """Move `run` (read under a lock) to `to_status` along `workflow.RUN`, as the background task."""
    transition_apply(
        instance=run,
        workflow=workflow.RUN,
        target=to_status,
        roles={SYSTEM},
        actor=None,
        reason=reason[:300],
        changes=changes,
    )
    return run


def _progress(run: Run, value: int, label: str) -> None:
    Run.objects.filter(pk=run.pk).update(progress=value, progress_label=label)


def solver_options(parameters: dict) -> SolverOptions:
    return SolverOptions(time_limit_s=float(parameters.get("time_limit_s") or selectors.DEFAULT_TIME_LIMIT_S))


def _tradeoff(problem, chosen: float, time_limit: float, step: Callable[[int, str], None]) -> list[dict]:
    points = sorted({*TRADEOFF_LAMBDAS, chosen})
    curve = []
    for k, value in enumerate(points):
        step(
            70 + int(25 * k / len(points)),
            _("Courbe d’arbitrage : λ = %(value)s (%(step)s/%(steps)s)")
            % {"value": f"{value:g}".replace(".", ","), "step": k + 1, "steps": len(points)},
        )
        variant = dataclasses.replace(
            problem, coverage=dataclasses.replace(problem.coverage, points_per_10k=value)
        )
        result = optimise(
            variant,
            SolverOptions(time_limit_s=min(time_limit, TRADEOFF_TIME_LIMIT_S), exact_reasons=0),
        )
        curve.append(
            {
                "lambda": value,
                "status": result.status,
                "score": result.score_total,
                "population": result.newly_covered_population,
                "laureates": len(result.assignment),
                "gap_pct": result.gap_pct,
                "chosen": value == chosen,
            }
        )
    return curve


def run_execute(*, run_id: int) -> Run:
    """Compute a pending run: build the input, optimise, rank by score on the same data, trade-off curve.

    Never raises for infeasible or invalid settings (stored as the optimiser's French explanation); any
    other error marks the run failed with its message."""
    with transaction.atomic():
        run = Run.objects.select_for_update().select_related("wave__call").get(pk=run_id)
        if run.status != RunStatus.PENDING:
            return run
        run_transition(
            run=run,
            to_status=RunStatus.RUNNING,
            reason=_("Calcul en arrière-plan"),
            changes={
                "started_at": timezone.now(),
                "progress": 5,
                "progress_label": _("Préparation des données de la vague"),
            },
        )
    timings: dict[str, float] = {}
    try:
        t0 = perf_counter()
        built = problem.build_problem(run.wave, run.parameters)
        options = solver_options(run.parameters)
        timings["build_s"] = perf_counter() - t0
        _progress(run, 20, _("Optimisation exacte (HiGHS)"))
        t1 = perf_counter()
        result = optimise(built.problem, options)
        timings["optimise_s"] = perf_counter() - t1
        _progress(run, 55, _("Classement par note sur les mêmes données"))
        t2 = perf_counter()
        baseline = rank_by_score(built.problem)
        timings["baseline_s"] = perf_counter() - t2
        t3 = perf_counter()
        curve = []
        if result.status in ("optimal", "time_limit"):
            curve = _tradeoff(
                built.problem,
                built.problem.coverage.points_per_10k,
                options.time_limit_s,
                lambda value, label: _progress(run, value, label),
            )
        timings["tradeoff_s"] = perf_counter() - t3
        coverage = analysis.coverage_map(built.problem)
        for ref, data in built.context["applications"].items():
            data["alone_population"] = coverage.alone.get(ref, 0)
        built.context["already_covered"] = sorted(coverage.already)
        timings["total_s"] = perf_counter() - t0
        with transaction.atomic():
            run = Run.objects.select_for_update().get(pk=run.pk)
            run.inputs = problem_to_json(built.problem)
            run.options = options_to_json(options)
            run.context = built.context
            run.result = result_to_json(result)
            run.baseline = result_to_json(baseline)
            run.tradeoff = curve
            run.solver_version = result.solver or solver_version()
            run.timings = timings
            run.progress, run.progress_label = 100, _("Terminé")
            run.finished_at = timezone.now()
            run.save()
            run_transition(run=run, to_status=RunStatus.DONE, reason=result.status_label)
    except Exception as exc:  # noqa: BLE001 - a failed run is shown, never a 500
        with transaction.atomic():
            run = Run.objects.select_for_update().get(pk=run.pk)
            run.error = f"{type(exc).__name__} : {exc}"
            run.finished_at = timezone.now()
            run.progress_label = _("Échec du calcul")
            run.save()
            run_transition(run=run, to_status=RunStatus.FAILED, reason=run.error)
    return run


def _replay_done(run: Run, *, target: str, report: str) -> Run:
    transition_apply(
        instance=run,
        workflow=workflow.REPLAY,
        target=target,
        roles={SYSTEM},
        actor=None,
        reason=report[:300],
        field="replay_status",
        changes={
            "replayed_at": timezone.now(),
            "replay_requested_at": None,
            "replay_identical": target == ReplayStatus.IDENTICAL,
            "replay_report": report,
        },
    )
    return run


def run_replay_execute(*, run_id: int) -> Run:
    """Re-run the optimiser from a run's stored inputs and options; record whether the result is identical."""
    run = Run.objects.get(pk=run_id)
    if run.replay_status != ReplayStatus.REQUESTED:
        return run
    try:
        replayed = result_to_json(optimise(problem_from_json(run.inputs), options_from_json(run.options)))
    except Exception as exc:  # noqa: BLE001 - a failed replay is reported on the page, never left pending
        report = _("Échec du rejeu : %(error)s") % {"error": f"{type(exc).__name__} : {exc}"}
        return _replay_done(run, target=ReplayStatus.FAILED, report=report)
    before, after = fingerprint(run.result), fingerprint(replayed)
    differences = [key for key in before if before[key] != after[key]]
    if differences:
        labels = ", ".join(differences)
        if "time_limit" in (run.result.get("status"), replayed.get("status")):
            report = _(
                "Résultat différent (%(labels)s). Le premier calcul s’était arrêté sur la limite de temps : "
                "le résultat dépend alors de la vitesse de la machine."
            )
        else:
            report = _("Résultat différent (%(labels)s).")
        return _replay_done(run, target=ReplayStatus.DIFFERENT, report=report % {"labels": labels})
    report = _(
        "Résultat identique : même sélection (%(count)s dossiers), même objectif (%(objective)s), "
        "mêmes motifs (%(solver)s)."
    ) % {
        "count": len(replayed["assignment"]),
        "objective": f"{replayed['objective']:.6f}",
        "solver": replayed.get("solver", ""),
    }
    return _replay_done(run, target=ReplayStatus.IDENTICAL, report=report)
