"""Reads on offers and needs: who may see and do what, lists with filters, matches, "Autour de moi"."""

from __future__ import annotations

import datetime as dt
from collections.abc import Mapping
from dataclasses import dataclass, field
from typing import Any

from django.contrib.auth.models import AnonymousUser
from django.db.models import Q, QuerySet
from django.utils import timezone
from django.utils.translation import gettext as _

from tierslieux.accounts.models import User
from tierslieux.accounts.roles import is_programme_staff
from tierslieux.core.workflow import SYSTEM, Transition
from tierslieux.places.selectors import commune_around

from .. import matching, workflows
from ..models import CATEGORIES, AbuseReport, Kind, Listing, NetworkProfile, Side

PUBLIC_STATES = ("published", "fulfilled", "closed", "expired")
DEFAULT_RADIUS_KM = 30


def listing_roles(user: User | AnonymousUser, listing: Listing) -> set[str]:
    """The workflow roles of `user` on `listing`: "owner" (its author, or a manager of its place), "staff"."""
    roles: set[str] = set()
    if not getattr(user, "is_authenticated", False) or not user.is_active:
        return roles
    if listing.owner_id == user.pk or (
        listing.place_id and listing.place.managers.filter(pk=user.pk).exists()
    ):
        roles.add(workflows.OWNER)
    if is_programme_staff(user):
        roles.add(workflows.STAFF)
    return roles


def listing_can_see(user: User, listing: Listing) -> bool:
    """Everyone sees published and ended listings; drafts and removed ones only their owner and staff."""
    return listing.status in PUBLIC_STATES or bool(listing_roles(user, listing))


def listing_actions(user: User, listing: Listing) -> list[Transition]:
    return [
        t
        for t in workflows.LISTING.available(listing.status, listing_roles(user, listing))
        if SYSTEM not in t.roles
    ]


def listings_with_relations() -> QuerySet[Listing]:
    return Listing.objects.select_related("owner", "place", "commune").defer("commune__outline")


def listings_of(user: User | AnonymousUser) -> QuerySet[Listing]:
    """The listings `user` wrote or that speak for a place they manage."""
    if not getattr(user, "is_authenticated", False):
        return Listing.objects.none()
    return listings_with_relations().filter(Q(owner=user) | Q(place__managers=user)).distinct()


def listings_active(*, on: dt.date | None = None) -> QuerySet[Listing]:
    """Published listings valid on `on` (today by default)."""
    on = on or timezone.localdate()
    return listings_with_relations().filter(status="published", valid_from__lte=on, valid_until__gte=on)


def open_listings_count(user: User) -> int:
    return Listing.objects.filter(owner=user, status__in=workflows.OPEN_LISTING_STATES).count()


def listings_created_since(user: User, since: dt.datetime) -> int:
    return Listing.objects.filter(owner=user, created_at__gte=since).count()


# --- Filters ---------------------------------------------------------------------------------------------
@dataclass
class ListingFilters:
    side: str = ""
    kind: str = ""
    category: str = ""
    q: str = ""
    around: str = ""
    around_insee: str = ""  # the commune the autocomplete chose for `around`, while the text still names it
    around_label: str = ""
    lat: float | None = None
    lon: float | None = None
    radius_km: float = DEFAULT_RADIUS_KM
    errors: list[str] = field(default_factory=list)

    @property
    def has_origin(self) -> bool:
        return self.lat is not None and self.lon is not None


def parse_filters(params: Mapping[str, Any]) -> ListingFilters:
    """Filters from a query string; bad values are dropped with a French message (never an error)."""
    filters = ListingFilters()
    side = (params.get("side") or "").strip()
    if side in Side.values:
        filters.side = side
    elif side:
        filters.errors.append(_("Sens inconnu ignoré."))
    kind = (params.get("kind") or "").strip()
    if kind in Kind.values:
        filters.kind = kind
        category = (params.get("category") or "").strip()
        if category in CATEGORIES[kind].values:
            filters.category = category
        elif category:
            filters.errors.append(_("Catégorie inconnue ignorée."))
    elif kind:
        filters.errors.append(_("Nature inconnue ignorée."))
    filters.q = (params.get("q") or "").strip()[:100]
    radius = (params.get("radius") or "").strip()
    if radius:
        try:
            value = float(radius.replace(",", "."))
            if not 0 < value <= 500:
                raise ValueError
            filters.radius_km = value
        except ValueError:
            filters.errors.append(_("Le rayon doit être compris entre 1 et 500 km : 30 km par défaut."))
    lat, lon = (params.get("lat") or "").strip(), (params.get("lon") or "").strip()
    if lat or lon:
        try:
            filters.lat, filters.lon = float(lat), float(lon)
            if not (-90 <= filters.lat <= 90 and -180 <= filters.lon <= 180):
                raise ValueError
            filters.around_label = _("votre position")
        except ValueError:
            filters.lat = filters.lon = None
            filters.errors.append(_("Position invalide ignorée (latitude et longitude attendues)."))
    around = (params.get("around") or "").strip()[:100]
    if around:
        filters.around = around
        chosen = (params.get("around_insee") or "").strip()[:5]
        commune = commune_around(around, chosen)
        if commune is not None and commune.insee == chosen:
            filters.around_insee = chosen
        if commune is None or commune.point is None:
            filters.errors.append(
                _("Commune ou code postal introuvable : « %(value)s ».") % {"value": around[:60]}
            )
        else:
            filters.lon, filters.lat = commune.point
            filters.around_label = commune.name
    return filters


def listings_published_between(since: dt.datetime, until: dt.datetime) -> QuerySet[Listing]:
    """The listings published in `since < t <= until` and still published (the new listings of the alerts)."""
    return listings_with_relations().filter(
        status="published", published_at__gt=since, published_at__lte=until
    )


def listings_filtered(filters: ListingFilters, *, queryset: QuerySet[Listing] | None = None) -> list[Listing]:
    """Active listings (or those of `queryset`) matching the filters; around a point: within the radius,
    nearest first (with `distance_km`), else newest first."""
    queryset = listings_active() if queryset is None else queryset
    if filters.side:
        queryset = queryset.filter(side=filters.side)
    if filters.kind:
        queryset = queryset.filter(kind=filters.kind)
    if filters.category:
        queryset = queryset.filter(category=filters.category)
    if filters.q:
        queryset = queryset.filter(Q(title__icontains=filters.q) | Q(description__icontains=filters.q))
    listings = list(queryset[:2000])
    if not filters.has_origin:
        return listings
    return _near(listings, filters.lon, filters.lat, filters.radius_km)


def _near(objects: list, lon: float, lat: float, radius_km: float) -> list:
    import numpy as np

    if not objects:
        return []
    distances = matching.haversine_km(
        np.full(len(objects), lon),
        np.full(len(objects), lat),
        np.array([o.lon for o in objects]),
        np.array([o.lat for o in objects]),
    ).tolist()
    kept = []
    for obj, distance in zip(objects, distances, strict=True):
        if distance <= radius_km:
            obj.distance_km = distance
            kept.append(obj)
    kept.sort(key=lambda o: (o.distance_km, o.pk))
    return kept


def near(objects: list, *, lon: float, lat: float, radius_km: float) -> list:
    """`objects` (with `lon`/`lat`) within `radius_km` of the point, nearest first, with `distance_km`."""
    return _near(list(objects), lon, lat, radius_km)


# --- Matching --------------------------------------------------------------------------------------------
def as_item(listing: Listing) -> matching.Item:
    published = listing.published_at or listing.created_at or timezone.now()
    return matching.Item(
        id=listing.pk,
        kind=listing.kind,
        category=listing.category,
        lon=listing.lon,
        lat=listing.lat,
        radius_km=float(listing.radius_km),
        published=published.timestamp(),
        owner=listing.owner_id,
    )


def listing_matches(listing: Listing, *, now: dt.datetime | None = None, limit: int = 20) -> list[Listing]:
    """The active listings of the other side that match `listing` (within its radius), best first, each with
    `distance_km`."""
    now = now or timezone.now()
    other = Side.NEED if listing.side == Side.OFFER else Side.OFFER
    candidates = list(
        listings_active(on=timezone.localdate(now)).filter(
            side=other, kind=listing.kind, category=listing.category
        )
    )
    ranked = matching.rank(
        [as_item(listing)], [as_item(c) for c in candidates], now=now.timestamp(), limit=limit
    )
    by_id = {c.pk: c for c in candidates}
    found = []
    for match in ranked.get(listing.pk, []):
        candidate = by_id[match.target]
        candidate.distance_km = match.distance_km
        found.append(candidate)
    return found


# --- Profiles and moderation -----------------------------------------------------------------------------
def profile_for(user: User | AnonymousUser | None) -> NetworkProfile | None:
    if user is None or not user.is_authenticated:
        return None
    return NetworkProfile.objects.filter(user=user).select_related("commune").first()


def profiles_public() -> QuerySet[NetworkProfile]:
    return NetworkProfile.objects.filter(is_public=True, user__is_active=True).select_related(
        "user", "commune"
    )


def reports_pending() -> QuerySet[AbuseReport]:
    return AbuseReport.objects.filter(status="pending").select_related(
        "listing", "listing__owner", "reporter"
    )
