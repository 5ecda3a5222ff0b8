"""Import places from a CSV, XLSX or GeoJSON file (the engine of the staff import page)."""

from __future__ import annotations

from pathlib import Path

from django.core.management.base import BaseCommand, CommandError

from tierslieux.places.importing import ImportFileError, parse_mapping_args, read_file, run_import


class Command(BaseCommand):
    help = (
        "Importe des tiers-lieux depuis un fichier CSV, XLSX ou GeoJSON : tout ou rien pour les lignes valides, "
        "chaque ligne rejetée est listée avec sa raison ; réimporter le même fichier ne change rien."
    )

    def add_arguments(self, parser):
        parser.add_argument("path", help="Fichier .csv, .xlsx ou .geojson")
        parser.add_argument("--source", required=True, help="Nom de la source (ex. reseau-bretagne).")
        parser.add_argument(
            "--mapping",
            nargs="*",
            default=[],
            metavar="COLONNE=CHAMP",
            help="Corrige la correspondance devinée depuis l’en-tête (COLONNE= ignore une colonne).",
        )
        parser.add_argument("--dry-run", action="store_true", help="Vérifie tout sans rien écrire.")

    def handle(self, *args, path: str, source: str, mapping: list[str], dry_run: bool, **options):
        file = Path(path)
        if not file.is_file():
            raise CommandError(f"Fichier introuvable : {path}")
        try:
            table = read_file(file.name, file.read_bytes())
            columns = parse_mapping_args(mapping, table.columns)
            self.stdout.write("Correspondance : " + ", ".join(f"{c} → {f}" for c, f in columns.items()))
            report = run_import(table, columns, source=source, dry_run=dry_run)
        except ImportFileError as error:
            raise CommandError(str(error)) from None
        for row in report.rejected:
            self.stdout.write(self.style.WARNING(f"Ligne {row.line} rejetée : {' ; '.join(row.errors)}"))
        prefix = "Simulation : " if dry_run else ""
        self.stdout.write(self.style.SUCCESS(prefix + report.summary()))
