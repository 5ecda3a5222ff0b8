"""The one set of French formatting filters (`tl_format`) and the French plural rule of the source texts."""

import datetime as dt
import math
from decimal import Decimal
from zoneinfo import ZoneInfo

import pytest
from django.template import Context, Template
from django.utils.translation import ngettext, npgettext

from tierslieux.core import i18n, numbers
from tierslieux.core.formats import fr_date, fr_datetime, fr_time

NNBSP = "\u202f"
PARIS = ZoneInfo("Europe/Paris")


def render(source: str, **context) -> str:
    return Template("{% load i18n tl_format %}" + source).render(Context(context))


@pytest.mark.parametrize(
    ("value", "decimals", "expected"),
    [
        (125000, 0, f"125{NNBSP}000"),
        (1234567.891, 2, f"1{NNBSP}234{NNBSP}567,89"),
        (3.2, 2, "3,20"),
        (-0.001, 2, "0,00"),
        (-1500, 0, f"-1{NNBSP}500"),
        (Decimal("12.5"), 1, "12,5"),
        ("42", 0, "42"),
        (None, 0, "—"),
        (math.nan, 1, "—"),
        (math.inf, 0, "—"),
        ("abc", 0, "—"),
    ],
)
def test_numbers(value, decimals, expected):
    assert numbers.fr_number(value, decimals) == expected


def test_units_never_break_from_their_number():
    assert numbers.fr_euros(125000) == f"125{NNBSP}000{NNBSP}€"
    assert numbers.fr_percent(0.5321) == f"53,2{NNBSP}%"
    assert numbers.fr_percent(0.5, 0) == f"50{NNBSP}%"
    assert numbers.fr_km(12.345) == f"12,3{NNBSP}km"
    assert numbers.fr_euros(None) == "—"
    for text in (numbers.fr_euros(1234567), numbers.fr_km(1234.5), numbers.fr_percent(12.345)):
        assert " " not in text and "\xa0" not in text  # only narrow no-break spaces


@pytest.mark.parametrize(
    ("day", "expected"),
    [
        (dt.date(2026, 12, 1), "1er décembre 2026"),
        (dt.date(2027, 3, 12), "12 mars 2027"),
        ("2026-02-01", "1er février 2026"),
        (None, "—"),
        ("pas une date", "—"),
    ],
)
def test_dates(day, expected):
    assert fr_date(day) == expected


def test_times_have_no_seconds_and_use_the_paris_time_zone():
    moment = dt.datetime(2026, 12, 1, 13, 5, 42, tzinfo=dt.UTC)  # 14:05:42 in Paris
    assert fr_time(moment) == f"14{NNBSP}h{NNBSP}05"
    assert fr_datetime(moment) == f"1er décembre 2026 à 14{NNBSP}h{NNBSP}05"
    assert fr_time(dt.time(9, 0)) == f"9{NNBSP}h{NNBSP}00"
    # Just before midnight UTC on 30 November is already 1 December in Paris.
    assert fr_date(dt.datetime(2026, 11, 30, 23, 30, tzinfo=dt.UTC)) == "1er décembre 2026"
    assert fr_date(dt.datetime(2026, 11, 30, 23, 30, tzinfo=dt.UTC).astimezone(PARIS)) == "1er décembre 2026"


def test_filters_in_a_template():
    html = render(
        "{{ a|euros }}|{{ n|number }}|{{ x|number:1 }}|{{ s|percent }}|{{ s|percent:0 }}|{{ d|km }}|"
        "{{ day|fr_date }}|{{ day|fr_date_short }}|{{ m|fr_time }}|{{ m|fr_datetime }}|{{ none|euros }}",
        a=125000,
        n=34870,
        x=9.64,
        s=0.566,
        d=9.64,
        day=dt.date(2026, 12, 1),
        m=dt.datetime(2026, 12, 1, 13, 5, 42, tzinfo=dt.UTC),
        none=None,
    )
    assert html.split("|") == [
        f"125{NNBSP}000{NNBSP}€",
        f"34{NNBSP}870",
        "9,6",
        f"56,6{NNBSP}%",
        f"57{NNBSP}%",
        f"9,6{NNBSP}km",
        "1er décembre 2026",
        "1er décembre",
        f"14{NNBSP}h{NNBSP}05",
        f"1er décembre 2026 à 14{NNBSP}h{NNBSP}05",
        "—",
    ]


@pytest.mark.parametrize(("count", "expected"), [(0, "0 lauréat"), (1, "1 lauréat"), (2, "2 lauréats")])
def test_blocktranslate_count_follows_the_french_rule(count, expected):
    html = render(
        "{% blocktranslate count counter=n %}{{ counter }} lauréat{% plural %}{{ counter }} lauréats"
        "{% endblocktranslate %}",
        n=count,
    )
    assert html == expected


def test_ngettext_follows_the_french_rule_in_python_and_in_the_pure_modules():
    assert ngettext("%(n)s appel ouvert", "%(n)s appels ouverts", 0) == "%(n)s appel ouvert"
    assert ngettext("%(n)s appel ouvert", "%(n)s appels ouverts", 1) == "%(n)s appel ouvert"
    assert ngettext("%(n)s appel ouvert", "%(n)s appels ouverts", 3) == "%(n)s appels ouverts"
    assert npgettext("ctx", "%(n)s ligne", "%(n)s lignes", 0) == "%(n)s ligne"
    assert i18n.ngettext("%(n)s ligne", "%(n)s lignes", 0) == "%(n)s ligne"
    assert i18n._same_plural("ligne", "lignes", 0) == "ligne"
    assert i18n._same_plural("ligne", "lignes", 2) == "lignes"
    # A text found in Django's own catalogue keeps that catalogue's rule.
    assert ngettext("%(num)d minute", "%(num)d minutes", 0) == "%(num)d minute"


def test_plural_number():
    assert [numbers.plural_number(n) for n in (0, 1, 1.5, 2, 10, -3)] == [1, 1, 1, 2, 10, 3]
    assert not numbers.is_plural(0) and not numbers.is_plural(1) and numbers.is_plural(2)
