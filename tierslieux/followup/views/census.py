"""The census: campaigns (programme staff: create, open, follow the response rate per region live, close) and
the answer of a manager for their place — from the personal link of the invitation email (no sign-in), or
signed in from their manager page."""

from __future__ import annotations

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.shortcuts import get_object_or_404, redirect, render
from django.urls import reverse
from django.utils.translation import gettext as _
from django.views.decorators.http import require_GET, require_http_methods, require_POST

from tierslieux.accounts.models import User
from tierslieux.core.errors import ServiceError
from tierslieux.places.models import Place

from .. import selectors
from ..forms import CampaignForm, CensusAnswerForm
from ..models import CensusAnswer, CensusCampaign
from ..models.census import AnswerChannel
from ..services import census as services
from ..tokens import read_census_token
from .dashboard import staff_only


def _campaign_crumbs(campaign: CensusCampaign | None = None) -> list[dict]:
    items = [{"label": _("Recensements"), "url": reverse("followup:campaigns")}]
    if campaign is not None:
        items.append({"label": campaign.title})
    else:
        items[-1]["url"] = None
    return items


@staff_only
@require_http_methods(["GET", "POST"])
def campaigns(request):
    """Programme staff and administrators: the census campaigns, and a new one."""
    form = CampaignForm(request.POST or None)
    status = 200
    if request.method == "POST":
        status = 400
        if form.is_valid():
            try:
                campaign = services.campaign_create(actor=request.user, **form.cleaned_data)
            except ServiceError as error:
                form.add_error(None, error.message)
                status = error.status
            else:
                messages.success(
                    request, _("Le recensement est créé : ouvrez-le pour envoyer les invitations.")
                )
                return redirect("followup:campaign", campaign.pk)
    return render(
        request,
        "followup/campaigns.html",
        {
            "campaigns": CensusCampaign.objects.all(),
            "form": form,
            "places": selectors.census_places().count(),
            "page_title": _("Recensements"),
            "breadcrumb": _campaign_crumbs(),
        },
        status=status,
    )


@staff_only
@require_GET
def campaign(request, pk: int):
    """Programme staff and administrators: a campaign and its response rate per region (refreshed live)."""
    item = get_object_or_404(CensusCampaign, pk=pk)
    context = {"campaign": item, "rates": selectors.census_rates(item)}
    if request.htmx:
        return render(request, "followup/_census_rates.html", context)
    return render(
        request,
        "followup/campaign.html",
        context | {"page_title": item.title, "breadcrumb": _campaign_crumbs(item)},
    )


@staff_only
@require_POST
def campaign_open(request, pk: int):
    """Programme staff and administrators: open a campaign in preparation and email the invitations."""
    item = get_object_or_404(CensusCampaign, pk=pk)
    invited = services.campaign_open(campaign=item, actor=request.user)
    messages.success(request, _("Le recensement est ouvert : %(count)s lieux invités.") % {"count": invited})
    return redirect("followup:campaign", item.pk)


@staff_only
@require_POST
def campaign_close(request, pk: int):
    """Programme staff and administrators: close an open campaign (its links stop working)."""
    item = get_object_or_404(CensusCampaign, pk=pk)
    services.campaign_close(campaign=item, actor=request.user)
    messages.success(request, _("Le recensement est clos."))
    return redirect("followup:campaign", item.pk)


def _answer_page(request, *, campaign, place, user, channel: str, action: str):
    existing = (
        CensusAnswer.objects.filter(campaign=campaign, place=place).select_related("answered_by").first()
    )
    form = None
    status = 200
    if existing is None:
        form = CensusAnswerForm(request.POST or None, initial=CensusAnswerForm.initial_for(place))
        if request.method == "POST":
            status = 400
            if form.is_valid():
                try:
                    services.census_answer_submit(
                        campaign=campaign, place=place, user=user, channel=channel, data=form.values()
                    )
                except ServiceError as error:
                    if error.status in (403, 404, 410):
                        raise
                    form.add_error(None, error.message)
                    status = error.status
                else:
                    messages.success(request, _("Merci : votre réponse est enregistrée."))
                    return redirect(action)
    elif request.method == "POST":
        raise ServiceError(_("Ce lieu a déjà répondu à ce recensement."), status=409)
    return render(
        request,
        "followup/census_answer.html",
        {
            "campaign": campaign,
            "place": place,
            "answer": existing,
            "form": form,
            "action": action,
            "page_title": _("%(campaign)s — %(place)s") % {"campaign": campaign.title, "place": place.name},
            "breadcrumb": [{"label": campaign.title}],
        },
        status=status,
    )


@require_http_methods(["GET", "POST"])
def census_answer(request, token: str):
    """Public, with the personal link of an invitation: the manager it was sent to answers for their place,
    without signing in, while the campaign is open. A forged or altered link: 404; a closed campaign: 410; a
    person who no longer manages the place: 403."""
    invitation = read_census_token(token)
    if invitation is None:
        raise ServiceError(_("Ce lien n’est pas valide : utilisez celui du courriel reçu."), status=404)
    item = get_object_or_404(CensusCampaign, pk=invitation.campaign_id)
    place = get_object_or_404(Place, pk=invitation.place_id)
    user = get_object_or_404(User, pk=invitation.user_id)
    services.answer_allowed(item, place, user)
    return _answer_page(
        request,
        campaign=item,
        place=place,
        user=user,
        channel=AnswerChannel.EMAIL_LINK,
        action=reverse("followup:census_answer", args=[token]),
    )


@login_required
@require_http_methods(["GET", "POST"])
def census_answer_signed_in(request, pk: int, slug: str):
    """Managers of the place, signed in: answer the open campaign for it. Others: 403; closed campaign: 410."""
    item = get_object_or_404(CensusCampaign, pk=pk)
    place = get_object_or_404(Place, slug=slug)
    services.answer_allowed(item, place, request.user)
    return _answer_page(
        request,
        campaign=item,
        place=place,
        user=request.user,
        channel=AnswerChannel.SIGNED_IN,
        action=reverse("followup:census_answer_signed_in", args=[item.pk, place.slug]),
    )
