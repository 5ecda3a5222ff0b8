"""Step 1, the place: choose a place the applicant manages (and its QPV), or describe a place in project; the
eligibility preview of the place being picked, before anything is saved."""

from __future__ import annotations

from typing import Any

from django.contrib.auth.decorators import login_required
from django.shortcuts import render
from django.utils.translation import gettext as _
from django.views.decorators.http import require_http_methods

from tierslieux.core.middleware import refusal
from tierslieux.places.models import Place

from ... import services, workflow
from ...facts import application_eligibility
from ...forms import PlaceChoiceForm, ProjectPlaceForm
from ...models import Application
from ..common import application_for
from .base import NOT_EDITABLE, ONLY_APPLICANT, attempt, step_answer, step_context


def _choosable_places(request, application):
    """The places the applicant may carry the project with: those they manage, and the one already chosen."""
    places = Place.objects.filter(managers=request.user)
    if application.place_id:
        places = places | Place.objects.filter(pk=application.place_id)
    return places.distinct()


def _place_forms(request, application, data=None, which: str = ""):
    places = _choosable_places(request, application)
    place = application.place
    qpvs = place.commune.qpvs.all() if place else Place.objects.none()
    choice = PlaceChoiceForm(
        data if which == "choice" else None,
        places=places,
        qpvs=qpvs if place else qpvs.none(),
        initial={"place": application.place_id, "qpv": application.qpv_id, "revision": application.revision},
    )
    if place is None:
        del choice.fields["qpv"]
    create = ProjectPlaceForm(
        data if which == "create" else None, initial={"revision": application.revision}, prefix="new"
    )
    return choice, create


def _create_place(request, application, data: dict):
    commune = data["commune"]
    point = commune.point or (0.0, 0.0)
    return services.application_create_project_place(
        application=application,
        user=request.user,
        revision=data["revision"],
        data={
            "name": data["name"],
            "address": data["address"],
            "postcode": data["postcode"],
            "commune": commune.pk,
            "lon": point[0],
            "lat": point[1],
            "legal_form": data["legal_form"],
            "location_approximate": True,
        },
    )


def _choose_place(request, application, data: dict):
    values = {"place": data["place"]}
    if values["place"].pk != application.place_id:
        values["qpv"] = None
    elif "qpv" in data:
        values["qpv"] = data["qpv"]
    return services.application_save(
        application=application, user=request.user, revision=data["revision"], values=values
    )


def step_place(request, application):
    posted = request.method == "POST"
    which = request.POST.get("which", "choice") if posted else ""
    choice, create = _place_forms(request, application, request.POST if posted else None, which)

    def page(error=None, status=200):
        return render(
            request,
            "calls/step_place.html",
            step_context(
                application,
                1,
                choice_form=choice,
                create_form=create,
                error=error,
                eligibility=application_eligibility(application) if application.place_id else None,
            ),
            status=status,
        )

    if not posted:
        return page()
    form = create if which == "create" else choice
    if not form.is_valid():
        return step_answer(request, application, 1, page=page, status=400)
    save = _create_place if which == "create" else _choose_place
    saved, error, status = attempt(lambda: save(request, application, form.cleaned_data))
    return step_answer(request, application, 1, page=page, saved=saved, error=error, status=status)


@login_required
@require_http_methods(["GET"])
def application_eligibility_preview(request, pk: int):
    """The applicant (and the place's managers) only: the eligibility the dossier would have with the place (and
    QPV) being picked on step 1, before anything is saved (htmx fragment). Others: 404 or 403."""
    application, roles = application_for(request, pk)
    if workflow.APPLICANT not in roles:
        return refusal(request, ONLY_APPLICANT)
    if not application.is_editable:
        return refusal(request, NOT_EDITABLE, status=409)
    context: dict[str, Any] = {"application": application, "eligibility": None}
    place_id = request.GET.get("place", "")
    if place_id:
        place = (
            _choosable_places(request, application).filter(pk=place_id if place_id.isdigit() else 0).first()
        )
        if place is None:
            return refusal(request, _("Choisissez un lieu que vous gérez."), status=400)
        qpv = None
        if place.pk == application.place_id and request.GET.get("qpv"):
            qpv = place.commune.qpvs.filter(pk=request.GET["qpv"]).first()
        # An unsaved copy: the eligibility of the dossier as it would be with this place.
        preview = Application.objects.select_related("call", "wave").get(pk=application.pk)
        preview.place, preview.qpv = place, qpv
        if qpv is None or qpv.pk != application.qpv_id:
            preview.qpv_confirmed_at = None
        context["eligibility"] = application_eligibility(preview)
    return render(request, "calls/_eligibility_live.html", context)
