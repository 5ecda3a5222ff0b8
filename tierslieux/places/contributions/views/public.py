"""Public contribution pages: propose a place or a change, report an error, contact a place; signed-in
people claim a place."""

from __future__ import annotations

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.exceptions import ValidationError
from django.http import HttpResponse
from django.shortcuts import redirect, render
from django.urls import reverse
from django.utils.translation import gettext as _
from django.views.decorators.http import require_http_methods

from tierslieux.places.models import ContactRoute
from tierslieux.places.selectors import place_is_managed_by

from .. import services
from ..forms import ClaimForm, ContactForm, PlaceDataForm, ProposalForm, ReportForm, add_service_error
from ..selectors import contributions_of, pending_claim
from .common import form_page, get_place, submit_public_form


@login_required
def my_contributions(request):
    """Signed-in people: their own proposals, error reports and claims, with their state and the team's answer."""
    return render(
        request,
        "contributions/mine.html",
        {
            "mine": contributions_of(request.user),
            "page_title": _("Mes contributions"),
            "breadcrumb": [
                {"label": _("Mon compte"), "url": reverse("accounts:profile")},
                {"label": _("Mes contributions")},
            ],
        },
    )


def thanks(request):
    """Public: after a contribution."""
    return render(
        request,
        "contributions/thanks.html",
        {"page_title": _("Merci !"), "breadcrumb": [{"label": _("Merci")}]},
    )


def _propose(request, place=None):
    form = ProposalForm(
        request.POST or None, user=request.user, initial=PlaceDataForm.initial_for(place) if place else None
    )
    status = 200
    if request.method == "POST":
        result = submit_public_form(
            request,
            "proposal",
            form,
            lambda data: services.proposal_submit(
                data=form.place_data(),
                place=place,
                author=request.user,
                author_email=data.get("author_email") or "",
                comment=data["comment"],
            ),
            _("Merci ! Votre proposition sera relue par l’équipe du programme."),
        )
        if isinstance(result, HttpResponse):
            return result
        status = result
    title = (
        _("Proposer une modification : %(place)s") % {"place": place.name}
        if place
        else _("Proposer un tiers-lieu")
    )
    intro = _(
        "Votre proposition sera relue par l’équipe du programme avant publication."
        " Les gestionnaires d’un lieu peuvent le modifier directement après l’avoir revendiqué."
    )
    return form_page(
        request,
        form=form,
        title=title,
        submit=_("Envoyer la proposition"),
        place=place,
        intro=intro,
        status=status,
    )


@require_http_methods(["GET", "POST"])
def propose(request):
    """Public: propose a new place (moderated)."""
    return _propose(request)


@require_http_methods(["GET", "POST"])
def propose_change(request, slug: str):
    """Public: propose a change to a place (moderated)."""
    return _propose(request, get_place(slug, request.user))


@require_http_methods(["GET", "POST"])
def report(request, slug: str):
    """Public: report an error on a place (moderated)."""
    place = get_place(slug, request.user)
    form = ReportForm(request.POST or None, user=request.user)
    status = 200
    if request.method == "POST":
        result = submit_public_form(
            request,
            "report",
            form,
            lambda data: services.report_submit(
                place=place,
                kind=data["kind"],
                message=data["message"],
                author=request.user,
                author_email=data.get("author_email") or "",
            ),
            _("Merci ! Votre signalement sera examiné par l’équipe du programme."),
        )
        if isinstance(result, HttpResponse):
            return result
        status = result
    return form_page(
        request,
        form=form,
        title=_("Signaler une erreur : %(place)s") % {"place": place.name},
        submit=_("Envoyer le signalement"),
        place=place,
        status=status,
    )


@require_http_methods(["GET", "POST"])
def contact(request, slug: str):
    """Public: send a message to the managers of a place (their address is never shown)."""
    place = get_place(slug, request.user)
    if place.contact_route != ContactRoute.FORM:
        # The place asks to be reached otherwise (phone, its own site, or not at all): its page says how.
        return form_page(
            request,
            form=None,
            title=_("Contacter %(place)s") % {"place": place.name},
            submit="",
            place=place,
            intro=_(
                "Ce lieu ne reçoit pas de messages par la plateforme : sa page indique comment le joindre."
            ),
            status=409 if request.method == "POST" else 200,
        )
    form = ContactForm(request.POST or None)
    status = 200
    if request.method == "POST":
        result = submit_public_form(
            request,
            "contact",
            form,
            lambda data: services.contact_send(place=place, author=request.user, **data),
            _("Votre message est transmis. Le lieu vous répondra directement."),
        )
        if isinstance(result, HttpResponse):
            return result
        status = result
    return form_page(
        request,
        form=form,
        title=_("Contacter %(place)s") % {"place": place.name},
        submit=_("Envoyer le message"),
        place=place,
        intro=_("Votre message est transmis au lieu par courriel ; son adresse n’est jamais affichée."),
        status=status,
    )


@login_required
@require_http_methods(["GET", "POST"])
def claim(request, slug: str):
    """Signed-in people: ask to manage a place (programme staff approve). Posting again while a request waits:
    409."""
    place = get_place(slug, request.user)
    if place_is_managed_by(place, request.user):
        messages.info(request, _("Vous gérez déjà ce lieu."))
        return redirect("contributions:edit", slug=place.slug)
    pending = pending_claim(place, request.user)
    form = ClaimForm(request.POST or None)
    status = 409 if request.method == "POST" and pending else 200
    if request.method == "POST" and pending is None:
        if form.is_valid():
            try:
                services.claim_submit(place=place, user=request.user, message=form.cleaned_data["message"])
            except ValidationError as error:
                add_service_error(form, error)
            else:
                messages.success(
                    request,
                    _(
                        "Votre demande est envoyée : un accusé de réception vous a été adressé par courriel ;"
                        " l’équipe du programme vous répondra. Son état est suivi ci-dessous."
                    ),
                )
                return redirect("contributions:mine")
        status = 400
    intro = (
        _("Votre demande est déjà en attente : l’équipe du programme vous répondra par courriel.")
        if pending
        else _(
            "Une fois votre demande approuvée par l’équipe du programme, vous pourrez modifier la fiche du lieu."
        )
    )
    return form_page(
        request,
        form=None if pending else form,
        title=_("Vous gérez ce lieu ? %(place)s") % {"place": place.name},
        submit=_("Envoyer ma demande"),
        place=place,
        intro=intro,
        status=status,
        honeypot=False,
    )
