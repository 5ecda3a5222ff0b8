"""The open data of the funding agreements in the national schema for subsidies: SCDL « subventions » 2.1.1
(données essentielles des conventions de subvention, décret n° 2017-779 and arrêté du 17 novembre 2017). The
Table Schema is kept in `data/scdl_subventions_schema.json`; one row per signed agreement (single
beneficiary), its amount after amendments. No person appears (the legal representative is not a field)."""

from __future__ import annotations

import functools
import json
from datetime import date, timedelta
from pathlib import Path
from typing import Any

from django.conf import settings

from . import schedule
from .models import Agreement

SCHEMA_PATH = Path(__file__).parent / "data" / "scdl_subventions_schema.json"
NATURE = "aide en numéraire"


@functools.cache
def table_schema() -> dict[str, Any]:
    return json.loads(SCHEMA_PATH.read_text(encoding="utf-8"))


def fields() -> list[str]:
    return [field["name"] for field in table_schema()["fields"]]


def published_agreements(*, year: int | None = None):
    """Agreements once signed (in force, completed or terminated after signature), oldest first."""
    queryset = (
        Agreement.objects.filter(signed_on__isnull=False, status__in=("signed", "completed", "terminated"))
        .select_related("decision__application")
        .order_by("signed_on", "reference")
    )
    if year is not None:
        queryset = queryset.filter(signed_on__year=year)
    return queryset


def _end(agreement: Agreement) -> date:
    return schedule.add_months(
        agreement.start_date or agreement.signed_on, agreement.duration_months
    ) - timedelta(days=1)


def row(agreement: Agreement) -> dict[str, str]:
    """One SCDL row (every value a string, as in the CSV; missing values are "")."""
    start = agreement.signed_on
    end = max(_end(agreement), start)
    staggered = agreement.years > 1
    return {
        "nomAttribuant": settings.FOLLOWUP_GRANTOR_NAME,
        "idAttribuant": settings.FOLLOWUP_GRANTOR_SIRET,
        "dateConvention": start.isoformat(),
        "referenceDecision": agreement.decision.application.reference,
        "nomBeneficiaire": agreement.beneficiary_name,
        "idBeneficiaire": agreement.siret,
        "rnaBeneficiaire": agreement.rna,
        "objet": agreement.purpose[:255],
        "montant": f"{agreement.total:.2f}",
        "nature": NATURE,
        "conditionsVersement": "échelonné" if staggered else "unique",
        "datesPeriodeVersement": f"{start.isoformat()}/{end.isoformat()}" if staggered else start.isoformat(),
        "idRAE": "",
        "notificationUE": "non",
        "pourcentageSubvention": "1.00",
        "dispositifAide": "",
    }


def rows(*, year: int | None = None) -> list[dict[str, str]]:
    return [row(agreement) for agreement in published_agreements(year=year)]


def csv_text(table: list[dict[str, str]]) -> str:
    """The SCDL CSV: comma-separated, UTF-8 without BOM, one header line, as the schema's validators expect."""
    import csv
    import io

    buffer = io.StringIO()
    writer = csv.DictWriter(buffer, fieldnames=fields(), lineterminator="\r\n")
    writer.writeheader()
    writer.writerows(table)
    return buffer.getvalue()
