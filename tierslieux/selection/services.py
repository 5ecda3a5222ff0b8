"""Writes of the selection side: start a run (computed by a background task after commit, `computing.py`),
ask for its replay from its stored inputs, save it as a named scenario, turn it into proposed decisions for
the committee (a person still decides: nothing is accepted here).

A run and its replay are state machines (`workflow.RUN`, `workflow.REPLAY`), every change through
`core.services.transition_apply` (logged in `core.TransitionLog`: who, when, why). Refusals are
`core.errors.ServiceError` (403: not the call's team; 409: the run is not in a state that allows it).
"""

from __future__ import annotations

import json

from django.db import transaction
from django.utils import timezone
from django.utils.translation import gettext as _

from tierslieux.accounts.models import User
from tierslieux.calls.models import Application, Status, Wave
from tierslieux.core.errors import Conflict, ServiceError
from tierslieux.core.services import transition_apply, transition_log_start

from . import selectors, workflow
from .models import ProposedDecision, Run, RunStatus
from .tasks import run_replay_task, run_scenario_task


def _require_write(actor: User, wave: Wave) -> None:
    if not selectors.can_write(actor, wave):
        raise ServiceError(
            _("Seule l’équipe de cet appel peut lancer, enregistrer ou proposer un scénario."), status=403
        )


@transaction.atomic
def run_start(*, wave: Wave, actor: User, parameters: dict) -> Run:
    """Record a run of `wave` with `parameters` and enqueue its computation once the transaction commits."""
    _require_write(actor, wave)
    json.dumps(parameters)  # parameters must be stored as typed
    run = Run.objects.create(
        wave=wave, parameters=parameters, created_by=actor, progress_label=_("En attente de traitement")
    )
    transition_log_start(instance=run, workflow=workflow.RUN, actor=actor, reason=_("Calcul demandé"))
    transaction.on_commit(lambda: run_scenario_task.enqueue(run_id=run.pk))
    return run


@transaction.atomic
def run_replay(*, run: Run, actor: User) -> Run:
    """Ask for a replay of a finished run: the optimiser runs again, in the background, from the stored inputs
    and options (`run_replay_execute`); the run page shows "en cours" until the report is written."""
    _require_write(actor, run.wave)
    if run.status != RunStatus.DONE or not run.inputs:
        raise Conflict(_("Seul un calcul terminé peut être rejoué."))
    transition_apply(
        instance=run,
        workflow=workflow.REPLAY,
        action="request",
        roles={workflow.STAFF},
        actor=actor,
        field="replay_status",
        changes={"replay_requested_at": timezone.now()},
    )
    transaction.on_commit(lambda: run_replay_task.enqueue(run_id=run.pk))
    return run


def scenario_save(*, run: Run, actor: User, name: str) -> Run:
    _require_write(actor, run.wave)
    name = name.strip()
    if not name:
        raise ServiceError(_("Donnez un nom au scénario."))
    if run.status != RunStatus.DONE:
        raise Conflict(_("Seul un calcul terminé peut être enregistré comme scénario."))
    if Run.objects.filter(wave=run.wave, name__iexact=name).exclude(pk=run.pk).exists():
        raise Conflict(_("Un scénario « %(name)s » existe déjà pour cette vague.") % {"name": name})
    run.name, run.saved_by, run.saved_at = name, actor, timezone.now()
    run.save(update_fields=["name", "saved_by", "saved_at"])
    return run


@transaction.atomic
def scenario_propose(*, run: Run, actor: User) -> list[ProposedDecision]:
    """Replace the wave's proposed decisions by the selection of `run` (files still under review only).

    Nothing is decided: the committee page shows "proposé par le scénario X" and the team decides each file."""
    _require_write(actor, run.wave)
    if run.status != RunStatus.DONE or not (run.result or {}).get("assignment"):
        raise Conflict(
            _("Ce scénario ne propose aucune sélection (calcul inachevé ou réglages incompatibles).")
        )
    if not run.name:
        raise Conflict(_("Enregistrez d’abord le calcul comme scénario (donnez-lui un nom)."))
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
