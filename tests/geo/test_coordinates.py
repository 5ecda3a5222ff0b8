"""Coordinates as people and files write them (the pure module tierslieux.geo.coordinates)."""

import pytest
from hypothesis import given
from hypothesis import strategies as st

from tierslieux.geo.coordinates import (
    Coordinate,
    CoordinateError,
    format_decimal,
    in_france,
    parse_coordinate,
    parse_pair,
    resolve_point,
)

RENNES_LAT = 48 + 5 / 60 + 34 / 3600
RENNES_LON = -(1 + 39 / 60 + 30 / 3600)


@pytest.mark.parametrize(
    ("text", "value", "axis"),
    [
        ("45.4190", 45.419, None),
        ("45,4190", 45.419, None),  # refused by the forms before
        ("-3,92", -3.92, None),
        ("−1.5", -1.5, None),  # the minus sign
        ("+2.35", 2.35, None),
        ("48°05'34\"N", RENNES_LAT, "lat"),
        ("48°05′34″N", RENNES_LAT, "lat"),
        ("48º 05' 34'' N", RENNES_LAT, "lat"),
        ("48 05 34 N", RENNES_LAT, "lat"),
        ("48d 05 34 n", RENNES_LAT, "lat"),
        ("N 48° 05' 34\"", RENNES_LAT, "lat"),
        ("N48.0928", 48.0928, "lat"),
        ("48°5.5667'", 48 + 5.5667 / 60, None),
        ("48.5°", 48.5, None),
        ("1°39'30\"O", RENNES_LON, "lon"),
        ("1°39'30\"W", RENNES_LON, "lon"),
        ("1 39 30 O", RENNES_LON, "lon"),
        ("ouest 1,5", -1.5, "lon"),
        ("1.5 Est", 1.5, "lon"),
        ("61°23'13\"O", -(61 + 23 / 60 + 13 / 3600), "lon"),
        ("16°13'34\"S", -(16 + 13 / 60 + 34 / 3600), "lat"),
        ("-1°39'30\"", RENNES_LON, None),
    ],
)
def test_usual_spellings(text, value, axis):
    parsed = parse_coordinate(text)
    assert parsed.value == pytest.approx(value, abs=1e-6)
    assert parsed.axis == axis


@pytest.mark.parametrize(
    ("text", "message"),
    [
        ("", "vide"),
        ("abc", "pas une coordonnée lisible"),
        ("02 98 12 34 56", "pas une coordonnée lisible"),  # a phone number is not a coordinate
        ("1,234,5", "pas une coordonnée lisible"),
        ("48.5.5", "pas une coordonnée lisible"),
        ("48°65'", "de 0 à 59"),
        ("48°05'61\"", "de 0 à 59"),
        ("48.5°30'", "dernière partie"),
        ("-48 N", "signe moins"),
        ("1000", "180 degrés"),
    ],
)
def test_what_is_refused_says_why_in_french(text, message):
    with pytest.raises(CoordinateError, match=message):
        parse_coordinate(text)


@pytest.mark.parametrize(
    ("text", "lat", "lon"),
    [
        ("48.0928, -1.6583", 48.0928, -1.6583),
        ("48,0928 ; -1,6583", 48.0928, -1.6583),
        ("48.0928,-1.6583", 48.0928, -1.6583),
        ("48,0928 -1,6583", 48.0928, -1.6583),
        ("48°05'34\"N 1°39'30\"O", RENNES_LAT, RENNES_LON),
        ("48°05'34\"N, 1°39'30\"W", RENNES_LAT, RENNES_LON),
    ],
)
def test_pairs(text, lat, lon):
    first, second = parse_pair(text)
    assert (first.value, second.value) == (pytest.approx(lat, abs=1e-4), pytest.approx(lon, abs=1e-4))


def test_a_pair_needs_two_values():
    with pytest.raises(CoordinateError, match="latitude puis la longitude"):
        parse_pair("48.09")


def test_swapped_values_are_exchanged_when_the_exchanged_point_lies_in_france():
    point = resolve_point("-1.6583", "48.0928", inside=in_france)
    assert (point.lon, point.lat) == (-1.6583, 48.0928) and point.swapped
    assert not resolve_point("48.0928", "-1.6583", inside=in_france).swapped
    # Overseas too: Guadeloupe written longitude first.
    guadeloupe = resolve_point("-61.38", "16.23", inside=in_france)
    assert (guadeloupe.lon, guadeloupe.lat, guadeloupe.swapped) == (-61.38, 16.23, True)


def test_hemisphere_letters_decide_the_axes():
    point = resolve_point("1°39'30\"W", "48°05'34\"N", inside=in_france)
    assert point.swapped and point.lat == pytest.approx(RENNES_LAT)
    with pytest.raises(CoordinateError, match="même axe"):
        resolve_point("48°N", "47°N", inside=in_france)


def test_foreign_points_are_refused_with_their_values():
    with pytest.raises(CoordinateError, match=r"latitude 40,4168, longitude -3,7038.*hors de France"):
        resolve_point("40.4168", "-3.7038", inside=in_france)  # Madrid
    with pytest.raises(CoordinateError, match="hors de France"):
        resolve_point(Coordinate(40.71, None), Coordinate(-74.0, None), inside=in_france)


@given(st.floats(min_value=-179.999, max_value=179.999, allow_nan=False))
def test_decimal_comma_round_trip(value):
    assert parse_coordinate(format_decimal(value)).value == pytest.approx(value, abs=1e-6)


@given(
    st.integers(min_value=0, max_value=89),
    st.integers(min_value=0, max_value=59),
    st.integers(min_value=0, max_value=59),
    st.sampled_from(["{d}°{m:02d}'{s:02d}\"{h}", "{d} {m:02d} {s:02d} {h}", "{h} {d}° {m}' {s}''"]),
    st.sampled_from(["N", "S"]),
)
def test_dms_spellings_agree(degrees, minutes, seconds, template, hemisphere):
    text = template.format(d=degrees, m=minutes, s=seconds, h=hemisphere)
    expected = (degrees + minutes / 60 + seconds / 3600) * (-1 if hemisphere == "S" else 1)
    assert parse_coordinate(text).value == pytest.approx(expected)
