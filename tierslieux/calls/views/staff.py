"""Staff actions on a dossier: list of a call's dossiers, status transitions, corrections, QPV confirmation.

Who: the call's team (and administrators) act; programme staff outside the team only read (403 on actions);
anyone who cannot see the dossier gets a 404.
"""

from __future__ import annotations

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.shortcuts import redirect, render
from django.urls import reverse
from django.utils.translation import gettext as _
from django.views.decorators.http import require_http_methods, require_POST

from tierslieux.core.errors import ServiceError
from tierslieux.core.middleware import refusal

from .. import selectors, services, workflow
from ..forms import CorrectionsForm
from ..models import Status
from .common import application_for, call_readable

# The transitions fired by the generic status form; the others have their own forms (submission,
# corrections) or belong to the committee's decision.
GENERIC_TARGETS = {Status.IN_REVIEW, Status.CLOSED, Status.WITHDRAWN}


@login_required
def call_applications(request, pk: int):
    """Programme staff (read-only outside the call's team): the submitted dossiers of a call."""
    call, can_manage = call_readable(request, pk)
    return render(
        request,
        "calls/call_applications.html",
        {
            "call": call,
            "can_manage": can_manage,
            "applications": selectors.applications_for_call(call),
            "page_title": _("Dossiers — %(call)s") % {"call": call.title},
            "breadcrumb": [
                {"label": _("Gestion des appels"), "url": reverse("calls:manage_index")},
                {"label": call.title, "url": reverse("calls:call_manage", args=[call.pk])},
                {"label": _("Dossiers")},
            ],
        },
    )


@login_required
@require_POST
def transition(request, pk: int):
    """The role the workflow names (applicant: withdraw; the call's team: start the review, close) only.
    A forged or not allowed transition gets a 4xx with a French message: 403 (not their role), 400 (a required
    reason missing), 409 (not from the dossier's current status)."""
    application, _roles = application_for(request, pk)
    target = request.POST.get("to", "")
    if target not in GENERIC_TARGETS:
        return refusal(request, _("Cette action n’est pas disponible ici."), status=400)
    reason = request.POST.get("reason", "").strip()
    services.application_transition(
        application=application, to_status=target, actor=request.user, reason=reason
    )
    messages.success(
        request, _("Le dossier est maintenant « %(status)s ».") % {"status": Status(target).label}
    )
    return redirect("calls:application", application.pk)


@login_required
@require_http_methods(["GET", "POST"])
def request_corrections(request, pk: int):
    """The call's team only: send the dossier back to the applicant ("en construction") with a message and a
    deadline; the applicant is told by email."""
    application, roles = application_for(request, pk)
    if workflow.STAFF not in roles:
        return refusal(request, _("Seule l’équipe de l’appel peut demander des corrections."))
    form = CorrectionsForm(request.POST or None)
    status = 200
    if request.method == "POST":
        if form.is_valid():
            try:
                services.application_request_corrections(
                    application=application,
                    actor=request.user,
                    message=form.cleaned_data["message"],
                    deadline=form.cleaned_data["deadline"],
                )
            except ServiceError as error:
                form.add_error(None, str(error))
            else:
                messages.success(request, _("Les corrections sont demandées au porteur."))
                return redirect("calls:application", application.pk)
        status = 400
    return render(
        request,
        "core/form_page.html",
        {
            "form": form,
            "submit_label": _("Demander les corrections"),
            "application": application,
            "page_title": _("Demander des corrections — %(reference)s")
            % {"reference": application.reference},
            "breadcrumb": [
                {"label": application.reference, "url": reverse("calls:application", args=[application.pk])},
                {"label": _("Corrections")},
            ],
        },
        status=status,
    )


@login_required
@require_POST
def confirm_qpv(request, pk: int):
    """The call's team only (others: 403): confirm the QPV declared by the applicant (none declared: 409)."""
    application, _roles = application_for(request, pk)
    services.application_confirm_qpv(application=application, actor=request.user)
    messages.success(request, _("Le quartier prioritaire est confirmé."))
    return redirect("calls:application", application.pk)
