"""Step 2, the project: its fields and the call's own questions, saved as they are typed (htmx autosave) or by
a plain form post."""

from __future__ import annotations

from django.shortcuts import render
from django.utils.translation import gettext as _

from ... import services
from ...forms import ProjectForm
from .base import form_error_links, form_field_errors, new_tab, save_values, step_answer, step_context


def _initial(application) -> dict:
    initial = {field: getattr(application, field) for field in services.PROJECT_FIELDS}
    initial |= {f"q_{key}": value for key, value in (application.answers or {}).items()}
    return initial | {"revision": application.revision, "tab": new_tab()}


def step_project(request, application):
    questions = list(application.call.questions.all())
    if request.method != "POST":
        form = ProjectForm(initial=_initial(application), questions=questions)
        return render(request, "calls/step_project.html", step_context(application, 2, form=form))
    form = ProjectForm(request.POST, questions=questions)

    def page(error, status):
        return render(
            request,
            "calls/step_project.html",
            step_context(
                application,
                2,
                form=form,
                error=error,
                stale=status == 409,
                error_links=form_error_links(form),
            ),
            status=status,
        )

    if not form.is_valid():
        error = _("Le formulaire contient des erreurs : corrigez les champs signalés.")
        return step_answer(
            request, application, 2, page=page, error=error, status=400, field_errors=form_field_errors(form)
        )
    saved, error, status = save_values(
        request, application, form.values(), revision=form.cleaned_data["revision"]
    )
    return step_answer(request, application, 2, page=page, saved=saved, error=error, status=status)
