"""The published laureates: public list, map and CSV (name of the place, commune, envelope, amount; no person).
The map also shows the historical labelled Fabriques de territoire (ANCT list) as a distinct layer."""

from __future__ import annotations

from django.http import HttpResponse
from django.shortcuts import render
from django.urls import reverse
from django.utils.translation import gettext as _

from tierslieux.core.spreadsheets import csv_bytes

from ..review import exports, selectors


def laureates(request):
    """Public: the laureates of every published call, on a map with the historical labelled Fabriques."""
    rows = [selectors.laureate_row(d) for d in selectors.laureates_public()]
    layers = selectors.laureates_map()
    return render(
        request,
        "calls/laureates/list.html",
        {
            "rows": rows,
            "total": sum(r["amount"] for r in rows),
            "layers": layers,
            "historical_count": len(layers["historical"]["features"]),
            "mapped_laureates": len(layers["laureates"]["features"]),
            "atlas_fabriques_url": reverse("places:atlas") + "?label=fabrique_territoire",
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
