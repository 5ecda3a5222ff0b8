"""Reads on places: permissions, the atlas filters (list, map, exports, API share them), place pages."""

from __future__ import annotations

import datetime as dt
import math
import re
from collections.abc import Iterator, Mapping
from dataclasses import dataclass, field, replace
from typing import Any

import numpy as np
from django.contrib.auth.models import AnonymousUser
from django.core.exceptions import FieldDoesNotExist
from django.db.models import QuerySet
from django.utils import timezone
from django.utils.formats import date_format, number_format
from django.utils.translation import gettext as _

from tierslieux.accounts.models import User
from tierslieux.accounts.roles import is_programme_staff
from tierslieux.geo.models import Commune, Department, Epci, Region
from tierslieux.geo.resolution import commune_chosen, commune_resolve

from . import clustering, hours
from .completeness import completeness_missing, values_of
from .index import LABEL_CODES, SERVICE_CODES, STATUS_CODES, TYPE_CODES, AtlasIndex, bit, get_index
from .models import (
    DIGITAL_INCLUSION_TYPES,
    Accessibility,
    ContactRoute,
    EquipmentCategory,
    Label,
    LegalForm,
    LocationOrigin,
    Place,
    PlaceSourceRecord,
    PlaceStatus,
    PlaceType,
    PlaceVersion,
    Publication,
    Service,
)

EARTH_KM = 6371.0088
PAGE_SIZE = 20


# --- Permissions ----------------------------------------------------------------------------------------
def place_is_managed_by(place: Place, user: User | AnonymousUser) -> bool:
    if not getattr(user, "is_authenticated", False) or not user.is_active:
        return False
    return place.managers.filter(pk=user.pk).exists()


def place_can_see(place: Place, user: User | AnonymousUser) -> bool:
    """A published place: anyone. One waiting for moderation (or refused): its managers, the account that
    created it and programme staff only."""
    if place.publication == Publication.PUBLISHED:
        return True
    if not getattr(user, "is_authenticated", False) or not user.is_active:
        return False
    return place.created_by_id == user.pk or place_is_managed_by(place, user) or is_programme_staff(user)


def place_can_edit(place: Place, user: User) -> bool:
    """Managers of the place and programme staff may edit it."""
    return place_is_managed_by(place, user) or is_programme_staff(user)


def place_can_see_history(place: Place, user: User) -> bool:
    return place_can_edit(place, user)


def place_can_revert(user: User) -> bool:
    return is_programme_staff(user)


# --- Filters --------------------------------------------------------------------------------------------
@dataclass
class AtlasFilters:
    q: str = ""
    types: list[str] = field(default_factory=list)
    services: list[str] = field(default_factory=list)
    labels: list[str] = field(default_factory=list)
    statuses: list[str] = field(default_factory=list)
    open_now: bool = False
    region: str = ""
    department: str = ""
    epci: str = ""
    commune: str = ""
    near_lat: float | None = None
    near_lon: float | None = None
    around: str = ""  # a commune name or a postcode, resolved into near_lat/near_lon
    around_insee: str = ""  # the commune the autocomplete chose for `around`, while the text still names it
    around_label: str = ""
    radius_km: float | None = None
    with_digital_inclusion: bool = False  # the "médiation numérique" layer, hidden unless asked for
    errors: list[str] = field(default_factory=list)

    @property
    def shows_digital_inclusion(self) -> bool:
        """The layer is shown when asked for, or when a digital-inclusion type is filtered on."""
        return self.with_digital_inclusion or bool(DIGITAL_INCLUSION_TYPES & set(self.types))

    @property
    def has_origin(self) -> bool:
        return self.near_lat is not None and self.near_lon is not None

    def querystring_items(self) -> list[tuple[str, str]]:
        items: list[tuple[str, str]] = []
        for key in ("q", "region", "department", "epci", "commune", "around"):
            if getattr(self, key):
                items.append((key, getattr(self, key)))
        for key, values in (
            ("type", self.types),
            ("service", self.services),
            ("label", self.labels),
            ("status", self.statuses),
        ):
            items += [(key, value) for value in values]
        if self.open_now:
            items.append(("open_now", "1"))
        if self.with_digital_inclusion:
            items.append(("mediation", "1"))
        if self.around_insee:
            items.append(("around_insee", self.around_insee))
        if self.has_origin and not self.around:
            items += [("lat", f"{self.near_lat:.5f}"), ("lon", f"{self.near_lon:.5f}")]
        if self.radius_km:
            items.append(("radius", f"{self.radius_km:g}"))
        return items


def _getlist(params: Mapping[str, Any], key: str) -> list[str]:
    if hasattr(params, "getlist"):
        values = params.getlist(key)
    else:
        values = params.get(key) or []
        values = [values] if isinstance(values, str) else list(values)
    result = []
    for value in values:
        result += [v.strip() for v in str(value).split(",") if v.strip()]
    return result


def _get(params: Mapping[str, Any], key: str) -> str:
    value = params.get(key, "")
    if isinstance(value, list):
        value = value[0] if value else ""
    return str(value or "").strip()[:200]


def parse_filters(params: Mapping[str, Any]) -> AtlasFilters:
    """Read the filters from a QueryDict or dict; unknown codes are dropped with a French message."""
    filters = AtlasFilters(q=_get(params, "q"))
    for key, attr, codes, label in (
        ("type", "types", PlaceType.values, _("type")),
        ("service", "services", Service.values, _("service")),
        ("label", "labels", Label.values, _("label")),
        ("status", "statuses", PlaceStatus.values, _("statut")),
    ):
        values = _getlist(params, key)
        good = [v for v in values if v in codes]
        for bad in set(values) - set(good):
            filters.errors.append(
                _("Filtre %(label)s inconnu ignoré : « %(value)s ».") % {"label": label, "value": bad[:40]}
            )
        setattr(filters, attr, list(dict.fromkeys(good)))
    filters.open_now = _get(params, "open_now") in {"1", "true", "on", "oui"}
    filters.with_digital_inclusion = _get(params, "mediation") in {"1", "true", "on", "oui"}
    for key in ("region", "department", "epci", "commune"):
        value = _get(params, key)
        if value and not re.fullmatch(r"[0-9AB]{2,9}", value.upper()):
            filters.errors.append(_("Code %(key)s invalide ignoré.") % {"key": key})
            value = ""
        setattr(filters, key, value.upper())
    lat, lon = _get(params, "lat"), _get(params, "lon")
    if lat or lon:
        try:
            filters.near_lat, filters.near_lon = float(lat), float(lon)
            if not (-90 <= filters.near_lat <= 90 and -180 <= filters.near_lon <= 180):
                raise ValueError
            filters.around_label = _("votre position")
        except ValueError:
            filters.near_lat = filters.near_lon = None
            filters.errors.append(_("Position invalide ignorée (latitude et longitude attendues)."))
    around, around_insee = _get(params, "around"), _get(params, "around_insee")
    if around or around_insee:
        filters.around = around
        commune = commune_around(around, around_insee)
        if commune is not None and commune.insee == around_insee:
            filters.around_insee = commune.insee
        if commune is None or commune.point is None:
            filters.errors.append(
                _("Commune ou code postal introuvable : « %(value)s ».")
                % {"value": (around or around_insee)[:60]}
            )
        else:
            filters.near_lon, filters.near_lat = commune.point
            filters.around_label = commune.name
    radius = _get(params, "radius")
    if radius:
        try:
            filters.radius_km = max(0.1, min(float(radius), 2000.0))
        except ValueError:
            filters.errors.append(_("Rayon invalide ignoré."))
    return filters


def commune_around(text: str, insee: str = "") -> Commune | None:
    """The commune of an "around" search box (atlas, API, network), None when nothing fits:

    - the one its autocomplete chose (`insee`) while the text still names it, or the code alone (API clients);
    - otherwise the commune the text means, read by the one resolver `geo.resolution.commune_resolve`: a name
      with or without its article, a postcode, an INSEE code, a label such as "Pélussin (42410)" or
      "Saint-Denis (93)" as the autocomplete writes it;
    - a search box does not refuse a text several communes fit (where a form field names the ambiguity): it
      takes the most populated of them, what people searching "Saint-Denis" or "29000" around them mean most
      often, as the atlas always did ("42100": Saint-Étienne's postcode rather than the village with that INSEE
      code). The autocomplete lists the others; a label or a postcode picks them.
    """
    text = " ".join((text or "").split())[:150]
    insee = (insee or "").strip()[:5]
    if not text:
        return commune_resolve(insee=insee).commune if insee else None
    chosen = commune_chosen(text=text, insee=insee)
    if chosen is not None:
        return chosen
    match = commune_resolve(text=text)
    if match.commune is not None or not match.candidates:
        return match.commune
    return min(match.candidates, key=lambda commune: -(commune.population or 0))  # the first of equals


FABRIQUE_LABELS = frozenset({Label.FABRIQUE.value, Label.FABRIQUE_NUMERIQUE.value})


def fabrique_rows(places: QuerySet[Place], *fields: str) -> Iterator[tuple]:
    """`fields` (a `values_list`) of the places of `places` labelled Fabrique de territoire or Fabrique numérique
    de territoire. Labels are a JSON list: they are matched here, the same way on SQLite and PostgreSQL."""
    for *values, labels in places.values_list(*fields, "labels").iterator():
        if FABRIQUE_LABELS & set(labels or []):
            yield tuple(values)


def source_records(source: str) -> QuerySet[PlaceSourceRecord]:
    """The rows of one source file as loaded (`load_places`), with the place each became and its commune. Their
    `raw` data holds private contacts: read the fields you need, never publish it whole."""
    return PlaceSourceRecord.objects.filter(source=source).select_related("place__commune").order_by("pk")


def places_with_territory() -> QuerySet[Place]:
    """Places with their commune, department, region and EPCI, without the heavy outline columns."""
    return Place.objects.select_related(
        "commune", "commune__department", "commune__region", "commune__epci"
    ).defer("commune__outline", "commune__department__outline", "commune__region__outline")


def places_created_between(since: dt.datetime, until: dt.datetime) -> QuerySet[Place]:
    """Places added to the atlas in `since < t <= until`, not closed (the alerts' new places)."""
    return (
        places_with_territory()
        .filter(created_at__gt=since, created_at__lte=until)
        .exclude(status=PlaceStatus.CLOSED)
        .order_by("created_at", "id")
    )


# --- Atlas queries --------------------------------------------------------------------------------------
@dataclass
class AtlasResult:
    rows: np.ndarray  # rows of the index, in display order
    index: AtlasIndex
    distances_km: np.ndarray | None = None  # aligned with rows

    @property
    def count(self) -> int:
        return len(self.rows)

    @property
    def ids(self) -> list[int]:
        return self.index.ids[self.rows].tolist()


def _open_rows(index: AtlasIndex, moment: dt.datetime) -> np.ndarray:
    return np.array(
        sorted(
            row for row, (week, exceptions) in index.hours.items() if hours.is_open(week, exceptions, moment)
        ),
        dtype=np.int64,
    )


def haversine_km(lon1: float, lat1: float, lon2: np.ndarray, lat2: np.ndarray) -> np.ndarray:
    p1, p2 = math.radians(lat1), np.radians(lat2)
    dp, dl = p2 - p1, np.radians(lon2) - math.radians(lon1)
    a = np.sin(dp / 2) ** 2 + math.cos(p1) * np.cos(p2) * np.sin(dl / 2) ** 2
    return 2 * EARTH_KM * np.arcsin(np.sqrt(np.minimum(a, 1.0)))


FACETS = {"type": "types", "service": "services", "label": "labels", "status": "statuses"}


def filter_mask(
    index: AtlasIndex, filters: AtlasFilters, *, use_search: bool = True, skip: str = ""
) -> tuple[np.ndarray, np.ndarray | None]:
    """Boolean mask over the index rows, and the search scores (None without a query). `skip`: one facet
    ("type", "service", "label", "status") left out, to count the places each of its values would give."""
    keep = np.ones(len(index), dtype=bool)
    if not filters.shows_digital_inclusion:
        keep &= ~index.digital_inclusion
    if filters.types and skip != "type":
        keep &= (index.types & sum(bit(TYPE_CODES, t) for t in filters.types)) != 0
    if skip != "service":
        for value in filters.services:
            keep &= (index.services & bit(SERVICE_CODES, value)) != 0
    if skip != "label":
        for value in filters.labels:
            keep &= (index.labels & bit(LABEL_CODES, value)) != 0
    if filters.statuses and skip != "status":
        keep &= np.isin(index.status, [STATUS_CODES.index(s) for s in filters.statuses])
    for key in ("region", "department", "epci", "commune"):
        if getattr(filters, key):
            keep &= getattr(index, key) == getattr(filters, key)
    if filters.open_now:
        opened = np.zeros(len(index), dtype=bool)
        opened[_open_rows(index, timezone.localtime())] = True
        keep &= opened
    scores = None
    if use_search and filters.q:
        scores = index.search.scores(filters.q)
        if scores is not None:
            keep &= scores > 0
    if filters.has_origin and filters.radius_km:
        keep &= haversine_km(filters.near_lon, filters.near_lat, index.lon, index.lat) <= filters.radius_km
    return keep, scores


@dataclass(frozen=True)
class Facets:
    """How many places each filter value would give, the other filters kept."""

    types: dict[str, int]
    services: dict[str, int]
    labels: dict[str, int]
    statuses: dict[str, int]
    digital_inclusion: int  # places of the "médiation numérique" layer the filters would add


def _bit_counts(values: np.ndarray, codes: list[str]) -> dict[str, int]:
    return {code: int(((values & (1 << k)) != 0).sum()) for k, code in enumerate(codes)}


def atlas_facets(filters: AtlasFilters) -> Facets:
    """Counts for the filter form (values with no place are hidden there)."""
    index = get_index()
    counts = {}
    for facet, attr in FACETS.items():
        keep, _scores = filter_mask(index, filters, skip=facet)
        if attr == "statuses":
            counts[attr] = {code: int((index.status[keep] == k).sum()) for k, code in enumerate(STATUS_CODES)}
        else:
            values = {"types": index.types, "services": index.services, "labels": index.labels}[attr]
            codes = {"types": TYPE_CODES, "services": SERVICE_CODES, "labels": LABEL_CODES}[attr]
            counts[attr] = _bit_counts(values[keep], codes)
    return Facets(**counts, digital_inclusion=digital_inclusion_count(filters, index))


def digital_inclusion_count(filters: AtlasFilters, index: AtlasIndex | None = None) -> int:
    """Places of the "médiation numérique" layer that match the other filters (shown or not)."""
    index = index or get_index()
    keep, _scores = filter_mask(index, replace(filters, with_digital_inclusion=True))
    return int((keep & index.digital_inclusion).sum())


def places_filtered(params_or_filters: AtlasFilters | Mapping[str, Any]) -> AtlasResult:
    """Rows matching the filters: by distance when an origin is given, else by relevance, else by name."""
    filters = (
        params_or_filters if isinstance(params_or_filters, AtlasFilters) else parse_filters(params_or_filters)
    )
    index = get_index()
    keep, scores = filter_mask(index, filters)
    rows = np.flatnonzero(keep)
    distances = None
    if filters.has_origin:
        distances = haversine_km(filters.near_lon, filters.near_lat, index.lon[rows], index.lat[rows])
        order = np.argsort(distances, kind="stable")
        rows, distances = rows[order], distances[order]
    elif scores is not None:
        order = np.argsort(-scores[rows], kind="stable")
        rows = rows[order]
    return AtlasResult(rows=rows, index=index, distances_km=distances)


def places_for_rows(result: AtlasResult, start: int = 0, stop: int | None = None) -> list[Place]:
    """The Place objects of result rows [start:stop], in order, with `distance_km` set when known."""
    rows = result.rows[start:stop]
    ids = result.index.ids[rows].tolist()
    by_id = places_with_territory().in_bulk(ids)
    places = []
    for position, pk in enumerate(ids):
        place = by_id.get(pk)
        if place is None:
            continue
        place.distance_km = (
            float(result.distances_km[start + position]) if result.distances_km is not None else None
        )
        places.append(place)
    return places


def places_queryset(params_or_filters: AtlasFilters | Mapping[str, Any]) -> QuerySet[Place]:
    """The filtered places as a queryset (exports, baseline of the bench), ordered like the list."""
    filters = (
        params_or_filters if isinstance(params_or_filters, AtlasFilters) else parse_filters(params_or_filters)
    )
    if not filters.querystring_items():  # no filter: every public place of the atlas, without a list of ids
        return places_with_territory().published().filter(digital_inclusion=False)
    result = places_filtered(filters)
    return places_with_territory().filter(pk__in=result.ids)


def places_clusters(
    params: AtlasFilters | Mapping[str, Any], *, bbox: tuple[float, float, float, float] | None, zoom: int
) -> dict:
    """GeoJSON FeatureCollection of clusters (and single places) for a map view."""
    filters = params if isinstance(params, AtlasFilters) else parse_filters(params)
    index = get_index()
    keep, _scores = filter_mask(index, filters)
    if bbox is not None:
        west, south, east, north = bbox
        keep &= (index.lat >= south) & (index.lat <= north)
        keep &= (
            ((index.lon >= west) & (index.lon <= east))
            if west <= east
            else ((index.lon >= west) | (index.lon <= east))
        )
    rows = np.flatnonzero(keep)
    zoom = max(0, min(int(zoom), 20))
    cell_px = 48 if zoom < 14 else 24
    result = clustering.cluster(
        rows,
        index.x,
        index.y,
        index.lon,
        index.lat,
        index.primary_type,
        zoom,
        cell_px=cell_px,
        grid=index.grid(zoom, cell_px) if len(rows) > 2000 else None,
    )
    features = []
    counts = result.count.tolist()
    lons, lats = np.round(result.lon, 5).tolist(), np.round(result.lat, 5).tolist()
    categories = result.category.tolist()
    firsts = result.first.tolist()
    bounds = np.round(np.column_stack([result.west, result.south, result.east, result.north]), 5).tolist()
    for i, count in enumerate(counts):
        kind = TYPE_CODES[categories[i]]
        if count == 1 or zoom >= 18:
            row = firsts[i]
            features.append(
                {
                    "type": "Feature",
                    "geometry": {"type": "Point", "coordinates": [lons[i], lats[i]]},
                    "properties": {
                        "cluster": False,
                        "count": count,
                        "id": int(index.ids[row]),
                        "name": index.names[row],
                        "type": kind,
                    },
                }
            )
        else:
            features.append(
                {
                    "type": "Feature",
                    "geometry": {"type": "Point", "coordinates": [lons[i], lats[i]]},
                    "properties": {
                        "cluster": True,
                        "count": count,
                        "type": kind,
                        "bounds": bounds[i],
                        "expansion_zoom": min(zoom + 2, 18),
                    },
                }
            )
    return {"type": "FeatureCollection", "zoom": zoom, "total": len(rows), "features": features}


def places_nearest(place: Place, *, limit: int = 5) -> list[Place]:
    """The `limit` nearest other places (not closed; of the "médiation numérique" layer only for a place of
    that layer), with `distance_km`."""
    index = get_index()
    distances = haversine_km(place.lon, place.lat, index.lon, index.lat)
    distances[index.ids == place.pk] = np.inf
    distances[index.status == STATUS_CODES.index(PlaceStatus.CLOSED)] = np.inf
    if not place.digital_inclusion:
        distances[index.digital_inclusion] = np.inf
    nearest = np.argsort(distances)[:limit]
    nearest = nearest[np.isfinite(distances[nearest])]
    result = AtlasResult(rows=nearest, index=index, distances_km=distances[nearest])
    return places_for_rows(result)


def place_versions(place: Place) -> QuerySet[PlaceVersion]:
    return place.versions.select_related("user")


# --- Readable fields and values (history, moderation diffs) -----------------------------------------------
PRIVATE_FIELDS = frozenset({"private_contact", "contact_email"})
_CHOICES = {
    "types": PlaceType,
    "labels": Label,
    "services": Service,
    "accessibility": Accessibility,
    "status": PlaceStatus,
    "legal_form": LegalForm,
    "publication": Publication,
    "location_origin": LocationOrigin,
    "contact_route": ContactRoute,
}


def field_label(field: str) -> str:
    """The French label of a field of Place ("opening_hours" -> "Horaires d’ouverture")."""
    try:
        return str(Place._meta.get_field(field).verbose_name).capitalize()
    except FieldDoesNotExist:  # an unknown key is shown as is
        return field


def _date_text(value: Any) -> str:
    try:
        day = value if isinstance(value, dt.date) else dt.date.fromisoformat(str(value))
    except ValueError:
        return str(value)
    return date_format(day, "j F Y")


def _number(value: Any, digits: int) -> str:
    return number_format(value, digits) if isinstance(value, int | float) else str(value)


def display_value(field: str, value: Any) -> str:
    """A value as a person reads it: choice labels instead of codes, the commune's name, dates, hours by day,
    lists joined, yes/no; empty shown as "—". Never a Python list or dict."""
    if value in (None, "", [], {}):
        return "—"
    choices = _CHOICES.get(field)
    if choices is not None:
        labels = dict(choices.choices)
        if isinstance(value, list):
            return ", ".join(str(labels.get(v, v)) for v in value)
        return str(labels.get(value, value))
    if isinstance(value, bool):
        return _("oui") if value else _("non")
    if field == "commune":
        commune = Commune.objects.filter(pk=str(value)).only("name").first()
        return f"{commune.name} ({value})" if commune else str(value)
    if field in ("opening_date", "last_verified_at"):
        return _date_text(value)
    if field in ("lon", "lat"):
        return _number(value, 5)
    if field == "surface_m2":
        return _("%(surface)s m²") % {"surface": _number(value, 0)}
    if field == "opening_hours" and isinstance(value, dict):
        return " ; ".join(f"{day} : {spans}" for day, spans in hours.week_table(value))
    if field == "opening_exceptions" and isinstance(value, list):
        parts = []
        for item in value:
            if not isinstance(item, dict):
                continue
            start, end = (
                _date_text(item.get("start", "")),
                _date_text(item.get("end") or item.get("start", "")),
            )
            when = start if start == end else _("du %(start)s au %(end)s") % {"start": start, "end": end}
            spans = ", ".join(f"{a}–{b}" for a, b in item.get("hours") or []) or _("fermé")
            label = f" ({item['label']})" if item.get("label") else ""
            parts.append(f"{when} : {spans}{label}")
        return " ; ".join(parts)
    if field == "equipment" and isinstance(value, list):
        categories = dict(EquipmentCategory.choices)
        return ", ".join(
            f"{item.get('name', '')} ({categories.get(item.get('category'), item.get('category', ''))})"
            if isinstance(item, dict)
            else str(item)
            for item in value
        )
    if isinstance(value, list):
        return ", ".join(v.get("name", str(v)) if isinstance(v, dict) else str(v) for v in value)
    if isinstance(value, dict):
        return ", ".join(f"{k} : {display_value(field, v)}" for k, v in value.items())
    return str(value)


@dataclass(frozen=True)
class HistoryChange:
    field: str
    label: str
    before: str
    after: str


def readable_changes(changes: dict) -> list[HistoryChange]:
    """{field: [before, after]} in French: field labels, readable values (never the private contact)."""
    return [
        HistoryChange(field, field_label(field), display_value(field, old), display_value(field, new))
        for field, (old, new) in (changes or {}).items()
        if field not in PRIVATE_FIELDS
    ]


def version_changes(version: PlaceVersion) -> list[HistoryChange]:
    """The changes of one version, readable (`readable_changes`)."""
    return readable_changes(version.changes)


# --- Provenance -----------------------------------------------------------------------------------------
@dataclass(frozen=True)
class PlaceSource:
    label: str
    date: str  # the date of the source's data ("2019"), or the day it was imported for a staff import
    digital_inclusion: bool = False


@dataclass(frozen=True)
class Provenance:
    sources: list[PlaceSource]
    created_at: dt.datetime
    changed_at: dt.datetime | None  # the last change after the page was created (None: never changed)
    changed_by_import: bool  # that change came from an import, not from a person editing the page
    verified_at: dt.date | None
    missing: list[str]  # what a visitor needs and the page does not give (completeness)


def place_provenance(place: Place) -> Provenance:
    """Sources of a page with the date of their data, its creation, last change and verification.

    A page loaded from the sources and never changed has no "last change": the load date is not an edit.
    """
    from .provenance import sort_key, source_info

    first_import: dict[str, dt.datetime] = {}
    for code, imported_at in place.source_records.order_by("imported_at").values_list(
        "source", "imported_at"
    ):
        first_import.setdefault(code, imported_at)
    codes = sorted(set(first_import) or {place.source}, key=sort_key)
    sources = []
    for code in codes:
        info = source_info(code)
        if info.listed:
            date = str(info.date)
        else:
            moment = first_import.get(code) or place.created_at
            date = _("importé le %(date)s") % {"date": date_format(timezone.localtime(moment), "j F Y")}
        sources.append(PlaceSource(str(info.label), date, info.digital_inclusion))
    # The last two versions are enough: a page with only its first version was never changed.
    versions = list(place.versions.order_by("-created_at", "-id").values_list("created_at", "reason")[:2])
    changed_at, by_import = None, False
    if len(versions) > 1:
        changed_at, reason = versions[0]
        by_import = reason.startswith(("Import", _("Import")))
    return Provenance(
        sources=sources,
        created_at=place.created_at,
        changed_at=changed_at,
        changed_by_import=by_import,
        verified_at=place.last_verified_at,
        missing=completeness_missing(values_of(place), has_managers=place.managers.exists()),
    )


def place_is_open_now(place: Place, moment: dt.datetime | None = None) -> bool:
    return hours.is_open(place.opening_hours, place.opening_exceptions, moment or timezone.localtime())


def territory_choices() -> dict[str, list[tuple[str, str]]]:
    """Regions and departments for the filter form (EPCI and communes are typed as codes)."""
    return {
        "regions": list(Region.objects.order_by("sort_name", "code").values_list("code", "name")),
        "departments": [(d.code, str(d)) for d in Department.objects.only("code", "name").order_by("code")],
    }


def territory_label(filters: AtlasFilters) -> str:
    for key, model in (("commune", Commune), ("epci", Epci), ("department", Department), ("region", Region)):
        code = getattr(filters, key)
        if code:
            found = model.objects.filter(pk=code).first()
            return str(found) if found else code
    return ""


# --- Places of a territory (territory pages of the geo app) -----------------------------------------------
TERRITORY_FILTERS = {"commune": "commune", "epci": "epci", "departement": "department", "region": "region"}


@dataclass(frozen=True)
class TerritoryPlaces:
    count: int
    by_type: list[tuple[str, int, str]]  # (type label, number of places, atlas URL with the type filter)
    places: list[Place]  # a short list: the most complete pages first
    atlas_url: str  # the atlas filtered on the territory


def territory_places(kind: str, code: str, *, limit: int = 8) -> TerritoryPlaces:
    """The places of a territory as the atlas counts them (same filter, so "Voir dans l'atlas" shows them)."""
    from django.urls import reverse
    from django.utils.http import urlencode

    key = TERRITORY_FILTERS[kind]
    filters = parse_filters({key: code})
    result = places_filtered(filters)
    queryset = places_with_territory().filter(pk__in=result.ids)
    counts: dict[str, int] = {}
    for types in queryset.values_list("types", flat=True):
        for code_ in dict.fromkeys(types or [PlaceType.OTHER.value]):
            counts[code_] = counts.get(code_, 0) + 1
    labels = dict(PlaceType.choices)
    atlas = reverse("places:atlas")
    by_type = [
        (str(labels.get(t, t)), n, f"{atlas}?{urlencode({key: code, 'type': t})}")
        for t, n in sorted(counts.items(), key=lambda item: (-item[1], str(labels.get(item[0], item[0]))))
    ]
    places = list(queryset.order_by("-completeness", "name")[:limit])
    return TerritoryPlaces(result.count, by_type, places, f"{atlas}?{urlencode({key: code})}")
