"""CSV and XLSX of the per-commune table of a territory (public data only: no person is named)."""

from __future__ import annotations

import io

from openpyxl import Workbook

from tierslieux.core.spreadsheets import csv_bytes, safe_cell

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
    "remarque",
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
        row.note,
    ]


def rows_csv(rows: list[CommuneRow]) -> bytes:
    return csv_bytes(HEADERS, (_values(row) for row in rows))


def rows_xlsx(rows: list[CommuneRow], *, title: str) -> bytes:
    workbook = Workbook(write_only=True)
    sheet = workbook.create_sheet(title=title[:31] or "Communes")
    sheet.append(HEADERS)
    for row in rows:
        sheet.append([safe_cell(v) for v in _values(row)])
    buffer = io.BytesIO()
    workbook.save(buffer)
    return buffer.getvalue()
