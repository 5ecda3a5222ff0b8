"""Demo data of the network, for `make run` only (refused unless settings.DEMO_ACCOUNTS): two demo places near
Brest (a fablab that accompanies projects and a place "en projet"), offers and needs that match, events (one
recurring with an exception, one cancelled), a running pairing with its first meeting, a resource. Every title
says "démo". Idempotent: nothing is created twice."""

import datetime as dt

from django.conf import settings
from django.core.management import call_command
from django.core.management.base import BaseCommand, CommandError
from django.db import transaction
from django.utils import timezone

from tierslieux.accounts.models import User
from tierslieux.geo.models import Commune
from tierslieux.places.models import Place
from tierslieux.places.services import place_create

from ... import services
from ...models import Event, Listing, MentoringRequest, Resource

FABLAB = "fablab-de-demonstration-reseau"
PROJECT = "projet-de-demonstration-reseau"


class Command(BaseCommand):
    help = "Crée les données de démonstration du réseau (annonces, événements, compagnonnage). Développement seulement."

    def handle(self, *args, **options):
        if not settings.DEMO_ACCOUNTS:
            raise CommandError(
                "Les données de démonstration n’existent qu’avec les réglages de développement."
            )
        call_command("load_demo", stdout=self.stdout)
        with transaction.atomic():
            self._load()

    def _commune(self, insee: str, fallback_index: int) -> Commune:
        commune = Commune.objects.filter(pk=insee).first()
        if commune is None or commune.point is None:
            commune = Commune.objects.exclude(town_hall_lon=None).order_by("-population")[fallback_index]
        return commune

    def _load(self):
        manager = User.objects.get(email="gestionnaire@demo.tiers-lieux.example")
        applicant = User.objects.get(email="porteur@demo.tiers-lieux.example")
        staff = User.objects.get(email="equipe@demo.tiers-lieux.example")
        if Place.objects.filter(slug=FABLAB).exists():
            self.stdout.write("Réseau de démonstration déjà chargé.")
            return
        if not Commune.objects.exclude(town_hall_lon=None).exists():
            raise CommandError("Chargez d’abord la géographie (manage.py load_geo).")
        brest, landerneau = self._commune("29019", 0), self._commune("29103", 1)
        lon, lat = brest.point
        fablab = place_create(
            data={
                "name": "Fablab de démonstration (démo)",
                "slug": FABLAB,
                "types": ["fablab"],
                "commune": brest,
                "lon": lon + 0.01,
                "lat": lat,
                "status": "open",
                "short_description": "Lieu fictif des données de démonstration du réseau.",
                "equipment": [{"category": "fabrication", "name": "Découpeuse laser"}],
            }
        )
        fablab.managers.add(manager)
        lon2, lat2 = landerneau.point
        project = place_create(
            data={
                "name": "Projet de tiers-lieu (démo)",
                "slug": PROJECT,
                "types": ["atelier_partage"],
                "commune": landerneau,
                "lon": lon2,
                "lat": lat2,
                "status": "project",
                "short_description": "Projet fictif des données de démonstration du réseau.",
            }
        )
        project.managers.add(applicant)
        until = timezone.localdate() + dt.timedelta(days=90)
        listings = [
            (
                manager,
                {
                    "side": "offer",
                    "kind": "equipment",
                    "category": "fabrication",
                    "place": fablab,
                    "title": "Démo — Découpeuse laser à partager",
                    "description": "Le **mercredi** après-midi, avec une formation.",
                    "radius_km": 40,
                    "terms": "exchange",
                    "terms_note": "Contre un coup de main à l’atelier",
                },
            ),
            (
                manager,
                {
                    "side": "offer",
                    "kind": "space",
                    "category": "salle_reunion",
                    "place": fablab,
                    "title": "Démo — Salle de réunion de 12 places",
                    "radius_km": 20,
                    "terms": "price",
                    "capacity": 12,
                    "price_min": 20,
                    "price_max": 60,
                },
            ),
            (
                applicant,
                {
                    "side": "need",
                    "kind": "equipment",
                    "category": "fabrication",
                    "place": project,
                    "title": "Démo — Cherche découpe laser pour nos enseignes",
                    "radius_km": 70,
                    "terms": "exchange",
                },
            ),
            (
                applicant,
                {
                    "side": "need",
                    "kind": "skill",
                    "category": "subventions",
                    "place": project,
                    "title": "Démo — Aide au montage d’un dossier de subvention",
                    "radius_km": 80,
                    "terms": "free",
                },
            ),
        ]
        for owner, values in listings:
            listing = services.listing_save(
                user=owner, data=values | {"commune": None, "valid_until": until, "tags": "démo"}
            )
            services.listing_publish(listing=listing, user=owner)
        today = timezone.localdate()
        tuesday = today + dt.timedelta(days=(1 - today.weekday()) % 7 or 7)
        base = {
            "time_zone": "Europe/Paris",
            "all_day": False,
            "attendance": "on_site",
            "at_place": True,
            "is_free": True,
        }
        services.event_save(
            user=manager,
            place=fablab,
            data=base
            | {
                "title": "Démo — Open lab du mardi soir",
                "category": "open_lab",
                "description": "Machines en libre accès.",
                "start": dt.datetime.combine(tuesday, dt.time(18)),
                "end": dt.datetime.combine(tuesday, dt.time(21)),
                "rrule": "FREQ=WEEKLY;BYDAY=TU;COUNT=12",
                "exdates": [tuesday + dt.timedelta(days=14)],
            },
        )
        saturday = tuesday + dt.timedelta(days=4)
        services.event_save(
            user=manager,
            place=fablab,
            data=base
            | {
                "title": "Démo — Repair café",
                "category": "repair_cafe",
                "audience": "Tout public",
                "start": dt.datetime.combine(saturday, dt.time(10)),
                "end": dt.datetime.combine(saturday, dt.time(13)),
            },
        )
        cancelled = services.event_save(
            user=manager,
            place=fablab,
            data=base
            | {
                "title": "Démo — Conférence sur les communs",
                "category": "conference",
                "is_free": False,
                "price": "5 €",
                "start": dt.datetime.combine(saturday + dt.timedelta(days=7), dt.time(18)),
                "end": dt.datetime.combine(saturday + dt.timedelta(days=7), dt.time(20)),
            },
        )
        services.event_transition(
            event=cancelled, user=manager, action="cancel", reason="Démo : intervenant indisponible"
        )
        mentor = services.mentor_offer_save(
            user=manager,
            place=fablab,
            data={
                "themes": ["gouvernance", "financements", "fabrication"],
                "capacity": 3,
                "travel_km": 80,
                "description": "Accompagnement des projets du Finistère (démo).",
                "show_on_place_page": True,
            },
        )
        request = services.mentoring_request_save(
            user=applicant,
            data={
                "project_title": "Projet de tiers-lieu (démo)",
                "place": project,
                "themes": ["financements", "gouvernance"],
                "message": "Nous cherchons un lieu expérimenté pour notre modèle économique (démo).",
                "show_on_place_page": True,
            },
        )
        pairing = services.pairing_staff_create(user=staff, request=request, mentor=mentor)
        services.meeting_add(
            user=manager,
            pairing=pairing,
            data={
                "date": today,
                "topic": "Premier échange sur le budget (démo)",
                "next_step": "Relire le plan de financement",
            },
        )
        services.resource_create(
            user=manager,
            data={
                "title": "Démo — Guide pour ouvrir un fablab",
                "kind": "guide",
                "licence": "CC-BY-SA-4.0",
                "description": "Ressource fictive des données de démonstration.",
                "author_place": fablab,
                "tags": "démo, fablab",
                "version": "1.0",
            },
            link="https://example.org/guide-fablab",
        )
        self.stdout.write(
            f"Réseau de démonstration : {Listing.objects.count()} annonces, {Event.objects.count()} événements, "
            f"{MentoringRequest.objects.count()} demande de compagnonnage, {Resource.objects.count()} ressource "
            f"autour de « {fablab.name} » ({brest.name})."
        )
