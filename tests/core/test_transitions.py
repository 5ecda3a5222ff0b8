"""transition_apply: the only way a workflow's state changes — checked, guarded against a concurrent change,
logged once (tierslieux/core/services.py)."""

from __future__ import annotations

import pytest

from tests.factories.contributions import make_place
from tierslieux.core.errors import Conflict
from tierslieux.core.models import TransitionLog
from tierslieux.core.services import CREATE, transition_apply, transition_log_start
from tierslieux.core.transitions import labelled_history, lazy_choices, text_choices, transition_history
from tierslieux.core.workflow import State, Transition, TransitionError, Workflow
from tierslieux.places.contributions.models import Proposal

FLOW = Workflow(
    "proposal-test",
    states=[
        State("pending", "En attente"),
        State("accepted", "Acceptée", final=True),
        State("refused", "Refusée", final=True),
    ],
    transitions=[
        Transition("accept", "Accepter", ["pending"], "accepted", {"moderator"}),
        Transition("refuse", "Refuser", ["pending"], "refused", {"moderator"}, reason_required=True),
    ],
)


@pytest.fixture
def proposal(db, plain_user):
    place = make_place()
    return Proposal.objects.create(
        kind="change", place=place, author=plain_user, data={"name": "Nouveau nom"}
    )


def test_apply_saves_the_state_and_writes_one_log_row(proposal, programme_staff):
    log = transition_apply(
        instance=proposal,
        workflow=FLOW,
        action="refuse",
        roles={"moderator"},
        actor=programme_staff,
        reason=" Doublon ",
    )
    proposal.refresh_from_db()
    assert proposal.status == "refused"
    assert (log.workflow, log.action, log.from_status, log.to_status, log.reason) == (
        "proposal-test",
        "refuse",
        "pending",
        "refused",
        "Doublon",
    )
    assert log.actor == programme_staff and log.target == proposal
    assert list(transition_history(proposal)) == [log]


def test_a_refused_transition_changes_nothing(proposal, plain_user):
    with pytest.raises(TransitionError) as refused:
        transition_apply(
            instance=proposal, workflow=FLOW, action="accept", roles={"author"}, actor=plain_user
        )
    assert refused.value.status == 403
    proposal.refresh_from_db()
    assert proposal.status == "pending" and not TransitionLog.objects.exists()


def test_a_concurrent_change_is_a_conflict_and_logs_nothing(proposal, programme_staff):
    stale = Proposal.objects.get(pk=proposal.pk)
    transition_apply(
        instance=proposal, workflow=FLOW, action="accept", roles={"moderator"}, actor=programme_staff
    )
    with pytest.raises(Conflict) as conflict:
        # `stale` still reads "pending": the guarded UPDATE finds no such row.
        transition_apply(
            instance=stale,
            workflow=FLOW,
            action="refuse",
            roles={"moderator"},
            actor=programme_staff,
            reason="x",
        )
    assert conflict.value.status == 409
    assert Proposal.objects.get(pk=proposal.pk).status == "accepted"
    assert TransitionLog.objects.count() == 1


def test_background_jobs_log_no_actor(proposal):
    log = transition_apply(instance=proposal, workflow=FLOW, action="accept", roles={"moderator"}, actor=None)
    assert log.actor is None


def test_lazy_choices_follow_the_table():
    assert [code for code, _label in lazy_choices(FLOW)] == ["pending", "accepted", "refused"]
    assert str(lazy_choices(FLOW)[1][1]) == "Acceptée"


def test_text_choices_are_the_table_as_an_enumeration():
    Choices = text_choices("Choices", FLOW, module=__name__)
    assert Choices.PENDING == "pending" and Choices("refused").label == "Refusée"
    assert Choices.choices == [(code, str(label)) for code, label in lazy_choices(FLOW)]


def test_the_history_starts_with_the_creation_and_reads_with_labels(proposal, plain_user, programme_staff):
    start = transition_log_start(instance=proposal, workflow=FLOW, actor=plain_user)
    assert (start.action, start.from_status, start.to_status, start.actor) == (
        CREATE,
        "",
        "pending",
        plain_user,
    )
    transition_apply(
        instance=proposal,
        workflow=FLOW,
        action="refuse",
        roles={"moderator"},
        actor=programme_staff,
        reason="x",
    )
    rows = labelled_history(proposal, FLOW)
    assert [(row.from_label, row.to_label, row.action_label) for row in rows] == [
        ("—", "En attente", ""),
        ("En attente", "Refusée", "Refuser"),
    ]
    assert labelled_history(proposal, Workflow("other", states=FLOW.states, transitions=[])) == []
