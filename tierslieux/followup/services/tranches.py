"""Tranches: released (due) at signature or when the previous year's report is accepted, committed, paid (with
the "service fait" date), suspended and resumed, or cancelled — each step through the tranche workflow."""

from __future__ import annotations

from datetime import date

from django.db import transaction
from django.utils import timezone
from django.utils.formats import date_format
from django.utils.translation import gettext as _

from tierslieux.accounts.models import User
from tierslieux.core.errors import ServiceError
from tierslieux.core.services import transition_apply
from tierslieux.core.workflow import SYSTEM

from .. import workflows
from ..models import AnnualReport, Tranche
from .common import roles_for


def _check_date(day: date | None, *, label: str, today: date, not_before: date | None = None) -> date:
    if day is None:
        raise ServiceError(_("Indiquez la %(label)s.") % {"label": label})
    if day > today:
        raise ServiceError(_("La %(label)s ne peut pas être dans le futur.") % {"label": label})
    if not_before is not None and day < not_before:
        raise ServiceError(
            _("La %(label)s ne peut pas précéder le %(date)s.")
            % {"label": label, "date": date_format(not_before, "j F Y")}
        )
    return day


@transaction.atomic
def tranche_act(
    *,
    tranche: Tranche,
    actor: User,
    action: str,
    reason: str = "",
    on: date | None = None,
    service_done_on: date | None = None,
    today: date | None = None,
) -> Tranche:
    """Staff fire `action` on a tranche: "release" (made due today), "commit" (engagement date `on`), "pay"
    (service fait `service_done_on`, payment `on`), "suspend" / "cancel" (reason), "resume", "reschedule"."""
    today = today or timezone.localdate()
    locked = (
        Tranche.objects.select_for_update(of=("self",))
        .select_related("agreement__call", "agreement__place", "agreement__decision__application")
        .get(pk=tranche.pk)
    )
    roles = roles_for(actor, locked.agreement, need=workflows.STAFF)
    if locked.agreement.status != "signed":
        raise ServiceError(_("Seules les tranches d’une convention signée évoluent."), status=409)
    rule = workflows.TRANCHE.check(locked.status, action=action, roles=roles, reason=reason)
    changes: dict = {}
    if action == "release":
        changes["due_on"] = today
    elif action == "commit":
        changes["engaged_on"] = _check_date(
            on, label=_("date d’engagement"), today=today, not_before=locked.due_on
        )
    elif action == "pay":
        service_done = _check_date(
            service_done_on, label=_("date du service fait"), today=today, not_before=locked.engaged_on
        )
        changes["service_done_on"] = service_done
        changes["paid_on"] = _check_date(
            on, label=_("date de paiement"), today=today, not_before=service_done
        )
    elif action in ("suspend", "cancel"):
        changes["status_reason"] = reason.strip()
    elif action == "resume":
        changes |= {"due_on": locked.due_on or today, "suspended_for": None, "engaged_on": None}
    elif action == "reschedule":
        changes |= {"suspended_for": None, "due_on": None, "engaged_on": None}
    transition_apply(
        instance=locked,
        workflow=workflows.TRANCHE,
        action=rule.action,
        roles=roles,
        actor=actor,
        reason=reason,
        changes=changes,
    )
    tranche.__dict__.update({name: getattr(locked, name) for name in ("status", *changes)})
    if action in ("pay", "cancel"):
        from .agreements import agreement_complete_if_done

        agreement_complete_if_done(locked.agreement)
    return locked


# --- What the platform does on its own ----------------------------------------------------------------------
def release_after_report(report: AnnualReport, *, today: date) -> Tranche | None:
    """The report of year k is accepted: tranche k + 1 becomes due (put back on the calendar first if it was
    suspended for that report)."""
    tranche = Tranche.objects.filter(agreement=report.agreement, number=report.year + 1).first()
    if tranche is None:
        return None
    if tranche.status == "suspended" and tranche.suspended_for_id == report.pk:
        unblock_for_report(report)
        tranche.refresh_from_db()
    if tranche.status != "scheduled":
        return None
    transition_apply(
        instance=tranche,
        workflow=workflows.TRANCHE,
        action="release",
        roles={SYSTEM},
        actor=None,
        reason=_("Rapport de l’année %(year)s accepté") % {"year": report.year},
        changes={"due_on": today},
    )
    return tranche


def suspend_for_late_report(report: AnnualReport) -> Tranche | None:
    """A report more than 30 days late suspends the next tranche (if it is not paid yet)."""
    tranche = Tranche.objects.filter(
        agreement=report.agreement, number=report.year + 1, status__in=("scheduled", "due", "committed")
    ).first()
    if tranche is None:
        return None
    reason = _("Rapport de l’année %(year)s en retard de plus de 30 jours") % {"year": report.year}
    transition_apply(
        instance=tranche,
        workflow=workflows.TRANCHE,
        action="suspend",
        roles={SYSTEM},
        actor=None,
        reason=reason,
        changes={"status_reason": reason, "suspended_for": report},
    )
    return tranche


def unblock_for_report(report: AnnualReport) -> list[Tranche]:
    """The late report arrived: the tranches it suspended go back on the calendar (released on acceptance)."""
    tranches = list(Tranche.objects.filter(suspended_for=report, status="suspended"))
    for tranche in tranches:
        transition_apply(
            instance=tranche,
            workflow=workflows.TRANCHE,
            action="reschedule",
            roles={SYSTEM},
            actor=None,
            reason=_("Rapport de l’année %(year)s reçu") % {"year": report.year},
            changes={"suspended_for": None, "due_on": None, "engaged_on": None},
        )
    return tranches
