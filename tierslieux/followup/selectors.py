"""Reads of the follow-up: who may see and do what, the manager's and the staff's pages, and the interface the
observatory reads (accepted annual reports' indicators and census answers, per place, year and territory).

Access policy (docs/followup.md):
- Staff side: the call's team and administrators act on its agreements, tranches and reports ("staff");
  programme staff outside the team read them ("reader").
- Beneficiary side: the managers of the laureate's place and the applicant of its dossier ("beneficiary") see
  their agreement, tranches and reports, and fill the reports. Anyone else gets 404 for their ids.
- Public: the label of a published laureate and the amounts granted and paid; the SCDL export of signed
  agreements (`scdl.py`).
"""

from __future__ import annotations

import calendar
from collections import defaultdict
from collections.abc import Iterable, Mapping
from dataclasses import dataclass, field
from datetime import date, timedelta
from decimal import Decimal
from typing import Any

from django.contrib.auth.models import AnonymousUser
from django.db.models import Count, Q, QuerySet, Sum
from django.utils import timezone
from django.utils.translation import gettext as _

from tierslieux.accounts.models import User
from tierslieux.accounts.roles import is_programme_staff
from tierslieux.calls import selectors as call_selectors
from tierslieux.calls.models import Application, Call, Decision, DecisionOutcome, Envelope
from tierslieux.geo.models import Region
from tierslieux.places.models import Place

from . import workflows
from .models import (
    Agreement,
    AnnualReport,
    CensusAnswer,
    CensusCampaign,
    CensusInvitation,
    Tranche,
)

STAFF, BENEFICIARY, READER = workflows.STAFF, workflows.BENEFICIARY, workflows.READER
ACTIVE_AGREEMENT = ("draft", "signed", "completed")  # a terminated agreement no longer commits its envelope


# --- Access ---------------------------------------------------------------------------------------------------
def _active(user: User | AnonymousUser) -> bool:
    return bool(getattr(user, "is_authenticated", False) and user.is_active)


def _beneficiary_q(user: User, prefix: str = "") -> Q:
    return Q(**{f"{prefix}place__managers": user}) | Q(**{f"{prefix}decision__application__applicant": user})


def is_beneficiary(user: User, agreement: Agreement) -> bool:
    if not _active(user):
        return False
    if agreement.decision.application.applicant_id == user.pk:
        return True
    return bool(agreement.place_id and agreement.place.managers.filter(pk=user.pk).exists())


def agreement_roles(user: User, agreement: Agreement) -> set[str]:
    """The workflow roles of `user` on `agreement` (and on its tranches and reports): "staff" (the call's team,
    administrators), "reader" (other programme staff), "beneficiary" (managers of the place, the applicant)."""
    roles: set[str] = set()
    if not _active(user):
        return roles
    if is_beneficiary(user, agreement):
        roles.add(BENEFICIARY)
    if call_selectors.can_manage_call(user, agreement.call):
        roles.add(STAFF)
    elif is_programme_staff(user):
        roles.add(READER)
    return roles


def agreements_visible_to(user: User) -> QuerySet[Agreement]:
    """Every agreement `user` may open: all of them for programme staff, their own for beneficiaries."""
    base = Agreement.objects.select_related(
        "call", "envelope", "place__commune__department", "decision__application__wave"
    )
    if not _active(user):
        return base.none()
    if call_selectors.is_admin(user) or is_programme_staff(user):
        return base.all()
    ids = Agreement.objects.filter(_beneficiary_q(user)).values("pk")
    return base.filter(pk__in=ids)


def reports_visible_to(user: User) -> QuerySet[AnnualReport]:
    return AnnualReport.objects.filter(agreement__in=agreements_visible_to(user).values("pk")).select_related(
        "agreement__call", "agreement__place"
    )


def can_run_census(user: User) -> bool:
    """Programme staff (and administrators) open, follow and close census campaigns."""
    return is_programme_staff(user)


def envelope_committed(envelope: Envelope, *, exclude: Agreement | None = None) -> int:
    """What the envelope already commits: the total of its agreements (after amendments) and the granted total of
    its accepted decisions that have no agreement yet."""
    agreements = Agreement.objects.filter(envelope=envelope, status__in=ACTIVE_AGREEMENT)
    if exclude is not None:
        agreements = agreements.exclude(pk=exclude.pk)
    total = agreements.aggregate(total=Sum("total"))["total"] or 0
    without = Decision.objects.filter(
        envelope=envelope, outcome=DecisionOutcome.ACCEPTED, agreement__isnull=True
    ).aggregate(total=Sum("granted_total"))["total"]
    return total + (without or 0)


# --- One agreement --------------------------------------------------------------------------------------------
def amounts_paid(agreement: Agreement) -> int:
    return agreement.tranches.filter(status="paid").aggregate(total=Sum("amount"))["total"] or 0


def wave_number(decision: Decision) -> int | None:
    """The rank of the decision's wave among the call's waves (1 for the first to open)."""
    wave = decision.application.wave
    if wave is None:
        return None
    return wave.call.waves.filter(opens_at__lt=wave.opens_at).count() + 1


def laureate_label(decision: Decision) -> str:
    """ "Fabrique de territoire — vague 2, 2025": the label a published laureate carries on its place page."""
    number = wave_number(decision)
    year = timezone.localtime(decision.decided_at).year
    if number is None:
        return _("%(call)s — %(year)s") % {"call": decision.application.call.title, "year": year}
    return _("%(call)s — vague %(number)s, %(year)s") % {
        "call": decision.application.call.title,
        "number": number,
        "year": year,
    }


@dataclass(frozen=True)
class PublicGrant:
    label: str
    granted: int
    paid: int
    amounts: list[int]
    call_url: str


def place_public_grants(place: Place) -> list[PublicGrant]:
    """The public follow-up of a place: for each published accepted decision, its label and the amounts granted
    (after amendments, once there is an agreement) and paid."""
    decisions = (
        Decision.objects.filter(
            application__place=place,
            outcome=DecisionOutcome.ACCEPTED,
            published_at__isnull=False,
            application__call__is_published=True,
        )
        .select_related("application__call", "application__wave")
        .order_by("decided_at")
    )
    grants = []
    for decision in decisions:
        agreement = Agreement.objects.filter(decision=decision).exclude(status="terminated").first()
        granted = agreement.total if agreement else decision.granted_total
        amounts = list(agreement.amounts if agreement else decision.granted_amounts or [])
        grants.append(
            PublicGrant(
                label=laureate_label(decision),
                granted=granted,
                paid=amounts_paid(agreement) if agreement else 0,
                amounts=amounts,
                call_url=decision.application.call.get_absolute_url(),
            )
        )
    return grants


@dataclass(frozen=True)
class LogRow:
    at: Any
    who: str
    subject: str
    action: str
    source: str
    target: str
    reason: str


def log_rows(logs: Iterable[Any], subjects: Mapping[tuple[str, int], str] | None = None) -> list[LogRow]:
    """Workflow log rows (`core.TransitionLog`) with their labels, oldest first; `subjects` names the objects
    ({(workflow name, object id): "Tranche 2"})."""
    flows = {flow.name: flow for flow in workflows.WORKFLOWS}
    rows = []
    for log in sorted(logs, key=lambda log: (log.created_at, log.pk)):
        flow = flows.get(log.workflow)
        try:
            action = flow.transition(log.action).label if flow else log.action
        except KeyError:
            action = log.action
        rows.append(
            LogRow(
                at=log.created_at,
                who=log.actor.display_name if log.actor_id else _("la plateforme"),
                subject=(subjects or {}).get((log.workflow, log.object_id), ""),
                action=action,
                source=flow.label(log.from_status) if flow else log.from_status,
                target=flow.label(log.to_status) if flow else log.to_status,
                reason=log.reason,
            )
        )
    return rows


# --- The beneficiary side -------------------------------------------------------------------------------------
def managed_places(user: User) -> QuerySet[Place]:
    if not _active(user):
        return Place.objects.none()
    return Place.objects.filter(managers=user).select_related("commune__department").order_by("name")


def reports_due(user: User, *, today: date | None = None, within_days: int = 30) -> QuerySet[AnnualReport]:
    """The reports `user` has to file (as a beneficiary): to fill or to correct, due within `within_days` days
    or late, on signed agreements."""
    today = today or timezone.localdate()
    if not _active(user):
        return AnnualReport.objects.none()
    agreements = Agreement.objects.filter(_beneficiary_q(user), status="signed").values("pk")
    return AnnualReport.objects.filter(
        agreement__in=agreements,
        status__in=workflows.EDITABLE_REPORT_STATES,
        due_date__lte=today + timedelta(days=within_days),
    ).order_by("due_date")


def reports_due_count(user: User, *, today: date | None = None) -> int:
    """How many reports `user` has to file soon or late (for a header counter)."""
    return reports_due(user, today=today).count()


def files_reports(user: User) -> bool:
    """Whether `user` is a beneficiary of a signed agreement, so has annual reports to file (header counter)."""
    return _active(user) and Agreement.objects.filter(_beneficiary_q(user), status="signed").exists()


@dataclass
class NextStep:
    when: date | None
    text: str
    url: str = ""
    late: bool = False


@dataclass
class AgreementView:
    agreement: Agreement
    tranches: list[Tranche]
    reports: list[AnnualReport]
    paid: int


@dataclass
class ManagerOverview:
    place: Place
    applications: list[Application]
    agreements: list[AgreementView]
    census: list[dict[str, Any]]
    next_steps: list[NextStep] = field(default_factory=list)


def manager_overview(place: Place, user: User, *, today: date | None = None) -> ManagerOverview:
    """Everything about one place for its manager: its applications, agreements, tranches, reports and census
    answers, and what is due next (soonest first)."""
    from django.urls import reverse

    today = today or timezone.localdate()
    applications = list(
        Application.objects.filter(place=place)
        .filter(Q(applicant=user) | Q(place__managers=user))
        .distinct()
        .select_related("call", "wave")
        .order_by("-created_at")
    )
    views = []
    steps: list[NextStep] = []
    for agreement in Agreement.objects.filter(place=place).select_related("call").order_by("created_at"):
        tranches = list(agreement.tranches.all())
        reports = list(agreement.reports.all())
        views.append(
            AgreementView(agreement, tranches, reports, sum(t.amount for t in tranches if t.status == "paid"))
        )
        if agreement.status != "signed":
            continue
        for report in reports:
            if report.status in workflows.EDITABLE_REPORT_STATES:
                text = (
                    _("Corriger le rapport de l’année %(year)s (%(reference)s)")
                    if report.status == "corrections"
                    else _("Remettre le rapport de l’année %(year)s (%(reference)s)")
                ) % {"year": report.year, "reference": agreement.reference}
                steps.append(
                    NextStep(
                        report.due_date,
                        text,
                        reverse("followup:report", args=[report.pk]),
                        report.due_date < today,
                    )
                )
                break
        upcoming = next(
            (t for t in tranches if t.status in ("scheduled", "due", "committed", "suspended")), None
        )
        if upcoming is not None:
            steps.append(
                NextStep(
                    upcoming.planned_due if upcoming.status == "scheduled" else upcoming.due_on,
                    _("Tranche %(number)s de %(reference)s : %(status)s")
                    % {
                        "number": upcoming.number,
                        "reference": agreement.reference,
                        "status": upcoming.status_label,
                    },
                    reverse("followup:agreement", args=[agreement.pk]),
                )
            )
    answers = {a.campaign_id: a for a in CensusAnswer.objects.filter(place=place)}
    census = []
    for campaign in CensusCampaign.objects.filter(Q(status="open") | Q(pk__in=answers)).order_by("-year"):
        answer = answers.get(campaign.pk)
        census.append({"campaign": campaign, "answer": answer})
        if answer is None and campaign.status == "open":
            steps.append(
                NextStep(
                    campaign.closes_on,
                    _("Répondre au %(campaign)s") % {"campaign": campaign.title},
                    reverse("followup:census_answer_signed_in", args=[campaign.pk, place.slug]),
                )
            )
    steps.sort(key=lambda step: (step.when is None, step.when or today))
    return ManagerOverview(place, applications, views, census, steps)


# --- Staff dashboard -----------------------------------------------------------------------------------------
@dataclass(frozen=True)
class DashboardFilters:
    call: Call | None = None
    envelope: Envelope | None = None
    year: int | None = None
    status: str = ""
    errors: tuple[str, ...] = ()

    def agreements(self, queryset: QuerySet[Agreement]) -> QuerySet[Agreement]:
        if self.call is not None:
            queryset = queryset.filter(call=self.call)
        if self.envelope is not None:
            queryset = queryset.filter(envelope=self.envelope)
        if self.status:
            queryset = queryset.filter(status=self.status)
        if self.year is not None:
            queryset = queryset.filter(decision__decided_at__year=self.year)
        return queryset

    def as_query(self) -> dict[str, str]:
        query = {}
        if self.call is not None:
            query["appel"] = str(self.call.pk)
        if self.envelope is not None:
            query["enveloppe"] = str(self.envelope.pk)
        if self.year is not None:
            query["annee"] = str(self.year)
        if self.status:
            query["statut"] = self.status
        return query


def parse_dashboard_filters(params: Mapping[str, str], user: User) -> DashboardFilters:
    """The dashboard's filters from the URL (?appel=…&enveloppe=…&annee=…&statut=…); a bad value is ignored
    and said."""
    errors = []
    calls = call_selectors.calls_readable_by(user)
    call = envelope = None
    year = None

    def number(name: str) -> int | None:
        raw = (params.get(name) or "").strip()
        if not raw:
            return None
        if not raw.isdigit():
            errors.append(
                _("Filtre « %(name)s » ignoré : « %(value)s » n’est pas un nombre.")
                % {"name": name, "value": raw[:20]}
            )
            return None
        return int(raw)

    call_id = number("appel")
    if call_id is not None:
        call = calls.filter(pk=call_id).first()
        if call is None:
            errors.append(_("Filtre « appel » ignoré : cet appel n’existe pas."))
    envelope_id = number("enveloppe")
    if envelope_id is not None:
        envelope = Envelope.objects.filter(pk=envelope_id, call__in=calls).first()
        if envelope is None or (call is not None and envelope.call_id != call.pk):
            errors.append(_("Filtre « enveloppe » ignoré : cette enveloppe n’existe pas pour cet appel."))
            envelope = None
    year = number("annee")
    if year is not None and not 2000 <= year <= 2100:
        errors.append(_("Filtre « annee » ignoré : année hors de 2000–2100."))
        year = None
    status = (params.get("statut") or "").strip()
    if status and status not in workflows.AGREEMENT.codes:
        errors.append(_("Filtre « statut » ignoré : statut inconnu."))
        status = ""
    return DashboardFilters(call, envelope, year, status, tuple(errors))


@dataclass(frozen=True)
class AmountRow:
    call: str
    envelope: str
    year: int
    committed: int
    paid: int


@dataclass
class Dashboard:
    by_status: list[tuple[str, str, int]]
    flagged: list[Agreement]
    tranches_due: list[Tranche]
    reports_due: list[AnnualReport]
    reports_late: list[AnnualReport]
    amounts: list[AmountRow]
    month_label: date


def dashboard(filters: DashboardFilters, *, today: date | None = None) -> Dashboard:
    """The staff dashboard: agreements by status, flagged agreements, tranches due by the end of this month,
    reports due within 30 days and late ones, amounts committed and paid per call, envelope and year."""
    today = today or timezone.localdate()
    agreements = filters.agreements(Agreement.objects.all())
    counts = dict(agreements.values_list("status").annotate(n=Count("pk")).values_list("status", "n"))
    by_status = [(state.code, state.label, counts.get(state.code, 0)) for state in workflows.AGREEMENT.states]
    ids = agreements.values("pk")
    month_end = today.replace(day=calendar.monthrange(today.year, today.month)[1])
    tranches_due = list(
        Tranche.objects.filter(agreement__in=ids, status__in=("due", "committed"))
        .filter(Q(due_on__lte=month_end) | Q(due_on__isnull=True))
        .select_related("agreement__place", "agreement__call")
        .order_by("due_on", "agreement__reference", "number")
    )
    open_reports = AnnualReport.objects.filter(
        agreement__in=ids, agreement__status="signed", status__in=workflows.EDITABLE_REPORT_STATES
    ).select_related("agreement__place", "agreement__call")
    reports_late = list(open_reports.filter(due_date__lt=today).order_by("due_date"))
    reports_soon = list(
        open_reports.filter(due_date__gte=today, due_date__lte=today + timedelta(days=30)).order_by(
            "due_date"
        )
    )
    flagged = list(agreements.filter(flagged_at__isnull=False).select_related("place").order_by("flagged_at"))
    return Dashboard(
        by_status,
        flagged,
        tranches_due,
        reports_soon,
        reports_late,
        amount_rows(filters),
        today.replace(day=1),
    )


def amount_rows(filters: DashboardFilters) -> list[AmountRow]:
    """Amounts committed (by engagement date) and paid (by payment date) per call, envelope and year."""
    tranches = Tranche.objects.filter(agreement__in=filters.agreements(Agreement.objects.all()).values("pk"))
    table: dict[tuple[str, str, int], list[int]] = defaultdict(lambda: [0, 0])
    for call, envelope, engaged, amount in tranches.filter(
        status__in=("committed", "paid"), engaged_on__isnull=False
    ).values_list("agreement__call__title", "agreement__envelope__name", "engaged_on", "amount"):
        if filters.year is None or engaged.year == filters.year:
            table[(call, envelope or "", engaged.year)][0] += amount
    for call, envelope, paid_on, amount in tranches.filter(status="paid", paid_on__isnull=False).values_list(
        "agreement__call__title", "agreement__envelope__name", "paid_on", "amount"
    ):
        if filters.year is None or paid_on.year == filters.year:
            table[(call, envelope or "", paid_on.year)][1] += amount
    return [AmountRow(c, e, y, committed, paid) for (c, e, y), (committed, paid) in sorted(table.items())]


# --- Census --------------------------------------------------------------------------------------------------
@dataclass(frozen=True)
class RegionRate:
    code: str
    name: str
    invited: int
    answered: int

    @property
    def rate(self) -> float | None:
        return self.answered / self.invited if self.invited else None


def census_rates(campaign: CensusCampaign) -> list[RegionRate]:
    """Invited and answering places per region (every region listed), then the whole of France."""
    invited = dict(
        CensusInvitation.objects.filter(campaign=campaign)
        .values_list("place__commune__region")
        .annotate(n=Count("pk"))
        .values_list("place__commune__region", "n")
    )
    answered = dict(
        CensusAnswer.objects.filter(campaign=campaign)
        .values_list("place__commune__region")
        .annotate(n=Count("pk"))
        .values_list("place__commune__region", "n")
    )
    rows = [
        RegionRate(region.code, region.name, invited.get(region.code, 0), answered.get(region.code, 0))
        for region in Region.objects.order_by("name")
    ]
    rows.append(RegionRate("", _("France entière"), sum(invited.values()), sum(answered.values())))
    return rows


def census_places(campaign: CensusCampaign | None = None) -> QuerySet[Place]:
    """The places a census asks: not closed, with at least one active manager."""
    return (
        Place.objects.exclude(status="closed")
        .filter(managers__is_active=True)
        .distinct()
        .select_related("commune__region")
        .order_by("pk")
    )


# --- The observatory's interface -----------------------------------------------------------------------------
@dataclass(frozen=True)
class Territory:
    """Where a place is: commune, EPCI, department, region (codes)."""

    commune: str
    epci: str
    department: str
    region: str


@dataclass(frozen=True)
class ReportIndicators:
    """The indicators of one accepted annual report (the last submitted version's values). `year` is the
    calendar year in which the report's period starts; `period_start`/`period_end` give the exact period."""

    report_id: int
    agreement: str
    place_id: int | None
    territory: Territory
    call_id: int
    envelope: str
    year: int
    agreement_year: int
    period_start: date
    period_end: date
    opening_hours_per_week: Decimal | None
    users_per_month: int | None
    members: int | None
    jobs_fte: Decimal | None
    volunteers: int | None
    events_held: int | None
    services: tuple[str, ...]
    revenue_total: int | None
    revenue_own: int | None
    revenue_public: int | None
    revenue_private: int | None


def _territory_filter(prefix: str, *, region: str | None, department: str | None, epci: str | None) -> Q:
    query = Q()
    if region:
        query &= Q(**{f"{prefix}commune__region_id": region})
    if department:
        query &= Q(**{f"{prefix}commune__department_id": department})
    if epci:
        query &= Q(**{f"{prefix}commune__epci_id": epci})
    return query


def _territory(place: Place | None) -> Territory:
    if place is None:
        return Territory("", "", "", "")
    commune = place.commune
    return Territory(commune.insee, commune.epci_id or "", commune.department_id, commune.region_id)


def accepted_report_indicators(
    *,
    year: int | None = None,
    region: str | None = None,
    department: str | None = None,
    epci: str | None = None,
    call: Call | None = None,
) -> list[ReportIndicators]:
    """One row per accepted annual report, optionally for one year (of the period's start), territory (INSEE
    codes of a region or department, SIREN of an EPCI) or call. Terminated agreements' reports are kept (the
    activity happened)."""
    reports = AnnualReport.objects.filter(status="accepted").filter(
        _territory_filter("agreement__place__", region=region, department=department, epci=epci)
    )
    if year is not None:
        reports = reports.filter(period_start__year=year)
    if call is not None:
        reports = reports.filter(agreement__call=call)
    rows = []
    for report in reports.select_related("agreement__place__commune", "agreement__envelope").order_by("pk"):
        agreement = report.agreement
        rows.append(
            ReportIndicators(
                report_id=report.pk,
                agreement=agreement.reference,
                place_id=agreement.place_id,
                territory=_territory(agreement.place),
                call_id=agreement.call_id,
                envelope=agreement.envelope.code if agreement.envelope_id else "",
                year=report.period_start.year,
                agreement_year=report.year,
                period_start=report.period_start,
                period_end=report.period_end,
                opening_hours_per_week=report.opening_hours_per_week,
                users_per_month=report.users_per_month,
                members=report.members,
                jobs_fte=report.jobs_fte,
                volunteers=report.volunteers,
                events_held=report.events_held,
                services=tuple(report.services or ()),
                revenue_total=report.revenue_total,
                revenue_own=report.revenue_own,
                revenue_public=report.revenue_public,
                revenue_private=report.revenue_private,
            )
        )
    return rows


@dataclass(frozen=True)
class ReportResponse:
    """For a year: reports expected (due on or before `as_of` on signed or completed agreements), submitted
    (submitted, corrections or accepted) and accepted — the observatory's response rate is accepted/expected."""

    expected: int
    submitted: int
    accepted: int

    @property
    def rate(self) -> float | None:
        return self.accepted / self.expected if self.expected else None


def report_response(
    *,
    year: int | None = None,
    as_of: date | None = None,
    region: str | None = None,
    department: str | None = None,
    epci: str | None = None,
) -> ReportResponse:
    as_of = as_of or timezone.localdate()
    reports = AnnualReport.objects.filter(
        agreement__status__in=("signed", "completed"), due_date__lte=as_of
    ).filter(_territory_filter("agreement__place__", region=region, department=department, epci=epci))
    if year is not None:
        reports = reports.filter(period_start__year=year)
    counts = dict(reports.values_list("status").annotate(n=Count("pk")).values_list("status", "n"))
    submitted = sum(counts.get(code, 0) for code in ("submitted", "corrections", "accepted"))
    return ReportResponse(sum(counts.values()), submitted, counts.get("accepted", 0))


@dataclass(frozen=True)
class CensusRow:
    """One place's answer to the census of `year` (what the manager declared)."""

    year: int
    place_id: int
    territory: Territory
    still_open: bool
    types: tuple[str, ...]
    surface_m2: int | None
    users_per_month: int | None
    jobs_fte: Decimal | None
    legal_form: str
    answered_at: Any


def census_answers(
    *,
    year: int | None = None,
    region: str | None = None,
    department: str | None = None,
    epci: str | None = None,
) -> list[CensusRow]:
    answers = CensusAnswer.objects.filter(
        _territory_filter("place__", region=region, department=department, epci=epci)
    ).select_related("campaign", "place__commune")
    if year is not None:
        answers = answers.filter(campaign__year=year)
    return [
        CensusRow(
            year=answer.campaign.year,
            place_id=answer.place_id,
            territory=_territory(answer.place),
            still_open=answer.still_open,
            types=tuple(answer.types or ()),
            surface_m2=answer.surface_m2,
            users_per_month=answer.users_per_month,
            jobs_fte=answer.jobs_fte,
            legal_form=answer.legal_form,
            answered_at=answer.answered_at,
        )
        for answer in answers.order_by("campaign__year", "place_id")
    ]


def census_years() -> list[int]:
    return list(
        CensusCampaign.objects.exclude(status="draft").values_list("year", flat=True).order_by("year")
    )


@dataclass(frozen=True)
class CensusResponse:
    """For the census of a year in a territory: places invited and places that answered (read-only, for the
    observatory's response rate beside the census figures)."""

    invited: int
    answered: int

    @property
    def rate(self) -> float | None:
        return self.answered / self.invited if self.invited else None


def census_response(
    *,
    year: int,
    region: str | None = None,
    department: str | None = None,
    epci: str | None = None,
) -> CensusResponse:
    where = _territory_filter("place__", region=region, department=department, epci=epci)
    invited = CensusInvitation.objects.filter(where, campaign__year=year).count()
    answered = CensusAnswer.objects.filter(where, campaign__year=year).count()
    return CensusResponse(invited, answered)
