from django.core.management.base import BaseCommand

from tierslieux.geo.diagnostic.services import coverage_recompute_all


class Command(BaseCommand):
    help = "Recalcule la couverture de toutes les communes par les tiers-lieux ouverts (avec barre de progression)."

    def add_arguments(self, parser):
        parser.add_argument("--no-progress", action="store_true", help="Sans barre de progression.")

    def handle(self, *args, **options):
        run = coverage_recompute_all(progress=not options["no_progress"])
        self.stdout.write(
            self.style.SUCCESS(
                f"Couverture calculée : {run.commune_count} communes, {run.place_count} tiers-lieux comptés, "
                f"{run.duration_ms:.0f} ms."
            )
        )
