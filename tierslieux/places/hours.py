"""Opening hours: parse the OSM syntax of source files, tell whether a place is open (plain Python)."""

from __future__ import annotations

import datetime as dt
import re

from tierslieux.core.i18n import gettext as _
from tierslieux.core.i18n import gettext_noop

DAYS = ("mo", "tu", "we", "th", "fr", "sa", "su")
DAY_LABELS = {
    "mo": gettext_noop("Lundi"),
    "tu": gettext_noop("Mardi"),
    "we": gettext_noop("Mercredi"),
    "th": gettext_noop("Jeudi"),
    "fr": gettext_noop("Vendredi"),
    "sa": gettext_noop("Samedi"),
    "su": gettext_noop("Dimanche"),
}
_RULE = re.compile(
    r"^\s*([A-Za-z]{2}(?:\s*[-,]\s*[A-Za-z]{2})*)\s+(\d{1,2}:\d{2}\s*-\s*\d{1,2}:\d{2}"
    r"(?:\s*,\s*\d{1,2}:\d{2}\s*-\s*\d{1,2}:\d{2})*)\s*$"
)


def _days(spec: str) -> list[str]:
    result: list[str] = []
    for part in spec.lower().replace(" ", "").split(","):
        if "-" in part:
            start, end = part.split("-", 1)
            if start in DAYS and end in DAYS:
                i, j = DAYS.index(start), DAYS.index(end)
                result += list(DAYS[i : j + 1]) if i <= j else list(DAYS[i:] + DAYS[: j + 1])
        elif part in DAYS:
            result.append(part)
    return result


def parse_osm(text: str) -> dict[str, list[list[str]]]:
    """'Mo-Fr 09:00-12:00,14:00-17:00; Sa 09:00-12:00' -> {"mo": [["09:00", "12:00"], …], …}.
    A later rule for a day replaces an earlier one (OSM semantics); rules it cannot read are ignored (the raw
    text stays in the source record)."""
    hours: dict[str, list[list[str]]] = {}
    for rule in (text or "").split(";"):
        match = _RULE.match(rule)
        if not match:
            continue
        intervals = []
        for span in match.group(2).split(","):
            start, end = (t.strip().zfill(5) for t in span.split("-"))
            if start < end:
                intervals.append([start, end])
        for day in _days(match.group(1)):
            hours[day] = sorted(intervals)  # as in OSM, a later rule replaces the day's hours
    return {day: hours[day] for day in DAYS if hours.get(day)}


def intervals_on(hours: dict, exceptions: list, day: dt.date) -> list[list[str]]:
    iso = day.isoformat()
    for exception in exceptions or []:
        if exception.get("start", "") <= iso <= exception.get("end", exception.get("start", "")):
            return exception.get("hours") or []
    return (hours or {}).get(DAYS[day.weekday()], [])


def is_open(hours: dict, exceptions: list, moment: dt.datetime) -> bool:
    clock = moment.strftime("%H:%M")
    return any(start <= clock < end for start, end in intervals_on(hours, exceptions, moment.date()))


def week_table(hours: dict) -> list[tuple[str, str]]:
    """[("Lundi", "09:00–12:00, 14:00–17:00"), …, ("Dimanche", "Fermé")]."""
    return [
        (_(DAY_LABELS[day]), ", ".join(f"{s}–{e}" for s, e in hours.get(day, [])) or _("Fermé"))
        for day in DAYS
    ]
