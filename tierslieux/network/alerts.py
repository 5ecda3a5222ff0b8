"""The network's streams of the alerts (tierslieux/alerts/streams.py, docs/news.md):

- `network.events`: a new event of the calendar (published on the platform or imported from a place's
  calendar), in a department or a region, of one category — or anywhere, of any category;
- `network.listings`: a new offer or need published, with the filters of the network's page (side, kind,
  category, words, around a commune within a radius);
- and the new events of a territory join its stream `calls.territory` (`contribute`).

An event already over when it is found is not announced; a listing counts once, when it is published."""

from __future__ import annotations

from zoneinfo import ZoneInfo

from django.utils import formats
from django.utils.translation import gettext as _
from django.utils.translation import gettext_noop

from tierslieux.alerts.streams import Item, Stream, contribute, register
from tierslieux.core.errors import ServiceError
from tierslieux.geo.models import Department, Region

from .models import CATEGORIES, EventCategory, Kind, Side
from .selectors import events as event_selectors
from .selectors import offers as offer_selectors


# --- Events ---------------------------------------------------------------------------------------------------
def event_params(params: dict) -> dict:
    """The canonical parameters: a department or a region (not both), a category; each optional."""
    department = str(params.get("department") or "").strip().upper()
    region = str(params.get("region") or "").strip().upper()
    category = str(params.get("category") or "").strip()
    if department and region:
        raise ServiceError(_("Choisissez un département ou une région, pas les deux."))
    if department and not Department.objects.filter(pk=department).exists():
        raise ServiceError(_("Ce département n’existe pas."))
    if region and not Region.objects.filter(pk=region).exists():
        raise ServiceError(_("Cette région n’existe pas."))
    if category and category not in EventCategory.values:
        raise ServiceError(_("Cette catégorie d’événement n’existe pas."))
    canonical = {"department": department} if department else {"region": region} if region else {}
    return canonical | ({"category": category} if category else {})


def _territory_label(params: dict) -> str:
    if params.get("department"):
        department = Department.objects.filter(pk=params["department"]).first()
        if department is not None:
            return _("département %(name)s (%(code)s)") % {"name": department.name, "code": department.code}
    if params.get("region"):
        region = Region.objects.filter(pk=params["region"]).first()
        if region is not None:
            return _("région %(name)s") % {"name": region.name}
    return ""


def event_label(params: dict) -> str:
    parts = []
    if params.get("category"):
        parts.append(str(dict(EventCategory.choices).get(params["category"], params["category"])))
    territory = _territory_label(params)
    if territory:
        parts.append(territory)
    if not parts:
        return _("Nouveaux événements du réseau")
    return _("Nouveaux événements : %(filters)s") % {"filters": ", ".join(parts)}


def event_item(event) -> Item:
    start = event.starts_at.astimezone(ZoneInfo(event.time_zone))
    when = formats.date_format(start, "j F Y" if event.all_day else "j F Y à H:i")
    summary = (
        _("À partir du %(date)s, puis régulièrement") % {"date": when}
        if event.rrule
        else _("Le %(date)s") % {"date": when}
    )
    return Item(
        key=f"event:{event.pk}",
        title=event.title,
        url=event.get_absolute_url(),
        summary=f"{summary} — {event.place.name}, {event.commune.name}",
        date=event.created_at,
        kind=_("Nouvel événement"),
    )


def new_events(params: dict, since, until) -> list[Item]:
    """Confirmed events created in the period (on the platform or by a calendar import) that are not over."""
    filters = event_selectors.parse_filters(
        {key: params[key] for key in ("department", "region", "category") if params.get(key)}
    )
    events = event_selectors.events_created_between(event_selectors.events_matching(filters), since, until)
    return [event_item(event) for event in events]


def territory_events(params: dict, since, until) -> list[Item]:
    """The new events of the department or region of a `calls.territory` subscription."""
    return new_events({key: params[key] for key in ("department", "region") if params.get(key)}, since, until)


# --- Offers and needs -----------------------------------------------------------------------------------------
LISTING_KEYS = ("side", "kind", "category", "q", "around", "around_insee", "lat", "lon", "radius")


def listing_params(params: dict) -> dict:
    """The canonical filters of the network's page (unknown values: a French 400); around a commune or a
    position without a radius means within 30 km."""
    filters = offer_selectors.parse_filters(
        {key: str(params[key]) for key in LISTING_KEYS if params.get(key) not in (None, "")}
    )
    if filters.errors:
        raise ServiceError(" ".join(filters.errors))
    canonical = {
        key: getattr(filters, key) for key in ("side", "kind", "category", "q") if getattr(filters, key)
    }
    if filters.around:
        canonical |= {"around": filters.around, "radius": f"{filters.radius_km:g}"}
        if filters.around_insee:
            canonical["around_insee"] = filters.around_insee
    elif filters.has_origin:
        canonical |= {
            "lat": f"{filters.lat:.5f}",
            "lon": f"{filters.lon:.5f}",
            "radius": f"{filters.radius_km:g}",
        }
    return canonical


def listing_label(params: dict) -> str:
    parts = []
    if params.get("side"):
        parts.append(str(dict(Side.choices).get(params["side"], params["side"])))
    if params.get("kind"):
        parts.append(str(dict(Kind.choices).get(params["kind"], params["kind"])))
        categories = CATEGORIES.get(params["kind"])
        if params.get("category") and categories is not None:
            parts.append(str(dict(categories.choices).get(params["category"], params["category"])))
    if params.get("q"):
        parts.append(_("« %(text)s »") % {"text": params["q"]})
    if params.get("around") or params.get("lat"):
        parts.append(
            _("à %(radius)s km de %(place)s")
            % {
                "radius": params.get("radius") or offer_selectors.DEFAULT_RADIUS_KM,
                "place": params.get("around") or _("votre position"),
            }
        )
    if not parts:
        return _("Nouvelles annonces du réseau")
    return _("Nouvelles annonces : %(filters)s") % {"filters": ", ".join(parts)}


def new_listings(params: dict, since, until) -> list[Item]:
    """Offers and needs published in the period that the filters find."""
    filters = offer_selectors.parse_filters(params)
    published = offer_selectors.listings_published_between(since, until)
    return [
        Item(
            key=f"listing:{listing.pk}",
            title=listing.title,
            url=listing.get_absolute_url(),
            summary=" — ".join(
                part
                for part in (listing.get_side_display(), listing.get_kind_display(), listing.commune.name)
                if part
            ),
            date=listing.published_at,
            kind=_("Nouvelle annonce"),
        )
        for listing in offer_selectors.listings_filtered(filters, queryset=published)
    ]


register(
    Stream(
        key="network.events",
        label=gettext_noop("Événements du réseau"),
        description=gettext_noop(
            "Un courriel quand un nouvel événement est annoncé dans l’agenda : partout, ou dans un département "
            "ou une région, de toutes les catégories ou d’une seule."
        ),
        new_items=new_events,
        validate_params=event_params,
        describe=event_label,
    )
)
register(
    Stream(
        key="network.listings",
        label=gettext_noop("Annonces du réseau (je propose, je cherche)"),
        description=gettext_noop(
            "Un courriel quand une offre ou une demande correspondant à vos filtres est publiée : filtrez les "
            "annonces du réseau, puis « Créer une alerte pour ces annonces »."
        ),
        new_items=new_listings,
        validate_params=listing_params,
        describe=listing_label,
    )
)
contribute("calls.territory", territory_events)
