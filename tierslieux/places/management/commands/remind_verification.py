"""Ask the managers of the places not verified for a year to confirm them (at most once a year per place)."""

from __future__ import annotations

import datetime as dt

from django.core.management.base import BaseCommand, CommandError
from django.utils import timezone


class Command(BaseCommand):
    help = (
        "Relance par courriel les gestionnaires des lieux non vérifiés depuis un an (une fois par an et par "
        "lieu) : « Ces informations sont-elles à jour ? »."
    )

    def add_arguments(self, parser):
        parser.add_argument("--now", help="Date et heure ISO 8601 du passage (par défaut : maintenant).")
        parser.add_argument(
            "--enqueue",
            action="store_true",
            help="Confier l’envoi à la file de tâches (django-tasks) au lieu de l’exécuter ici.",
        )

    def handle(self, *args, now: str | None = None, enqueue: bool = False, **options):
        moment = None
        if now:
            try:
                moment = dt.datetime.fromisoformat(now)
            except ValueError as exc:
                raise CommandError(
                    f"--now : date ISO 8601 attendue (par exemple 2027-01-15T09:00), pas « {now} »."
                ) from exc
            if timezone.is_naive(moment):
                moment = timezone.make_aware(moment)
        if enqueue:
            from tierslieux.places.tasks import remind_verification_task

            result = remind_verification_task.enqueue(now=moment.isoformat() if moment else None)
            self.stdout.write(f"Relances confiées à la file de tâches ({result.id}).")
            return
        from tierslieux.places.services import places_remind_verification

        sent = places_remind_verification(now=moment)
        self.stdout.write(f"{sent} relance(s) envoyée(s).")
