"""The state machine: every allowed and every forbidden transition, per role."""

import itertools

import pytest

from tierslieux.calls import workflow as wf
from tierslieux.calls.models import Status

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
    assert set(wf.STATES) == set(Status.values)


@pytest.mark.parametrize(("source", "target"), list(itertools.product(wf.STATES, wf.STATES)))
@pytest.mark.parametrize("role", wf.ROLES)
def test_every_transition_for_every_role(source, target, role):
    expected = ALLOWED.get((source, target))
    if expected == role:
        rule = wf.allowed(source, target, {role})
        assert (rule.source, rule.target, rule.role) == (source, target, role)
    else:
        with pytest.raises(wf.TransitionError) as error:
            wf.allowed(source, target, {role})
        message = str(error.value)
        assert message and ("Impossible" in message or "réservée" in message)


def test_no_role_may_do_nothing_and_unknown_state_is_refused():
    with pytest.raises(wf.TransitionError):
        wf.allowed(wf.DRAFT, wf.SUBMITTED, set())
    with pytest.raises(wf.TransitionError, match="n’existe pas"):
        wf.allowed(wf.DRAFT, "hacked", {wf.STAFF, wf.APPLICANT})


def test_final_states_have_no_way_out():
    for state in wf.FINAL_STATES:
        assert wf.available(state, wf.ROLES) == []


def test_available_lists_the_buttons_of_a_role():
    assert {rule.target for rule in wf.available(wf.SUBMITTED, {wf.STAFF})} == {
        wf.IN_REVIEW,
        wf.CORRECTIONS,
        wf.CLOSED,
    }
    assert {rule.target for rule in wf.available(wf.SUBMITTED, {wf.APPLICANT})} == {wf.WITHDRAWN}
