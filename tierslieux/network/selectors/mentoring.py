"""Reads on mentoring: roles, who may ask, companions proposed by the matching, pairings shown on place
pages, and the counts the observatory and the follow-up reports read (`mentoring_counts`)."""

from __future__ import annotations

import datetime as dt

from django.contrib.auth.models import AnonymousUser
from django.db.models import Count, Q, QuerySet

from tierslieux.accounts.models import User
from tierslieux.accounts.roles import is_programme_staff
from tierslieux.calls.models import Application
from tierslieux.calls.selectors import applications_seeking_support
from tierslieux.core.workflow import Transition
from tierslieux.places.models import Place, PlaceStatus

from .. import matching, workflows
from ..models import MentoringRequest, MentorOffer, Outcome, Pairing


def _signed_in(user: User | AnonymousUser) -> bool:
    return bool(getattr(user, "is_authenticated", False) and user.is_active)


def request_roles(user: User, request: MentoringRequest) -> set[str]:
    roles: set[str] = set()
    if not _signed_in(user):
        return roles
    if request.requester_id == user.pk or (
        request.place_id and request.place.managers.filter(pk=user.pk).exists()
    ):
        roles.add(workflows.REQUESTER)
    if is_programme_staff(user):
        roles.add(workflows.STAFF)
    return roles


def pairing_roles(user: User, pairing: Pairing) -> set[str]:
    roles = request_roles(user, pairing.request)
    if _signed_in(user) and pairing.mentor.place.managers.filter(pk=user.pk).exists():
        roles.add(workflows.MENTOR)
    return roles


def pairing_actions(user: User, pairing: Pairing) -> list[Transition]:
    return workflows.PAIRING.available(pairing.status, pairing_roles(user, pairing))


def projects_of(user: User) -> QuerySet[Place]:
    """The places "en projet" `user` manages."""
    if not _signed_in(user):
        return Place.objects.none()
    return user.managed_places.filter(status=PlaceStatus.PROJECT).order_by("name")


def applications_of(user: User) -> list[Application]:
    """The applications of `user` in preparation or refused (through the calls' selectors)."""
    if not _signed_in(user):
        return []
    return list(applications_seeking_support(user).order_by("reference"))


def may_ask(user: User) -> bool:
    """Projects ask for a companion: a manager of a place "en projet", or an applicant whose application is in
    preparation or was refused; programme staff may file a request for a project too."""
    return _signed_in(user) and (
        is_programme_staff(user) or projects_of(user).exists() or bool(applications_of(user))
    )


def mentor_offers_active() -> QuerySet[MentorOffer]:
    return (
        MentorOffer.objects.filter(active=True)
        .select_related("place", "place__commune")
        .annotate(running=Count("pairings", filter=Q(pairings__status__in=["proposed", "active"])))
    )


def companions_for_request(request: MentoringRequest, *, limit: int = 10) -> list[MentorOffer]:
    """The companion places the matching proposes for `request` (with `common_themes` and `distance_km`)."""
    offers = {
        offer.pk: offer
        for offer in mentor_offers_active().exclude(place_id=request.place_id)
        if not request.place_id or offer.place_id != request.place_id
    }
    already = set(
        request.pairings.filter(status__in=["proposed", "active", "declined"]).values_list(
            "mentor_id", flat=True
        )
    )
    companions = [
        matching.Companion(
            id=offer.pk,
            lon=offer.place.lon,
            lat=offer.place.lat,
            themes=frozenset(offer.themes),
            travel_km=float(offer.travel_km),
            free_places=offer.capacity - offer.running,
        )
        for offer in offers.values()
        if offer.pk not in already
    ]
    seeker = matching.Seeker(
        id=request.pk, lon=request.lon, lat=request.lat, themes=frozenset(request.themes)
    )
    found = []
    for match in matching.companions_for(seeker, companions, limit=limit):
        offer = offers[match.companion]
        offer.common_themes = match.common_themes
        offer.distance_km = match.distance_km
        found.append(offer)
    return found


def requests_of(user: User) -> QuerySet[MentoringRequest]:
    if not _signed_in(user):
        return MentoringRequest.objects.none()
    return (
        MentoringRequest.objects.filter(Q(requester=user) | Q(place__managers=user))
        .distinct()
        .select_related("place", "commune")
    )


def requests_open() -> QuerySet[MentoringRequest]:
    return MentoringRequest.objects.filter(status="open").select_related("place", "commune", "requester")


def pairings_of(user: User) -> QuerySet[Pairing]:
    if not _signed_in(user):
        return Pairing.objects.none()
    return (
        Pairing.objects.filter(
            Q(request__requester=user) | Q(request__place__managers=user) | Q(mentor__place__managers=user)
        )
        .distinct()
        .select_related("mentor__place", "request")
    )


def place_pairings(place: Place) -> list[Pairing]:
    """The pairings shown on a place's page: running or ended, where both sides consented."""
    pairings = (
        Pairing.objects.filter(
            Q(mentor__place=place) | Q(request__place=place), status__in=["active", "ended"]
        )
        .select_related("mentor__place", "request__place")
        .order_by("-started_on", "-pk")
    )
    return [pairing for pairing in pairings if pairing.public]


def mentoring_counts(
    *, since: dt.date | None = None, until: dt.date | None = None, region: str = "", department: str = ""
) -> dict:
    """Counts for the observatory and the follow-up reports: pairings started in [since, until] (all when
    None) in a region or department (of the companion place), by status and by outcome; open requests;
    places offering to accompany."""
    pairings = Pairing.objects.exclude(started_on=None)
    mentors = MentorOffer.objects.filter(active=True)
    requests = MentoringRequest.objects.filter(status="open")
    if since:
        pairings = pairings.filter(started_on__gte=since)
    if until:
        pairings = pairings.filter(started_on__lte=until)
    if region:
        pairings = pairings.filter(mentor__place__commune__region_id=region)
        mentors = mentors.filter(place__commune__region_id=region)
        requests = requests.filter(commune__region_id=region)
    if department:
        pairings = pairings.filter(mentor__place__commune__department_id=department)
        mentors = mentors.filter(place__commune__department_id=department)
        requests = requests.filter(commune__department_id=department)
    by_status = dict(pairings.values_list("status").annotate(n=Count("pk")))
    by_outcome = dict(pairings.filter(status="ended").values_list("outcome").annotate(n=Count("pk")))
    return {
        "pairings": sum(by_status.values()),
        "active": by_status.get("active", 0),
        "ended": by_status.get("ended", 0),
        "by_outcome": {code: by_outcome.get(code, 0) for code in Outcome.values},
        "requests_open": requests.count(),
        "mentors": mentors.count(),
    }
