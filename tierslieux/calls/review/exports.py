"""Tabular exports of the staff list (CSV, XLSX) and of the public laureates (CSV)."""

from __future__ import annotations

import io
from collections.abc import Iterable

from openpyxl import Workbook

from tierslieux.core.spreadsheets import safe_cell

STAFF_HEADER = [
    "Numéro",
    "Vague",
    "Enveloppe",
    "Statut",
    "Tiers-lieu",
    "Commune",
    "Région",
    "Projet",
    "Montant demandé (€)",
    "Note moyenne (0-5)",
    "Évaluations rendues",
    "Désaccord",
    "Instructeur·rices",
    "Montant accordé (€)",
]
LAUREATE_HEADER = [
    "Numéro",
    "Appel",
    "Vague",
    "Tiers-lieu",
    "Commune",
    "Code INSEE",
    "Enveloppe",
    "Montant accordé (€)",
]


def staff_table(rows) -> list[list]:
    table = []
    for row in rows:
        a = row.application
        place = a.place
        decision = getattr(a, "decision", None)
        table.append(
            [
                a.reference,
                a.wave.name if a.wave_id else "",
                a.envelope.name if a.envelope_id else "",
                a.get_status_display(),
                place.name if place else "",
                place.commune.name if place else "",
                place.commune.region.name if place else "",
                a.project_title,
                a.requested_total,
                round(row.score.score, 2) if row.score.score is not None else "",
                row.score.reviews,
                "oui" if row.score.disagreement else "non",
                ", ".join(row.reviewers),
                decision.granted_total if decision else "",
            ]
        )
    return table


def laureate_table(laureates: Iterable[dict]) -> list[list]:
    return [
        [
            r["reference"],
            r["call"],
            r["wave"],
            r["place"],
            r["commune"],
            r["insee"],
            r["envelope"],
            r["amount"],
        ]
        for r in laureates
    ]


def to_xlsx(header: list[str], table: list[list], title: str = "Dossiers") -> bytes:
    workbook = Workbook()
    sheet = workbook.active
    sheet.title = title[:31]
    sheet.append(header)
    for line in table:
        sheet.append([safe_cell(v) for v in line])
    buffer = io.BytesIO()
    workbook.save(buffer)
    return buffer.getvalue()
