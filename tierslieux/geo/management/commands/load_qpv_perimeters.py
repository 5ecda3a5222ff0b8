"""`manage.py load_qpv_perimeters FILE.geojson`: import the official QPV perimeters."""

from __future__ import annotations

from django.core.management.base import BaseCommand, CommandError

from tierslieux.geo.services import qpv_perimeters_load
from tierslieux.geo.sources import SourceError


class Command(BaseCommand):
    help = "Importe les périmètres officiels des QPV (GeoJSON, WGS84) ; le point-dans-QPV devient exact."

    def add_arguments(self, parser):
        parser.add_argument("path", help="fichier GeoJSON (FeatureCollection), éventuellement .gz")
        parser.add_argument(
            "--code-field", default="code_qp", help="propriété du code QPV (défaut : %(default)s)"
        )
        parser.add_argument("--name-field", default="lib_qp", help="propriété du nom (défaut : %(default)s)")

    def handle(self, *args, path: str, code_field: str, name_field: str, **options):
        try:
            report = qpv_perimeters_load(path=path, code_field=code_field, name_field=name_field)
        except SourceError as exc:
            raise CommandError(f"{exc}\nAucune donnée n’a été modifiée.") from exc
        for line in report.lines():
            self.stdout.write(line)
        self.stdout.write(self.style.SUCCESS("Périmètres des QPV importés."))
