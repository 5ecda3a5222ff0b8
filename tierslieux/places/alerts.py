"""The atlas stream of the alerts (tierslieux/alerts/streams.py): a saved atlas search — any filters of the
atlas (type, services, labels, status, text, territory, around a commune within a radius) — alerts on each
new place that matches it."""

from __future__ import annotations

from django.utils.translation import gettext as _
from django.utils.translation import gettext_noop

from tierslieux.alerts.streams import Item, Stream, register
from tierslieux.core.errors import ServiceError

from . import index, selectors
from .models import Label, Place, PlaceStatus, PlaceType, Service

DEFAULT_RADIUS_KM = 20.0
LIST_KEYS = ("type", "service", "label", "status")


def saved_search_params(params: dict) -> dict:
    """The canonical saved search: the atlas query string, without the page nor "open now" (a moment, not a
    place); around a commune without a radius means within 20 km. Unknown filters: 400."""
    params = {key: value for key, value in params.items() if key not in ("page", "open_now")}
    filters = selectors.parse_filters(params)
    if filters.errors:
        raise ServiceError(" ".join(filters.errors))
    if filters.has_origin and not filters.radius_km:
        filters.radius_km = DEFAULT_RADIUS_KM
    canonical: dict = {}
    for key, value in filters.querystring_items():
        if key in LIST_KEYS:
            canonical.setdefault(key, []).append(value)
        else:
            canonical[key] = value
    return canonical


def _labels(choices, codes) -> list[str]:
    labels = dict(choices.choices)
    return [str(labels.get(code, code)) for code in codes]


def saved_search_label(params: dict) -> str:
    filters = selectors.parse_filters(params)
    parts = (
        _labels(PlaceType, filters.types)
        + _labels(Service, filters.services)
        + _labels(Label, filters.labels)
    )
    parts += _labels(PlaceStatus, filters.statuses)
    if filters.q:
        parts.append(_("« %(text)s »") % {"text": filters.q})
    territory = selectors.territory_label(filters)
    if territory:
        parts.append(territory)
    if filters.has_origin and filters.radius_km:
        parts.append(
            _("à %(radius)s km de %(place)s")
            % {"radius": f"{filters.radius_km:g}", "place": filters.around_label or filters.around}
        )
    if not parts:
        return _("Nouveaux lieux de l’atlas")
    return _("Nouveaux lieux : %(filters)s") % {"filters": ", ".join(parts)}


def new_matching_places(params: dict, since, until) -> list[Item]:
    """Places created in the period, not closed, that the saved search finds (its filters are evaluated on
    an index of these new places only)."""
    new = selectors.places_created_between(since, until)
    if not new.exists():
        return []
    filters = selectors.parse_filters(params)
    small = index.build(Place.objects.filter(pk__in=new.values("pk")))
    keep, _scores = selectors.filter_mask(small, filters)
    matching = set(small.ids[keep].tolist())
    return [place_item(place) for place in new if place.pk in matching]


def place_item(place: Place) -> Item:
    types = ", ".join(_labels(PlaceType, place.types[:2]))
    where = f"{place.commune.name} ({place.commune.department_id})" if place.commune_id else ""
    return Item(
        key=f"place:{place.pk}",
        title=place.name,
        url=place.get_absolute_url(),
        summary=" — ".join(part for part in (types, where) if part),
        date=place.created_at,
        kind=_("Nouveau lieu"),
    )


register(
    Stream(
        key="places.saved_search",
        label=gettext_noop("Recherche enregistrée dans l’atlas"),
        description=gettext_noop(
            "Un courriel quand un nouveau tiers-lieu correspond à votre recherche : filtrez l’atlas, puis "
            "« Créer une alerte pour cette recherche »."
        ),
        new_items=new_matching_places,
        validate_params=saved_search_params,
        describe=saved_search_label,
    )
)
