"""API of the selection optimiser (`/api/v1/selection`, authenticated programme staff only, read-only): the
stored runs of a wave and one run with its parameters, solver, figures and selection. No person is named."""

from __future__ import annotations

from datetime import datetime

from django.shortcuts import get_object_or_404
from ninja import Field, Router, Schema
from ninja.errors import HttpError
from ninja.security import django_auth

from . import selectors

router = Router(tags=["Sélection (équipe du programme)"], auth=django_auth)


class RunOut(Schema):
    id: int
    wave: int
    name: str = Field(description="Nom du scénario (vide : calcul non enregistré)")
    status: str = Field(description="pending, running, done ou failed")
    progress: int
    created_at: datetime
    finished_at: datetime | None
    solver_version: str


class RunDetailOut(RunOut):
    parameters: dict
    result_status: str | None = Field(description="optimal, time_limit, infeasible, invalid, error")
    objective: float | None
    score_total: float | None
    newly_covered_population: int | None
    gap_pct: float | None
    assignment: dict[str, str] = Field(description="Dossier (numéro) → code de l’enveloppe proposée")
    baseline_assignment: dict[str, str] = Field(description="Sélection du classement par note")
    infeasibility: str | None
    timings: dict
    replay_identical: bool | None


def _require_staff(request) -> None:
    if not selectors.can_use(request.user):
        raise HttpError(403, "Réservé à l’équipe du programme.")


def _row(run) -> dict:
    return {
        "id": run.pk,
        "wave": run.wave_id,
        "name": run.name,
        "status": run.status,
        "progress": run.progress,
        "created_at": run.created_at,
        "finished_at": run.finished_at,
        "solver_version": run.solver_version,
    }


@router.get("/vagues/{wave_id}/calculs", response=list[RunOut], summary="Calculs d’une vague")
def wave_runs(request, wave_id: int):
    _require_staff(request)
    wave = get_object_or_404(selectors.waves_readable_by(request.user), pk=wave_id)
    return [_row(run) for run in selectors.runs_of_wave(wave)]


@router.get("/calculs/{run_id}", response=RunDetailOut, summary="Un calcul et sa sélection")
def run_detail(request, run_id: int):
    _require_staff(request)
    run = get_object_or_404(selectors.runs_readable_by(request.user), pk=run_id)
    result = run.result or {}
    return {
        **_row(run),
        "parameters": run.parameters,
        "result_status": result.get("status"),
        "objective": result.get("objective"),
        "score_total": result.get("score_total"),
        "newly_covered_population": result.get("newly_covered_population"),
        "gap_pct": result.get("gap_pct"),
        "assignment": result.get("assignment") or {},
        "baseline_assignment": (run.baseline or {}).get("assignment") or {},
        "infeasibility": (result.get("infeasibility") or {}).get("summary"),
        "timings": run.timings,
        "replay_identical": run.replay_identical,
    }
