"""Step 3, the budget: a table of amounts per year, saved as it is typed (htmx autosave, with the new totals)
or by a plain form post; the amounts that cannot be read are named and kept as typed."""

from __future__ import annotations

from django.shortcuts import render
from django.utils.translation import gettext as _

from tierslieux.core.middleware import refusal

from ... import budget as budget_module
from ..common import budget_table
from .base import error_links, new_tab, posted_revision, save_values, step_answer, step_context


def step_budget(request, application):
    call = application.call
    if request.method != "POST":
        table = budget_table(application.budget, call)
        return render(
            request,
            "calls/step_budget.html",
            step_context(application, 3, budget=table, revision=application.revision, tab=new_tab()),
        )
    budget, errors = budget_module.parse(request.POST, call.years)
    revision = posted_revision(request)
    if revision is None:
        return refusal(request, _("Formulaire incomplet : rechargez la page."), status=400)

    def page(error, status):
        return render(
            request,
            "calls/step_budget.html",
            step_context(
                application,
                3,
                budget=budget_table(budget, call, errors, posted=request.POST),
                error=error,
                error_links=error_links(errors),
                revision=revision,
                stale=status == 409,
                tab=request.POST.get("tab", ""),
            ),
            status=status,
        )

    if errors:
        error = _("Le budget n’est pas enregistré : corrigez les montants signalés.")
        return step_answer(request, application, 3, page=page, error=error, status=400, field_errors=errors)
    saved, error, status = save_values(request, application, {"budget": budget}, revision=revision)
    return step_answer(request, application, 3, page=page, saved=saved, error=error, status=status)
