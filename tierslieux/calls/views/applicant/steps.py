"""One step of the dossier's form: who may fill it, and which module answers each step."""

from __future__ import annotations

from django.http import Http404
from django.shortcuts import redirect
from django.views.decorators.http import require_http_methods

from tierslieux.core.middleware import refusal

from ... import workflow
from ..common import application_for
from .attachments import step_attachments
from .base import LAST_STEP, NOT_EDITABLE, ONLY_APPLICANT, STEPS, login_required_autosave, saved_fragment
from .budget import step_budget
from .place import step_place
from .project import step_project
from .submit import step_summary

HANDLERS = {1: step_place, 2: step_project, 3: step_budget, 4: step_attachments, 5: step_summary}


@login_required_autosave
@require_http_methods(["GET", "POST"])
def application_step(request, pk: int, step: int):
    """The applicant (and the place's managers) only: one step of the form (GET), a save (POST; htmx: autosave
    fragment). Staff and others: 404 or 403. A submitted dossier is read-only."""
    application, roles = application_for(request, pk)
    if step not in dict(STEPS):
        raise Http404
    if workflow.APPLICANT not in roles:
        return refusal(request, ONLY_APPLICANT)
    if not application.is_editable and (request.method == "POST" or step != LAST_STEP):
        if request.method == "POST" and request.htmx:
            # An autosave after the dossier was submitted (from another tab): say it where the page shows saves.
            return saved_fragment(request, application, step, error=NOT_EDITABLE, status=409)
        if request.method == "POST":
            return refusal(request, NOT_EDITABLE, status=409)
        return redirect("calls:application", application.pk)
    return HANDLERS[step](request, application)
