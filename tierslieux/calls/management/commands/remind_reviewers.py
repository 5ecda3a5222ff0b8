"""Email the reviewers whose assignment is past due (at most once every two days per assignment)."""

from django.core.management.base import BaseCommand


class Command(BaseCommand):
    help = (
        "Relance par courriel les instructeur·rices en retard (évaluation non rendue après la date prévue)."
    )

    def add_arguments(self, parser):
        parser.add_argument(
            "--enqueue",
            action="store_true",
            help="Confier l’envoi à la file de tâches (django-tasks) au lieu de l’exécuter ici.",
        )

    def handle(self, *args, enqueue: bool = False, **options):
        if enqueue:
            from tierslieux.calls.review.tasks import remind_reviewers_task

            result = remind_reviewers_task.enqueue()
            self.stdout.write(f"Relances confiées à la file de tâches ({result.id}).")
            return
        from tierslieux.calls.review.services import reviewers_remind

        sent = reviewers_remind()
        self.stdout.write(f"{sent} relance(s) envoyée(s).")
