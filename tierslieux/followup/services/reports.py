"""Annual reports: autosaved drafts (optimistic concurrency as for applications), attachments, submission once
(an immutable version each time), acceptance (releases the next tranche) or corrections (with a message)."""

from __future__ import annotations

from collections.abc import Mapping
from datetime import date, datetime
from decimal import Decimal
from typing import Any

from django.core.files.uploadedfile import UploadedFile
from django.db import models, transaction
from django.db.models import F
from django.urls import reverse
from django.utils import timezone
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy

from tierslieux.accounts.models import User
from tierslieux.calls.eligibility import format_euros
from tierslieux.core.emails import email_send
from tierslieux.core.errors import Conflict, ServiceError
from tierslieux.core.services import transition_apply

from .. import schedule, workflows
from ..models import Agreement, AnnualReport, AttachmentKind, ReportAttachment, ReportVersion
from ..models.report import INDICATOR_FIELDS, NUMBER_FIELDS
from . import tranches as tranche_services
from .common import beneficiary_emails, check_upload, roles_for, staff_emails

NUMBER_LABELS = {
    "opening_hours_per_week": gettext_lazy("heures d’ouverture par semaine"),
    "users_per_month": gettext_lazy("usagers par mois"),
    "members": gettext_lazy("adhérents ou membres"),
    "jobs_fte": gettext_lazy("emplois (ETP)"),
    "volunteers": gettext_lazy("bénévoles"),
    "events_held": gettext_lazy("événements organisés"),
    "revenue_total": gettext_lazy("produits totaux"),
    "revenue_own": gettext_lazy("recettes propres"),
    "revenue_public": gettext_lazy("subventions publiques"),
    "revenue_private": gettext_lazy("financements privés"),
}


class StaleRevision(Conflict):
    """The report changed since the form was loaded (another tab or person saved first)."""


def _locked(report: AnnualReport) -> AnnualReport:
    return (
        AnnualReport.objects.select_for_update(of=("self",))
        .select_related("agreement__call", "agreement__place", "agreement__decision__application__applicant")
        .get(pk=report.pk)
    )


def _editable(report: AnnualReport, user: User) -> set[str]:
    roles = roles_for(user, report.agreement, need=workflows.BENEFICIARY)
    if report.agreement.status != "signed":
        raise ServiceError(
            _("Cette convention n’est plus en cours : ses rapports ne changent plus."), status=409
        )
    return roles


# --- Draft ---------------------------------------------------------------------------------------------------
@transaction.atomic
def report_save(
    *, report: AnnualReport, user: User, revision: int, values: Mapping[str, Any], tab: str = ""
) -> AnnualReport:
    """Save indicators of an editable report based on `revision`. `tab` identifies the page (a token per page
    load): a revision made stale only by that same page's saves is not a conflict. Raises StaleRevision (409)
    when someone else saved meanwhile (nothing written), ServiceError when the report is no longer editable."""
    unknown = set(values) - set(INDICATOR_FIELDS)
    if unknown:
        raise ServiceError(_("Champs inconnus : %(fields)s") % {"fields": ", ".join(sorted(unknown))})
    _editable(report, user)
    tab = (tab or "")[:40]
    editable = AnnualReport.objects.filter(pk=report.pk, status__in=workflows.EDITABLE_REPORT_STATES)
    base = editable.filter(revision=revision)
    if tab:
        base = editable.filter(models.Q(revision=revision) | models.Q(revision__gt=revision, last_tab=tab))
    updated = base.update(**values, revision=F("revision") + 1, last_tab=tab, updated_at=timezone.now())
    current = AnnualReport.objects.select_related("agreement").get(pk=report.pk)
    if not updated:
        if not current.is_editable:
            raise ServiceError(_("Ce rapport n’est plus modifiable : il a été déposé."), status=409)
        if all(getattr(current, name) == value for name, value in values.items()):
            return current
        raise StaleRevision(
            _(
                "Ce rapport a été modifié entre-temps (dans un autre onglet ou par une autre personne) : votre "
                "saisie n’a pas été enregistrée. Elle est conservée ci-dessous ; rechargez la page pour voir la "
                "dernière version, puis reportez-y vos modifications."
            )
        )
    return current


def report_problems(report: AnnualReport) -> list[str]:
    """What is missing before `report` may be submitted (French sentences; [] when complete)."""
    problems = []
    missing = [str(NUMBER_LABELS[name]) for name in NUMBER_FIELDS if getattr(report, name) is None]
    if missing:
        problems.append(_("Renseignez : %(fields)s.") % {"fields": ", ".join(missing)})
    parts = (report.revenue_own, report.revenue_public, report.revenue_private)
    if report.revenue_total is not None and None not in parts and sum(parts) != report.revenue_total:
        problems.append(
            _(
                "Les recettes propres, subventions publiques et financements privés (%(parts)s) doivent faire "
                "les produits totaux (%(total)s)."
            )
            % {"parts": format_euros(sum(parts)), "total": format_euros(report.revenue_total)}
        )
    if not report.grant_use.strip():
        problems.append(_("Dites ce que la subvention a financé."))
    if not report.attachments.filter(kind=AttachmentKind.FINANCIAL_STATEMENT).exists():
        problems.append(_("Joignez le compte de résultat ou le bilan financier de l’année."))
    return problems


def _plain(value: Any) -> Any:
    if isinstance(value, Decimal):
        return str(value)
    if isinstance(value, (date, datetime)):
        return value.isoformat()
    return value


def report_snapshot(report: AnnualReport) -> dict[str, Any]:
    return {
        "agreement": report.agreement.reference,
        "year": report.year,
        "period": [report.period_start.isoformat(), report.period_end.isoformat()],
        "indicators": {name: _plain(getattr(report, name)) for name in INDICATOR_FIELDS},
        "attachments": [
            {"kind": a.kind, "name": a.original_name, "size": a.size, "sha256": a.sha256}
            for a in report.attachments.all()
        ],
    }


# --- Submission and review -----------------------------------------------------------------------------------
def refresh_flag(agreement: Agreement, *, today: date) -> None:
    """Clear the agreement's late flag once none of its reports is more than 30 days late any more."""
    if agreement.flagged_at is None:
        return
    still_late = any(
        schedule.is_late_beyond_flag(today=today, due=report.due_date)
        for report in agreement.reports.filter(status="draft")
    )
    if not still_late:
        Agreement.objects.filter(pk=agreement.pk).update(flagged_at=None, flag_reason="")
        agreement.flagged_at, agreement.flag_reason = None, ""


@transaction.atomic
def report_submit(*, report: AnnualReport, user: User, now: datetime | None = None) -> AnnualReport:
    """The beneficiary submits a complete report (once; again after corrections): an immutable version, the
    tranche it had suspended goes back on the calendar, the late flag clears, staff and beneficiary are told."""
    now = now or timezone.now()
    locked = _locked(report)
    roles = _editable(locked, user)
    workflows.REPORT.check(locked.status, action="submit", roles=roles, reason=None)
    problems = report_problems(locked)
    if problems:
        raise ServiceError(
            _("Le rapport ne peut pas encore être déposé : %(problems)s") % {"problems": " ".join(problems)}
        )
    number = locked.versions.count() + 1
    version = ReportVersion.objects.create(
        report=locked, number=number, data=report_snapshot(locked), created_by=user
    )
    transition_apply(
        instance=locked,
        workflow=workflows.REPORT,
        action="submit",
        roles=roles,
        actor=user,
        reason=_("Nouveau dépôt après corrections") if number > 1 else "",
        changes={"submitted_at": now, "submitted_by": user},
    )
    agreement = locked.agreement
    tranche_services.unblock_for_report(locked)
    refresh_flag(agreement, today=timezone.localdate(now))
    url = reverse("followup:report", args=[locked.pk])
    context = {"report": locked, "agreement": agreement, "version": version, "url": url}
    email_send(name="followup-report-submitted", to=staff_emails(agreement), context=context)
    email_send(name="followup-report-receipt", to=beneficiary_emails(agreement), context=context)
    report.__dict__.update(status=locked.status, submitted_at=now)
    return locked


@transaction.atomic
def report_accept(*, report: AnnualReport, actor: User, now: datetime | None = None) -> AnnualReport:
    """Staff accept a submitted report: the next tranche becomes due; the agreement is completed when nothing is
    left to pay or to report."""
    now = now or timezone.now()
    locked = _locked(report)
    roles = roles_for(actor, locked.agreement, need=workflows.STAFF)
    transition_apply(
        instance=locked,
        workflow=workflows.REPORT,
        action="accept",
        roles=roles,
        actor=actor,
        changes={"accepted_at": now, "corrections_message": ""},
    )
    released = tranche_services.release_after_report(locked, today=timezone.localdate(now))
    from .agreements import agreement_complete_if_done

    agreement_complete_if_done(locked.agreement)
    email_send(
        name="followup-report-accepted",
        to=beneficiary_emails(locked.agreement),
        context={
            "report": locked,
            "agreement": locked.agreement,
            "tranche": released,
            "url": reverse("followup:report", args=[locked.pk]),
        },
    )
    report.status = locked.status
    return locked


@transaction.atomic
def report_request_corrections(*, report: AnnualReport, actor: User, message: str) -> AnnualReport:
    """Staff send a submitted report back to the beneficiary with a message (required)."""
    locked = _locked(report)
    roles = roles_for(actor, locked.agreement, need=workflows.STAFF)
    transition_apply(
        instance=locked,
        workflow=workflows.REPORT,
        action="request_corrections",
        roles=roles,
        actor=actor,
        reason=message,
        changes={"corrections_message": message.strip()},
    )
    email_send(
        name="followup-report-corrections",
        to=beneficiary_emails(locked.agreement),
        context={
            "report": locked,
            "agreement": locked.agreement,
            "message": message.strip(),
            "url": reverse("followup:report", args=[locked.pk]),
        },
    )
    report.status = locked.status
    return locked


# --- Attachments ---------------------------------------------------------------------------------------------
@transaction.atomic
def report_attachment_add(
    *, report: AnnualReport, user: User, upload: UploadedFile, kind: str
) -> ReportAttachment:
    """Attach a file to an editable report (type checked by content, ≤ 10 MB, private storage)."""
    locked = _locked(report)
    _editable(locked, user)
    if not locked.is_editable:
        raise ServiceError(_("Ce rapport n’est plus modifiable : il a été déposé."), status=409)
    if kind not in AttachmentKind.values:
        raise ServiceError(_("Choisissez la nature de la pièce."))
    checked = check_upload(upload)
    attachment = ReportAttachment(
        report=locked,
        kind=kind,
        original_name=checked.name,
        content_type=checked.content_type,
        size=checked.size,
        sha256=checked.sha256,
        uploaded_by=user,
    )
    attachment.file.save(f"piece{checked.suffix}", checked.upload, save=False)
    attachment.save()
    return attachment


@transaction.atomic
def report_attachment_delete(*, attachment: ReportAttachment, user: User) -> None:
    locked = _locked(attachment.report)
    _editable(locked, user)
    if not locked.is_editable:
        raise ServiceError(_("Ce rapport n’est plus modifiable : il a été déposé."), status=409)
    stored = attachment.file.name
    storage = attachment.file.storage
    attachment.delete()
    transaction.on_commit(lambda: storage.delete(stored))


def prefill(report: AnnualReport) -> dict[str, Any]:
    """The values a report starts from before its first save: the previous year's report (its last submitted
    version) and the place page (opening hours per week, services)."""
    values: dict[str, Any] = {}
    previous = (
        ReportVersion.objects.filter(report__agreement=report.agreement, report__year=report.year - 1)
        .order_by("-number")
        .first()
    )
    if previous is not None:
        indicators = previous.data.get("indicators", {})
        values = {
            name: indicators.get(name) for name in INDICATOR_FIELDS if name not in ("narrative", "grant_use")
        }
    place = report.agreement.place
    if place is not None:
        hours = schedule.hours_per_week(place.opening_hours)
        if hours is not None and values.get("opening_hours_per_week") in (None, ""):
            values["opening_hours_per_week"] = hours
        if not values.get("services") and place.services:
            values["services"] = list(place.services)
    return {name: value for name, value in values.items() if value not in (None, "", [])}
