"""CSV and XLSX of the per-commune table of a territory (public data only: no person is named)."""

from __future__ import annotations

import csv
import io

from openpyxl import Workbook

from .selectors import CommuneRow

HEADERS = [
    "code_insee",
    "commune",
    "departement",
    "epci_siren",
    "population",
    "distance_km",
    "distance_route_approx_km",
    "tiers_lieu_le_plus_proche",
    "tiers_lieux_5km",
    "tiers_lieux_10km",
    "tiers_lieux_20km",
    "zone_blanche",
]


def _values(row: CommuneRow) -> list:
    return [
        row.insee,
        row.name,
        row.department,
        row.epci,
        row.population,
        None if row.nearest_km is None else round(row.nearest_km, 3),
        None if row.road_km is None else round(row.road_km, 3),
        row.nearest_place,
        row.within_5km,
        row.within_10km,
        row.within_20km,
        "oui" if row.white_zone else "non",
    ]


def _safe(value):
    """Spreadsheet formula injection: text starting with = + - @ is prefixed with an apostrophe."""
    if isinstance(value, str) and value[:1] in ("=", "+", "-", "@"):
        return "'" + value
    return value


def rows_csv(rows: list[CommuneRow]) -> bytes:
    buffer = io.StringIO()
    writer = csv.writer(buffer, delimiter=";")
    writer.writerow(HEADERS)
    for row in rows:
        writer.writerow(["" if v is None else _safe(v) for v in _values(row)])
    return ("\ufeff" + buffer.getvalue()).encode("utf-8")


def rows_xlsx(rows: list[CommuneRow], *, title: str) -> bytes:
    workbook = Workbook(write_only=True)
    sheet = workbook.create_sheet(title=title[:31] or "Communes")
    sheet.append(HEADERS)
    for row in rows:
        sheet.append([_safe(v) for v in _values(row)])
    buffer = io.BytesIO()
    workbook.save(buffer)
    return buffer.getvalue()
