"""Import places from a CSV, XLSX, GeoJSON or JSON file (the engine of the staff import pages): the same
reading, matching, merge policy, report and history; `--undo N` cancels import N."""

from __future__ import annotations

from pathlib import Path

from django.conf import settings
from django.core.exceptions import ValidationError
from django.core.management.base import BaseCommand, CommandError

from tierslieux.places.importing import (
    LIST_FIELDS,
    ImportFileError,
    detect_format,
    parse_mapping_args,
    place_import_cancel,
    read_file,
    report_csv,
    run_import,
)
from tierslieux.places.models import PlaceImport


def _values(items: list[str]) -> dict[str, dict[str, list[str]]]:
    """ "types:FabLab / atelier=fablab,atelier_partage" → {"types": {"FabLab / atelier": [...]}}."""
    result: dict[str, dict[str, list[str]]] = {}
    for item in items:
        field, colon, rest = item.partition(":")
        value, equal, codes = rest.rpartition("=")
        if not colon or not equal or field not in LIST_FIELDS or not value:
            raise CommandError(
                f"Correspondance de valeur invalide « {item} » : attendu champ:valeur=code1,code2 "
                f"(champs : {', '.join(LIST_FIELDS)})."
            )
        result.setdefault(field, {})[value] = [c.strip() for c in codes.split(",") if c.strip()]
    return result


def _decisions(items: list[str]) -> dict[str, str]:
    result = {}
    for item in items:
        line, equal, decision = item.partition("=")
        if not equal or not line.isdigit():
            raise CommandError(f"Décision invalide « {item} » : attendu LIGNE=create|skip|merge:ID|fill:ID.")
        result[line] = decision
    return result


class Command(BaseCommand):
    help = (
        "Importe des tiers-lieux depuis un fichier CSV, XLSX, GeoJSON ou JSON (dont le schéma national des lieux "
        "de médiation numérique) : un lieu existant n’est reconnu que par son nom ET sa commune (ou un point "
        "proche, le même site ou SIRET) ; tout ou rien pour les lignes valides, chaque ligne rejetée est listée "
        "avec sa raison ; réimporter le même fichier ne change rien ; --undo annule un import."
    )

    def add_arguments(self, parser):
        parser.add_argument("path", nargs="?", help="Fichier .csv, .xlsx, .geojson ou .json")
        parser.add_argument("--source", help="Nom de la source (ex. reseau-bretagne).")
        parser.add_argument(
            "--mapping",
            nargs="*",
            default=[],
            metavar="COLONNE=CHAMP",
            help="Corrige la correspondance devinée depuis l’en-tête (COLONNE= ignore une colonne).",
        )
        parser.add_argument(
            "--values",
            nargs="*",
            default=[],
            metavar="CHAMP:VALEUR=CODES",
            help="Ce que veut dire une valeur inconnue (ex. « types:FabLab / atelier=fablab,atelier_partage ») ; "
            "retenu pour la source.",
        )
        parser.add_argument(
            "--decision",
            nargs="*",
            default=[],
            metavar="LIGNE=CHOIX",
            help="Choix pour une ligne : create, skip, merge:ID (fusionner) ou fill:ID (compléter sans remplacer).",
        )
        parser.add_argument("--dry-run", action="store_true", help="Vérifie tout sans rien écrire.")
        parser.add_argument("--report", help="Écrit le rapport (CSV) dans ce fichier.")
        parser.add_argument("--undo", type=int, metavar="N", help="Annule l’import n° N.")

    def handle(self, *args, **options):
        if options["undo"]:
            return self._undo(options["undo"])
        path, source = options["path"], options["source"]
        if not path or not source:
            raise CommandError("Indiquez le fichier et --source (ou --undo N).")
        file = Path(path)
        if not file.is_file():
            raise CommandError(f"Fichier introuvable : {path}")
        content = file.read_bytes()
        try:
            table = read_file(file.name, content)
            known = detect_format(table.columns)
            mapping = parse_mapping_args(options["mapping"], table.columns, known.mapping if known else None)
            if known:
                self.stdout.write(f"Format reconnu : {known.label}")
            self.stdout.write("Correspondance : " + ", ".join(f"{c} → {f}" for c, f in mapping.items()))
            report = run_import(
                file.name,
                mapping,
                content=content,
                source=source,
                dry_run=options["dry_run"],
                decisions=_decisions(options["decision"]),
                value_mappings=_values(options["values"]),
            )
        except (ImportFileError, ValidationError) as error:
            raise CommandError(" ".join(getattr(error, "messages", [str(error)]))) from None
        for row in report.rows:
            if row["action"] == "rejected":
                self.stdout.write(
                    self.style.WARNING(f"Ligne {row['line']} rejetée : {' ; '.join(row['errors'])}")
                )
            for warning in row["warnings"]:
                self.stdout.write(f"Ligne {row['line']} : {warning}")
        if options["report"]:
            Path(options["report"]).write_bytes(
                report_csv(report.rows, site_url=settings.SITE_URL, columns=table.columns)
            )
            self.stdout.write(f"Rapport écrit dans {options['report']}")
        prefix = "Simulation : " if options["dry_run"] else f"Import n° {report.place_import.pk} : "
        self.stdout.write(self.style.SUCCESS(prefix + report.summary()))

    def _undo(self, number: int):
        place_import = PlaceImport.objects.filter(pk=number).first()
        if place_import is None:
            raise CommandError(f"Aucun import n° {number}.")
        try:
            result = place_import_cancel(place_import=place_import, user=None)
        except ValidationError as error:
            raise CommandError(" ".join(error.messages)) from None
        self.stdout.write(
            self.style.SUCCESS(
                f"Import n° {number} annulé : {result['restored']} lieux rétablis, {result['removed']} supprimés."
            )
        )
        for kept in result["kept"]:
            self.stdout.write(f"Conservé (modifié depuis l’import) : {kept}")
