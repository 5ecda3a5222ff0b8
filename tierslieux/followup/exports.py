"""Staff exports of the follow-up (CSV and XLSX through `tierslieux.core.spreadsheets`): agreements and
tranches, with the dashboard's filters."""

from __future__ import annotations

import io
from collections.abc import Iterable, Sequence
from typing import Any

from tierslieux.core.spreadsheets import xlsx_cells

from . import workflows
from .models import Agreement, Tranche

AGREEMENT_HEADER = [
    "convention",
    "dossier",
    "appel",
    "enveloppe",
    "lieu",
    "commune",
    "beneficiaire",
    "siret",
    "rna",
    "statut",
    "montants_par_annee",
    "montant_total",
    "montant_paye",
    "date_debut",
    "duree_mois",
    "date_signature",
    "version",
    "en_retard_depuis",
]
TRANCHE_HEADER = [
    "convention",
    "appel",
    "enveloppe",
    "lieu",
    "tranche",
    "montant",
    "statut",
    "echeance_prevue",
    "exigible_le",
    "engagee_le",
    "service_fait_le",
    "payee_le",
    "motif",
]


def _day(value) -> str:
    return value.isoformat() if value else ""


def agreement_table(agreements: Iterable[Agreement]) -> list[list[Any]]:
    rows = []
    for a in agreements:
        paid = sum(t.amount for t in a.tranches.all() if t.status == "paid")
        rows.append(
            [
                a.reference,
                a.decision.application.reference,
                a.call.title,
                a.envelope.name if a.envelope_id else "",
                a.place.name if a.place_id else "",
                a.place.commune.name if a.place_id else "",
                a.beneficiary_name,
                a.siret,
                a.rna,
                workflows.AGREEMENT.label(a.status),
                " ; ".join(str(amount) for amount in a.amounts),
                a.total,
                paid,
                _day(a.start_date),
                a.duration_months,
                _day(a.signed_on),
                a.version,
                a.flagged_at.date().isoformat() if a.flagged_at else "",
            ]
        )
    return rows


def tranche_table(tranches: Iterable[Tranche]) -> list[list[Any]]:
    return [
        [
            t.agreement.reference,
            t.agreement.call.title,
            t.agreement.envelope.name if t.agreement.envelope_id else "",
            t.agreement.place.name if t.agreement.place_id else "",
            t.number,
            t.amount,
            workflows.TRANCHE.label(t.status),
            _day(t.planned_due),
            _day(t.due_on),
            _day(t.engaged_on),
            _day(t.service_done_on),
            _day(t.paid_on),
            t.status_reason,
        ]
        for t in tranches
    ]


def xlsx_export(sheets: Sequence[tuple[str, Sequence[str], list[list[Any]]]]) -> bytes:
    """One workbook, one sheet per (title, header, table); no cell is ever a formula."""
    from openpyxl import Workbook

    workbook = Workbook(write_only=True)
    for title, header, table in sheets:
        sheet = workbook.create_sheet(title)
        sheet.append(list(header))
        for line in table:
            sheet.append(xlsx_cells(sheet, line))
    buffer = io.BytesIO()
    workbook.save(buffer)
    return buffer.getvalue()
