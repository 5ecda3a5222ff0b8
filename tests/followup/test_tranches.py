"""Tranches: their workflow fired by the call's team (allowed and refused transitions, dates, reasons, the log),
the release of the next one when a report is accepted, and the completion of the agreement."""

from __future__ import annotations

from datetime import date

import pytest

from tests.factories.followup import sign, user_with
from tierslieux.accounts.roles import Role
from tierslieux.core.errors import ServiceError
from tierslieux.core.transitions import transition_history
from tierslieux.followup.models import Agreement, Tranche
from tierslieux.followup.services import tranches as services

pytestmark = pytest.mark.django_db
TODAY = date(2025, 3, 1)


@pytest.fixture
def signed(laureate):
    sign(laureate.agreement, laureate.staff)
    return laureate


def act(laureate, number, action, actor=None, **extra):
    tranche = Tranche.objects.get(agreement=laureate.agreement, number=number)
    return services.tranche_act(
        tranche=tranche, actor=actor or laureate.staff, action=action, today=TODAY, **extra
    )


def test_commit_then_pay_with_their_dates_and_log(signed):
    act(signed, 1, "commit", on=date(2025, 2, 1))
    act(signed, 1, "pay", service_done_on=date(2025, 2, 10), on=date(2025, 2, 20))
    tranche = Tranche.objects.get(agreement=signed.agreement, number=1)
    assert (tranche.status, tranche.engaged_on, tranche.service_done_on, tranche.paid_on) == (
        "paid",
        date(2025, 2, 1),
        date(2025, 2, 10),
        date(2025, 2, 20),
    )
    assert [(log.action, log.actor) for log in transition_history(tranche)] == [
        ("release", None),
        ("commit", signed.staff),
        ("pay", signed.staff),
    ]


@pytest.mark.parametrize(
    ("extra", "message"),
    [
        ({"on": None}, "date d’engagement"),
        ({"on": date(2025, 4, 1)}, "futur"),
        ({"on": date(2025, 1, 1)}, "précéder"),
    ],
)
def test_commit_dates_are_checked(signed, extra, message):
    with pytest.raises(ServiceError, match=message):
        act(signed, 1, "commit", **extra)


def test_payment_needs_the_service_fait_date_before_it(signed):
    act(signed, 1, "commit", on=date(2025, 2, 1))
    with pytest.raises(ServiceError, match="service fait"):
        act(signed, 1, "pay", on=date(2025, 2, 20))
    with pytest.raises(ServiceError, match="précéder"):
        act(signed, 1, "pay", service_done_on=date(2025, 2, 10), on=date(2025, 2, 5))


def test_refused_transitions(signed):
    with pytest.raises(ServiceError) as refusal:
        act(signed, 2, "commit", on=date(2025, 2, 1))  # not due yet
    assert refusal.value.status == 409
    with pytest.raises(ServiceError) as refusal:
        act(signed, 1, "suspend", reason="")
    assert refusal.value.status == 400
    for user, status in (
        (signed.manager, 403),
        (user_with(Role.PROGRAMME_STAFF, email="lecture@example.org"), 403),
        (user_with(None, email="x@example.org"), 404),
    ):
        with pytest.raises(ServiceError) as refusal:
            act(signed, 1, "commit", actor=user, on=date(2025, 2, 1))
        assert refusal.value.status == status
    assert Tranche.objects.get(agreement=signed.agreement, number=1).status == "due"


def test_suspend_resume_and_cancel_with_reasons(signed):
    act(signed, 1, "commit", on=date(2025, 2, 1))
    act(signed, 1, "suspend", reason="Pièce manquante.")
    tranche = Tranche.objects.get(agreement=signed.agreement, number=1)
    assert (tranche.status, tranche.status_reason) == ("suspended", "Pièce manquante.")
    act(signed, 1, "resume")
    tranche.refresh_from_db()
    assert (tranche.status, tranche.engaged_on) == ("due", None)  # to be committed again
    act(signed, 3, "cancel", reason="Fin anticipée.")
    assert Tranche.objects.get(agreement=signed.agreement, number=3).status == "cancelled"
    with pytest.raises(ServiceError) as refusal:
        act(signed, 3, "resume")
    assert refusal.value.status == 409
    assert [log.reason for log in transition_history(tranche)][-2:] == ["Pièce manquante.", ""]


def test_a_draft_agreement_has_no_tranche_to_move(laureate):
    assert not laureate.agreement.tranches.exists()


def test_paying_every_tranche_and_accepting_every_report_completes_the_agreement(signed):
    agreement = signed.agreement
    agreement.reports.update(status="accepted")
    act(signed, 1, "commit", on=date(2025, 2, 1))
    act(signed, 1, "pay", service_done_on=date(2025, 2, 2), on=date(2025, 2, 3))
    for number in (2, 3):
        act(signed, number, "release")
        act(signed, number, "commit", on=TODAY)
        act(signed, number, "pay", service_done_on=TODAY, on=TODAY)
    agreement.refresh_from_db()
    assert agreement.status == "completed"
    [log] = [log for log in transition_history(agreement) if log.action == "complete"]
    assert log.actor is None


def test_suspension_for_a_late_report_and_its_lifting(signed):
    report = signed.agreement.reports.get(year=1)
    tranche = services.suspend_for_late_report(report)
    assert (tranche.number, tranche.status, tranche.suspended_for) == (2, "suspended", report)
    assert services.suspend_for_late_report(report) is None  # already suspended
    [lifted] = services.unblock_for_report(report)
    lifted.refresh_from_db()
    assert (lifted.status, lifted.suspended_for) == ("scheduled", None)
    assert [log.action for log in transition_history(lifted)] == ["suspend", "reschedule"]
    assert Agreement.objects.get(pk=signed.agreement.pk).status == "signed"
