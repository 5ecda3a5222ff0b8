"""Writes on mentoring: offers to accompany, requests, pairings (proposed, accepted, ended) and meetings."""

from __future__ import annotations

from django.db import transaction
from django.utils import timezone
from django.utils.translation import gettext as _

from tierslieux.accounts.models import User
from tierslieux.accounts.roles import is_programme_staff
from tierslieux.core.emails import email_send
from tierslieux.core.errors import ServiceError
from tierslieux.core.services import transition_apply
from tierslieux.core.workflow import SYSTEM
from tierslieux.places.models import Place, PlaceStatus

from .. import workflows
from ..models import MentoringRequest, MentorOffer, Outcome, Pairing, PairingMeeting, Theme
from ..selectors import mentoring as selectors
from .common import clean_codes, location, manages, require_manager, require_signed_in

__all__ = [
    "meeting_add",
    "mentor_offer_save",
    "mentoring_request_save",
    "mentoring_request_withdraw",
    "pairing_propose",
    "pairing_staff_create",
    "pairing_transition",
]


def _emails(place: Place) -> list[str]:
    return [m.email for m in place.managers.filter(is_active=True) if m.email]


@transaction.atomic
def mentor_offer_save(*, user: User, place: Place, data: dict) -> MentorOffer:
    """Managers of an open place offer to accompany projects (or change their offer)."""
    require_manager(user, place)
    if place.status != PlaceStatus.OPEN:
        raise ServiceError(_("Seul un lieu ouvert peut accompagner d’autres projets."), status=409)
    themes = clean_codes(data.get("themes"), Theme, label=_("Thèmes"), required=True)
    try:
        capacity, travel = int(data.get("capacity")), int(data.get("travel_km"))
    except (TypeError, ValueError):
        raise ServiceError(_("La capacité et la distance sont des nombres entiers.")) from None
    if not 1 <= capacity <= 20:
        raise ServiceError(_("Un lieu accompagne de 1 à 20 projets à la fois."))
    if not 1 <= travel <= 500:
        raise ServiceError(_("La distance de déplacement est comprise entre 1 et 500 km."))
    offer, _created = MentorOffer.objects.update_or_create(
        place=place,
        defaults={
            "themes": themes,
            "capacity": capacity,
            "travel_km": travel,
            "description": (data.get("description") or "")[:3000],
            "active": bool(data.get("active", True)),
            "show_on_place_page": bool(data.get("show_on_place_page")),
            "created_by": user,
        },
    )
    return offer


@transaction.atomic
def mentoring_request_save(*, user: User, data: dict) -> MentoringRequest:
    """A project asks for a companion: a manager of a place "en projet" or an applicant whose application is in
    preparation or was refused (programme staff may file one for a project). One open request at a time."""
    require_signed_in(user)
    if not selectors.may_ask(user):
        raise ServiceError(
            _(
                "Le compagnonnage est réservé aux projets : un lieu « en projet » que vous gérez, ou un dossier de "
                "candidature en préparation ou refusé."
            ),
            status=403,
        )
    place = data.get("place")
    if place is not None and not (
        is_programme_staff(user) or (manages(user, place) and place.status == PlaceStatus.PROJECT)
    ):
        raise ServiceError(_("Choisissez un lieu « en projet » que vous gérez."), status=403)
    reference = (data.get("application_reference") or "").strip()
    if reference and reference not in {a.reference for a in selectors.applications_of(user)}:
        raise ServiceError(_("Ce dossier n’est pas l’un des vôtres en préparation ou refusé."), status=403)
    title = (data.get("project_title") or "").strip()
    if not title:
        raise ServiceError(_("Le nom du projet est obligatoire."))
    message = (data.get("message") or "").strip()
    if not message:
        raise ServiceError(_("Dites en quelques mots ce que vous cherchez."))
    themes = clean_codes(data.get("themes"), Theme, label=_("Thèmes"), required=True)
    commune, lon, lat = location(place=place, commune=data.get("commune"))
    if MentoringRequest.objects.filter(
        requester=user, status__in=["open", "paired"]
    ).exists() and not is_programme_staff(user):
        raise ServiceError(_("Vous avez déjà une demande de compagnonnage en cours."), status=409)
    return MentoringRequest.objects.create(
        requester=user,
        place=place,
        application_reference=reference,
        project_title=title[:200],
        commune=commune,
        lon=lon,
        lat=lat,
        themes=themes,
        message=message[:3000],
        show_on_place_page=bool(data.get("show_on_place_page")),
    )


@transaction.atomic
def mentoring_request_withdraw(*, user: User, request: MentoringRequest) -> MentoringRequest:
    transition_apply(
        instance=request,
        workflow=workflows.MENTORING_REQUEST,
        action="withdraw",
        roles=selectors.request_roles(user, request),
        actor=user,
    )
    return request


def _check_pairable(request: MentoringRequest, mentor: MentorOffer) -> None:
    if request.status != "open":
        raise ServiceError(_("Cette demande n’est plus en recherche d’un compagnon."), status=409)
    if not mentor.active:
        raise ServiceError(_("Ce lieu n’accompagne plus de nouveaux projets."), status=409)
    running = mentor.pairings.filter(status__in=["proposed", "active"]).count()
    if running >= mentor.capacity:
        raise ServiceError(_("Ce lieu accompagne déjà autant de projets qu’il le peut."), status=409)
    if request.pairings.filter(mentor=mentor, status__in=["proposed", "active"]).exists():
        raise ServiceError(_("Ce compagnonnage est déjà proposé."), status=409)


@transaction.atomic
def pairing_propose(*, user: User, request: MentoringRequest, mentor: MentorOffer) -> Pairing:
    """The project asks one of the companions the matching proposed; its managers are told by email."""
    if workflows.REQUESTER not in selectors.request_roles(user, request):
        raise ServiceError(_("Seul le porteur de la demande peut choisir un compagnon."), status=403)
    if mentor.pk not in {offer.pk for offer in selectors.companions_for_request(request, limit=100)}:
        raise ServiceError(
            _("Ce lieu ne fait pas partie des compagnons proposés pour cette demande."), status=409
        )
    _check_pairable(request, mentor)
    pairing = Pairing.objects.create(mentor=mentor, request=request, created_by=user)
    email_send(name="network-pairing-proposed", to=_emails(mentor.place), context={"pairing": pairing})
    return pairing


def _start(pairing: Pairing, user: User, roles: set[str]) -> None:
    transition_apply(
        instance=pairing,
        workflow=workflows.PAIRING,
        action="accept",
        roles=roles,
        actor=user,
        changes={"started_on": timezone.localdate()},
    )
    transition_apply(
        instance=pairing.request,
        workflow=workflows.MENTORING_REQUEST,
        action="pair",
        roles={SYSTEM},
        actor=user,
    )
    recipients = [*_emails(pairing.mentor.place), pairing.request.requester.email]
    email_send(name="network-pairing-started", to=recipients, context={"pairing": pairing})


@transaction.atomic
def pairing_staff_create(*, user: User, request: MentoringRequest, mentor: MentorOffer) -> Pairing:
    """Programme staff pair a project with a companion directly (the pairing starts at once)."""
    if not is_programme_staff(user):
        raise ServiceError(
            _("Seule l’équipe du programme peut former un compagnonnage directement."), status=403
        )
    _check_pairable(request, mentor)
    pairing = Pairing.objects.create(mentor=mentor, request=request, created_by=user)
    _start(pairing, user, {workflows.STAFF})
    return pairing


@transaction.atomic
def pairing_transition(
    *, user: User, pairing: Pairing, action: str, reason: str = "", outcome: str = "", outcome_note: str = ""
) -> Pairing:
    """Accept or decline a proposed pairing (the companion), end a running one with its outcome (either side)."""
    roles = selectors.pairing_roles(user, pairing)
    if action == "accept":
        workflows.PAIRING.check(pairing.status, action=action, roles=roles)
        if pairing.request.status != "open":
            raise ServiceError(_("Ce projet est déjà accompagné."), status=409)
        _start(pairing, user, roles)
        for other in pairing.request.pairings.filter(status="proposed").exclude(pk=pairing.pk):
            transition_apply(
                instance=other,
                workflow=workflows.PAIRING,
                action="decline",
                roles={workflows.STAFF},
                actor=user,
                reason=_("Le projet est accompagné par un autre lieu."),
            )
        return pairing
    if action == "end":
        if outcome not in Outcome.values:
            raise ServiceError(_("Choisissez l’issue du compagnonnage."))
        transition_apply(
            instance=pairing,
            workflow=workflows.PAIRING,
            action="end",
            roles=roles,
            actor=user,
            reason=reason,
            changes={
                "ended_on": timezone.localdate(),
                "outcome": outcome,
                "outcome_note": outcome_note.strip()[:3000],
            },
        )
        transition_apply(
            instance=pairing.request,
            workflow=workflows.MENTORING_REQUEST,
            action="close",
            roles={SYSTEM},
            actor=user,
        )
        return pairing
    if action == "decline":
        transition_apply(
            instance=pairing,
            workflow=workflows.PAIRING,
            action="decline",
            roles=roles,
            actor=user,
            reason=reason,
        )
        email_send(
            name="network-pairing-declined",
            to=[pairing.request.requester.email],
            context={"pairing": pairing, "reason": reason},
        )
        return pairing
    raise ServiceError(_("Cette action n’existe pas."))


@transaction.atomic
def meeting_add(*, user: User, pairing: Pairing, data: dict) -> PairingMeeting:
    """Either side (or staff) logs a meeting of a running pairing: date, topic, next step."""
    if not selectors.pairing_roles(user, pairing):
        raise ServiceError(_("Seuls les deux côtés du compagnonnage peuvent tenir son journal."), status=403)
    if pairing.status != "active":
        raise ServiceError(_("Le journal ne s’écrit que pendant le compagnonnage."), status=409)
    date, topic = data.get("date"), (data.get("topic") or "").strip()
    if date is None or not topic:
        raise ServiceError(_("La date et le sujet de la rencontre sont obligatoires."))
    if pairing.started_on and date < pairing.started_on:
        raise ServiceError(_("La rencontre précède le début du compagnonnage."))
    return PairingMeeting.objects.create(
        pairing=pairing,
        date=date,
        topic=topic[:300],
        next_step=(data.get("next_step") or "").strip()[:300],
        author=user,
    )
