"""The periodic jobs of the follow-up driven at fixed dates through `run_job` (no sleeping): reminders 30 and 7
days before the due date and 7 and 30 days late, never twice for a step; a report more than 30 days late flags
the agreement and suspends the next tranche until it arrives; census campaigns close on their date. Emails are
received over the real SMTP test server."""

from __future__ import annotations

from datetime import date, timedelta

import pytest

from tests.factories.followup import at, sign, submit_report
from tierslieux.core.jobs import JOBS, AlreadyRan, run_job
from tierslieux.followup.models import Agreement, ReportReminder, Tranche
from tierslieux.followup.services import reports as report_services
from tierslieux.followup.services.agreements import agreement_terminate

pytestmark = pytest.mark.django_db
DUE = date(2026, 3, 1)  # report of year 1 of an agreement starting on 1 January 2025


@pytest.fixture
def signed(laureate):
    sign(laureate.agreement, laureate.staff)
    assert laureate.agreement.reports.get(year=1).due_date == DUE
    return laureate


def remind(day: date, hour: int = 7) -> str:
    return run_job("followup.report_reminders", now=at(day, hour))


def test_the_jobs_are_registered():
    assert {"followup.report_reminders", "followup.late_reports", "followup.census_close"} <= set(JOBS)
    assert JOBS["followup.report_reminders"].cron == "0 7 * * *"


def test_reminders_at_each_step_once(signed, mailbox, django_capture_on_commit_callbacks):
    manager, staff = signed.manager.email, signed.staff.email
    with django_capture_on_commit_callbacks(execute=True):
        assert remind(DUE - timedelta(days=31)) == "0 relance(s) envoyée(s)"
        assert remind(DUE - timedelta(days=30)) == "1 relance(s) envoyée(s)"
        assert (
            remind(DUE - timedelta(days=30), hour=8) == "0 relance(s) envoyée(s)"
        )  # the same step: never twice
        assert remind(DUE - timedelta(days=20)) == "0 relance(s) envoyée(s)"
        assert remind(DUE - timedelta(days=7)) == "1 relance(s) envoyée(s)"
        assert remind(DUE) == "0 relance(s) envoyée(s)"
        assert remind(DUE + timedelta(days=7)) == "1 relance(s) envoyée(s)"
        assert remind(DUE + timedelta(days=30)) == "1 relance(s) envoyée(s)"
        assert remind(DUE + timedelta(days=60)) == "0 relance(s) envoyée(s)"
    with pytest.raises(AlreadyRan):
        remind(DUE)
    report = signed.agreement.reports.get(year=1)
    assert [r.step for r in ReportReminder.objects.filter(report=report)] == [
        "before_30",
        "before_7",
        "late_7",
        "late_30",
    ]
    received = mailbox.wait_for(manager, count=4)
    assert [m["Subject"].strip() for m in received[:2]] == [
        "Rappel : rapport de l’année 1 à remettre avant le 1 mars 2026"
    ] * 2
    assert received[2]["Subject"].strip().startswith("Rapport de l’année 1 en retard")
    assert "7 jours de retard" in mailbox.text(received[2])
    assert "30 jours de retard" in mailbox.text(received[3])
    # The staff of the call get the 30-day-late one.
    [to_staff] = mailbox.wait_for(staff)
    assert to_staff["Subject"].strip().startswith("Rapport de l’année 1 en retard")


def test_a_missed_step_is_not_sent_late(signed, mailbox, django_capture_on_commit_callbacks):
    with django_capture_on_commit_callbacks(execute=True):
        assert remind(DUE + timedelta(days=8)) == "1 relance(s) envoyée(s)"
    assert list(ReportReminder.objects.values_list("step", flat=True)) == ["late_7"]
    assert len(mailbox.wait_for(signed.manager.email)) == 1


def test_no_reminder_for_a_submitted_report_nor_a_terminated_agreement(signed):
    submit_report(signed.agreement.reports.get(year=1), signed.manager)
    assert remind(DUE + timedelta(days=7)) == "0 relance(s) envoyée(s)"
    agreement_terminate(agreement=signed.agreement, actor=signed.staff, reason="Fermeture.")
    assert remind(date(2027, 2, 1)) == "0 relance(s) envoyée(s)"


def test_late_by_more_than_30_days_flags_and_suspends_until_the_report_arrives(
    signed, mailbox, django_capture_on_commit_callbacks
):
    late = lambda day: run_job("followup.late_reports", now=at(day, 7) + timedelta(minutes=15))  # noqa: E731
    assert late(DUE + timedelta(days=30)) == "0 convention(s) signalée(s), 0 tranche(s) suspendue(s)"
    with django_capture_on_commit_callbacks(execute=True):
        assert late(DUE + timedelta(days=31)) == "1 convention(s) signalée(s), 1 tranche(s) suspendue(s)"
    assert late(DUE + timedelta(days=32)) == "0 convention(s) signalée(s), 0 tranche(s) suspendue(s)"
    agreement = Agreement.objects.get(pk=signed.agreement.pk)
    assert agreement.flagged_at is not None and "1 mars 2026" in agreement.flag_reason
    second = Tranche.objects.get(agreement=agreement, number=2)
    assert (second.status, second.suspended_for.year) == ("suspended", 1)
    flagged = mailbox.wait_for(signed.staff.email)[0]
    assert "rapport en retard" in flagged["Subject"] and signed.manager.email in flagged["To"]
    # The report arrives: the flag clears and the tranche goes back on the calendar…
    report = agreement.reports.get(year=1)
    submit_report(report, signed.manager, now=at(DUE + timedelta(days=40)))
    agreement.refresh_from_db()
    second.refresh_from_db()
    assert (agreement.flagged_at, agreement.flag_reason) == (None, "")
    assert (second.status, second.suspended_for) == ("scheduled", None)
    # …and is released when the report is accepted.
    report_services.report_accept(report=report, actor=signed.staff)
    second.refresh_from_db()
    assert second.status == "due"
    assert late(DUE + timedelta(days=50)) == "0 convention(s) signalée(s), 0 tranche(s) suspendue(s)"


def test_census_campaigns_close_on_their_date(programme_staff):
    from tierslieux.followup.models import CensusCampaign

    campaign = CensusCampaign.objects.create(
        year=2026, title="Recensement 2026", closes_on=date(2026, 6, 30), status="open"
    )
    assert run_job("followup.census_close", now=at(date(2026, 6, 30), 0)) == "0 recensement(s) clos"
    assert run_job("followup.census_close", now=at(date(2026, 7, 1), 0)) == "1 recensement(s) clos"
    campaign.refresh_from_db()
    assert campaign.status == "closed"
