"""Helpers shared by the views of the call: fetching a dossier the user may see, the call's team check.
Refusals are `tierslieux.core.middleware.refusal` (or a `ServiceError` left to the middleware)."""

from __future__ import annotations

from django.http import Http404, HttpResponse
from django.shortcuts import get_object_or_404
from django.utils.translation import gettext as _

from tierslieux.core.middleware import refusal

from .. import budget as budget_module
from .. import selectors
from ..facts import funding_rules
from ..models import Application, Call


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
        return refusal(
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
