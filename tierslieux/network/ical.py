"""iCalendar (RFC 5545): the feeds the network publishes, and reading the calendars places import.

Built and read with the `icalendar` library. Published events keep their `uid` for ever and carry their
`SEQUENCE` (bumped by the services at each change), cancelled ones stay with `STATUS:CANCELLED`, recurring
ones have their RRULE and EXDATE in their own time zone, and every time zone used is described by a VTIMEZONE.
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Iterable
from dataclasses import dataclass, field
from zoneinfo import ZoneInfo, ZoneInfoNotFoundError

import icalendar

from tierslieux.core.errors import ServiceError
from tierslieux.core.i18n import gettext as _

from . import recurrence
from .models.choices import TimeZone

PRODID = "-//Tiers-Lieux//Réseau des tiers-lieux//FR"
DEFAULT_ZONE = "Europe/Paris"


# --- Publishing ----------------------------------------------------------------------------------------
def _local(moment: dt.datetime, zone: str) -> dt.datetime:
    return moment.astimezone(ZoneInfo(zone))


def _exdates(event) -> list:
    zone = ZoneInfo(event.time_zone)
    start_local = _local(event.starts_at, event.time_zone)
    values = []
    for value in event.exdates:
        try:
            if event.all_day:
                values.append(dt.date.fromisoformat(value[:10]))
            elif "T" in value:
                values.append(dt.datetime.fromisoformat(value).replace(tzinfo=zone))
            else:
                day = dt.date.fromisoformat(value)
                values.append(dt.datetime.combine(day, start_local.time().replace(tzinfo=None), tzinfo=zone))
        except ValueError:
            continue
    return values


def vevent(event, *, url: str) -> icalendar.Event:
    """The VEVENT of a platform event (a `network.Event`)."""
    component = icalendar.Event()
    component.add("uid", event.uid)
    component.add("sequence", event.sequence)
    component.add("dtstamp", event.updated_at.astimezone(dt.UTC))
    component.add("created", event.created_at.astimezone(dt.UTC))
    component.add("last-modified", event.updated_at.astimezone(dt.UTC))
    component.add("summary", event.title)
    if event.description:
        component.add("description", event.description)
    if event.all_day:
        component.add("dtstart", _local(event.starts_at, event.time_zone).date())
        component.add("dtend", _local(event.ends_at, event.time_zone).date())
    else:
        component.add("dtstart", _local(event.starts_at, event.time_zone))
        component.add("dtend", _local(event.ends_at, event.time_zone))
    if event.rrule:
        component.add("rrule", icalendar.vRecur.from_ical(event.rrule))
        exdates = _exdates(event)
        if exdates:
            component.add("exdate", exdates)
    component.add("status", "CANCELLED" if event.status == "cancelled" else "CONFIRMED")
    component.add("categories", [event.get_category_display()])
    location = event.place.name if event.at_place else event.address
    if event.attendance == "online":
        location = event.online_url or _("En ligne")
    if location:
        component.add("location", location)
    if event.attendance != "online":
        component.add("geo", (event.lat, event.lon))
    component.add("url", url)
    component.add("transp", "OPAQUE")
    return component


def calendar_bytes(events: Iterable, *, name: str, url_for) -> bytes:
    """A VCALENDAR of `events` (`url_for(event)`: the absolute URL of its page), with its VTIMEZONEs."""
    calendar = icalendar.Calendar()
    calendar.add("prodid", PRODID)
    calendar.add("version", "2.0")
    calendar.add("calscale", "GREGORIAN")
    calendar.add("method", "PUBLISH")
    calendar.add("x-wr-calname", name)
    calendar.add("x-wr-timezone", DEFAULT_ZONE)
    for event in events:
        calendar.add_component(vevent(event, url=url_for(event)))
    calendar.add_missing_timezones()
    return calendar.to_ical()


# --- Importing ------------------------------------------------------------------------------------------
class IcsError(ServiceError):
    status = 400


@dataclass
class ImportedEvent:
    uid: str
    title: str
    description: str
    start: dt.datetime  # aware
    end: dt.datetime
    all_day: bool
    time_zone: str
    rrule: str = ""
    exdates: list[str] = field(default_factory=list)
    cancelled: bool = False
    location: str = ""
    url: str = ""
    recurrence_id: str = ""  # local ISO of the occurrence this one replaces ("" for a master or single)


@dataclass
class ParsedCalendar:
    events: list[ImportedEvent]
    problems: list[str]


def _zone_of(value) -> str:
    tzinfo = getattr(value, "tzinfo", None)
    key = getattr(tzinfo, "key", None) or getattr(tzinfo, "zone", None)
    if key in TimeZone.values:
        return key
    return DEFAULT_ZONE


def _aware(value, zone: str) -> dt.datetime:
    if isinstance(value, dt.datetime):
        if value.tzinfo is None:
            return value.replace(tzinfo=ZoneInfo(zone))
        return value.astimezone(ZoneInfo(zone))
    return dt.datetime.combine(value, dt.time(0, 0), tzinfo=ZoneInfo(zone))


def _local_iso(value, zone: str, all_day: bool) -> str:
    if all_day or not isinstance(value, dt.datetime):
        return (value.date() if isinstance(value, dt.datetime) else value).isoformat()
    return _aware(value, zone).replace(tzinfo=None).isoformat(timespec="seconds")


def _text(component, name: str) -> str:
    value = component.get(name)
    return str(value).strip() if value is not None else ""


def _one(component, problems: list[str]) -> ImportedEvent | None:
    uid = _text(component, "uid")
    title = _text(component, "summary") or _("(sans titre)")
    if not uid:
        problems.append(_("Un événement sans UID est ignoré : « %(title)s ».") % {"title": title[:80]})
        return None
    if component.get("dtstart") is None:
        problems.append(
            _("L’événement « %(title)s » n’a pas de date de début : ignoré.") % {"title": title[:80]}
        )
        return None
    start_value = component.decoded("dtstart")
    all_day = not isinstance(start_value, dt.datetime)
    zone = _zone_of(start_value)
    start = _aware(start_value, zone)
    if component.get("dtend") is not None:
        end = _aware(component.decoded("dtend"), zone)
    elif component.get("duration") is not None:
        end = start + component.decoded("duration")
    else:
        end = start + (dt.timedelta(days=1) if all_day else dt.timedelta(hours=1))
    if end <= start:
        end = start + (dt.timedelta(days=1) if all_day else dt.timedelta(hours=1))
    rrule = ""
    if component.get("rrule") is not None:
        rules = component.get("rrule")
        rules = rules if isinstance(rules, list) else [rules]
        try:
            rrule = recurrence.normalise_rule(
                rules[0].to_ical().decode(),
                start_local=start.replace(tzinfo=None),
                time_zone=zone,
                all_day=all_day,
                require_end=False,
            )
        except recurrence.RecurrenceError as error:
            problems.append(
                _("« %(title)s » : %(error)s Événement ignoré.") % {"title": title[:80], "error": error}
            )
            return None
    exdates: list[str] = []
    raw = component.get("exdate")
    for item in raw if isinstance(raw, list) else ([raw] if raw is not None else []):
        for moment in getattr(item, "dts", []):
            exdates.append(_local_iso(moment.dt, zone, all_day))
    recurrence_id = ""
    if component.get("recurrence-id") is not None:
        recurrence_id = _local_iso(component.decoded("recurrence-id"), zone, all_day)
    url = _text(component, "url")
    return ImportedEvent(
        uid=uid[:500],
        title=title[:200],
        description=_text(component, "description")[:10000],
        start=start,
        end=end,
        all_day=all_day,
        time_zone=zone,
        rrule=rrule,
        exdates=sorted(set(exdates)),
        cancelled=_text(component, "status").upper() == "CANCELLED",
        location=_text(component, "location")[:300],
        url=url[:500] if url.startswith(("https://", "http://")) else "",
        recurrence_id=recurrence_id,
    )


def parse_calendar(data: bytes) -> ParsedCalendar:
    """The events of an ICS file; IcsError when the file is not an iCalendar. Events that cannot be read are
    left out, each with a French sentence in `problems`."""
    text = data.lstrip(b"\xef\xbb\xbf \t\r\n")
    if not text.upper().startswith(b"BEGIN:VCALENDAR"):
        raise IcsError(
            _("Le fichier n’est pas un calendrier iCalendar (il doit commencer par BEGIN:VCALENDAR).")
        )
    if b"END:VCALENDAR" not in text[-4096:].upper():
        # A truncated file would otherwise look like a calendar whose events were all removed.
        raise IcsError(_("Le calendrier est incomplet : il ne se termine pas par END:VCALENDAR."))
    try:
        calendars = icalendar.Calendar.from_ical(text, multiple=True)
    except (ValueError, KeyError, IndexError, TypeError, UnicodeDecodeError, ZoneInfoNotFoundError) as error:
        raise IcsError(_("Le calendrier est mal formé : %(error)s") % {"error": str(error)[:200]}) from None
    events: list[ImportedEvent] = []
    problems: list[str] = []
    for calendar in calendars:
        for component in calendar.walk("VEVENT"):
            try:
                event = _one(component, problems)
            except (ValueError, KeyError, IndexError, TypeError, AttributeError, ZoneInfoNotFoundError):
                problems.append(
                    _("Un événement illisible est ignoré : « %(title)s ».")
                    % {"title": _text(component, "summary")[:80]}
                )
                continue
            if event is not None:
                events.append(event)
    return ParsedCalendar(events=events, problems=problems)
