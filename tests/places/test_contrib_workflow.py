"""The state machines of contributions (`core.workflow` tables, plain Python) and their log (`core.TransitionLog`)."""

import pytest

from tierslieux.core.transitions import transition_history
from tierslieux.core.workflow import SYSTEM, TransitionError
from tierslieux.places.contributions import workflow
from tierslieux.places.contributions.models import ClaimStatus, ContactStatus, ModerationStatus, ReportStatus
from tierslieux.places.models import Publication
from tierslieux.places.workflow import PUBLICATION


def _targets(flow, state, roles=(workflow.STAFF, SYSTEM)) -> set[str]:
    return {rule.target for rule in flow.available(state, roles)}


@pytest.mark.parametrize(
    ("flow", "start", "ends"),
    [
        (workflow.PROPOSAL, "pending", {"accepted", "refused"}),
        (workflow.REPORT, "pending", {"resolved", "dismissed"}),
        (workflow.CLAIM, "pending", {"approved", "refused"}),
        (workflow.CONTACT, "pending", {"closed"}),
    ],
)
def test_each_machine_goes_from_pending_to_a_final_status_once(flow, start, ends):
    assert _targets(flow, start) == ends
    for end in ends:
        flow.check(start, target=end, roles={workflow.STAFF}, reason=None)
        assert _targets(flow, end) == set() and flow.is_final(end)
        with pytest.raises(TransitionError):
            flow.check(end, target=start, roles={workflow.STAFF})
    with pytest.raises(TransitionError):
        flow.check(start, target="nimporte", roles={workflow.STAFF})
    with pytest.raises(TransitionError) as not_staff:
        flow.check(start, target=sorted(ends)[0], roles={"author"}, reason=None)
    assert str(not_staff.value).endswith("est réservée à l’équipe du programme.")


def test_contact_relayed_to_managers_is_final():
    assert _targets(workflow.CONTACT, workflow.RELAYED) == set()


def test_a_project_place_is_published_by_staff_or_by_its_accepted_application():
    flow = PUBLICATION
    assert _targets(flow, "pending", {workflow.STAFF}) == {"published", "refused"}
    assert _targets(flow, "pending", {SYSTEM}) == {"published"}
    assert _targets(flow, "refused", {workflow.STAFF, SYSTEM}) == {"published"}
    assert _targets(flow, "published") == set()


@pytest.mark.parametrize(
    ("choices", "flow"),
    [
        (ModerationStatus, workflow.PROPOSAL),
        (ReportStatus, workflow.REPORT),
        (ClaimStatus, workflow.CLAIM),
        (ContactStatus, workflow.CONTACT),
        (Publication, PUBLICATION),
    ],
)
def test_model_choices_are_the_tables(choices, flow):
    assert choices.choices == [(state.code, state.label_text) for state in flow.states]


@pytest.mark.django_db
def test_the_log_says_who_when_and_why(programme_staff, plain_user):
    from tests.factories.contributions import ClaimFactory, make_place
    from tierslieux.places.contributions.services import claim_refuse

    claim = ClaimFactory(place=make_place(), author=plain_user)
    claim_refuse(claim=claim, user=programme_staff, reason="Pas de lien")
    [transition] = transition_history(claim)
    assert (
        transition.workflow,
        transition.action,
        transition.actor,
        transition.from_status,
        transition.to_status,
        transition.reason,
    ) == ("place_claim", "refuse", programme_staff, "pending", "refused", "Pas de lien")
    assert transition.created_at is not None
    assert list(claim.transitions.all()) == [transition]  # the history is deleted with the claim
    claim.refresh_from_db()
    assert claim.decided_by == programme_staff and claim.decided_at is not None
