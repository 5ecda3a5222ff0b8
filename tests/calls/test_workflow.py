"""The state machine: every allowed and every forbidden transition, per role (`calls.workflow.APPLICATION`, a
`core.workflow.Workflow`)."""

import itertools

import pytest

from tierslieux.calls import workflow as wf
from tierslieux.calls.models import Status
from tierslieux.core.workflow import TransitionError

FLOW = wf.APPLICATION
ALLOWED = {
    (wf.DRAFT, wf.SUBMITTED): wf.APPLICANT,
    (wf.CORRECTIONS, wf.SUBMITTED): wf.APPLICANT,
    (wf.DRAFT, wf.WITHDRAWN): wf.APPLICANT,
    (wf.SUBMITTED, wf.WITHDRAWN): wf.APPLICANT,
    (wf.CORRECTIONS, wf.WITHDRAWN): wf.APPLICANT,
    (wf.IN_REVIEW, wf.WITHDRAWN): wf.APPLICANT,
    (wf.SUBMITTED, wf.IN_REVIEW): wf.STAFF,
    (wf.SUBMITTED, wf.CORRECTIONS): wf.STAFF,
    (wf.IN_REVIEW, wf.CORRECTIONS): wf.STAFF,
    (wf.SUBMITTED, wf.CLOSED): wf.STAFF,
    (wf.IN_REVIEW, wf.CLOSED): wf.STAFF,
    (wf.IN_REVIEW, wf.ACCEPTED): wf.STAFF,
    (wf.IN_REVIEW, wf.REFUSED): wf.STAFF,
}


def test_states_match_the_model_choices():
    assert list(wf.STATES) == Status.values
    assert Status.choices == [(state.code, state.label_text) for state in FLOW.states]
    assert Status.IN_REVIEW == "in_review" and Status("corrections").label == (
        "En construction (corrections demandées)"
    )


@pytest.mark.parametrize(("source", "target"), list(itertools.product(wf.STATES, wf.STATES)))
@pytest.mark.parametrize("role", wf.ROLES)
def test_every_transition_for_every_role(source, target, role):
    expected = ALLOWED.get((source, target))
    if expected == role:
        rule = FLOW.check(source, target=target, roles={role}, reason=None)
        assert (source in rule.sources, rule.target, rule.roles) == (True, target, frozenset({role}))
    else:
        with pytest.raises(TransitionError) as error:
            FLOW.check(source, target=target, roles={role}, reason=None)
        message = str(error.value)
        if expected is None:
            assert error.value.status == 409
            assert message.startswith("Impossible de passer un dossier « ")
        else:
            assert error.value.status == 403
            assert "est réservée" in message


def test_the_refusals_keep_their_wording():
    with pytest.raises(TransitionError) as wrong_state:
        FLOW.check(wf.DRAFT, target=wf.ACCEPTED, roles={wf.STAFF})
    assert str(wrong_state.value) == "Impossible de passer un dossier « Brouillon » au statut « Accepté »."
    with pytest.raises(TransitionError) as not_theirs:
        FLOW.check(wf.SUBMITTED, target=wf.WITHDRAWN, roles={wf.STAFF})
    assert str(not_theirs.value) == "L’action « Retirer le dossier » est réservée au porteur du dossier."
    with pytest.raises(TransitionError) as not_ours:
        FLOW.check(wf.SUBMITTED, target=wf.IN_REVIEW, roles={wf.APPLICANT})
    assert str(not_ours.value) == "L’action « Passer en instruction » est réservée à l’équipe de l’appel."
    with pytest.raises(TransitionError) as no_reason:
        FLOW.check(wf.IN_REVIEW, target=wf.REFUSED, roles={wf.STAFF}, reason=" ")
    assert (no_reason.value.status, str(no_reason.value)) == (400, "L’action « Refuser » demande un motif.")


def test_no_role_may_do_nothing_and_unknown_state_is_refused():
    with pytest.raises(TransitionError):
        FLOW.check(wf.DRAFT, target=wf.SUBMITTED, roles=set())
    with pytest.raises(TransitionError, match="n’existe pas"):
        FLOW.check(wf.DRAFT, target="hacked", roles={wf.STAFF, wf.APPLICANT})


def test_final_states_have_no_way_out():
    assert set(wf.FINAL_STATES) == {wf.ACCEPTED, wf.REFUSED, wf.CLOSED, wf.WITHDRAWN}
    for state in wf.FINAL_STATES:
        assert FLOW.available(state, wf.ROLES) == []


def test_available_lists_the_buttons_of_a_role():
    assert {rule.target for rule in FLOW.available(wf.SUBMITTED, {wf.STAFF})} == {
        wf.IN_REVIEW,
        wf.CORRECTIONS,
        wf.CLOSED,
    }
    assert {rule.target for rule in FLOW.available(wf.SUBMITTED, {wf.APPLICANT})} == {wf.WITHDRAWN}


def test_the_history_names_the_team_for_its_actions():
    assert wf.STAFF_ACTIONS == {"start_review", "request_corrections", "close", "accept", "refuse"}
