"""Demo follow-up (dev settings only, `make data` after `load_demo_calls`): four demo laureates of the demo call,
their agreements at different stages — a draft, one just signed, one whose first report awaits review, one two
years in with a late report (flagged, next tranche suspended) and an amendment — published as laureates, and an
open census. Every demo place is named "Démo — …". Idempotent: does nothing once the demo agreements exist."""

from __future__ import annotations

import io
from datetime import date, datetime, time, timedelta
from decimal import Decimal

import pypdf
from django.conf import settings
from django.core.files.uploadedfile import SimpleUploadedFile
from django.core.management.base import BaseCommand, CommandError
from django.db import transaction
from django.utils import timezone

from tierslieux.accounts.models import User
from tierslieux.calls.models import Application, Call, Decision, Status
from tierslieux.calls.review.committee import decision_make, laureates_publish
from tierslieux.followup import schedule
from tierslieux.followup.identifiers import with_key
from tierslieux.followup.jobs import flag_late_reports
from tierslieux.followup.models import Agreement, CensusCampaign
from tierslieux.followup.services import agreements, census, reports, tranches
from tierslieux.geo.models import Commune
from tierslieux.places.models import Place
from tierslieux.places.services import place_add_manager, place_create

PREFIX = "AMI-DEMO-SUIVI"
PLACES = [
    ("Démo — La Fabrique du bocage", "draft"),
    ("Démo — L’Atelier des possibles", "signed"),
    ("Démo — La Grange numérique", "report_submitted"),
    ("Démo — Le Quai des savoir-faire", "late"),
]


def _pdf(name: str) -> SimpleUploadedFile:
    """A real one-page PDF (uploads are checked by structure), labelled as a demo document."""
    writer = pypdf.PdfWriter()
    writer.add_blank_page(width=595, height=842)
    writer.add_metadata({"/Title": "Document de démonstration, sans valeur"})
    buffer = io.BytesIO()
    writer.write(buffer)
    return SimpleUploadedFile(name, buffer.getvalue(), content_type="application/pdf")


def _months_ago(today: date, months: int) -> date:
    return schedule.add_months(today.replace(day=1), -months)


class Command(BaseCommand):
    help = "Crée des conventions de démonstration à différentes étapes (réglages de développement seulement)."

    @transaction.atomic
    def handle(self, *args, **options):
        if not settings.DEMO_ACCOUNTS:
            raise CommandError(
                "Les données de démonstration n’existent qu’avec les réglages de développement."
            )
        if Agreement.objects.filter(reference__startswith=f"CONV-{PREFIX}").exists():
            self.stdout.write("Suivi de démonstration : déjà chargé.")
            return
        call = Call.objects.filter(slug="fabriques-de-territoire").first()
        staff = User.objects.filter(email="equipe@demo.tiers-lieux.example").first()
        manager = User.objects.filter(email="gestionnaire@demo.tiers-lieux.example").first()
        applicant = User.objects.filter(email="porteur@demo.tiers-lieux.example").first()
        if call is None or None in (staff, manager, applicant):
            raise CommandError("Lancez d’abord load_demo puis load_demo_calls.")
        call.staff.add(staff)
        wave = call.waves.order_by("opens_at").first()
        envelope = call.envelopes.order_by("position").first()
        communes = list(
            Commune.objects.filter(kind=Commune.Kind.COMMUNE)
            .exclude(density_level="Grands centres urbains")
            .order_by("-population")[: len(PLACES)]
        )
        if len(communes) < len(PLACES):
            raise CommandError("Chargez d’abord la géographie (load_geo).")
        today = timezone.localdate()
        for index, ((name, stage), commune) in enumerate(zip(PLACES, communes, strict=True), start=1):
            place = Place.objects.filter(name=name).first() or place_create(
                data={
                    "name": name,
                    "commune": commune,
                    "lon": commune.interior_lon or commune.town_hall_lon or 2.4,
                    "lat": commune.interior_lat or commune.town_hall_lat or 46.6,
                    "types": ["coworking", "fablab"],
                    "legal_form": "association",
                    "short_description": "Lieu de démonstration : ses données sont fictives.",
                    "opening_hours": {
                        "tu": [["09:00", "18:00"]],
                        "we": [["09:00", "18:00"]],
                        "th": [["09:00", "18:00"]],
                    },
                    "services": ["bureaux", "machines", "evenements"],
                },
                source="demo",
                reason="Données de démonstration",
            )
            place_add_manager(place=place, user=manager)
            application = Application.objects.create(
                call=call,
                wave=wave,
                reference=f"{PREFIX}-{index}",
                applicant=applicant,
                place=place,
                status=Status.IN_REVIEW,
                envelope=envelope,
                project_title=f"Projet de démonstration {index}",
                summary="Dossier de démonstration.",
            )
            decision = decision_make(
                application=application,
                actor=staff,
                outcome="accepted",
                amounts=[50_000, 40_000, 30_000],
                envelope=envelope,
            )
            months = {"draft": 1, "signed": 2, "report_submitted": 15, "late": 29}[stage]
            start = _months_ago(today, months - 1)
            decided = timezone.make_aware(datetime.combine(start - timedelta(days=20), time(10)))
            Decision.objects.filter(pk=decision.pk).update(decided_at=decided)
            agreement = Agreement.objects.get(decision=decision)
            self._advance(
                agreement, stage, staff=staff, manager=manager, start=start, today=today, index=index
            )
        laureates_publish(wave=wave, actor=staff)
        flag_late_reports(now=timezone.now())
        if not CensusCampaign.objects.filter(year=today.year).exists():
            campaign = census.campaign_create(
                actor=staff,
                year=today.year,
                title=f"Recensement {today.year} des tiers-lieux (démonstration)",
                closes_on=today + timedelta(days=45),
            )
            census.campaign_open(campaign=campaign, actor=staff)
        self.stdout.write(f"Suivi de démonstration : {len(PLACES)} conventions — /suivi/")

    def _advance(self, agreement, stage, *, staff, manager, start, today, index):
        if stage == "draft":
            return
        siren = with_key(f"8{index:07d}")
        agreements.agreement_update(
            agreement=agreement,
            actor=staff,
            data={
                "beneficiary_name": f"Association {agreement.place.name.removeprefix('Démo — ')} (démo)",
                "beneficiary_legal_form": "association",
                "siret": with_key(siren + "0001"),
                "rna": f"W{index:09d}",
                "representative_name": "Personne fictive",
                "representative_role": "Présidence",
                "start_date": start,
            },
        )
        signed_on = min(start + timedelta(days=5), today)
        agreements.agreement_sign(
            agreement=agreement, actor=staff, signed_on=signed_on, upload=_pdf("convention.pdf")
        )
        if stage == "signed":
            return
        first = agreement.tranches.get(number=1)
        tranches.tranche_act(tranche=first, actor=staff, action="commit", on=signed_on + timedelta(days=10))
        tranches.tranche_act(
            tranche=first,
            actor=staff,
            action="pay",
            service_done_on=signed_on + timedelta(days=20),
            on=signed_on + timedelta(days=30),
        )
        report = agreement.reports.get(year=1)
        self._fill(report, manager)
        reports.report_submit(report=report, user=manager)
        if stage == "report_submitted":
            return
        reports.report_accept(report=report, actor=staff)
        second = agreement.tranches.get(number=2)
        tranches.tranche_act(tranche=second, actor=staff, action="commit", on=today)
        tranches.tranche_act(tranche=second, actor=staff, action="pay", service_done_on=today, on=today)
        agreements.agreement_amend(
            agreement=agreement,
            actor=staff,
            kind="duration",
            effective_on=today - timedelta(days=30),
            reason="Ouverture retardée par des travaux (démonstration).",
            values={"duration_months": agreement.duration_months + 6},
        )

    def _fill(self, report, manager):
        reports.report_save(
            report=report,
            user=manager,
            revision=report.revision,
            values={
                "opening_hours_per_week": 27,
                "users_per_month": 180,
                "members": 95,
                "jobs_fte": Decimal("2.5"),
                "volunteers": 14,
                "events_held": 36,
                "services": ["bureaux", "machines", "evenements"],
                "revenue_total": 160_000,
                "revenue_own": 70_000,
                "revenue_public": 75_000,
                "revenue_private": 15_000,
                "partners": "Commune, intercommunalité, réseau régional des tiers-lieux (démonstration).",
                "grant_use": "Un poste d’animation et l’équipement de l’atelier (démonstration).",
                "narrative": "Une année de démonstration.",
            },
        )
        reports.report_attachment_add(
            report=report, user=manager, upload=_pdf("compte-de-resultat.pdf"), kind="financial_statement"
        )
