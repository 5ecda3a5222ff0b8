"""Census campaigns: programme staff create and open one a year (every place with a manager is invited by
email, with a personal link), managers answer for their places (the changes become a moderated proposal on the
place page; the figures are kept for the observatory), the campaign closes on its date or by hand."""

from __future__ import annotations

from collections.abc import Mapping
from datetime import date, datetime
from typing import Any

from django.core.exceptions import ValidationError
from django.db import IntegrityError, transaction
from django.urls import reverse
from django.utils import timezone
from django.utils.formats import date_format
from django.utils.translation import gettext as _

from tierslieux.accounts.models import User
from tierslieux.core.emails import email_send
from tierslieux.core.errors import ServiceError
from tierslieux.core.services import transition_apply
from tierslieux.core.workflow import SYSTEM
from tierslieux.places.contributions import services as contribution_services
from tierslieux.places.models import LegalForm, Place, PlaceStatus, PlaceType

from .. import selectors, workflows
from ..models import CensusAnswer, CensusCampaign, CensusInvitation
from ..models.census import AnswerChannel
from ..tokens import census_token

ANSWER_FIELDS = ("still_open", "types", "surface_m2", "users_per_month", "jobs_fte", "legal_form")


def _staff_roles(user: User) -> set[str]:
    if not selectors.can_run_census(user):
        raise ServiceError(_("Les recensements sont réservés à l’équipe du programme."), status=403)
    return {workflows.STAFF}


@transaction.atomic
def campaign_create(
    *, actor: User, year: int, title: str, closes_on: date, message: str = ""
) -> CensusCampaign:
    _staff_roles(actor)
    if CensusCampaign.objects.filter(year=year).exists():
        raise ServiceError(_("Un recensement existe déjà pour %(year)s.") % {"year": year}, status=409)
    if closes_on <= timezone.localdate():
        raise ServiceError(_("La date de clôture doit être dans le futur."))
    return CensusCampaign.objects.create(
        year=year, title=title.strip(), closes_on=closes_on, message=message.strip(), created_by=actor
    )


@transaction.atomic
def campaign_open(*, campaign: CensusCampaign, actor: User, now: datetime | None = None) -> int:
    """Open the campaign and invite every place that has an active manager: each manager gets an email with a
    personal link per place. Returns the number of places invited."""
    now = now or timezone.now()
    roles = _staff_roles(actor)
    if campaign.closes_on <= timezone.localdate(now):
        raise ServiceError(_("La date de clôture est passée : changez-la avant d’ouvrir."), status=409)
    transition_apply(
        instance=campaign,
        workflow=workflows.CENSUS,
        action="open",
        roles=roles,
        actor=actor,
        changes={"opened_at": now},
    )
    invited = 0
    for place in selectors.census_places().prefetch_related("managers"):
        managers = [m for m in place.managers.all() if m.is_active and m.email]
        CensusInvitation.objects.create(campaign=campaign, place=place, sent_at=now, recipients=len(managers))
        for manager in managers:
            token = census_token(campaign_id=campaign.pk, place_id=place.pk, user_id=manager.pk)
            email_send(
                name="followup-census-invitation",
                to=[manager.email],
                context={
                    "campaign": campaign,
                    "place": place,
                    "closes_on": date_format(campaign.closes_on, "j F Y"),
                    "url": reverse("followup:census_answer", args=[token]),
                },
            )
        invited += 1
    return invited


@transaction.atomic
def campaign_close(
    *, campaign: CensusCampaign, actor: User | None = None, now: datetime | None = None
) -> CensusCampaign:
    """Close the campaign (staff, or the platform on its closing date): the links stop working."""
    roles = {SYSTEM} if actor is None else _staff_roles(actor)
    transition_apply(
        instance=campaign,
        workflow=workflows.CENSUS,
        action="close",
        roles=roles,
        actor=actor,
        changes={"closed_at": now or timezone.now()},
    )
    return campaign


def answer_allowed(campaign: CensusCampaign, place: Place, user: User) -> None:
    """Refuse (French message) unless `user` may answer `campaign` for `place` now."""
    if campaign.status != "open":
        raise ServiceError(_("Ce recensement est clos : il n’accepte plus de réponse."), status=410)
    if not (getattr(user, "is_active", False) and place.managers.filter(pk=user.pk).exists()):
        raise ServiceError(_("Seuls les gestionnaires de ce lieu peuvent répondre pour lui."), status=403)
    if not CensusInvitation.objects.filter(campaign=campaign, place=place).exists():
        raise ServiceError(_("Ce lieu n’est pas interrogé par ce recensement."), status=404)


def _proposal_data(place: Place, answer: Mapping[str, Any]) -> dict[str, Any]:
    """What the answer changes on the place page (only what differs)."""
    data: dict[str, Any] = {}
    if not answer["still_open"] and place.status != PlaceStatus.CLOSED:
        data["status"] = PlaceStatus.CLOSED
    elif answer["still_open"] and place.status == PlaceStatus.CLOSED:
        data["status"] = PlaceStatus.OPEN
    if answer["types"] and sorted(answer["types"]) != sorted(place.types or []):
        data["types"] = list(answer["types"])
    if answer["surface_m2"] is not None and answer["surface_m2"] != place.surface_m2:
        data["surface_m2"] = answer["surface_m2"]
    if answer["legal_form"] and answer["legal_form"] != place.legal_form:
        data["legal_form"] = answer["legal_form"]
    return data


@transaction.atomic
def census_answer_submit(
    *,
    campaign: CensusCampaign,
    place: Place,
    user: User,
    channel: str,
    data: Mapping[str, Any],
    now: datetime | None = None,
) -> CensusAnswer:
    """A manager answers the census for their place (once). The figures are stored for the observatory; what
    changes the place page (open or closed, types, surface, legal form) becomes a proposal moderated by staff."""
    answer_allowed(campaign, place, user)
    unknown = set(data) - set(ANSWER_FIELDS)
    if unknown:
        raise ServiceError(_("Champs inconnus : %(fields)s") % {"fields": ", ".join(sorted(unknown))})
    if channel not in AnswerChannel.values:
        raise ServiceError(_("Canal de réponse inconnu."))
    values = {name: data.get(name) for name in ANSWER_FIELDS}
    values["types"] = [code for code in values["types"] or [] if code in PlaceType.values]
    values["legal_form"] = values["legal_form"] or ""
    if values["legal_form"] not in LegalForm.values:
        raise ServiceError(_("Forme juridique inconnue."))
    if values["still_open"] is None:
        raise ServiceError(_("Dites si le lieu est toujours ouvert."))
    try:
        with transaction.atomic():
            answer = CensusAnswer.objects.create(
                campaign=campaign,
                place=place,
                answered_by=user,
                channel=channel,
                answered_at=now or timezone.now(),
                **values,
            )
    except IntegrityError:
        raise ServiceError(_("Ce lieu a déjà répondu à ce recensement."), status=409) from None
    changes = _proposal_data(place, values)
    if changes:
        try:
            proposal = contribution_services.proposal_submit(
                data=changes,
                place=place,
                author=user,
                comment=_("Réponse au %(campaign)s") % {"campaign": campaign.title},
            )
        except ValidationError as error:
            raise ServiceError(" ".join(error.messages)) from None
        answer.proposal = proposal
        answer.save(update_fields=["proposal"])
    return answer
