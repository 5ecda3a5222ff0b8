"""The calendar of an agreement: its years, the due dates of its reports, the plan of its tranches, and which
reminder step a report has reached on a given day. Plain Python (dates in, dataclasses out).

- Year k of an agreement runs from `start + 12·(k−1)` months to `start + 12·k` months (exclusive); the last
  year ends at `start + duration` months, so a duration amendment lengthens (or shortens) the last year.
- The report of year k is due `report_delay_days` after the end of year k.
- Tranche 1 is due at signature; tranche k > 1 is planned for the due date of report k − 1 and released (made
  due) when that report is accepted.
- Reminder steps: 30 and 7 days before the due date, 7 and 30 days after it; a report more than 30 days late
  flags the agreement and suspends the next tranche.
"""

from __future__ import annotations

import calendar
from collections.abc import Mapping, Sequence
from dataclasses import dataclass
from datetime import date, timedelta

from tierslieux.core.i18n import gettext_noop

DEFAULT_REPORT_DELAY_DAYS = 60
LATE_FLAG_DAYS = 30

# (code, days relative to the due date, label): the reminder steps, in the order they happen.
REMINDER_STEPS: tuple[tuple[str, int, str], ...] = (
    ("before_30", -30, gettext_noop("30 jours avant l’échéance")),
    ("before_7", -7, gettext_noop("7 jours avant l’échéance")),
    ("late_7", 7, gettext_noop("7 jours de retard")),
    ("late_30", 30, gettext_noop("30 jours de retard")),
)


def add_months(day: date, months: int) -> date:
    """`day` moved by `months` calendar months (the 31st becomes the last day of a shorter month)."""
    index = day.year * 12 + (day.month - 1) + months
    year, month = divmod(index, 12)
    month += 1
    return date(year, month, min(day.day, calendar.monthrange(year, month)[1]))


@dataclass(frozen=True)
class YearPlan:
    index: int  # 1-based
    start: date
    end: date  # last day of the year (inclusive)
    amount: int
    report_due: date


@dataclass(frozen=True)
class TranchePlan:
    number: int  # 1-based, one per year
    amount: int
    planned_due: date | None  # the signature for tranche 1; the due date of the previous report after


def duration_bounds(years: int) -> tuple[int, int]:
    """The durations (months) an agreement of `years` years may have: its last year lasts 1 to 36 months."""
    return 12 * (years - 1) + 1, 12 * (years - 1) + 36


def agreement_years(
    *,
    start: date,
    duration_months: int,
    amounts: Sequence[int],
    report_delay_days: int = DEFAULT_REPORT_DELAY_DAYS,
) -> list[YearPlan]:
    """The years of an agreement starting on `start`, lasting `duration_months`, with one amount per year."""
    years = len(amounts)
    if years == 0:
        return []
    low, high = duration_bounds(years)
    if not low <= duration_months <= high:
        raise ValueError(f"duration {duration_months} months does not fit {years} years")
    plans = []
    for index, amount in enumerate(amounts, start=1):
        first = add_months(start, 12 * (index - 1))
        following = add_months(start, duration_months if index == years else 12 * index)
        end = following - timedelta(days=1)
        plans.append(YearPlan(index, first, end, int(amount), end + timedelta(days=report_delay_days)))
    return plans


def tranche_plan(*, signed_on: date | None, years: Sequence[YearPlan]) -> list[TranchePlan]:
    """One tranche per year: the first at signature, each later one at the due date of the previous report."""
    return [
        TranchePlan(
            year.index,
            year.amount,
            signed_on if year.index == 1 else years[year.index - 2].report_due,
        )
        for year in years
    ]


def reminder_step(*, today: date, due: date) -> str | None:
    """The last reminder step reached on `today` for a report due on `due` (None before the first one)."""
    reached = None
    for code, offset, _label in REMINDER_STEPS:
        if today >= due + timedelta(days=offset):
            reached = code
    return reached


def is_late_beyond_flag(*, today: date, due: date) -> bool:
    """More than 30 days late: the agreement is flagged and the next tranche suspended."""
    return today > due + timedelta(days=LATE_FLAG_DAYS)


def days_late(*, today: date, due: date) -> int:
    return max(0, (today - due).days)


def hours_per_week(opening_hours: Mapping[str, Sequence[Sequence[str]]] | None) -> float | None:
    """Opening hours per week from a place's structured hours ({"mo": [["09:00", "12:00"], …], …}), to the
    quarter hour; None when the place has no hours."""
    if not opening_hours:
        return None
    minutes = 0
    for spans in opening_hours.values():
        for span in spans or ():
            try:
                start, end = (int(part[:2]) * 60 + int(part[3:5]) for part in span[:2])
            except (TypeError, ValueError, IndexError):
                continue
            if end <= start:
                end += 24 * 60  # open past midnight
            minutes += end - start
    return round(minutes / 15) * 15 / 60 if minutes else None
