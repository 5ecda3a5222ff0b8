"""Builders of the follow-up: a laureate accepted by the committee (its draft agreement created by the hook), a
complete agreement, a signed one, PDFs."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import date, datetime
from decimal import Decimal
from zoneinfo import ZoneInfo

from django.core.files.uploadedfile import SimpleUploadedFile

from tests.factories.accounts import UserFactory
from tests.factories.calls import ApplicationFactory, CallFactory, EnvelopeFactory, PlaceFactory, WaveFactory
from tests.factories.files import pdf_bytes, png_bytes
from tests.factories.geo import CommuneFactory
from tierslieux.accounts.roles import Role
from tierslieux.accounts.services import user_grant_role
from tierslieux.calls.models import Decision, Status
from tierslieux.calls.review.committee import decision_make
from tierslieux.followup.identifiers import with_key
from tierslieux.followup.models import Agreement
from tierslieux.followup.services import agreements as agreement_services

PARIS = ZoneInfo("Europe/Paris")
SIREN = with_key("41234567")
SIRET = with_key(SIREN + "0001")
RNA = "W291000123"


def user_with(role: Role | None, **extra):
    user = UserFactory(**extra)
    if role is not None:
        user_grant_role(user=user, role=role)
    return user


def pdf(name: str = "convention.pdf") -> SimpleUploadedFile:
    return SimpleUploadedFile(name, pdf_bytes(), content_type="application/pdf")


def png(name: str = "image.png") -> SimpleUploadedFile:
    return SimpleUploadedFile(name, png_bytes(), content_type="image/png")


@dataclass
class Laureate:
    staff: object
    manager: object
    applicant: object
    call: object
    envelope: object
    place: object
    application: object
    decision: object
    agreement: Agreement


def make_laureate(
    *,
    staff=None,
    manager=None,
    applicant=None,
    amounts=(50_000, 40_000, 30_000),
    envelope_amount: int | None = 1_000_000,
    call=None,
    commune=None,
    place_name: str = "La Fabrique du port",
    decided_at: datetime | None = datetime(2024, 12, 10, 10, 0, tzinfo=PARIS),
) -> Laureate:
    """An application accepted by the committee through `decision_make` (which creates the draft agreement),
    dated `decided_at` (the tests drive the calendar at fixed dates)."""
    staff = staff or user_with(Role.PROGRAMME_STAFF, email="equipe-suivi@example.org")
    manager = manager or user_with(Role.PLACE_MANAGER, email="gestionnaire-suivi@example.org")
    if call is None:
        call = CallFactory(title="Fabriques de territoire", staff=[staff])
        EnvelopeFactory(
            call=call, name="Hors grands centres urbains", code="hors-gcu", amount=envelope_amount
        )
        WaveFactory(call=call, name="Vague 1")
    envelope = call.envelopes.order_by("position", "pk").first()
    place = PlaceFactory(
        name=place_name, commune=commune or CommuneFactory(), managers=[manager], siret=SIRET, rna=RNA
    )
    applicant = applicant or user_with(Role.APPLICANT)
    application = ApplicationFactory(
        call=call,
        wave=call.waves.order_by("opens_at").first(),
        status=Status.IN_REVIEW,
        envelope=envelope,
        applicant=applicant,
        place=place,
        project_title="Un tiers-lieu ouvert sur le port",
    )
    decision = decision_make(
        application=application, actor=staff, outcome="accepted", amounts=list(amounts), envelope=envelope
    )
    if decided_at is not None:
        Decision.objects.filter(pk=decision.pk).update(decided_at=decided_at)
        decision.decided_at = decided_at
    agreement = Agreement.objects.get(decision=decision)
    return Laureate(staff, manager, applicant, call, envelope, place, application, decision, agreement)


def complete(agreement: Agreement, actor, *, start: date = date(2025, 1, 1)) -> Agreement:
    return agreement_services.agreement_update(
        agreement=agreement,
        actor=actor,
        data={
            "beneficiary_name": "Association La Fabrique du port",
            "beneficiary_legal_form": "association",
            "siret": SIRET,
            "rna": RNA,
            "representative_name": "Camille Martin",
            "representative_role": "Présidente",
            "start_date": start,
        },
    )


def sign(agreement: Agreement, actor, *, signed_on: date = date(2025, 1, 15), start: date = date(2025, 1, 1)):
    complete(agreement, actor, start=start)
    return agreement_services.agreement_sign(
        agreement=agreement, actor=actor, signed_on=signed_on, upload=pdf(), today=signed_on
    )


def at(day: date, hour: int = 7) -> datetime:
    return datetime(day.year, day.month, day.day, hour, 0, tzinfo=PARIS)


INDICATORS = {
    "opening_hours_per_week": Decimal("35.0"),
    "users_per_month": 220,
    "members": 80,
    "jobs_fte": Decimal("2.50"),
    "volunteers": 12,
    "events_held": 40,
    "services": ["bureaux", "machines"],
    "revenue_total": 150_000,
    "revenue_own": 60_000,
    "revenue_public": 80_000,
    "revenue_private": 10_000,
    "partners": "La commune.",
    "grant_use": "Un poste d’animation.",
    "narrative": "Une belle année.",
}


def fill_report(report, user, **values):
    """Save complete indicators and attach a financial statement (the report is then ready to submit)."""
    from tierslieux.followup.services import reports as report_services

    report.refresh_from_db()
    saved = report_services.report_save(
        report=report, user=user, revision=report.revision, values=INDICATORS | values
    )
    if not saved.attachments.filter(kind="financial_statement").exists():
        report_services.report_attachment_add(
            report=saved, user=user, upload=pdf("compte.pdf"), kind="financial_statement"
        )
    return saved


def submit_report(report, user, *, now=None, **values):
    from tierslieux.followup.services import reports as report_services

    return report_services.report_submit(report=fill_report(report, user, **values), user=user, now=now)


def followup_world(*, staff, manager, applicant, narrative: str = "Une belle année.") -> dict:
    """A laureate of a call whose team is `staff`, its place managed by `manager`, applied for by `applicant`:
    signed a year ago, its first report submitted (with a financial statement, `narrative` as its story), an
    amount amendment with its signed PDF, and an open census of every managed place (`token`: the personal
    link of `manager` for the laureate's place)."""
    from datetime import timedelta

    from django.utils import timezone

    from tierslieux.followup.models import AmendmentKind
    from tierslieux.followup.services import census
    from tierslieux.followup.tokens import census_token

    today = timezone.localdate()
    laureate = make_laureate(staff=staff, manager=manager, applicant=applicant)
    agreement = laureate.agreement
    sign(agreement, staff, signed_on=today - timedelta(days=370), start=today - timedelta(days=380))
    report = agreement.reports.get(year=1)
    submit_report(report, manager, narrative=narrative, partners=narrative, grant_use=narrative)
    amendment = agreement_services.agreement_amend(
        agreement=agreement,
        actor=staff,
        kind=AmendmentKind.AMOUNT,
        effective_on=today - timedelta(days=10),
        reason=narrative,
        values={"amounts": [50_000, 45_000, 35_000]},
        upload=pdf("avenant.pdf"),
    )
    campaign = census.campaign_create(
        actor=staff,
        year=today.year,
        title="Recensement des tiers-lieux",
        closes_on=today + timedelta(days=30),
    )
    census.campaign_open(campaign=campaign, actor=staff)
    return {
        "laureate": laureate,
        "agreement": agreement,
        "tranche": agreement.tranches.get(number=1),
        "report": report,
        "attachment": report.attachments.get(),
        "amendment": amendment,
        "campaign": campaign,
        "token": census_token(campaign_id=campaign.pk, place_id=laureate.place.pk, user_id=manager.pk),
    }
