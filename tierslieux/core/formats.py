"""French formatting of dates and times, and the French plural rule of the source texts (Django side).

Numbers, amounts, shares and distances: `tierslieux.core.numbers` (plain Python). Templates reach all of them
through one filter library, `{% load tl_format %}` (`tierslieux/core/templatetags/tl_format.py`); Python code
(views, services, emails) calls these functions.

- A date reads "1er décembre 2026" (ordinal for the first day of the month), a time "14 h 05" (never
  seconds), a moment "1er décembre 2026 à 14 h 05", always in the time zone of the platform (Paris).
- Plurals: the msgids are French; a text without translation follows the French rule (0 and 1 singular),
  see `install_source_plural_rule`.
"""

from __future__ import annotations

import datetime as dt
from typing import Any

from django.utils import timezone
from django.utils.dates import MONTHS
from django.utils.translation import gettext as _
from django.utils.translation import pgettext

from .numbers import DASH, NNBSP, is_plural

__all__ = ["fr_date", "fr_datetime", "fr_time", "install_source_plural_rule", "local"]


def local(value: Any) -> Any:
    """An aware datetime in the current (Paris) time zone; dates and naive datetimes unchanged."""
    if isinstance(value, dt.datetime) and timezone.is_aware(value):
        return timezone.localtime(value)
    return value


def _as_date(value: object) -> dt.date | None:
    if isinstance(value, dt.datetime):
        return timezone.localtime(value).date() if timezone.is_aware(value) else value.date()
    if isinstance(value, dt.date):
        return value
    if isinstance(value, str) and value:
        try:
            return dt.date.fromisoformat(value[:10])
        except ValueError:
            return None
    return None


def fr_date(value: object, *, year: bool = True) -> str:
    """date or datetime -> "1er décembre 2026" ("12 mars 2027"; year=False: "1er décembre"); ISO strings
    accepted; "—" when empty."""
    day = _as_date(value)
    if day is None:
        return DASH
    number = pgettext("first day of the month", "1er") if day.day == 1 else str(day.day)
    month = str(MONTHS[day.month])
    if not year:
        return _("%(day)s %(month)s") % {"day": number, "month": month}
    return _("%(day)s %(month)s %(year)s") % {"day": number, "month": month, "year": day.year}


def fr_time(value: object) -> str:
    """datetime or time -> "14 h 05" (no seconds); "—" when empty."""
    if isinstance(value, dt.datetime):
        value = (timezone.localtime(value) if timezone.is_aware(value) else value).time()
    if not isinstance(value, dt.time):
        return DASH
    text = _("%(hour)s h %(minute)s") % {"hour": value.hour, "minute": f"{value.minute:02d}"}
    return text.replace(" ", NNBSP)  # "14 h 05" never breaks across lines


def fr_datetime(value: object) -> str:
    """datetime -> "1er décembre 2026 à 14 h 05"; a plain date is written as a date."""
    if isinstance(value, dt.datetime):
        return _("%(date)s à %(time)s") % {"date": fr_date(value), "time": fr_time(value)}
    return fr_date(value)


def install_source_plural_rule() -> None:
    """Make Django pick the singular or plural of an untranslated text by the French rule.

    Without a catalogue for a msgid, Django's `DjangoTranslation.ngettext` falls back on the English rule
    (singular for 1 only), which writes "0 lauréats" for the French msgids of this project. French puts 0 and 1
    in the singular. Every missing text is in French (the source language), so the French rule is the right one
    whatever the active language; texts found in a catalogue keep that catalogue's own plural rule. Called once
    from `CoreConfig.ready()` (idempotent).
    """
    from django.utils.translation import trans_real

    cls = trans_real.DjangoTranslation
    if getattr(cls, "_tl_french_source_plural", False):
        return

    # self is Any: `_catalog` and `_fallback` are private attributes the stubs do not declare.
    def ngettext(self: Any, msgid1: str, msgid2: str, n: int) -> str:
        try:
            return str(self._catalog.plural(msgid1, n))
        except KeyError:
            if self._fallback:
                return str(self._fallback.ngettext(msgid1, msgid2, n))
            return msgid2 if is_plural(n) else msgid1

    # Patching the class on purpose (see the docstring): mypy forbids assigning to a method or a new attribute.
    cls.ngettext = ngettext  # type: ignore[method-assign]
    cls._tl_french_source_plural = True  # type: ignore[attr-defined]
