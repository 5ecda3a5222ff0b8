"""CSV and XLSX of a scenario: one line per candidate (no person is named: references, places, communes)."""

from __future__ import annotations

import io

from openpyxl import Workbook

from tierslieux.core.spreadsheets import csv_bytes, safe_cell

from .report import Row

HEADERS = [
    "dossier",
    "projet",
    "tiers_lieu",
    "commune",
    "departement",
    "note",
    "montant_demande_eur",
    "retenu",
    "enveloppe",
    "population_nouvellement_couverte_seul",
    "retenu_classement_par_note",
    "motif_si_non_retenu",
]


def _values(row: Row) -> list:
    return [
        row.reference,
        row.title,
        row.place,
        row.commune,
        row.department,
        None if row.score is None else round(row.score, 4),
        row.requested,
        "oui" if row.selected else "non",
        row.envelope,
        row.alone_population,
        "oui" if row.in_baseline else "non",
        row.reason,
    ]


def to_csv(rows: list[Row]) -> bytes:
    return csv_bytes(HEADERS, (_values(row) for row in rows))


def to_xlsx(rows: list[Row], *, title: str, figures: list[tuple[str, object]]) -> bytes:
    workbook = Workbook()
    sheet = workbook.active
    sheet.title = "Dossiers"
    sheet.append(HEADERS)
    for row in rows:
        sheet.append([safe_cell(v) for v in _values(row)])
    summary = workbook.create_sheet("Scénario")
    summary.append(["scénario", safe_cell(title)])
    for label, value in figures:
        summary.append([label, safe_cell(value) if isinstance(value, str) else value])
    buffer = io.BytesIO()
    workbook.save(buffer)
    return buffer.getvalue()
