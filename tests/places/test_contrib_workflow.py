"""The state machines of contributions (plain Python) and their transition log."""

import pytest

from tierslieux.places.contributions import workflow


@pytest.mark.parametrize(
    ("machine", "start", "ends"),
    [
        ("proposal", "pending", {"accepted", "refused"}),
        ("report", "pending", {"resolved", "dismissed"}),
        ("claim", "pending", {"approved", "refused"}),
        ("contact", "pending", {"closed"}),
    ],
)
def test_each_machine_goes_from_pending_to_a_final_status_once(machine, start, ends):
    assert workflow.allowed(machine, start) == ends
    for end in ends:
        workflow.check(machine, start, end)
        assert workflow.allowed(machine, end) == set()
        with pytest.raises(workflow.TransitionError):
            workflow.check(machine, end, start)
    with pytest.raises(workflow.TransitionError):
        workflow.check(machine, start, "nimporte")


def test_contact_relayed_to_managers_is_final():
    assert workflow.allowed("contact", workflow.RELAYED) == set()


@pytest.mark.django_db
def test_the_log_says_who_when_and_why(programme_staff, plain_user):
    from tests.factories.contributions import ClaimFactory, make_place
    from tierslieux.places.contributions.services import claim_refuse

    claim = ClaimFactory(place=make_place(), author=plain_user)
    claim_refuse(claim=claim, user=programme_staff, reason="Pas de lien")
    [transition] = claim.transitions.all()
    assert (transition.user, transition.from_status, transition.to_status, transition.reason) == (
        programme_staff,
        "pending",
        "refused",
        "Pas de lien",
    )
    assert transition.created_at is not None
    claim.refresh_from_db()
    assert claim.decided_by == programme_staff and claim.decided_at is not None
