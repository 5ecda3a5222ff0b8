"""The committee of a wave: files ranked by score within each envelope, envelope consumption, decisions,
publication of the laureates. Programme staff read; only the call's team decides and publishes."""

from __future__ import annotations

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.shortcuts import redirect, render
from django.urls import reverse
from django.utils.translation import gettext as _
from django.utils.translation import ngettext
from django.views.decorators.http import require_http_methods, require_POST

from tierslieux.core.errors import ServiceError
from tierslieux.core.middleware import refusal

from ..review import committee as committee_services
from ..review import selectors
from ..review.forms import DecisionForm
from .review import staff_application, staff_wave


def _committee_title(wave) -> str:
    return _("Comité — %(wave)s") % {"wave": wave.name}


def _committee_crumbs(wave, label=None):
    crumbs = [
        {"label": _("Gestion des appels"), "url": reverse("calls:manage_index")},
        {"label": wave.call.title, "url": reverse("calls:staff_list", args=[wave.call.pk])},
        {"label": _committee_title(wave), "url": reverse("calls:committee", args=[wave.pk])},
    ]
    if label:
        crumbs.append({"label": label})
    return crumbs


@login_required
def committee(request, pk: int):
    """Programme staff (decisions: the call's team only): the wave's files per envelope, ranked by score."""
    wave, can_manage = staff_wave(request, pk)
    rankings = selectors.wave_ranking(wave)
    unpublished = sum(
        1
        for r in rankings
        for e in r.applications
        if e.decision and e.decision.outcome == "accepted" and not e.decision.published_at
    )
    return render(
        request,
        "calls/committee/wave.html",
        {
            "wave": wave,
            "can_manage": can_manage,
            "rankings": rankings,
            "unpublished": unpublished,
            "page_title": _committee_title(wave),
            "breadcrumb": [*_committee_crumbs(wave)[:-1], {"label": _committee_title(wave)}],
        },
    )


@login_required
@require_http_methods(["GET", "POST"])
def decision(request, pk: int):
    """The call's team only (other programme staff: 403; anyone else: 404): accept with granted amounts per year,
    refuse with a motivation, or close the file; the applicant is told by email."""
    application, can_manage = staff_application(request, pk)
    if not can_manage:
        return refusal(request, _("Seule l’équipe de cet appel peut décider."))
    call = application.call
    if request.method == "POST" and hasattr(application, "decision"):
        return refusal(request, _("Ce dossier a déjà fait l’objet d’une décision."), status=409)
    initial = {"envelope": application.envelope_id}
    form = DecisionForm(request.POST or None, call=call, initial=initial)
    status = 200
    if request.method == "POST":
        if form.is_valid():
            try:
                committee_services.decision_make(
                    application=application,
                    actor=request.user,
                    outcome=form.cleaned_data["outcome"],
                    amounts=form.amounts(),
                    motivation=form.cleaned_data["motivation"],
                    envelope=form.cleaned_data["envelope"],
                )
            except ServiceError as error:
                form.add_error(None, str(error))
            else:
                messages.success(
                    request,
                    _(
                        "La décision sur %(reference)s est enregistrée ; le porteur en est informé par courriel."
                    )
                    % {"reference": application.reference},
                )
                if application.wave_id:
                    return redirect("calls:committee", application.wave_id)
                return redirect("calls:review_file", application.pk)
        status = 400
    summary = selectors.review_summary(application)
    title = _("Décision — %(reference)s") % {"reference": application.reference}
    crumbs = _committee_crumbs(application.wave, title) if application.wave_id else [{"label": title}]
    return render(
        request,
        "calls/committee/decision.html",
        {
            "application": application,
            "form": form,
            "summary": summary,
            "decision": getattr(application, "decision", None),
            "consumption": selectors.envelope_consumption(call).values(),
            "page_title": title,
            "breadcrumb": crumbs,
        },
        status=status,
    )


@login_required
@require_POST
def publish(request, pk: int):
    """The call's team only: publish the wave's laureates (public list, CSV, API)."""
    wave, can_manage = staff_wave(request, pk)
    if not can_manage:
        return refusal(request, _("Seule l’équipe de cet appel peut publier les lauréats."))
    count = committee_services.laureates_publish(wave=wave, actor=request.user)
    messages.success(
        request,
        ngettext("%(count)s lauréat publié.", "%(count)s lauréats publiés.", count) % {"count": count},
    )
    return redirect("calls:committee", wave.pk)
