"""The open data of the funding agreements in the national schema for subsidies (SCDL « subventions »)."""

from __future__ import annotations

from django.conf import settings
from django.http import HttpResponse, JsonResponse
from django.shortcuts import render
from django.utils import timezone
from django.utils.translation import gettext as _
from django.views.decorators.http import require_GET

from tierslieux.calls.eligibility import format_euros

from .. import identifiers, scdl


@require_GET
def subsidies(request):
    """Public: the signed funding agreements in the SCDL format, with their CSV, Table Schema and API."""
    rows = scdl.rows()
    return render(
        request,
        "followup/subsidies.html",
        {
            "rows": rows,
            "total": format_euros(sum(int(float(row["montant"])) for row in rows)),
            "schema": scdl.table_schema(),
            "grantor_configured": identifiers.siret_problem(settings.FOLLOWUP_GRANTOR_SIRET) is None,
            "page_title": _("Subventions attribuées (données essentielles des conventions)"),
            "breadcrumb": [
                {"label": _("Données ouvertes"), "url": "/donnees/"},
                {"label": _("Subventions attribuées")},
            ],
        },
    )


@require_GET
def subsidies_csv(request):
    """Public: the SCDL CSV (comma, UTF-8), one row per signed agreement."""
    response = HttpResponse(scdl.csv_text(scdl.rows()), content_type="text/csv; charset=utf-8")
    response["Content-Disposition"] = (
        f'attachment; filename="subventions-{timezone.localdate():%Y-%m-%d}.csv"'
    )
    return response


@require_GET
def subsidies_schema(request):
    """Public: the SCDL « subventions » Table Schema the CSV follows."""
    return JsonResponse(scdl.table_schema(), json_dumps_params={"ensure_ascii": False, "indent": 2})
