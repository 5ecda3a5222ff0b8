"""The published laureates: public list and CSV (name of the place, commune, envelope, amount; no person)."""

from __future__ import annotations

from django.http import HttpResponse
from django.shortcuts import render
from django.utils.translation import gettext as _

from tierslieux.core.spreadsheets import csv_bytes

from ..review import exports, selectors


def laureates(request):
    """Public: the laureates of every published call."""
    rows = [selectors.laureate_row(d) for d in selectors.laureates_public()]
    return render(
        request,
        "calls/laureates/list.html",
        {
            "rows": rows,
            "total": sum(r["amount"] for r in rows),
            "page_title": _("Lauréats"),
            "breadcrumb": [{"label": _("Appels"), "url": "/appels/"}, {"label": _("Lauréats")}],
        },
    )


def laureates_csv(request):
    """Public: the laureates as CSV (semicolon-separated, UTF-8)."""
    rows = [selectors.laureate_row(d) for d in selectors.laureates_public()]
    response = HttpResponse(
        csv_bytes(exports.LAUREATE_HEADER, exports.laureate_table(rows)),
        content_type="text/csv; charset=utf-8",
    )
    response["Content-Disposition"] = 'attachment; filename="laureats.csv"'
    return response
