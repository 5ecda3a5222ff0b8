"""Writes of the selection side: start a run (background task after commit), execute it (optimiser, baseline,
trade-off curve), replay it from its stored inputs, save it as a named scenario, turn it into proposed
decisions for the committee (a person still decides: nothing is accepted here).

A run is a small state machine (`TRANSITIONS`), every change logged in `RunTransition` (who, when, why).
"""

from __future__ import annotations

import dataclasses
import json
from collections.abc import Callable
from time import perf_counter

from django.db import transaction
from django.utils import timezone
from django.utils.translation import gettext as _

from tierslieux.calls.models import Application, Status, Wave

from . import analysis, selectors
from .models import ProposedDecision, Run, RunStatus, RunTransition
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

TRANSITIONS = {
    RunStatus.PENDING: {RunStatus.RUNNING, RunStatus.FAILED},
    RunStatus.RUNNING: {RunStatus.DONE, RunStatus.FAILED},
    RunStatus.DONE: set(),
    RunStatus.FAILED: set(),
}
TRADEOFF_LAMBDAS = (0.0, 0.02, 0.05, 0.1, 0.25, 0.5, 1.0)
TRADEOFF_TIME_LIMIT_S = 10.0


class SelectionError(Exception):
    """A refused action, with a French message for the person."""


def run_transition(*, run: Run, to_status: str, actor=None, reason: str = "") -> Run:
    if to_status not in TRANSITIONS[RunStatus(run.status)]:
        raise SelectionError(
            _("Passage impossible de « %(from_status)s » à « %(to_status)s ».")
            % {"from_status": run.get_status_display(), "to_status": to_status}
        )
    RunTransition.objects.create(
        run=run, from_status=run.status, to_status=to_status, actor=actor, reason=reason[:300]
    )
    run.status = to_status
    return run


def _require_write(actor, wave: Wave) -> None:
    if not selectors.can_write(actor, wave):
        raise SelectionError(
            _("Seule l’équipe de cet appel peut lancer, enregistrer ou proposer un scénario.")
        )


@transaction.atomic
def run_start(*, wave: Wave, actor, parameters: dict) -> Run:
    """Record a run of `wave` with `parameters` and enqueue its computation once the transaction commits."""
    _require_write(actor, wave)
    json.dumps(parameters)  # parameters must be stored as typed
    run = Run.objects.create(
        wave=wave, parameters=parameters, created_by=actor, progress_label=_("En attente de traitement")
    )
    RunTransition.objects.create(
        run=run, to_status=RunStatus.PENDING, actor=actor, reason=_("Calcul demandé")
    )
    from .tasks import run_scenario_task

    transaction.on_commit(lambda: run_scenario_task.enqueue(run_id=run.pk))
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
        run_transition(run=run, to_status=RunStatus.RUNNING, reason=_("Calcul en arrière-plan"))
        run.started_at = timezone.now()
        run.progress, run.progress_label = 5, _("Préparation des données de la vague")
        run.save(update_fields=["status", "started_at", "progress", "progress_label"])
    timings: dict[str, float] = {}
    try:
        t0 = perf_counter()
        built = selectors.build_problem(run.wave, run.parameters)
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
            run_transition(run=run, to_status=RunStatus.DONE, reason=result.status_label)
            run.save()
    except Exception as exc:  # noqa: BLE001 - a failed run is shown, never a 500
        with transaction.atomic():
            run = Run.objects.select_for_update().get(pk=run.pk)
            run.error = f"{type(exc).__name__} : {exc}"
            run.finished_at = timezone.now()
            run.progress_label = _("Échec du calcul")
            run_transition(run=run, to_status=RunStatus.FAILED, reason=run.error)
            run.save()
    return run


@transaction.atomic
def run_replay(*, run: Run, actor) -> Run:
    """Ask for a replay of a finished run: the optimiser runs again, in the background, from the stored inputs
    and options (`run_replay_execute`); the run page shows "en cours" until the report is written."""
    _require_write(actor, run.wave)
    if run.status != RunStatus.DONE or not run.inputs:
        raise SelectionError(_("Seul un calcul terminé peut être rejoué."))
    run.replay_requested_at = timezone.now()
    run.save(update_fields=["replay_requested_at"])
    from .tasks import run_replay_task

    transaction.on_commit(lambda: run_replay_task.enqueue(run_id=run.pk))
    return run


def run_replay_execute(*, run_id: int) -> Run:
    """Re-run the optimiser from a run's stored inputs and options; record whether the result is identical."""
    run = Run.objects.get(pk=run_id)
    if run.replay_requested_at is None:
        return run
    try:
        replayed = result_to_json(optimise(problem_from_json(run.inputs), options_from_json(run.options)))
    except Exception as exc:  # noqa: BLE001 - a failed replay is reported on the page, never left pending
        run.replayed_at, run.replay_requested_at, run.replay_identical = timezone.now(), None, False
        run.replay_report = _("Échec du rejeu : %(error)s") % {"error": f"{type(exc).__name__} : {exc}"}
        run.save(update_fields=["replayed_at", "replay_requested_at", "replay_identical", "replay_report"])
        return run
    before, after = fingerprint(run.result), fingerprint(replayed)
    differences = [key for key in before if before[key] != after[key]]
    run.replayed_at = timezone.now()
    run.replay_requested_at = None
    run.replay_identical = not differences
    if differences:
        labels = ", ".join(differences)
        if "time_limit" in (run.result.get("status"), replayed.get("status")):
            report = _(
                "Résultat différent (%(labels)s). Le premier calcul s’était arrêté sur la limite de temps : "
                "le résultat dépend alors de la vitesse de la machine."
            )
        else:
            report = _("Résultat différent (%(labels)s).")
        run.replay_report = report % {"labels": labels}
    else:
        run.replay_report = _(
            "Résultat identique : même sélection (%(count)s dossiers), même objectif (%(objective)s), "
            "mêmes motifs (%(solver)s)."
        ) % {
            "count": len(replayed["assignment"]),
            "objective": f"{replayed['objective']:.6f}",
            "solver": replayed.get("solver", ""),
        }
    run.save(update_fields=["replayed_at", "replay_requested_at", "replay_identical", "replay_report"])
    return run


def scenario_save(*, run: Run, actor, name: str) -> Run:
    _require_write(actor, run.wave)
    name = name.strip()
    if not name:
        raise SelectionError(_("Donnez un nom au scénario."))
    if run.status != RunStatus.DONE:
        raise SelectionError(_("Seul un calcul terminé peut être enregistré comme scénario."))
    if Run.objects.filter(wave=run.wave, name__iexact=name).exclude(pk=run.pk).exists():
        raise SelectionError(_("Un scénario « %(name)s » existe déjà pour cette vague.") % {"name": name})
    run.name, run.saved_by, run.saved_at = name, actor, timezone.now()
    run.save(update_fields=["name", "saved_by", "saved_at"])
    return run


@transaction.atomic
def scenario_propose(*, run: Run, actor) -> list[ProposedDecision]:
    """Replace the wave's proposed decisions by the selection of `run` (files still under review only).

    Nothing is decided: the committee page shows "proposé par le scénario X" and the team decides each file."""
    _require_write(actor, run.wave)
    if run.status != RunStatus.DONE or not (run.result or {}).get("assignment"):
        raise SelectionError(
            _("Ce scénario ne propose aucune sélection (calcul inachevé ou réglages incompatibles).")
        )
    if not run.name:
        raise SelectionError(_("Enregistrez d’abord le calcul comme scénario (donnez-lui un nom)."))
    assignment: dict[str, str] = run.result["assignment"]
    applications = {
        a.reference: a
        for a in Application.objects.filter(
            wave=run.wave, reference__in=list(assignment), status=Status.IN_REVIEW
        ).select_related("call")
    }
    envelopes = {e.code: e for e in run.wave.call.envelopes.all()}
    ProposedDecision.objects.filter(application__wave=run.wave).delete()
    proposals = [
        ProposedDecision(
            run=run, application=applications[ref], envelope=envelopes.get(code), proposed_by=actor
        )
        for ref, code in sorted(assignment.items())
        if ref in applications
    ]
    return ProposedDecision.objects.bulk_create(proposals)
