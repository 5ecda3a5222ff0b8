"""Helpers shared by the views of the call: fetching a dossier the user may see, French refusals."""

from __future__ import annotations

from django.http import Http404, HttpResponse
from django.shortcuts import get_object_or_404, render
from django.utils.translation import gettext as _

from .. import budget as budget_module
from .. import selectors
from ..facts import funding_rules
from ..models import Application, Call


def refuse(request, message: str, *, status: int = 403, title: str | None = None) -> HttpResponse:
    """A 4xx page (or htmx fragment) with a French message (title by default: "Action impossible")."""
    if getattr(request, "htmx", False):
        return render(request, "calls/_alert.html", {"level": "error", "message": message}, status=status)
    return render(
        request,
        "calls/refused.html",
        {"page_title": title or _("Action impossible"), "message": message, "status": status},
        status=status,
    )


def application_for(request, pk: int) -> tuple[Application, set[str]]:
    """The dossier `pk` if `request.user` may see it (404 otherwise, even when it exists) and their roles."""
    application = get_object_or_404(
        selectors.applications_visible_to(request.user).select_related(
            "call", "wave", "place__commune", "envelope", "applicant", "qpv"
        ),
        pk=pk,
    )
    return application, selectors.application_roles(request.user, application)


def call_readable(request, pk: int) -> tuple[Call, bool]:
    """The call `pk` if `request.user` may read its back office (404 otherwise), and whether they may change it."""
    call = get_object_or_404(selectors.calls_readable_by(request.user), pk=pk)
    return call, selectors.can_manage_call(request.user, call)


def require_manage(request, call: Call, can_manage: bool) -> HttpResponse | None:
    if not can_manage:
        return refuse(
            request, _("Seule l’équipe de cet appel peut le modifier (vous y avez un accès en lecture).")
        )
    return None


def upload_too_large(request, limit: int) -> bool:
    """Reject early: the declared body size exceeds `limit` bytes (checked before Django reads the files)."""
    try:
        return int(request.META.get("CONTENT_LENGTH") or 0) > limit
    except ValueError:
        raise Http404 from None


def budget_table(budget: dict, call, errors: dict | None = None, posted=None) -> dict:
    """The budget step's table (sections, lines, cells per year), its totals and the funding problems."""
    years = range(1, call.years + 1)
    errors = errors or {}
    sections = []
    for section, title, lines in budget_module.SECTIONS:
        rows = []
        for code, label in lines:
            cells = []
            for year in years:
                name = budget_module.field_name(section, code, year)
                value = (
                    posted.get(name, "")
                    if posted is not None
                    else budget_module.cell(budget, section, code, year)
                )
                cells.append({"name": name, "value": value, "error": errors.get(name), "year": year})
            rows.append({"code": code, "label": _(label), "cells": cells})
        sections.append({"code": section, "title": _(title), "rows": rows})
    totals = budget_module.totals(budget, call.years)
    return {
        "years": list(years),
        "sections": sections,
        "totals": totals,
        "problems": budget_module.problems(budget, funding_rules(call)),
    }
