"""Load the real third places of `tierslieux/places/data/` (docs/data.md): idempotent and atomic.

Duplicates across sources are merged; each source row is kept as a PlaceSourceRecord. A place already
loaded is never overwritten (its managers' edits win); only its source records are refreshed.
"""

from __future__ import annotations

import csv
import sys
from pathlib import Path

from django.core.exceptions import ValidationError
from django.core.management.base import BaseCommand, CommandError
from django.db import transaction
from tqdm import tqdm

from tierslieux.geo.models import Commune
from tierslieux.places.merging import merge
from tierslieux.places.models import PlaceSourceRecord
from tierslieux.places.services import place_create
from tierslieux.places.sources import DATA_DIR, ORDER, SOURCE_LABELS, Rejected, SourceRow, read_all
from tierslieux.places.text import normalise
from tierslieux.places.validation import in_france


def _point_lookup():
    try:
        from tierslieux.geo.lookup import communes_at
    except ImportError:
        return None
    return communes_at


class Command(BaseCommand):
    help = "Charge les tiers-lieux réels (CGET 2019, PiNG, Hinaura, Fabriques, Manufactures) ; idempotent."

    def add_arguments(self, parser):
        parser.add_argument("--data-dir", default=str(DATA_DIR))
        parser.add_argument("--source", action="append", choices=ORDER, help="Limiter à ces sources.")
        parser.add_argument("--rejected-csv", help="Écrire les lignes rejetées (source, ligne, id, motif).")

    def handle(self, *args, **options):
        if not Commune.objects.exists():
            raise CommandError("Aucune commune en base : lancez d’abord « manage.py load_geo ».")
        sources = tuple(s for s in ORDER if s in (options["source"] or ORDER))
        progress = not options.get("verbosity", 1) < 1 and sys.stderr.isatty()
        rows, rejected = [], []
        for item in read_all(Path(options["data_dir"]), sources):
            (rejected if isinstance(item, Rejected) else rows).append(item)
        rows = self._resolve_communes(rows, rejected)
        rows.sort(key=lambda r: (r.approximate, ORDER.index(r.source)))
        groups = merge(rows)
        existing = {
            (s, i): p for s, i, p in PlaceSourceRecord.objects.values_list("source", "source_id", "place_id")
        }
        communes = Commune.objects.in_bulk([g.main.insee for g in groups])
        created = kept = 0
        with transaction.atomic():
            for group in tqdm(groups, desc="Tiers-lieux", unit="lieu", disable=not progress):
                place_id = next(
                    (
                        existing[(r.source, r.source_id)]
                        for r in group.rows
                        if (r.source, r.source_id) in existing
                    ),
                    None,
                )
                if place_id is None:
                    data = group.data()
                    data["commune"] = communes[data["commune"]]
                    try:
                        place = place_create(
                            data=data,
                            source=group.main.source,
                            reason=f"Import : {SOURCE_LABELS[group.main.source]}",
                        )
                    except ValidationError as error:
                        for row in group.rows:
                            rejected.append(
                                Rejected(row.source, row.line, row.source_id, "; ".join(error.messages))
                            )
                        continue
                    place_id = place.pk
                    created += 1
                else:
                    kept += 1
                for row in group.rows:
                    PlaceSourceRecord.objects.update_or_create(
                        source=row.source,
                        source_id=row.source_id,
                        defaults={"place_id": place_id, "raw": row.raw},
                    )
        merged = sum(len(g.rows) - 1 for g in groups)
        for item in rejected:
            self.stderr.write(
                f"Rejeté — {item.source} ligne {item.line} (id {item.source_id}) : {item.reason}"
            )
        if options.get("rejected_csv"):
            with open(options["rejected_csv"], "w", newline="", encoding="utf-8") as handle:
                writer = csv.writer(handle)
                writer.writerow(["source", "ligne", "identifiant", "motif"])
                writer.writerows([r.source, r.line, r.source_id, r.reason] for r in rejected)
        self.stdout.write(
            self.style.SUCCESS(
                f"{len(rows)} lignes lues, {merged} doublons fusionnés, {created} lieux créés, "
                f"{kept} déjà présents, {len(rejected)} lignes rejetées."
            )
        )

    def _resolve_communes(self, rows: list[SourceRow], rejected: list[Rejected]) -> list[SourceRow]:
        """Set `row.insee` to a known commune; fall back on the commune point when coordinates are bad."""
        communes = {
            c.insee: c
            for c in Commune.objects.only(
                "insee",
                "name",
                "postcodes",
                "town_hall_lon",
                "town_hall_lat",
                "interior_lon",
                "interior_lat",
                "kind",
            )
        }
        by_postcode: dict[str, list[Commune]] = {}
        for commune in communes.values():
            for postcode in commune.postcodes.split():
                by_postcode.setdefault(postcode.strip(",;"), []).append(commune)
        precise = [r for r in rows if r.lon is not None and r.lat is not None and in_france(r.lon, r.lat)]
        lookup = _point_lookup()
        found = lookup([r.lon for r in precise], [r.lat for r in precise]) if lookup and precise else []
        at_point = {id(row): code for row, code in zip(precise, found, strict=False) if code in communes}
        kept = []
        for row in rows:
            good_point = row.lon is not None and row.lat is not None and in_france(row.lon, row.lat)
            code = row.insee if row.insee in communes else ""
            if not code:
                code = at_point.get(id(row), "")
            if not code and row.postcode in by_postcode:
                candidates = by_postcode[row.postcode]
                named = [c for c in candidates if normalise(c.name) == normalise(row.commune_name)]
                code = (named or candidates)[0].insee if (named or len(candidates) == 1) else ""
            if not code and good_point:
                from tierslieux.places.locating import nearest_commune

                commune = nearest_commune(row.lon, row.lat)
                code = commune.insee if commune else ""
            if not code:
                rejected.append(
                    Rejected(
                        row.source,
                        row.line,
                        row.source_id,
                        "commune introuvable (ni code INSEE, ni code postal, ni coordonnées)",
                    )
                )
                continue
            if not good_point:
                point = communes[code].point
                if point is None:
                    rejected.append(
                        Rejected(
                            row.source, row.line, row.source_id, "coordonnées absentes ou hors de France"
                        )
                    )
                    continue
                row.lon, row.lat = point
                row.approximate = True
            row.insee = code
            kept.append(row)
        return kept
