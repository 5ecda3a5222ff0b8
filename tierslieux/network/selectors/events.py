"""Reads on events: who may do what, occurrences in a window with filters, month grid, feeds' content."""

from __future__ import annotations

import calendar
import datetime as dt
from collections.abc import Mapping
from dataclasses import dataclass, field
from typing import Any
from zoneinfo import ZoneInfo

from django.contrib.auth.models import AnonymousUser
from django.db.models import Q, QuerySet
from django.utils import timezone
from django.utils.translation import gettext as _

from tierslieux.accounts.models import User
from tierslieux.accounts.roles import is_programme_staff
from tierslieux.core.workflow import Transition
from tierslieux.geo.models import Department, Region
from tierslieux.places.models import Place

from .. import recurrence, workflows
from ..models import Event, EventCategory, IcsSource

PAGE_DAYS = 90


def event_roles(user: User | AnonymousUser | None, event: Event) -> set[str]:
    """ "organiser" (a manager of the event's place), "staff" (programme staff)."""
    roles: set[str] = set()
    if not getattr(user, "is_authenticated", False) or not user.is_active:
        return roles
    if event.place.managers.filter(pk=user.pk).exists():
        roles.add(workflows.ORGANISER)
    if is_programme_staff(user):
        roles.add(workflows.STAFF)
    return roles


def event_actions(user: User, event: Event) -> list[Transition]:
    return workflows.EVENT.available(event.status, event_roles(user, event) - {"system"})


def events_with_relations() -> QuerySet[Event]:
    return Event.objects.select_related(
        "place", "place__commune", "commune", "commune__department", "commune__region"
    ).defer(
        "place__commune__outline",
        "commune__outline",
        "commune__department__outline",
        "commune__region__outline",
    )


@dataclass
class EventFilters:
    region: str = ""
    department: str = ""
    category: str = ""
    place: str = ""
    free: bool = False
    start: dt.date | None = None
    end: dt.date | None = None
    errors: list[str] = field(default_factory=list)

    def window(self) -> tuple[dt.datetime, dt.datetime]:
        zone = ZoneInfo("Europe/Paris")
        start = self.start or timezone.localdate()
        end = self.end or (start + dt.timedelta(days=PAGE_DAYS))
        return (
            dt.datetime.combine(start, dt.time(0), tzinfo=zone),
            dt.datetime.combine(end + dt.timedelta(days=1), dt.time(0), tzinfo=zone),
        )

    def querystring_items(self) -> list[tuple[str, str]]:
        items = [
            (k, getattr(self, k)) for k in ("region", "department", "category", "place") if getattr(self, k)
        ]
        if self.free:
            items.append(("free", "1"))
        if self.start:
            items.append(("start", self.start.isoformat()))
        if self.end:
            items.append(("end", self.end.isoformat()))
        return items


def _date(value: str, errors: list[str], label: str) -> dt.date | None:
    if not value:
        return None
    try:
        return dt.date.fromisoformat(value.strip()[:10])
    except ValueError:
        errors.append(
            _("Date « %(label)s » invalide ignorée (format attendu : AAAA-MM-JJ).") % {"label": label}
        )
        return None


def parse_filters(params: Mapping[str, Any]) -> EventFilters:
    filters = EventFilters()
    for key, model in (("region", Region), ("department", Department)):
        value = (params.get(key) or "").strip().upper()[:3]
        if value and model.objects.filter(pk=value).exists():
            setattr(filters, key, value)
        elif value:
            filters.errors.append(_("Territoire inconnu ignoré : « %(value)s ».") % {"value": value})
    category = (params.get("category") or "").strip()
    if category in EventCategory.values:
        filters.category = category
    elif category:
        filters.errors.append(_("Catégorie inconnue ignorée."))
    filters.place = (params.get("place") or "").strip()[:220]
    filters.free = (params.get("free") or "") in {"1", "on", "true", "oui"}
    filters.start = _date(params.get("start") or "", filters.errors, _("du"))
    filters.end = _date(params.get("end") or "", filters.errors, _("au"))
    if filters.start and filters.end and filters.end < filters.start:
        filters.errors.append(_("La fin de la période précède son début : période ignorée."))
        filters.end = None
    if filters.start and filters.end and (filters.end - filters.start).days > 366:
        filters.errors.append(_("Période limitée à un an."))
        filters.end = filters.start + dt.timedelta(days=366)
    return filters


def events_matching(filters: EventFilters) -> QuerySet[Event]:
    """Events (confirmed and cancelled) of the filters, whatever their dates."""
    queryset = events_with_relations()
    if filters.region:
        queryset = queryset.filter(commune__region_id=filters.region)
    if filters.department:
        queryset = queryset.filter(commune__department_id=filters.department)
    if filters.category:
        queryset = queryset.filter(category=filters.category)
    if filters.place:
        queryset = queryset.filter(place__slug=filters.place)
    if filters.free:
        queryset = queryset.filter(is_free=True)
    return queryset


def events_in_window(queryset: QuerySet[Event], start: dt.datetime, end: dt.datetime) -> QuerySet[Event]:
    return queryset.filter(starts_at__lt=end).filter(Q(last_ends_at__gt=start) | Q(last_ends_at=None))


def events_created_between(
    queryset: QuerySet[Event], since: dt.datetime, until: dt.datetime
) -> QuerySet[Event]:
    """The confirmed events of `queryset` created in `since < t <= until` and not over at `until` (the new
    events of the alerts), oldest first."""
    return (
        queryset.filter(status="confirmed", created_at__gt=since, created_at__lte=until)
        .filter(Q(last_ends_at__gt=until) | Q(last_ends_at=None))
        .order_by("created_at", "pk")
    )


@dataclass(frozen=True)
class Occurrence:
    event: Event
    start: dt.datetime
    end: dt.datetime

    @property
    def display_end(self) -> dt.datetime:
        """The last day shown for an all-day occurrence (its end is exclusive)."""
        return self.end - dt.timedelta(days=1) if self.event.all_day else self.end


def occurrences(
    queryset: QuerySet[Event], start: dt.datetime, end: dt.datetime, *, limit: int = 500
) -> list[Occurrence]:
    """Every occurrence of the events of `queryset` that overlaps [start, end), in time order."""
    found: list[Occurrence] = []
    for event in events_in_window(queryset, start, end)[:2000]:
        for item in recurrence.occurrences(
            start=event.starts_at,
            end=event.ends_at,
            time_zone=event.time_zone,
            rrule=event.rrule,
            exdates=event.exdates,
            all_day=event.all_day,
            window_start=start,
            window_end=end,
            limit=limit,
        ):
            found.append(Occurrence(event, item.start, item.end))
    found.sort(key=lambda o: (o.start, o.event.pk))
    return found[:limit]


def event_next_occurrences(event: Event, *, limit: int = 10) -> list[Occurrence]:
    now = timezone.now()
    return [
        Occurrence(event, item.start, item.end)
        for item in recurrence.occurrences(
            start=event.starts_at,
            end=event.ends_at,
            time_zone=event.time_zone,
            rrule=event.rrule,
            exdates=event.exdates,
            all_day=event.all_day,
            window_start=now,
            limit=limit,
        )
    ]


def month_grid(year: int, month: int, items: list[Occurrence]) -> list[list[dict]]:
    """Weeks (Monday first) of days {day, in_month, occurrences} for the month view."""
    by_day: dict[dt.date, list[Occurrence]] = {}
    for item in items:
        first = item.start.date()
        last = item.display_end.date() if item.event.all_day else item.end.date()
        day = first
        while day <= last:
            by_day.setdefault(day, []).append(item)
            day += dt.timedelta(days=1)
    weeks = []
    for week in calendar.Calendar(firstweekday=0).monthdatescalendar(year, month):
        weeks.append(
            [{"day": day, "in_month": day.month == month, "occurrences": by_day.get(day, [])} for day in week]
        )
    return weeks


def events_of_place(place: Place) -> QuerySet[Event]:
    return events_with_relations().filter(place=place)


def events_feed(queryset: QuerySet[Event]) -> QuerySet[Event]:
    """What a feed publishes: events not over for more than 90 days (cancelled included), by start."""
    since = timezone.now() - dt.timedelta(days=90)
    return queryset.filter(Q(last_ends_at__gte=since) | Q(last_ends_at=None)).order_by("starts_at", "pk")


def ics_sources_of(place: Place) -> QuerySet[IcsSource]:
    return place.ics_sources.all()


def places_managed_by(user: User | AnonymousUser | None) -> QuerySet[Place]:
    if user is None or not user.is_authenticated:
        return Place.objects.none()
    return user.managed_places.order_by("name")
