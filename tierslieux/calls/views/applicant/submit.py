"""Step 5, the summary and the envelope choice; submitting the dossier, withdrawing it."""

from __future__ import annotations

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.shortcuts import redirect, render
from django.utils.translation import gettext as _
from django.views.decorators.http import require_http_methods, require_POST

from tierslieux.core.errors import ServiceError
from tierslieux.core.middleware import refusal
from tierslieux.core.workflow import TransitionError

from ... import selectors, services, workflow
from ...facts import application_eligibility
from ...forms import EnvelopeChoiceForm, ReasonForm
from ..common import application_for, budget_table
from .base import crumbs, save_values, step_answer, step_context


def _envelope_form(application, eligible) -> EnvelopeChoiceForm:
    """The envelope choice as saved, or the first eligible envelope when the saved one is not (or none)."""
    chosen = application.envelope_id if application.envelope_id in {e.pk for e in eligible} else None
    return EnvelopeChoiceForm(
        envelopes=eligible,
        initial={
            "envelope": chosen or (eligible[0].pk if eligible else None),
            "revision": application.revision,
        },
    )


def step_summary(request, application):
    """The summary and the envelope choice. A refused choice re-renders the page with the choice kept: 400
    (bad input) or 409 (the dossier changed meanwhile)."""
    result = application_eligibility(application)
    eligible = application.call.envelopes.filter(code__in=result.eligible_codes)
    posted = request.method == "POST"
    envelope_form = EnvelopeChoiceForm(request.POST, envelopes=eligible) if posted else None

    def page(error=None, status=200):
        return render(
            request,
            "calls/step_summary.html",
            step_context(
                application,
                5,
                error=error,
                eligibility=result,
                problems=services.application_problems(application),
                envelope_form=envelope_form or _envelope_form(application, eligible),
                budget=budget_table(application.budget, application.call),
                attachments=application.attachments.filter(message__isnull=True),
                answers=selectors.application_answers(application),
            ),
            status=status,
        )

    if not posted:
        return page()
    if not envelope_form.is_valid():
        error = _("Choisissez l’une des enveloppes proposées.")
        return step_answer(request, application, 5, page=page, error=error, status=400)
    saved, error, status = save_values(
        request,
        application,
        {"envelope": envelope_form.cleaned_data["envelope"]},
        revision=envelope_form.cleaned_data["revision"],
    )
    return step_answer(request, application, 5, page=page, saved=saved, error=error, status=status)


@login_required
@require_POST
def submit(request, pk: int):
    """The applicant only: submit the dossier before the wave closes (to the second). Refused: 400, draft kept."""
    application, roles = application_for(request, pk)
    try:
        services.application_submit(application=application, user=request.user)
    except TransitionError as error:
        return refusal(
            request, error.message, status=403 if workflow.APPLICANT not in roles else error.status
        )
    except ServiceError as error:
        return refusal(request, error.message, status=error.status, title=_("Dépôt refusé"))
    messages.success(
        request, _("Votre dossier est déposé : un accusé de réception vous a été envoyé par courriel.")
    )
    return redirect("calls:application", application.pk)


@login_required
@require_http_methods(["GET", "POST"])
def withdraw(request, pk: int):
    """The applicant only: withdraw the dossier (with an optional reason)."""
    application, roles = application_for(request, pk)
    if workflow.APPLICANT not in roles:
        return refusal(request, _("Seul le porteur du dossier peut le retirer."))
    form = ReasonForm(request.POST or None)
    if request.method == "POST" and form.is_valid():
        services.application_withdraw(
            application=application, actor=request.user, reason=form.cleaned_data["reason"]
        )
        messages.success(request, _("Le dossier est retiré."))
        return redirect("calls:application", application.pk)
    return render(
        request,
        "core/form_page.html",
        {
            "form": form,
            "submit_label": _("Retirer le dossier"),
            "application": application,
            "intro": _("Le retrait est définitif : le dossier ne pourra plus être déposé."),
            "page_title": _("Retirer le dossier %(reference)s") % {"reference": application.reference},
            "breadcrumb": crumbs(application, _("Retirer")),
        },
        status=400 if form.errors else 200,
    )
