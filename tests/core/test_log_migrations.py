"""The three old transition logs (calls.Transition, place_contributions.Transition, selection.RunTransition) are
copied into `core.TransitionLog` by their data migrations — who, when, from, to, why, the action named from
the workflow's table — and copied back when the migrations are reversed."""

from __future__ import annotations

import datetime as dt

import pytest
from django.contrib.contenttypes.models import ContentType
from django.db import connection
from django.db.migrations.executor import MigrationExecutor
from django.utils import timezone

from tests.factories.calls import ApplicationFactory
from tests.factories.contributions import ClaimFactory, make_place
from tests.factories.selection import selection_world
from tierslieux.core.models import TransitionLog
from tierslieux.selection.models import Run

BEFORE = [
    ("calls", "0004_call_is_demo"),
    ("place_contributions", "0001_initial"),
    ("selection", "0002_run_replay_requested_at"),
]
WHEN = timezone.make_aware(dt.datetime(2024, 3, 1, 10, 30))


def _migrate(targets):
    executor = MigrationExecutor(connection)
    executor.loader.build_graph()
    executor.migrate(targets)
    return executor.loader.project_state(targets).apps


@pytest.mark.django_db(transaction=True)
def test_the_old_logs_are_copied_with_who_when_and_why(plain_user, programme_staff):
    world = selection_world()
    application = ApplicationFactory(call=world.call, wave=world.wave, status="in_review")
    claim = ClaimFactory(place=make_place(), author=plain_user, status="refused")
    run = Run.objects.create(wave=world.wave, status="done", replayed_at=WHEN, replay_identical=True)
    leaves = MigrationExecutor(connection).loader.graph.leaf_nodes()
    try:
        old = _migrate(BEFORE)
        TransitionLog.objects.all().delete()
        rows = [
            old.get_model("calls", "Transition").objects.create(
                application_id=application.pk,
                from_status="submitted",
                to_status="in_review",
                actor_id=programme_staff.pk,
                actor_role="staff",
                reason="Affectation",
            ),
            old.get_model("place_contributions", "Transition").objects.create(
                content_type_id=ContentType.objects.get(app_label="place_contributions", model="claim").pk,
                object_id=claim.pk,
                user_id=programme_staff.pk,
                from_status="pending",
                to_status="refused",
                reason="Pas de lien",
            ),
            old.get_model("selection", "RunTransition").objects.create(
                run_id=run.pk, from_status="running", to_status="done", reason="Optimal"
            ),
        ]
        for row in rows:
            type(row).objects.filter(pk=row.pk).update(created_at=WHEN)
        _migrate(leaves)
        logs = {
            log.workflow: (
                log.object_id,
                log.action,
                log.from_status,
                log.to_status,
                log.actor_id,
                log.reason,
            )
            for log in TransitionLog.objects.all()
        }
        assert logs == {
            "application": (
                application.pk,
                "start_review",
                "submitted",
                "in_review",
                programme_staff.pk,
                "Affectation",
            ),
            "place_claim": (claim.pk, "refuse", "pending", "refused", programme_staff.pk, "Pas de lien"),
            "selection_run": (run.pk, "finish", "running", "done", None, "Optimal"),
        }
        assert set(TransitionLog.objects.values_list("created_at", flat=True)) == {WHEN}
        assert Run.objects.get(pk=run.pk).replay_status == "identical"
        # Reversed: the rows go back to the old logs, the dossier's actor role from the table.
        old = _migrate(BEFORE)
        transition = old.get_model("calls", "Transition").objects.get()
        assert (transition.actor_role, transition.created_at, transition.reason) == (
            "staff",
            WHEN,
            "Affectation",
        )
        assert old.get_model("place_contributions", "Transition").objects.get().user_id == programme_staff.pk
        assert old.get_model("selection", "RunTransition").objects.get().reason == "Optimal"
        assert not TransitionLog.objects.exists()
    finally:
        _migrate(leaves)
