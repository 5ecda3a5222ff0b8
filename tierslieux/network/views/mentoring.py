"""Pages of mentoring ("compagnonnage"): companion places, requests, proposed companions, pairings."""

from __future__ import annotations

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.exceptions import PermissionDenied
from django.http import Http404
from django.shortcuts import get_object_or_404, redirect, render
from django.urls import reverse
from django.utils.translation import gettext as _
from django.views.decorators.http import require_GET, require_http_methods, require_POST

from tierslieux.accounts.roles import is_programme_staff
from tierslieux.core.markdown import render_markdown
from tierslieux.places.models import Place

from .. import services, workflows
from ..forms.mentoring import EndForm, MeetingForm, MentoringRequestForm, MentorOfferForm
from ..models import MentoringRequest, MentorOffer, Pairing, Theme
from ..selectors import mentoring as selectors
from ..services.common import manages
from .common import form_page, submit

THEMES = dict(Theme.choices)


def crumbs(*items) -> list[dict]:
    return [
        {"label": _("Réseau"), "url": reverse("network:index")},
        {"label": _("Compagnonnage"), "url": reverse("network:mentoring")},
        *items,
    ]


def theme_labels(codes) -> list[str]:
    return [str(THEMES.get(code, code)) for code in codes]


@require_GET
def mentoring(request):
    """Public: the places that offer to accompany new projects; projects see how to ask."""
    offers = list(selectors.mentor_offers_active())
    for offer in offers:
        offer.theme_labels = theme_labels(offer.themes)
    return render(
        request,
        "network/mentoring/index.html",
        {
            "offers": offers,
            "may_ask": selectors.may_ask(request.user),
            "managed": request.user.managed_places.filter(status="open").order_by("name")
            if request.user.is_authenticated
            else [],
            "page_title": _("Compagnonnage entre tiers-lieux"),
            "breadcrumb": [*crumbs()[:-1], {"label": _("Compagnonnage")}],
        },
    )


@login_required
@require_http_methods(["GET", "POST"])
def mentor_offer_edit(request, slug: str):
    """Managers of an open place and programme staff: offer (or change) the place's mentoring."""
    place = get_object_or_404(Place, slug=slug)
    if not (manages(request.user, place) or is_programme_staff(request.user)):
        raise PermissionDenied
    current = MentorOffer.objects.filter(place=place).first()
    initial = (
        {
            name: getattr(current, name)
            for name in ("themes", "capacity", "travel_km", "description", "active", "show_on_place_page")
        }
        if current
        else None
    )
    form = MentorOfferForm(request.POST or None, initial=initial)
    status = 200
    if request.method == "POST":
        offer, status = submit(
            form, lambda data: services.mentor_offer_save(user=request.user, place=place, data=data)
        )
        if offer is not None:
            messages.success(request, _("Offre de compagnonnage enregistrée."))
            return redirect("network:mentoring")
    return form_page(
        request,
        form=form,
        title=_("Accompagner des projets : %(place)s") % {"place": place.name},
        submit_label=_("Enregistrer l’offre"),
        access=_(
            "Les gestionnaires d’un lieu ouvert proposent de l’accompagner ; tout le monde voit les lieux compagnons."
        ),
        crumbs=crumbs({"label": place.name}),
        status=status,
        back_url=reverse("network:mentoring"),
    )


@login_required
@require_http_methods(["GET", "POST"])
def request_create(request):
    """Projects (a manager of a place "en projet", an applicant whose application is in preparation or was
    refused) and programme staff: ask for a companion. Others: 403."""
    if not selectors.may_ask(request.user):
        raise PermissionDenied
    places = (
        selectors.projects_of(request.user)
        if not is_programme_staff(request.user)
        else Place.objects.filter(status="project").order_by("name")
    )
    form = MentoringRequestForm(
        request.POST or None, places=places, applications=selectors.applications_of(request.user)
    )
    status = 200
    if request.method == "POST":
        created, status = submit(
            form, lambda data: services.mentoring_request_save(user=request.user, data=data)
        )
        if created is not None:
            messages.success(request, _("Demande enregistrée : voici les compagnons proposés."))
            return redirect(created)
    return form_page(
        request,
        form=form,
        title=_("Demander un compagnon"),
        submit_label=_("Envoyer ma demande"),
        access=_(
            "Réservé aux projets : lieux « en projet » et dossiers de candidature en préparation ou refusés. La demande n’est visible que de vous, des lieux que vous sollicitez et de l’équipe du programme."
        ),
        crumbs=crumbs({"label": _("Demander un compagnon")}),
        status=status,
        back_url=reverse("network:mentoring"),
    )


def _request(request, pk: int) -> MentoringRequest:
    item = get_object_or_404(MentoringRequest.objects.select_related("place", "commune", "requester"), pk=pk)
    if not selectors.request_roles(request.user, item):
        raise Http404
    return item


@login_required
@require_GET
def request_detail(request, pk: int):
    """Its requester and programme staff: the request, the companions the matching proposes, its pairings."""
    item = _request(request, pk)
    roles = selectors.request_roles(request.user, item)
    companions = selectors.companions_for_request(item) if item.status == "open" else []
    for offer in companions:
        offer.common_labels = theme_labels(offer.common_themes)
    staff_choices = (
        list(selectors.mentor_offers_active()) if workflows.STAFF in roles and item.status == "open" else []
    )
    return render(
        request,
        "network/mentoring/request.html",
        {
            "item": item,
            "themes": theme_labels(item.themes),
            "companions": companions,
            "staff_choices": staff_choices,
            "pairings": item.pairings.select_related("mentor__place"),
            "roles": roles,
            "can_withdraw": item.status == "open" and bool(roles),
            "page_title": item.project_title,
            "breadcrumb": crumbs({"label": item.project_title}),
        },
    )


@login_required
@require_POST
def request_choose(request, pk: int):
    """Its requester: ask one of the proposed companions."""
    item = _request(request, pk)
    mentor = get_object_or_404(MentorOffer, pk=request.POST.get("mentor") or 0)
    pairing = services.pairing_propose(user=request.user, request=item, mentor=mentor)
    messages.success(
        request, _("Demande envoyée à « %(place)s » : il vous répondra ici.") % {"place": mentor.place.name}
    )
    return redirect(pairing)


@login_required
@require_POST
def request_pair(request, pk: int):
    """Programme staff: pair the project with a companion directly."""
    if not is_programme_staff(request.user):
        raise PermissionDenied
    item = _request(request, pk)
    mentor = get_object_or_404(MentorOffer, pk=request.POST.get("mentor") or 0)
    pairing = services.pairing_staff_create(user=request.user, request=item, mentor=mentor)
    messages.success(request, _("Compagnonnage formé."))
    return redirect(pairing)


@login_required
@require_POST
def request_withdraw(request, pk: int):
    """Its requester and programme staff: withdraw an open request."""
    item = _request(request, pk)
    services.mentoring_request_withdraw(user=request.user, request=item)
    messages.success(request, _("Demande retirée."))
    return redirect("network:mine")


def _pairing(request, pk: int) -> Pairing:
    pairing = get_object_or_404(
        Pairing.objects.select_related("mentor__place", "request__place", "request__requester"), pk=pk
    )
    if not selectors.pairing_roles(request.user, pairing):
        raise Http404
    return pairing


@login_required
@require_GET
def pairing_detail(request, pk: int):
    """Both sides (the companion place's managers, the project) and programme staff: the pairing, its meetings."""
    pairing = _pairing(request, pk)
    return render(
        request,
        "network/mentoring/pairing.html",
        {
            "pairing": pairing,
            "description": render_markdown(pairing.mentor.description),
            "actions": [a for a in selectors.pairing_actions(request.user, pairing) if a.action != "end"],
            "can_end": any(a.action == "end" for a in selectors.pairing_actions(request.user, pairing)),
            "end_form": EndForm(),
            "meeting_form": MeetingForm() if pairing.status == "active" else None,
            "meetings": pairing.meetings.select_related("author"),
            "page_title": _("Compagnonnage : %(project)s") % {"project": pairing.request.project_title},
            "breadcrumb": crumbs({"label": pairing.request.project_title}),
        },
    )


@login_required
@require_POST
def pairing_action(request, pk: int):
    """The companion accepts or declines; either side (or staff) ends a running pairing with its outcome."""
    pairing = _pairing(request, pk)
    services.pairing_transition(
        user=request.user,
        pairing=pairing,
        action=request.POST.get("action", ""),
        reason=request.POST.get("reason", ""),
        outcome=request.POST.get("outcome", ""),
        outcome_note=request.POST.get("outcome_note", ""),
    )
    messages.success(request, _("Compagnonnage : %(status)s.") % {"status": pairing.status_label})
    return redirect(pairing)


@login_required
@require_POST
def meeting_add(request, pk: int):
    """Both sides and programme staff: log a meeting (date, topic, next step)."""
    pairing = _pairing(request, pk)
    form = MeetingForm(request.POST)
    meeting, status = submit(
        form, lambda data: services.meeting_add(user=request.user, pairing=pairing, data=data)
    )
    if meeting is None:
        return render(
            request,
            "network/mentoring/pairing.html",
            {
                "pairing": pairing,
                "description": render_markdown(pairing.mentor.description),
                "actions": [a for a in selectors.pairing_actions(request.user, pairing) if a.action != "end"],
                "can_end": False,
                "end_form": EndForm(),
                "meeting_form": form,
                "meetings": pairing.meetings.select_related("author"),
                "page_title": _("Compagnonnage : %(project)s") % {"project": pairing.request.project_title},
                "breadcrumb": crumbs({"label": pairing.request.project_title}),
            },
            status=status,
        )
    messages.success(request, _("Rencontre ajoutée au journal."))
    return redirect(pairing)
