"""`manage.py load_geo`: load (upsert) the reference geography of France from tierslieux/geo/data/."""

from __future__ import annotations

import time

from django.core.management.base import BaseCommand, CommandError

from tierslieux.geo.services import DATA_DIR, geo_load
from tierslieux.geo.sources import SourceError


class Command(BaseCommand):
    help = "Charge la géographie de référence (régions, départements, EPCI, communes, QPV, contours)."

    def add_arguments(self, parser):
        parser.add_argument(
            "--data-dir", default=str(DATA_DIR), help="dossier des fichiers (défaut : %(default)s)"
        )
        parser.add_argument("--no-progress", action="store_true", help="sans barre de progression")

    def handle(self, *args, data_dir: str, no_progress: bool, **options):
        started = time.monotonic()
        verbose = options["verbosity"] > 0
        progress = verbose and not no_progress

        def step(label: str) -> None:
            if verbose:
                self.stdout.write(
                    f"Lecture : {label}…" if label != "écriture en base" else "Écriture en base…"
                )

        try:
            report = geo_load(data_dir=data_dir, progress=progress, step=step)
        except SourceError as exc:
            raise CommandError(f"{exc}\nAucune donnée n’a été modifiée.") from exc
        for warning in report.warnings:
            self.stderr.write(f"Avertissement — {warning}")
        if verbose:
            for line in report.lines():
                self.stdout.write(line)
            self.stdout.write(
                self.style.SUCCESS(f"Géographie chargée en {time.monotonic() - started:.1f} s.")
            )
