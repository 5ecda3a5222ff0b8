"""Periodic jobs of the follow-up (registered in `tierslieux.core.jobs`, run by `manage.py scheduler`; tests and
operators: `run_job(name, now=…)` / `manage.py run_job name --at …`). Each is idempotent: run twice for the
same day, it does nothing the second time.

- `followup.report_reminders` (every day at 7:00): the reminder of the last step a report to fill has reached
  (30 and 7 days before its due date, 7 and 30 days late), once per (report, step) — a unique `ReportReminder`
  row is written in the same transaction as the email, so a step is never sent twice; a step skipped while the
  scheduler was down is not sent late once a later step is reached.
- `followup.late_reports` (every day at 7:15): a report more than 30 days late flags its agreement and
  suspends the next tranche until the report arrives.
- `followup.census_close` (every day at 0:05): campaigns whose closing date has passed are closed.
"""

from __future__ import annotations

from datetime import datetime, timedelta

from django.db import IntegrityError, transaction
from django.urls import reverse
from django.utils import timezone
from django.utils.formats import date_format
from django.utils.translation import gettext as _
from django.utils.translation import gettext_noop

from tierslieux.core.emails import email_send
from tierslieux.core.jobs import periodic

from . import schedule
from .models import Agreement, AnnualReport, CensusCampaign, ReportReminder
from .services import tranches as tranche_services
from .services.census import campaign_close
from .services.common import beneficiary_emails, staff_emails

STEP_LABELS = {code: label for code, _offset, label in schedule.REMINDER_STEPS}


def _reports_to_fill():
    return AnnualReport.objects.filter(status="draft", agreement__status="signed").select_related(
        "agreement__call", "agreement__place", "agreement__decision__application__applicant"
    )


@periodic(
    "0 7 * * *", name="followup.report_reminders", description=gettext_noop("Relances des rapports annuels")
)
def send_report_reminders(*, now: datetime) -> str:
    today = timezone.localdate(now)
    sent = 0
    horizon = today + timedelta(days=30)
    for report in _reports_to_fill().filter(due_date__lte=horizon).order_by("due_date", "pk"):
        step = schedule.reminder_step(today=today, due=report.due_date)
        if step is None or ReportReminder.objects.filter(report=report, step=step).exists():
            continue
        recipients = beneficiary_emails(report.agreement)
        if step == "late_30":
            recipients = sorted(set(recipients) | set(staff_emails(report.agreement)))
        try:
            with transaction.atomic():
                ReportReminder.objects.create(
                    report=report, step=step, sent_at=now, recipients=len(recipients)
                )
                email_send(
                    name="followup-report-reminder",
                    to=recipients,
                    context={
                        "report": report,
                        "agreement": report.agreement,
                        "step": step,
                        "step_label": _(STEP_LABELS[step]),
                        "late": step.startswith("late"),
                        "days_late": schedule.days_late(today=today, due=report.due_date),
                        "due": date_format(report.due_date, "j F Y"),
                        "url": reverse("followup:report", args=[report.pk]),
                    },
                )
        except IntegrityError:  # another run wrote this step meanwhile
            continue
        sent += 1
    return f"{sent} relance(s) envoyée(s)"


@periodic(
    "15 7 * * *", name="followup.late_reports", description=gettext_noop("Conventions en retard de rapport")
)
def flag_late_reports(*, now: datetime) -> str:
    today = timezone.localdate(now)
    flagged = suspended = 0
    late = _reports_to_fill().filter(due_date__lt=today - timedelta(days=schedule.LATE_FLAG_DAYS))
    for report in late.order_by("due_date", "pk"):
        with transaction.atomic():
            agreement = Agreement.objects.select_for_update().get(pk=report.agreement_id)
            if agreement.flagged_at is None:
                reason = _(
                    "Rapport de l’année %(year)s attendu le %(due)s, en retard de plus de 30 jours."
                ) % {
                    "year": report.year,
                    "due": date_format(report.due_date, "j F Y"),
                }
                Agreement.objects.filter(pk=agreement.pk).update(flagged_at=now, flag_reason=reason)
                email_send(
                    name="followup-agreement-flagged",
                    to=sorted(
                        set(beneficiary_emails(report.agreement)) | set(staff_emails(report.agreement))
                    ),
                    context={
                        "report": report,
                        "agreement": report.agreement,
                        "reason": reason,
                        "url": reverse("followup:report", args=[report.pk]),
                    },
                )
                flagged += 1
            if tranche_services.suspend_for_late_report(report) is not None:
                suspended += 1
    return f"{flagged} convention(s) signalée(s), {suspended} tranche(s) suspendue(s)"


@periodic(
    "5 0 * * *", name="followup.census_close", description=gettext_noop("Clôture des recensements échus")
)
def close_census_campaigns(*, now: datetime) -> str:
    today = timezone.localdate(now)
    closed = 0
    for campaign in CensusCampaign.objects.filter(status="open", closes_on__lt=today):
        campaign_close(campaign=campaign, now=now)
        closed += 1
    return f"{closed} recensement(s) clos"
