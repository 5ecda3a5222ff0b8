"""A realistic demo call "Fabriques de territoire" (envelopes, waves, rules, scoring grid, questions), for
`make run`. Idempotent: an existing demo call is left as it is (a wave is opened if none is). Development
settings only (`DEMO_ACCOUNTS`); the call is marked `is_demo` and labelled "Données de démonstration"."""

from datetime import timedelta

from django.conf import settings
from django.core.management.base import BaseCommand, CommandError
from django.db import transaction
from django.utils import timezone

from tierslieux.accounts.models import User
from tierslieux.calls import services
from tierslieux.calls.models import Call

SLUG = "fabriques-de-territoire"
DESCRIPTION = """## Objet

L’État soutient des tiers-lieux structurants, les **Fabriques de territoire**, dans les villes petites et
moyennes et dans les quartiers prioritaires de la politique de la ville. L’appel est permanent et se déroule en
vagues successives.

## Soutien

- de 75 000 € à 150 000 € sur trois ans, 50 000 € au plus par an ;
- un accompagnement par le réseau national des tiers-lieux.

## Calendrier

Chaque vague retient une trentaine de lauréats. Une vague est réservée aux territoires qui ne comptent encore
aucun tiers-lieu labellisé.
"""
ENVELOPES = [
    ("Hors grands centres urbains", "hors-gcu", 150, 22_500_000),
    ("Quartiers prioritaires (QPV)", "qpv", 120, 18_000_000),
    ("Fabriques numériques en QPV", "numerique-qpv", 30, 4_500_000),
]
CRITERIA = [
    (
        "Ancrage territorial",
        "Le projet répond à des besoins identifiés du territoire et associe ses habitants.",
        3,
    ),
    ("Gouvernance ouverte", "Les usagers et partenaires participent aux décisions.", 2),
    ("Modèle économique", "Diversité des ressources et perspectives d’autonomie au-delà de trois ans.", 2),
    ("Activités et services", "Diversité et complémentarité des activités proposées.", 1),
]


class Command(BaseCommand):
    help = "Crée l’appel de démonstration « Fabriques de territoire » (idempotent)."

    @transaction.atomic
    def handle(self, *args, **options):
        if not settings.DEMO_ACCOUNTS:
            raise CommandError("L’appel de démonstration n’existe qu’avec les réglages de développement.")
        now = timezone.now()
        staff = User.objects.filter(email="equipe@demo.tiers-lieux.example").first()
        call = Call.objects.filter(slug=SLUG).first()
        if call is None:
            call = Call.objects.create(
                title="Fabriques de territoire",
                slug=SLUG,
                is_published=True,
                is_demo=True,
                description=DESCRIPTION,
                summary="Soutenir 300 tiers-lieux structurants dans les territoires, en vagues successives.",
                total_budget=45_000_000,
                min_total_amount=75_000,
                max_total_amount=150_000,
                max_per_year=50_000,
                years=3,
            )
            envelopes = {}
            for position, (name, code, laureates, amount) in enumerate(ENVELOPES):
                envelopes[code] = services.envelope_save(
                    call=call,
                    data={
                        "name": name,
                        "code": code,
                        "max_laureates": laureates,
                        "amount": amount,
                        "position": position,
                    },
                )
            services.wave_save(
                call=call,
                data={
                    "name": "Vague 1",
                    "opens_at": now - timedelta(days=200),
                    "closes_at": now - timedelta(days=110),
                    "target_laureates": 30,
                },
            )
            services.wave_save(
                call=call,
                data={
                    "name": "Vague 2",
                    "opens_at": now - timedelta(days=10),
                    "closes_at": now + timedelta(days=60),
                    "target_laureates": 30,
                },
            )
            reserved = services.wave_save(
                call=call,
                data={
                    "name": "Vague 3 — territoires sans tiers-lieu labellisé",
                    "opens_at": now + timedelta(days=90),
                    "closes_at": now + timedelta(days=150),
                    "target_laureates": 30,
                },
            )
            outside = [envelopes["hors-gcu"]]
            qpv = [envelopes["qpv"], envelopes["numerique-qpv"]]
            services.rule_create(
                call=call,
                name="Hors grands centres urbains",
                kind="density_not_in",
                params={"levels": ["Grands centres urbains"]},
                envelopes=outside,
            )
            services.rule_create(
                call=call,
                name="Hors métropole",
                kind="metropole_member",
                params={"member": False},
                envelopes=outside,
            )
            services.rule_create(
                call=call, name="Projet situé en QPV", kind="in_qpv", params={"value": True}, envelopes=qpv
            )
            services.rule_create(
                call=call,
                name="Structure porteuse",
                kind="legal_form_in",
                params={"forms": ["association", "scic", "scop", "local_authority"]},
            )
            services.rule_create(
                call=call, name="Montants du programme", kind="amounts_within_rules", params={}
            )
            services.rule_create(
                call=call,
                name="Intercommunalité sans tiers-lieu labellisé",
                kind="territory_without_label",
                params={"scope": "epci"},
                wave=reserved,
            )
            for position, (name, description, weight) in enumerate(CRITERIA):
                services.criterion_save(
                    call=call,
                    data={"name": name, "description": description, "weight": weight, "position": position},
                )
            services.question_save(
                call=call,
                data={
                    "label": "Le lieu est-il déjà ouvert au public ?",
                    "kind": "choice",
                    "required": True,
                    "choices": ["Oui", "Non, ouverture prévue dans l’année", "Non, projet en amorçage"],
                },
            )
            services.question_save(
                call=call,
                data={
                    "label": "Statuts de la structure porteuse",
                    "kind": "file",
                    "required": False,
                    "help_text": "PDF de préférence.",
                },
            )
        if call.open_wave(now) is None:
            services.wave_save(
                call=call,
                data={
                    "name": f"Vague du {now:%d/%m/%Y}",
                    "opens_at": now,
                    "closes_at": now + timedelta(days=60),
                    "target_laureates": 30,
                },
            )
        if not call.is_demo:
            call.is_demo = True
            call.save(update_fields=["is_demo"])
        if staff is not None:
            call.staff.add(staff)
        self.stdout.write(f"Appel de démonstration : /appels/{call.slug}/")
