"""Funding agreements: created in draft from the committee's acceptance, completed by staff, marked signed (date
and signed PDF: the tranches and reports are generated then), amended by typed avenants, terminated or
completed."""

from __future__ import annotations

from collections.abc import Mapping, Sequence
from datetime import date
from typing import Any

from django.contrib.auth.models import AnonymousUser
from django.core.files.uploadedfile import UploadedFile
from django.db import transaction
from django.urls import reverse
from django.utils import timezone
from django.utils.formats import date_format
from django.utils.translation import gettext as _
from django.utils.translation import ngettext

from tierslieux.accounts.models import User
from tierslieux.calls import eligibility
from tierslieux.calls import selectors as call_selectors
from tierslieux.calls.models import Call, Decision, DecisionOutcome
from tierslieux.core.emails import email_send
from tierslieux.core.errors import ServiceError
from tierslieux.core.services import transition_apply
from tierslieux.core.workflow import SYSTEM
from tierslieux.places.models import LegalForm

from .. import identifiers, schedule, selectors, workflows
from ..models import Agreement, AgreementVersion, Amendment, AmendmentKind, AnnualReport, Tranche
from .common import PDF_ONLY, beneficiary_emails, check_upload, roles_for, store_signed_file

BENEFICIARY_FIELDS = (
    "beneficiary_name",
    "beneficiary_legal_form",
    "siret",
    "rna",
    "representative_name",
    "representative_role",
)
DRAFT_FIELDS = (
    *BENEFICIARY_FIELDS,
    "purpose",
    "start_date",
    "duration_months",
    "report_delay_days",
    "conditions",
)
SNAPSHOT_FIELDS = (
    "reference",
    "status",
    *DRAFT_FIELDS,
    "amounts",
    "total",
    "signed_on",
    "signed_file_name",
    "signed_file_sha256",
)


def _plain(value: Any) -> Any:
    return value.isoformat() if isinstance(value, date) else value


def agreement_snapshot(agreement: Agreement) -> dict[str, Any]:
    return {name: _plain(getattr(agreement, name)) for name in SNAPSHOT_FIELDS}


def _version(agreement: Agreement, *, label: str, actor: User | AnonymousUser | None) -> AgreementVersion:
    return AgreementVersion.objects.create(
        agreement=agreement,
        number=agreement.version,
        label=label[:200],
        data=agreement_snapshot(agreement),
        created_by=actor if actor is not None and actor.is_authenticated else None,
    )


def local_date(day: date) -> str:
    return date_format(day, "j F Y")


def call_conditions(call: Call) -> str:
    """The call's conditions written into a new agreement: its funding rules and eligibility rules."""
    euros = eligibility.format_euros
    lines = [_("Conditions de l’appel « %(call)s » :") % {"call": call.title}]
    if call.min_total_amount or call.max_total_amount:
        lines.append(
            _("- montant total de %(minimum)s à %(maximum)s sur %(years)s ans ;")
            % {
                "minimum": euros(call.min_total_amount),
                "maximum": euros(call.max_total_amount),
                "years": call.years,
            }
        )
    if call.max_per_year:
        lines.append(_("- %(ceiling)s au plus par an ;") % {"ceiling": euros(call.max_per_year)})
    for rule, description in call_selectors.call_rules(call):
        lines.append(f"- {rule.name} : {description}" if description else f"- {rule.name}")
    lines.append(_("- un rapport d’activité annuel, accompagné d’un compte de résultat, pour chaque année."))
    return "\n".join(lines)


# --- Creation from the decision ------------------------------------------------------------------------------
@transaction.atomic
def agreement_create_from_decision(*, decision: Decision) -> Agreement:
    """The draft agreement of an accepted decision (idempotent: the existing one is returned)."""
    existing = Agreement.objects.filter(decision=decision).first()
    if existing is not None:
        return existing
    if decision.outcome != DecisionOutcome.ACCEPTED:
        raise ServiceError(_("Seule une décision d’acceptation donne lieu à une convention."), status=409)
    application = decision.application
    call, place = application.call, application.place
    amounts = [int(amount) for amount in decision.granted_amounts or []]
    purpose = application.project_title or (place.name if place else application.reference)
    agreement = Agreement.objects.create(
        reference=f"CONV-{application.reference}"[:40],
        decision=decision,
        call=call,
        envelope=decision.envelope,
        place=place,
        beneficiary_name=(place.name if place else "")[:200],
        beneficiary_legal_form=place.legal_form if place else "",
        siret=identifiers.compact(place.siret) if place else "",
        rna=identifiers.compact(place.rna) if place else "",
        purpose=_("%(call)s — %(purpose)s") % {"call": call.title, "purpose": purpose},
        amounts=amounts,
        total=sum(amounts),
        duration_months=12 * max(len(amounts), 1),
        conditions=call_conditions(call),
    )
    agreement.purpose = agreement.purpose[:255]
    agreement.save(update_fields=["purpose"])
    _version(agreement, label=_("Création à partir de la décision du comité"), actor=decision.decided_by)
    return agreement


def agreement_create_on_acceptance(decision: Decision) -> Agreement:
    """The hook the committee calls for each accepted decision (`calls.review.committee.ACCEPTANCE_HOOKS`)."""
    return agreement_create_from_decision(decision=decision)


# --- Completion by staff -------------------------------------------------------------------------------------
def beneficiary_errors(values: Mapping[str, Any], *, required: bool = False) -> dict[str, str]:
    """{field: French message} for the beneficiary's identity (`required`: every field must be filled, as for
    the signature; the RNA number only for an association)."""
    errors: dict[str, str] = {}
    siret = identifiers.compact(values.get("siret") or "")
    rna = identifiers.compact(values.get("rna") or "")
    if siret:
        problem = identifiers.siret_problem(siret)
        if problem:
            errors["siret"] = problem
    elif required:
        errors["siret"] = _("Renseignez le SIRET du bénéficiaire.")
    if rna:
        problem = identifiers.rna_problem(rna)
        if problem:
            errors["rna"] = problem
    elif required and values.get("beneficiary_legal_form") == LegalForm.ASSOCIATION:
        errors["rna"] = _("Une association renseigne son numéro RNA.")
    legal_form = values.get("beneficiary_legal_form") or ""
    if legal_form and legal_form not in LegalForm.values:
        errors["beneficiary_legal_form"] = _("Forme juridique inconnue.")
    if required:
        for name, message in (
            ("beneficiary_name", _("Renseignez la raison sociale du bénéficiaire.")),
            ("beneficiary_legal_form", _("Renseignez la forme juridique du bénéficiaire.")),
            ("representative_name", _("Renseignez le nom du représentant légal.")),
            ("representative_role", _("Renseignez la qualité du représentant légal.")),
        ):
            if not str(values.get(name) or "").strip() and name not in errors:
                errors[name] = message
    return errors


def _duration_error(duration: int, years: int) -> str | None:
    low, high = schedule.duration_bounds(years)
    if not low <= duration <= high:
        return _("Pour %(years)s années de financement, la durée est de %(low)s à %(high)s mois.") % {
            "years": years,
            "low": low,
            "high": high,
        }
    return None


def agreement_problems(agreement: Agreement) -> list[str]:
    """What is missing before `agreement` may be marked signed (French sentences; [] when complete)."""
    values = {name: getattr(agreement, name) for name in BENEFICIARY_FIELDS}
    problems = list(beneficiary_errors(values, required=True).values())
    if not agreement.purpose.strip():
        problems.append(_("Renseignez l’objet de la subvention."))
    if agreement.start_date is None:
        problems.append(_("Renseignez la date de début de la convention."))
    duration = _duration_error(agreement.duration_months, agreement.years)
    if duration:
        problems.append(duration)
    if not agreement.amounts:
        problems.append(_("La convention n’a aucun montant."))
    return problems


@transaction.atomic
def agreement_update(*, agreement: Agreement, actor: User, data: Mapping[str, Any]) -> Agreement:
    """Staff complete a draft agreement (beneficiary, purpose, dates, conditions). Identifiers are checked
    (SIRET with its Luhn key, RNA); nothing is saved when one is wrong."""
    locked = (
        Agreement.objects.select_for_update(of=("self",))
        .select_related("call", "place", "decision__application")
        .get(pk=agreement.pk)
    )
    roles_for(actor, locked, need=workflows.STAFF)
    if locked.status != "draft":
        raise ServiceError(_("Une convention signée ne change plus que par avenant."), status=409)
    unknown = set(data) - set(DRAFT_FIELDS)
    if unknown:
        raise ServiceError(_("Champs inconnus : %(fields)s") % {"fields": ", ".join(sorted(unknown))})
    values = dict(data)
    for name in ("siret", "rna"):
        if name in values:
            values[name] = identifiers.compact(values[name] or "")
    merged = {name: values.get(name, getattr(locked, name)) for name in BENEFICIARY_FIELDS}
    problems = list(beneficiary_errors(merged).values())
    if "duration_months" in values:
        problem = _duration_error(int(values["duration_months"]), locked.years)
        if problem:
            problems.append(problem)
    if problems:
        raise ServiceError(" ".join(problems))
    for name, value in values.items():
        setattr(locked, name, value.strip() if isinstance(value, str) and name != "conditions" else value)
    locked.save()
    agreement.__dict__.update({name: getattr(locked, name) for name in values})
    return locked


# --- Signature -----------------------------------------------------------------------------------------------
def _generate_calendar(agreement: Agreement) -> None:
    """Create the reports and the tranches of a signed agreement, and release the first tranche."""
    years = schedule.agreement_years(
        start=agreement.start_date,
        duration_months=agreement.duration_months,
        amounts=agreement.amounts,
        report_delay_days=agreement.report_delay_days,
    )
    for year in years:
        AnnualReport.objects.create(
            agreement=agreement,
            year=year.index,
            period_start=year.start,
            period_end=year.end,
            due_date=year.report_due,
        )
    for plan in schedule.tranche_plan(signed_on=agreement.signed_on, years=years):
        Tranche.objects.create(
            agreement=agreement, number=plan.number, amount=plan.amount, planned_due=plan.planned_due
        )
    first = agreement.tranches.get(number=1)
    transition_apply(
        instance=first,
        workflow=workflows.TRANCHE,
        action="release",
        roles={SYSTEM},
        actor=None,
        reason=_("Première tranche, exigible à la signature"),
        changes={"due_on": agreement.signed_on},
    )


@transaction.atomic
def agreement_sign(
    *,
    agreement: Agreement,
    actor: User,
    signed_on: date | None,
    upload: UploadedFile,
    today: date | None = None,
) -> Agreement:
    """Mark a complete draft agreement signed on `signed_on` with its signed PDF (checked by content): its
    annual reports and tranches are generated, the first tranche becomes due, the beneficiary is told."""
    today = today or timezone.localdate()
    locked = (
        Agreement.objects.select_for_update(of=("self",))
        .select_related("call", "place", "decision__application")
        .get(pk=agreement.pk)
    )
    roles = roles_for(actor, locked, need=workflows.STAFF)
    workflows.AGREEMENT.check(locked.status, action="sign", roles=roles, reason=None)
    problems = agreement_problems(locked)
    if problems:
        raise ServiceError(
            _("La convention ne peut pas encore être signée : %(problems)s")
            % {"problems": " ".join(problems)}
        )
    decided_on = timezone.localdate(locked.decision.decided_at)
    if signed_on is None:
        raise ServiceError(_("Indiquez la date de signature."))
    if signed_on > today:
        raise ServiceError(_("La date de signature ne peut pas être dans le futur."))
    if signed_on < decided_on:
        raise ServiceError(
            _("La convention ne peut pas être signée avant la décision du comité (%(date)s).")
            % {"date": local_date(decided_on)}
        )
    checked = check_upload(upload, kinds=PDF_ONLY)
    store_signed_file(locked, checked)
    locked.version += 1
    transition_apply(
        instance=locked,
        workflow=workflows.AGREEMENT,
        action="sign",
        roles=roles,
        actor=actor,
        reason=_("Signée le %(date)s") % {"date": local_date(signed_on)},
        changes={
            "signed_on": signed_on,
            "signed_file": locked.signed_file.name,
            "signed_file_name": locked.signed_file_name,
            "signed_file_size": locked.signed_file_size,
            "signed_file_sha256": locked.signed_file_sha256,
            "version": locked.version,
        },
    )
    _version(locked, label=_("Signature"), actor=actor)
    _generate_calendar(locked)
    email_send(
        name="followup-agreement-signed",
        to=beneficiary_emails(locked),
        context={
            "agreement": locked,
            "signed_on": local_date(signed_on),
            "total": eligibility.format_euros(locked.total),
            "reports": list(locked.reports.all()),
            "url": reverse("followup:agreement", args=[locked.pk]),
        },
    )
    agreement.__dict__.update(status=locked.status, signed_on=signed_on, version=locked.version)
    return locked


# --- Amendments ----------------------------------------------------------------------------------------------
def _amount_changes(agreement: Agreement, amounts: Sequence[Any]) -> dict[str, list]:
    try:
        new = [int(amount) for amount in amounts]
    except (TypeError, ValueError):
        raise ServiceError(_("Les montants sont des nombres entiers d’euros.")) from None
    if len(new) != agreement.years:
        raise ServiceError(
            ngettext(
                "Indiquez un montant pour l’année de la convention.",
                "Indiquez un montant pour chacune des %(years)s années de la convention.",
                agreement.years,
            )
            % {"years": agreement.years}
        )
    call = agreement.call
    rules = eligibility.FundingRules(
        min_total=call.min_total_amount,
        max_total=call.max_total_amount,
        max_per_year=call.max_per_year,
        years=agreement.years,
    )
    problems = eligibility.funding_problems(new, rules, granted=True)
    if problems:
        raise ServiceError(" ".join(problems))
    if new == list(agreement.amounts):
        raise ServiceError(_("Les montants sont inchangés : l’avenant ne modifierait rien."))
    envelope = agreement.envelope
    if envelope is not None and envelope.amount is not None and sum(new) > agreement.total:
        left = envelope.amount - selectors.envelope_committed(envelope, exclude=agreement)
        if sum(new) > left:
            raise ServiceError(
                _("L’enveloppe « %(envelope)s » n’a plus que %(amount)s disponibles pour cette convention.")
                % {"envelope": envelope.name, "amount": eligibility.format_euros(max(left, 0))}
            )
    for tranche in agreement.tranches.all():
        amount = new[tranche.number - 1]
        if amount != tranche.amount and tranche.status in ("committed", "paid", "cancelled"):
            raise ServiceError(
                _(
                    "La tranche %(number)s est déjà au statut « %(status)s » : son montant ne peut plus changer."
                )
                % {"number": tranche.number, "status": tranche.status_label},
                status=409,
            )
    return {"amounts": [list(agreement.amounts), new], "total": [agreement.total, sum(new)]}


def _duration_changes(agreement: Agreement, duration: Any) -> dict[str, list]:
    try:
        months = int(duration)
    except (TypeError, ValueError):
        raise ServiceError(_("La durée est un nombre de mois.")) from None
    problem = _duration_error(months, agreement.years)
    if problem:
        raise ServiceError(problem)
    if months == agreement.duration_months:
        raise ServiceError(_("La durée est inchangée : l’avenant ne modifierait rien."))
    return {"duration_months": [agreement.duration_months, months]}


def _beneficiary_changes(agreement: Agreement, values: Mapping[str, Any]) -> dict[str, list]:
    merged = {name: getattr(agreement, name) for name in BENEFICIARY_FIELDS}
    for name in BENEFICIARY_FIELDS:
        if name in values:
            value = values[name] or ""
            merged[name] = identifiers.compact(value) if name in ("siret", "rna") else str(value).strip()
    errors = beneficiary_errors(merged, required=True)
    if errors:
        raise ServiceError(" ".join(errors.values()))
    changes = {name: [getattr(agreement, name), merged[name]] for name in BENEFICIARY_FIELDS}
    changes = {name: change for name, change in changes.items() if change[0] != change[1]}
    if not changes:
        raise ServiceError(_("Le bénéficiaire est inchangé : l’avenant ne modifierait rien."))
    return changes


def _apply_calendar_changes(agreement: Agreement) -> None:
    """After an amendment: unpaid tranches take the new amounts, open reports and scheduled tranches the new
    dates."""
    years = schedule.agreement_years(
        start=agreement.start_date,
        duration_months=agreement.duration_months,
        amounts=agreement.amounts,
        report_delay_days=agreement.report_delay_days,
    )
    plans = {plan.number: plan for plan in schedule.tranche_plan(signed_on=agreement.signed_on, years=years)}
    for report in agreement.reports.all():
        year = years[report.year - 1]
        if report.status != "accepted" and (report.period_end, report.due_date) != (
            year.end,
            year.report_due,
        ):
            AnnualReport.objects.filter(pk=report.pk).update(period_end=year.end, due_date=year.report_due)
    for tranche in agreement.tranches.all():
        plan = plans[tranche.number]
        values = {}
        if tranche.status not in ("committed", "paid", "cancelled") and tranche.amount != plan.amount:
            values["amount"] = plan.amount
        if tranche.status == "scheduled" and tranche.planned_due != plan.planned_due:
            values["planned_due"] = plan.planned_due
        if values:
            Tranche.objects.filter(pk=tranche.pk).update(**values)


@transaction.atomic
def agreement_amend(
    *,
    agreement: Agreement,
    actor: User,
    kind: str,
    effective_on: date | None,
    reason: str,
    values: Mapping[str, Any],
    upload: UploadedFile | None = None,
    today: date | None = None,
) -> Amendment:
    """Record an avenant to a signed agreement: amounts (within the call's funding rules and the envelope;
    committed and paid tranches keep theirs), duration (the last year and its report move) or beneficiary
    (identity checked as at signature). Dated, reasoned, logged (action "amend") and versioned."""
    today = today or timezone.localdate()
    locked = (
        Agreement.objects.select_for_update(of=("self",))
        .select_related("call", "envelope", "place", "decision__application")
        .get(pk=agreement.pk)
    )
    roles = roles_for(actor, locked, need=workflows.STAFF)
    workflows.AGREEMENT.check(locked.status, action="amend", roles=roles, reason=reason)
    if effective_on is None:
        raise ServiceError(_("Indiquez la date de l’avenant."))
    if effective_on > today or (locked.signed_on and effective_on < locked.signed_on):
        raise ServiceError(
            _("La date de l’avenant est comprise entre la signature de la convention et aujourd’hui.")
        )
    if kind == AmendmentKind.AMOUNT:
        changes = _amount_changes(locked, values.get("amounts") or [])
    elif kind == AmendmentKind.DURATION:
        changes = _duration_changes(locked, values.get("duration_months"))
    elif kind == AmendmentKind.BENEFICIARY:
        changes = _beneficiary_changes(locked, values)
    else:
        raise ServiceError(_("Cette nature d’avenant n’existe pas."))
    checked = check_upload(upload, kinds=PDF_ONLY) if upload is not None else None
    number = locked.amendments.count() + 1
    locked.version += 1
    transition_apply(
        instance=locked,
        workflow=workflows.AGREEMENT,
        action="amend",
        roles=roles,
        actor=actor,
        reason=_("Avenant n° %(number)s : %(reason)s") % {"number": number, "reason": reason.strip()},
        changes={"version": locked.version, **{name: after for name, (_before, after) in changes.items()}},
    )
    version = _version(locked, label=_("Avenant n° %(number)s") % {"number": number}, actor=actor)
    amendment = Amendment(
        agreement=locked,
        number=number,
        kind=kind,
        effective_on=effective_on,
        reason=reason.strip(),
        changes=changes,
        version=version,
        created_by=actor,
    )
    if checked is not None:
        store_signed_file(amendment, checked)
    amendment.save()
    _apply_calendar_changes(locked)
    return amendment


# --- End of an agreement -------------------------------------------------------------------------------------
@transaction.atomic
def agreement_terminate(*, agreement: Agreement, actor: User, reason: str) -> Agreement:
    """Staff terminate an agreement (reason required): its tranches not yet paid are cancelled."""
    locked = (
        Agreement.objects.select_for_update(of=("self",))
        .select_related("call", "place", "decision__application")
        .get(pk=agreement.pk)
    )
    roles = roles_for(actor, locked, need=workflows.STAFF)
    transition_apply(
        instance=locked,
        workflow=workflows.AGREEMENT,
        action="terminate",
        roles=roles,
        actor=actor,
        reason=reason,
    )
    for tranche in locked.tranches.exclude(status__in=workflows.TRANCHE.final_codes):
        transition_apply(
            instance=tranche,
            workflow=workflows.TRANCHE,
            action="cancel",
            roles={SYSTEM},
            actor=actor,
            reason=_("Convention résiliée : %(reason)s") % {"reason": reason.strip()},
            changes={"status_reason": reason.strip()},
        )
    email_send(
        name="followup-agreement-terminated",
        to=beneficiary_emails(locked),
        context={
            "agreement": locked,
            "reason": reason.strip(),
            "url": reverse("followup:agreement", args=[locked.pk]),
        },
    )
    agreement.status = locked.status
    return locked


def agreement_is_done(agreement: Agreement) -> bool:
    """Every tranche paid or cancelled and every report accepted."""
    return (
        agreement.status == "signed"
        and not agreement.tranches.exclude(status__in=workflows.TRANCHE.final_codes).exists()
        and not agreement.reports.exclude(status="accepted").exists()
    )


@transaction.atomic
def agreement_complete(*, agreement: Agreement, actor: User | None = None) -> Agreement:
    """Close a signed agreement whose tranches are all paid or cancelled and reports all accepted: by staff, or
    by the platform (`actor` None) right after the last payment or report acceptance."""
    roles = {SYSTEM} if actor is None else roles_for(actor, agreement, need=workflows.STAFF)
    if not agreement_is_done(agreement):
        raise ServiceError(
            _(
                "La convention ne peut être soldée qu’une fois toutes ses tranches payées (ou annulées) et tous ses rapports acceptés."
            ),
            status=409,
        )
    transition_apply(
        instance=agreement,
        workflow=workflows.AGREEMENT,
        action="complete",
        roles=roles,
        actor=actor,
        reason=_("Tranches versées et rapports acceptés"),
    )
    return agreement


def agreement_complete_if_done(agreement: Agreement) -> bool:
    agreement.refresh_from_db()
    if agreement_is_done(agreement):
        agreement_complete(agreement=agreement)
        return True
    return False
