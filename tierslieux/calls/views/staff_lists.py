"""Staff lists of a call's files with filters (wave, envelope, status, region, reviewer, score), exports of
exactly the filtered files (CSV, XLSX), and per-wave statistics. Programme staff only (any call: read-only)."""

from __future__ import annotations

from django.contrib.auth.decorators import login_required
from django.http import Http404, HttpResponse
from django.shortcuts import render
from django.urls import reverse
from django.utils.translation import gettext as _

from tierslieux.core.spreadsheets import csv_bytes

from ..review import exports, selectors
from ..review.forms import StaffFilterForm
from .common import call_readable
from .review import staff_wave


def _filters(form) -> selectors.StaffFilters:
    data = form.cleaned_data
    return selectors.StaffFilters(
        wave=data["wave"].pk if data.get("wave") else None,
        envelope=data["envelope"].pk if data.get("envelope") else None,
        status=data.get("status") or None,
        region=data["region"].pk if data.get("region") else None,
        reviewer=data["reviewer"].pk if data.get("reviewer") else None,
        min_score=data.get("min_score"),
        max_score=data.get("max_score"),
    )


@login_required
def staff_list(request, pk: int, export: str | None = None):
    """Programme staff (read-only outside the call's team): the call's files, filtered; `export` = csv/xlsx gives
    exactly the filtered files. Invalid filters: 400 with the form's messages."""
    call, can_manage = call_readable(request, pk)
    if export not in (None, "csv", "xlsx"):
        raise Http404(_("Format d’export inconnu."))
    form = StaffFilterForm(request.GET or None, call=call, reviewers=selectors.call_reviewers(call))
    if request.GET and not form.is_valid():
        rows, status = [], 400
    else:
        filters = _filters(form) if request.GET else selectors.StaffFilters()
        rows, status = selectors.staff_rows(call, filters), 200
    if export and status == 200:
        table = exports.staff_table(rows)
        if export == "xlsx":
            response = HttpResponse(
                exports.to_xlsx(exports.STAFF_HEADER, table),
                content_type="application/vnd.openxmlformats-officedocument.spreadsheetml.sheet",
            )
        else:
            response = HttpResponse(
                csv_bytes(exports.STAFF_HEADER, table), content_type="text/csv; charset=utf-8"
            )
        response["Content-Disposition"] = f'attachment; filename="dossiers-{call.slug}.{export}"'
        response["Cache-Control"] = "private, no-store"
        return response
    query = request.GET.urlencode()
    return render(
        request,
        "calls/staff/list.html",
        {
            "call": call,
            "can_manage": can_manage,
            "form": form,
            "rows": rows,
            "query": query,
            "waves": call.waves.all(),
            "page_title": _("Instruction — %(call)s") % {"call": call.title},
            "breadcrumb": [
                {"label": _("Gestion des appels"), "url": reverse("calls:manage_index")},
                {"label": call.title, "url": reverse("calls:call_manage", args=[call.pk])},
                {"label": _("Instruction")},
            ],
        },
        status=status,
    )


@login_required
def wave_statistics(request, pk: int):
    """Programme staff: counts of a wave (drafts, submitted, in review, decided; by region; by envelope)."""
    wave, _can_manage = staff_wave(request, pk)
    return render(
        request,
        "calls/staff/statistics.html",
        {
            "wave": wave,
            "stats": selectors.wave_statistics(wave),
            "page_title": _("Statistiques — %(wave)s") % {"wave": wave.name},
            "breadcrumb": [
                {"label": _("Gestion des appels"), "url": reverse("calls:manage_index")},
                {"label": wave.call.title, "url": reverse("calls:staff_list", args=[wave.call.pk])},
                {"label": _("Statistiques — %(wave)s") % {"wave": wave.name}},
            ],
        },
    )
