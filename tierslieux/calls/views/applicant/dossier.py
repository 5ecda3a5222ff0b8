"""The applicant's dossiers: their list, starting one on an open call, and the dossier page (status, history,
available actions)."""

from __future__ import annotations

from django.contrib.auth.decorators import login_required
from django.shortcuts import get_object_or_404, redirect, render
from django.urls import reverse
from django.utils.translation import gettext as _
from django.views.decorators.http import require_http_methods

from ... import selectors, services, workflow
from ...facts import application_eligibility
from ..common import application_for, budget_table
from .base import STEPS, crumbs


@login_required
def my_applications(request):
    """Logged-in users: the dossiers they work on as applicant (theirs and those of the places they manage)."""
    return render(
        request,
        "calls/my_applications.html",
        {
            "applications": selectors.applications_of_applicant(request.user),
            "open_calls": selectors.calls_open(),
            "page_title": _("Mes dossiers"),
            "breadcrumb": [{"label": _("Mes dossiers")}],
        },
    )


@login_required
@require_http_methods(["GET", "POST"])
def apply(request, slug: str):
    """Logged-in users: start a dossier on a published call whose wave is open ("Déposer un dossier"; no wave
    open: 409)."""
    call = get_object_or_404(selectors.calls_public(), slug=slug)
    if request.method == "POST":
        application = services.application_start(call=call, user=request.user)
        return redirect("calls:application_step", application.pk, 1)
    drafts = selectors.applications_of_applicant(request.user).filter(call=call)
    return render(
        request,
        "calls/apply.html",
        {
            "call": call,
            "open_wave": call.open_wave(),
            "drafts": drafts,
            "page_title": _("Déposer un dossier — %(call)s") % {"call": call.title},
            "breadcrumb": [
                {"label": _("Appels"), "url": reverse("calls:index")},
                {"label": call.title, "url": call.get_absolute_url()},
                {"label": _("Déposer un dossier")},
            ],
        },
    )


@login_required
def application(request, pk: int):
    """The applicant (and the place's managers), the call's staff (all but drafts) and programme staff
    (read-only): the dossier, its status, history and available actions. Others: 404."""
    application, roles = application_for(request, pk)
    transitions = [
        rule
        for rule in workflow.APPLICATION.available(application.status, roles)
        if rule.action not in {"submit", "resubmit", "accept", "refuse"}
    ]
    return render(
        request,
        "calls/application.html",
        {
            "application": application,
            "roles": roles,
            "transitions": transitions,
            "is_applicant": workflow.APPLICANT in roles,
            "is_staff": workflow.STAFF in roles,
            "log": selectors.application_history(application),
            "versions": application.versions.all(),
            "attachments": application.attachments.filter(message__isnull=True),
            "eligibility": application_eligibility(application),
            "budget": budget_table(application.budget, application.call),
            "answers": selectors.application_answers(application),
            "steps": STEPS,
            "page_title": _("Dossier %(reference)s") % {"reference": application.reference},
            "breadcrumb": crumbs(application),
        },
    )
