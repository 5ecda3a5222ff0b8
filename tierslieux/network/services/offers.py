"""Writes on offers and needs, person profiles, abuse reports and relayed messages."""

from __future__ import annotations

import datetime as dt

from django.db import IntegrityError, transaction
from django.utils import timezone
from django.utils.translation import gettext as _

from tierslieux.accounts.models import User
from tierslieux.accounts.roles import is_programme_staff
from tierslieux.core.emails import email_send
from tierslieux.core.errors import ServiceError
from tierslieux.core.services import transition_apply
from tierslieux.core.workflow import SYSTEM
from tierslieux.geo.models import Commune
from tierslieux.places.models import Place

from .. import workflows
from ..models import (
    CATEGORIES,
    AbuseReport,
    Kind,
    Listing,
    MatchNotice,
    NetworkProfile,
    RelayedMessage,
    Side,
    Skill,
    Terms,
)
from ..models.choices import ReportReason
from ..selectors import offers as selectors
from .common import clean_codes, clean_tags, location, manages, require_signed_in, setting

__all__ = [
    "listing_publish",
    "listing_report",
    "listing_save",
    "listing_transition",
    "listings_expire",
    "matches_notify",
    "message_relay",
    "profile_save",
    "report_decide",
]

LISTING_FIELDS = (
    "side",
    "kind",
    "category",
    "tags",
    "title",
    "description",
    "place",
    "commune",
    "radius_km",
    "terms",
    "terms_note",
    "capacity",
    "price_min",
    "price_max",
    "valid_from",
    "valid_until",
)
MAX_RADIUS_KM = 500


def _validate(data: dict, *, user: User) -> dict:
    clean: dict = {}
    side, kind = data.get("side"), data.get("kind")
    if side not in Side.values:
        raise ServiceError(_("Choisissez « Je propose » ou « Je cherche »."))
    if kind not in Kind.values:
        raise ServiceError(_("Choisissez la nature de l’annonce : compétence, équipement, espace ou prêt."))
    category = data.get("category") or ""
    if category not in CATEGORIES[kind].values:
        raise ServiceError(_("Cette catégorie n’existe pas pour cette nature d’annonce."))
    title = (data.get("title") or "").strip()
    if not title:
        raise ServiceError(_("Le titre est obligatoire."))
    radius = data.get("radius_km")
    try:
        radius = int(radius)
    except (TypeError, ValueError):
        raise ServiceError(_("Le rayon est un nombre entier de kilomètres.")) from None
    if radius < 1:
        raise ServiceError(_("Le rayon doit être d’au moins 1 km."))
    if radius > MAX_RADIUS_KM:
        raise ServiceError(_("Le rayon ne peut pas dépasser %(max)s km.") % {"max": MAX_RADIUS_KM})
    terms = data.get("terms") or Terms.FREE
    if terms not in Terms.values:
        raise ServiceError(_("Conditions inconnues."))
    valid_from = data.get("valid_from") or timezone.localdate()
    valid_until = data.get("valid_until")
    if not isinstance(valid_until, dt.date):
        raise ServiceError(_("Indiquez jusqu’à quand l’annonce est valable."))
    if valid_until < timezone.localdate():
        raise ServiceError(_("La date de fin de validité est déjà passée."))
    if valid_until < valid_from:
        raise ServiceError(_("La fin de validité précède son début."))
    if (valid_until - valid_from).days > 366:
        raise ServiceError(_("Une annonce est valable un an au plus : republiez-la ensuite."))
    place = data.get("place")
    if place is not None and not isinstance(place, Place):
        raise ServiceError(_("Lieu inconnu."))
    if place is not None and not (manages(user, place) or is_programme_staff(user)):
        raise ServiceError(_("Vous ne pouvez publier qu’au nom des lieux que vous gérez."), status=403)
    commune = data.get("commune")
    if commune is not None and not isinstance(commune, Commune):
        raise ServiceError(_("Commune inconnue."))
    clean["commune"], clean["lon"], clean["lat"] = location(place=place, commune=commune)
    price_min, price_max = data.get("price_min"), data.get("price_max")
    if price_min is not None and price_max is not None and price_max < price_min:
        raise ServiceError(_("Le prix maximum est inférieur au prix minimum."))
    capacity = data.get("capacity")
    if kind != Kind.SPACE:
        capacity = price_min = price_max = None
    clean |= {
        "side": side,
        "kind": kind,
        "category": category,
        "tags": clean_tags(data.get("tags")),
        "title": title[:150],
        "description": (data.get("description") or "")[:5000],
        "place": place,
        "radius_km": radius,
        "terms": terms,
        "terms_note": (data.get("terms_note") or "").strip()[:300],
        "capacity": capacity,
        "price_min": price_min,
        "price_max": price_max,
        "valid_from": valid_from,
        "valid_until": valid_until,
    }
    return clean


def _check_limits(user: User) -> None:
    if is_programme_staff(user):
        return
    limit = setting("NETWORK_MAX_OPEN_LISTINGS", 20)
    if selectors.open_listings_count(user) >= limit:
        raise ServiceError(
            _("Vous avez déjà %(count)s annonces en cours : fermez-en une avant d’en créer une autre.")
            % {"count": limit},
            status=429,
        )
    per_day = setting("NETWORK_MAX_LISTINGS_PER_DAY", 10)
    if selectors.listings_created_since(user, timezone.now() - dt.timedelta(days=1)) >= per_day:
        raise ServiceError(
            _("Vous avez créé %(count)s annonces en 24 heures : réessayez demain.") % {"count": per_day},
            status=429,
        )


@transaction.atomic
def listing_save(*, user: User, data: dict, listing: Listing | None = None) -> Listing:
    """Create a draft offer or need (signed-in people, per-account limits), or change one (its owner, while
    it is a draft or published). Nothing is written when the data is refused (ServiceError 400)."""
    require_signed_in(user)
    clean = _validate(data, user=user)
    if listing is None:
        _check_limits(user)
        return Listing.objects.create(owner=user, **clean)
    if workflows.OWNER not in selectors.listing_roles(user, listing):
        raise ServiceError(_("Seul l’auteur de l’annonce peut la modifier."), status=403)
    if listing.status not in workflows.OPEN_LISTING_STATES:
        raise ServiceError(_("Une annonce fermée ne se modifie plus."), status=409)
    for name, value in clean.items():
        setattr(listing, name, value)
    listing.expiry_warned_at = (
        None if listing.valid_until != data.get("valid_until") else listing.expiry_warned_at
    )
    listing.save()
    return listing


@transaction.atomic
def listing_publish(*, listing: Listing, user: User, now: dt.datetime | None = None) -> list[Listing]:
    """Publish a draft (its owner); the matching listings of the other side are notified. Returns them."""
    now = now or timezone.now()
    if listing.valid_until < timezone.localdate(now):
        raise ServiceError(_("La date de fin de validité est déjà passée : modifiez-la avant de publier."))
    transition_apply(
        instance=listing,
        workflow=workflows.LISTING,
        action="publish",
        roles=selectors.listing_roles(user, listing),
        actor=user,
        changes={"published_at": now},
    )
    return matches_notify(listing=listing, now=now)


@transaction.atomic
def listing_transition(*, listing: Listing, user: User, action: str, reason: str = "") -> Listing:
    """Fulfil or close (its owner), remove (staff, with a reason)."""
    if action in {"publish", "expire"}:
        raise ServiceError(_("Cette action n’est pas possible ici."))
    transition_apply(
        instance=listing,
        workflow=workflows.LISTING,
        action=action,
        roles=selectors.listing_roles(user, listing),
        actor=user,
        reason=reason,
    )
    return listing


def _notify_enabled(user: User) -> bool:
    profile = NetworkProfile.objects.filter(user=user).only("notify_matches").first()
    return (profile is None or profile.notify_matches) and user.is_active and bool(user.email)


def matches_notify(*, listing: Listing, now: dt.datetime) -> list[Listing]:
    """Email both sides of each new match of `listing` (once per pair; people who opted out are skipped)."""
    matches = selectors.listing_matches(listing, now=now)
    fresh = []
    for other in matches:
        need, offer = (listing, other) if listing.side == Side.NEED else (other, listing)
        try:
            with transaction.atomic():
                MatchNotice.objects.create(need=need, offer=offer, distance_km=other.distance_km)
        except IntegrityError:
            continue
        fresh.append(other)
        if _notify_enabled(other.owner):
            email_send(
                name="network-match",
                to=[other.owner.email],
                context={"listing": other, "match": listing, "distance_km": other.distance_km},
            )
    if fresh and _notify_enabled(listing.owner):
        email_send(
            name="network-matches", to=[listing.owner.email], context={"listing": listing, "matches": fresh}
        )
    return matches


@transaction.atomic
def listing_report(*, listing: Listing, user: User, reason: str, message: str = "") -> AbuseReport:
    """Signed-in people report a published listing to the moderation queue (once per person and listing)."""
    require_signed_in(user)
    if listing.status != "published":
        raise ServiceError(_("Seules les annonces publiées peuvent être signalées."), status=409)
    if reason not in ReportReason.values:
        raise ServiceError(_("Choisissez un motif de signalement."))
    if AbuseReport.objects.filter(listing=listing, reporter=user, status="pending").exists():
        raise ServiceError(_("Vous avez déjà signalé cette annonce : l’équipe l’examine."), status=409)
    return AbuseReport.objects.create(
        listing=listing, reporter=user, reason=reason, message=message.strip()[:2000]
    )


@transaction.atomic
def report_decide(*, report: AbuseReport, user: User, action: str, reason: str = "") -> AbuseReport:
    """Programme staff resolve a report (the listing is removed, with the reason) or dismiss it."""
    roles = {workflows.STAFF} if is_programme_staff(user) else set()
    if action == "resolve":
        if not reason.strip():
            raise ServiceError(_("Indiquez le motif du retrait de l’annonce."))
        listing = report.listing
        if listing.status in workflows.OPEN_LISTING_STATES:
            transition_apply(
                instance=listing,
                workflow=workflows.LISTING,
                action="remove",
                roles=roles,
                actor=user,
                reason=reason,
            )
    transition_apply(
        instance=report,
        workflow=workflows.ABUSE_REPORT,
        action=action,
        roles=roles,
        actor=user,
        reason=reason,
    )
    if action == "resolve":
        for other in AbuseReport.objects.filter(listing=report.listing, status="pending").exclude(
            pk=report.pk
        ):
            transition_apply(
                instance=other,
                workflow=workflows.ABUSE_REPORT,
                action="resolve",
                roles=roles,
                actor=user,
                reason=reason,
            )
    return report


@transaction.atomic
def message_relay(
    *, sender: User, message: str, listing: Listing | None = None, recipient: User | None = None
) -> RelayedMessage:
    """Relay a message to the author of a published listing (and the managers of its place), or to a person
    with a public profile, by email with the sender as reply-to. No address is shown to anyone."""
    require_signed_in(sender)
    text = (message or "").strip()
    if len(text) < 10:
        raise ServiceError(_("Écrivez un message d’au moins 10 caractères."))
    if listing is not None:
        if listing.status != "published":
            raise ServiceError(_("Cette annonce n’est plus publiée."), status=409)
        recipient = listing.owner
        recipients = {listing.owner.email}
        if listing.place_id:
            recipients |= {m.email for m in listing.place.managers.filter(is_active=True)}
    else:
        profile = NetworkProfile.objects.filter(user=recipient, is_public=True).first() if recipient else None
        if profile is None:
            raise ServiceError(_("Cette personne n’a pas de profil public."), status=404)
        recipients = {recipient.email}
    if recipient.pk == sender.pk:
        raise ServiceError(_("Vous ne pouvez pas vous écrire à vous-même."))
    per_hour = setting("NETWORK_MAX_MESSAGES_PER_HOUR", 10)
    recent = RelayedMessage.objects.filter(
        sender=sender, created_at__gte=timezone.now() - dt.timedelta(hours=1)
    )
    if recent.count() >= per_hour:
        raise ServiceError(
            _("Vous avez envoyé beaucoup de messages en peu de temps : réessayez dans une heure."), status=429
        )
    relayed = RelayedMessage.objects.create(
        sender=sender, listing=listing, recipient=recipient, message=text[:5000]
    )
    email_send(
        name="network-message",
        to=sorted(recipients - {sender.email}),
        reply_to=[sender.email],
        context={"sender_name": sender.display_name, "listing": listing, "message": relayed.message},
    )
    return relayed


@transaction.atomic
def profile_save(*, user: User, data: dict) -> NetworkProfile:
    """A person's network profile: public or not (opt-in), skills, commune, a few words, match emails."""
    require_signed_in(user)
    commune = data.get("commune")
    if data.get("is_public") and commune is None:
        raise ServiceError(_("Un profil public indique sa commune."))
    profile, _created = NetworkProfile.objects.get_or_create(user=user)
    profile.is_public = bool(data.get("is_public"))
    profile.skills = clean_codes(data.get("skills"), Skill, label=_("Compétences"))
    profile.tags = clean_tags(data.get("tags"))
    profile.commune = commune
    profile.bio = (data.get("bio") or "").strip()[:500]
    profile.notify_matches = bool(data.get("notify_matches"))
    profile.save()
    return profile


def listings_expire(*, now: dt.datetime) -> str:
    """Periodic: warn the owners of listings that expire within a week (once), expire those past their date."""
    today = timezone.localdate(now)
    warned = expired = 0
    soon = Listing.objects.filter(
        status="published",
        valid_until__gte=today,
        valid_until__lte=today + dt.timedelta(days=7),
        expiry_warned_at=None,
    ).select_related("owner")
    for listing in soon:
        with transaction.atomic():
            if Listing.objects.filter(pk=listing.pk, expiry_warned_at=None).update(expiry_warned_at=now):
                email_send(name="network-expiry-soon", to=[listing.owner.email], context={"listing": listing})
                warned += 1
    for listing in Listing.objects.filter(status="published", valid_until__lt=today):
        try:
            transition_apply(
                instance=listing,
                workflow=workflows.LISTING,
                action="expire",
                roles={SYSTEM},
                actor=None,
                reason=_("Date de fin de validité passée"),
            )
        except ServiceError:  # closed by its owner meanwhile
            continue
        expired += 1
    return f"{warned} warned, {expired} expired"
