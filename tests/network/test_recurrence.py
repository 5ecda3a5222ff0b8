"""Recurrence: rules must end when typed, UNTIL normalised to UTC, wall time kept across DST, exceptions."""

import datetime as dt
from zoneinfo import ZoneInfo

import pytest

from tierslieux.network.recurrence import RecurrenceError, last_end, normalise_rule, occurrences

PARIS = ZoneInfo("Europe/Paris")


def tuesday(hour=18):
    return dt.datetime(2026, 3, 24, hour, 0, tzinfo=PARIS)


def test_a_rule_without_count_or_until_is_refused_in_french():
    with pytest.raises(RecurrenceError) as error:
        normalise_rule(
            "FREQ=WEEKLY;BYDAY=TU",
            start_local=tuesday().replace(tzinfo=None),
            time_zone="Europe/Paris",
            all_day=False,
        )
    assert "ne finit jamais" in str(error.value) and error.value.status == 400


@pytest.mark.parametrize(
    "rule",
    [
        "FREQ=SOMETIMES;COUNT=3",
        "BYDAY=TU;COUNT=3",
        "FREQ=WEEKLY;COUNT=3;UNTIL=20260501",
        "nonsense",
        "FREQ=DAILY;COUNT=5000",
    ],
)
def test_bad_rules_are_refused(rule):
    with pytest.raises(RecurrenceError):
        normalise_rule(
            rule, start_local=tuesday().replace(tzinfo=None), time_zone="Europe/Paris", all_day=False
        )


def test_until_is_stored_in_utc_and_wall_time_is_kept_across_dst():
    rule = normalise_rule(
        "RRULE:FREQ=WEEKLY;BYDAY=TU;UNTIL=20260414",
        start_local=tuesday().replace(tzinfo=None),
        time_zone="Europe/Paris",
        all_day=False,
    )
    assert rule == "FREQ=WEEKLY;BYDAY=TU;UNTIL=20260414T215959Z"
    found = occurrences(start=tuesday(), end=tuesday(21), time_zone="Europe/Paris", rrule=rule)
    assert [o.start.hour for o in found] == [18, 18, 18, 18]
    assert [o.start.utcoffset() for o in found] == [dt.timedelta(hours=1)] + [dt.timedelta(hours=2)] * 3


def test_exceptions_by_date_or_date_time_and_window():
    rule = "FREQ=WEEKLY;BYDAY=TU;COUNT=6"
    found = occurrences(
        start=tuesday(),
        end=tuesday(21),
        time_zone="Europe/Paris",
        rrule=rule,
        exdates=["2026-03-31", "2026-04-14T18:00:00"],
    )
    assert [o.start.date().isoformat() for o in found] == [
        "2026-03-24",
        "2026-04-07",
        "2026-04-21",
        "2026-04-28",
    ]
    window = occurrences(
        start=tuesday(),
        end=tuesday(21),
        time_zone="Europe/Paris",
        rrule=rule,
        window_start=dt.datetime(2026, 4, 7, 20, 0, tzinfo=PARIS),
        window_end=dt.datetime(2026, 4, 22, tzinfo=PARIS),
    )
    assert [o.start.date().isoformat() for o in window] == ["2026-04-07", "2026-04-14", "2026-04-21"]
    assert last_end(start=tuesday(), end=tuesday(21), time_zone="Europe/Paris", rrule=rule) == dt.datetime(
        2026, 4, 28, 21, tzinfo=PARIS
    )


def test_overseas_time_zone_and_all_day():
    reunion = ZoneInfo("Indian/Reunion")
    start = dt.datetime(2026, 5, 2, 0, 0, tzinfo=reunion)
    rule = normalise_rule(
        "FREQ=MONTHLY;UNTIL=20260801",
        start_local=start.replace(tzinfo=None),
        time_zone="Indian/Reunion",
        all_day=True,
    )
    assert rule.endswith("UNTIL=20260801")
    found = occurrences(
        start=start, end=start + dt.timedelta(days=1), time_zone="Indian/Reunion", rrule=rule, all_day=True
    )
    assert [o.start.date().isoformat() for o in found] == ["2026-05-02", "2026-06-02", "2026-07-02"]


def test_endless_rules_are_read_from_imports_and_expanded_in_a_window():
    rule = normalise_rule(
        "FREQ=DAILY",
        start_local=tuesday().replace(tzinfo=None),
        time_zone="Europe/Paris",
        all_day=False,
        require_end=False,
    )
    assert rule == "FREQ=DAILY"
    assert last_end(start=tuesday(), end=tuesday(19), time_zone="Europe/Paris", rrule=rule) is None
    window = occurrences(
        start=tuesday(),
        end=tuesday(19),
        time_zone="Europe/Paris",
        rrule=rule,
        window_start=dt.datetime(2027, 1, 1, tzinfo=PARIS),
        window_end=dt.datetime(2027, 1, 4, tzinfo=PARIS),
    )
    assert len(window) == 3
