"""The staff dashboard of the follow-up: agreements by status, tranches due this month, reports due and late,
amounts committed and paid per call, envelope and year; filters in the URL; CSV and XLSX exports."""

from __future__ import annotations

from functools import wraps

from django.contrib.auth.decorators import login_required
from django.http import Http404, HttpResponse
from django.shortcuts import render
from django.utils import timezone
from django.utils.http import urlencode
from django.utils.translation import gettext as _
from django.views.decorators.http import require_GET

from tierslieux.accounts.roles import is_programme_staff
from tierslieux.calls import selectors as call_selectors
from tierslieux.core.errors import ServiceError
from tierslieux.core.spreadsheets import csv_bytes

from .. import exports, selectors
from ..forms import DashboardFilterForm
from ..models import Agreement, Tranche


def staff_only(view):
    """Programme staff and administrators; anyone else: a French 403 (anonymous visitors: the login page)."""

    @login_required
    @wraps(view)
    def wrapped(request, *args, **kwargs):
        if not is_programme_staff(request.user):
            raise ServiceError(_("Le suivi des conventions est réservé à l’équipe du programme."), status=403)
        return view(request, *args, **kwargs)

    return wrapped


@staff_only
@require_GET
def dashboard(request):
    """Programme staff and administrators: the follow-up of every call's agreements (filters in the URL)."""
    filters = selectors.parse_dashboard_filters(request.GET, request.user)
    calls = list(
        call_selectors.calls_readable_by(request.user).prefetch_related("envelopes").order_by("title")
    )
    board = selectors.dashboard(filters, today=timezone.localdate())
    query = filters.as_query()
    return render(
        request,
        "followup/dashboard.html",
        {
            "board": board,
            "filters": filters,
            "form": DashboardFilterForm(query or None, calls=calls),
            "query": urlencode(query),
            "agreements": filters.agreements(selectors.agreements_visible_to(request.user)).order_by(
                "-created_at"
            )[:200],
            "page_title": _("Tableau de bord du suivi"),
            "breadcrumb": [{"label": _("Tableau de bord du suivi")}],
        },
    )


@staff_only
@require_GET
def export(request, what: str, extension: str):
    """Programme staff and administrators: the agreements or the tranches (dashboard filters) as CSV or XLSX."""
    if what not in ("conventions", "tranches") or extension not in ("csv", "xlsx"):
        raise Http404
    filters = selectors.parse_dashboard_filters(request.GET, request.user)
    agreements = (
        filters.agreements(
            Agreement.objects.select_related("call", "envelope", "place__commune", "decision__application")
        )
        .prefetch_related("tranches")
        .order_by("reference")
    )
    tranches = (
        Tranche.objects.filter(agreement__in=agreements.values("pk"))
        .select_related("agreement__call", "agreement__envelope", "agreement__place")
        .order_by("agreement__reference", "number")
    )
    header, table = (
        (exports.AGREEMENT_HEADER, exports.agreement_table(agreements))
        if what == "conventions"
        else (exports.TRANCHE_HEADER, exports.tranche_table(tranches))
    )
    filename = f"suivi-{what}-{timezone.localdate():%Y-%m-%d}.{extension}"
    if extension == "csv":
        response = HttpResponse(csv_bytes(header, table), content_type="text/csv; charset=utf-8")
    else:
        response = HttpResponse(
            exports.xlsx_export([(what, header, table)]),
            content_type="application/vnd.openxmlformats-officedocument.spreadsheetml.sheet",
        )
    response["Content-Disposition"] = f'attachment; filename="{filename}"'
    return response
