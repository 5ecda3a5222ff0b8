"""Recurring events: checking an RRULE (RFC 5545) and expanding it into occurrences. Pure: no Django import.

Occurrences are computed in the event's local wall time ("every Tuesday 18:00" stays 18:00 across daylight
saving time), then placed in its time zone. Exception dates (`exdates`) are local ISO strings: a date-time
("2026-05-12T18:00:00") skips that occurrence, a date ("2026-05-12") skips every occurrence of that day.

A rule typed on the platform must end (COUNT or UNTIL) and stays within `MAX_OCCURRENCES` occurrences and
`MAX_YEARS` years; a rule read from an imported calendar may be endless and is expanded up to the window asked.
`normalise_rule` stores UNTIL as RFC 5545 wants it next to a DTSTART with a time zone: in UTC (`…Z`), or as a
date for an all-day event.
"""

from __future__ import annotations

import datetime as dt
import re
from dataclasses import dataclass
from typing import Any
from zoneinfo import ZoneInfo

from dateutil.rrule import rrulestr

from tierslieux.core.errors import ServiceError
from tierslieux.core.i18n import gettext as _

MAX_OCCURRENCES = 1000
MAX_YEARS = 5
UNTIL = re.compile(r"UNTIL=([0-9TZ]+)", re.IGNORECASE)


class RecurrenceError(ServiceError):
    """A rule that cannot be used; the message is a French sentence."""

    status = 400


@dataclass(frozen=True)
class Occurrence:
    start: dt.datetime  # aware, in the event's time zone
    end: dt.datetime


def _parts(rule: str) -> dict[str, str]:
    text = rule.strip()
    if text.upper().startswith("RRULE:"):
        text = text[6:]
    parts: dict[str, str] = {}
    for chunk in text.split(";"):
        if not chunk.strip():
            continue
        if "=" not in chunk:
            raise RecurrenceError(
                _("La règle de récurrence est mal formée : « %(part)s ».") % {"part": chunk[:40]}
            )
        key, value = chunk.split("=", 1)
        parts[key.strip().upper()] = value.strip().upper()
    return parts


def _local_until(value: str, zone: ZoneInfo, all_day: bool) -> dt.datetime:
    """UNTIL as a naive local wall time (what the expansion compares against)."""
    try:
        if len(value) == 8:
            day = dt.datetime.strptime(value, "%Y%m%d")
            return day if all_day else day.replace(hour=23, minute=59, second=59)
        if value.endswith("Z"):
            moment = dt.datetime.strptime(value, "%Y%m%dT%H%M%SZ").replace(tzinfo=dt.UTC)
            return moment.astimezone(zone).replace(tzinfo=None)
        return dt.datetime.strptime(value, "%Y%m%dT%H%M%S")
    except ValueError:
        raise RecurrenceError(_("La date de fin (UNTIL) de la récurrence est invalide.")) from None


def _rule_for_local(rule: str, zone: ZoneInfo, all_day: bool) -> str:
    """The rule with UNTIL as a local naive value, for dateutil with a naive local DTSTART."""

    def local(match: re.Match[str]) -> str:
        return "UNTIL=" + _local_until(match.group(1).upper(), zone, all_day).strftime("%Y%m%dT%H%M%S")

    return UNTIL.sub(local, rule)


def _expander(start_local: dt.datetime, rule: str, zone: ZoneInfo, all_day: bool) -> Any:
    text = rule.strip()
    if text.upper().startswith("RRULE:"):
        text = text[6:]
    try:
        return rrulestr(_rule_for_local(text, zone, all_day), dtstart=start_local, forceset=False)
    except RecurrenceError:
        raise
    except (ValueError, TypeError, KeyError, IndexError):
        raise RecurrenceError(_("La règle de récurrence (RRULE) n’est pas valide.")) from None


def normalise_rule(
    rule: str, *, start_local: dt.datetime, time_zone: str, all_day: bool, require_end: bool = True
) -> str:
    """The rule checked and written back (`FREQ=…;…`, UNTIL in UTC or as a date); "" for no recurrence.

    Raises RecurrenceError (400) for a malformed rule, a rule that never ends when `require_end`, or one that
    gives more than MAX_OCCURRENCES occurrences or lasts more than MAX_YEARS years."""
    if not rule or not rule.strip():
        return ""
    zone = ZoneInfo(time_zone)
    parts = _parts(rule)
    if "FREQ" not in parts:
        raise RecurrenceError(_("La règle de récurrence doit indiquer une fréquence (FREQ)."))
    if require_end and "COUNT" not in parts and "UNTIL" not in parts:
        raise RecurrenceError(
            _(
                "La récurrence ne finit jamais : indiquez un nombre d’occurrences (COUNT) ou une date de fin (UNTIL)."
            )
        )
    if "COUNT" in parts and "UNTIL" in parts:
        raise RecurrenceError(
            _("Une récurrence a un nombre d’occurrences (COUNT) ou une date de fin (UNTIL), pas les deux.")
        )
    if "UNTIL" in parts:
        local_until = _local_until(parts["UNTIL"], zone, all_day)
        if local_until < start_local:
            raise RecurrenceError(_("La date de fin de la récurrence précède le début de l’événement."))
        if all_day:
            parts["UNTIL"] = local_until.strftime("%Y%m%d")
        else:
            aware = local_until.replace(tzinfo=zone).astimezone(dt.UTC)
            parts["UNTIL"] = aware.strftime("%Y%m%dT%H%M%SZ")
    text = ";".join(f"{key}={value}" for key, value in parts.items())
    expander = _expander(start_local, text, zone, all_day)
    if require_end:
        limit = start_local + dt.timedelta(days=366 * MAX_YEARS)
        count = 0
        for occurrence in expander:
            count += 1
            if count > MAX_OCCURRENCES:
                raise RecurrenceError(
                    _("La récurrence donne plus de %(max)s occurrences : raccourcissez-la.")
                    % {"max": MAX_OCCURRENCES}
                )
            if occurrence > limit:
                raise RecurrenceError(
                    _("La récurrence dure plus de %(years)s ans : raccourcissez-la.") % {"years": MAX_YEARS}
                )
        if count == 0:
            raise RecurrenceError(_("La récurrence ne donne aucune occurrence."))
    return text


def _skipped(exdates: list[str]) -> tuple[set[dt.datetime], set[dt.date]]:
    moments: set[dt.datetime] = set()
    days: set[dt.date] = set()
    for value in exdates:
        try:
            if "T" in value:
                moments.add(dt.datetime.fromisoformat(value).replace(tzinfo=None, second=0, microsecond=0))
            else:
                days.add(dt.date.fromisoformat(value))
        except ValueError:
            continue
    return moments, days


def occurrences(
    *,
    start: dt.datetime,
    end: dt.datetime,
    time_zone: str,
    rrule: str = "",
    exdates: list[str] | tuple[str, ...] = (),
    all_day: bool = False,
    window_start: dt.datetime | None = None,
    window_end: dt.datetime | None = None,
    limit: int = MAX_OCCURRENCES,
) -> list[Occurrence]:
    """The occurrences of an event (aware `start`/`end` of its first occurrence) that overlap the window
    [window_start, window_end) (aware; None: unbounded), at most `limit`, in order."""
    zone = ZoneInfo(time_zone)
    start_local = start.astimezone(zone).replace(tzinfo=None)
    duration = end.astimezone(zone).replace(tzinfo=None) - start_local
    if not rrule:
        starts = [start_local]
    else:
        expander = _expander(start_local, rrule, zone, all_day)
        starts = []
        lower = window_start.astimezone(zone).replace(tzinfo=None) - duration if window_start else None
        upper = window_end.astimezone(zone).replace(tzinfo=None) if window_end else None
        for local in expander:
            if upper is not None and local >= upper:
                break
            if lower is not None and local < lower:
                continue
            starts.append(local)
            if len(starts) >= limit * 2 + 10:
                break
    moments, days = _skipped(list(exdates))
    found: list[Occurrence] = []
    for local in starts:
        if local.replace(second=0, microsecond=0) in moments or local.date() in days:
            continue
        occurrence = Occurrence(local.replace(tzinfo=zone), (local + duration).replace(tzinfo=zone))
        if window_start is not None and occurrence.end <= window_start:
            continue
        if window_end is not None and occurrence.start >= window_end:
            continue
        found.append(occurrence)
        if len(found) >= limit:
            break
    return found


def last_end(
    *,
    start: dt.datetime,
    end: dt.datetime,
    time_zone: str,
    rrule: str,
    exdates: list[str] | tuple[str, ...] = (),
    all_day: bool = False,
) -> dt.datetime | None:
    """The end of the last occurrence; None for an endless rule."""
    if not rrule:
        return end
    parts = _parts(rrule)
    if "COUNT" not in parts and "UNTIL" not in parts:
        return None
    found = occurrences(
        start=start,
        end=end,
        time_zone=time_zone,
        rrule=rrule,
        exdates=exdates,
        all_day=all_day,
        limit=MAX_OCCURRENCES * 10,
    )
    return found[-1].end if found else end
