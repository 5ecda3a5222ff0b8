"""Read coordinates as people and files write them (plain Python, no Django).

    parse_coordinate("45,4190", "lat")            # Coordinate(45.419, axis=None)
    parse_coordinate("48°05'34\"N", "lat")        # Coordinate(48.0928, axis="lat")
    parse_coordinate("1°39'30\"O", "lon")         # Coordinate(-1.6583, axis="lon")  (O = ouest)
    parse_pair("48,0928 ; -1,6583")               # (48.0928, -1.6583): latitude first
    resolve_point("-1.6583", "48.0928", inside=in_france)   # ResolvedPoint(lon=-1.6583, lat=48.0928, swapped=True)

Accepted spellings: decimal degrees with a point or a comma (and "−", the minus sign); degrees, minutes and
seconds with °, º, d, ', ′, ’, ", ″, '' or spaces as separators ("48°05'34\"N", "48 05 34 N", "48°5.57'",
"N 48° 05' 34''"); a hemisphere written N/S/E/W/O or in words (nord, sud, est, ouest, north, south, east,
west) before or after the number. Minutes and seconds must be below 60, only the last part may carry
decimals, and a hemisphere must fit its axis: "48°N" is a latitude. Anything else is refused with a French
message (`CoordinateError`): a phone number or a free text is never read as a coordinate.

Written here rather than taken from `lat-lon-parser`, which reads any text holding digits (a phone number
gives a coordinate) and knows neither "O" (ouest) nor the bounds of minutes and seconds.
"""

from __future__ import annotations

import math
import re
from collections.abc import Callable
from dataclasses import dataclass

from tierslieux.core.i18n import gettext as _

_HEMISPHERES = {
    "n": ("lat", 1),
    "nord": ("lat", 1),
    "north": ("lat", 1),
    "s": ("lat", -1),
    "sud": ("lat", -1),
    "south": ("lat", -1),
    "e": ("lon", 1),
    "est": ("lon", 1),
    "east": ("lon", 1),
    "w": ("lon", -1),
    "o": ("lon", -1),
    "ouest": ("lon", -1),
    "west": ("lon", -1),
}
_WORD = "|".join(sorted(_HEMISPHERES, key=len, reverse=True))
_LEADING = re.compile(rf"^({_WORD})(?![a-z])\.?\s*(.*)$")
_TRAILING = re.compile(rf"^(.*?)(?<![a-z])\s*({_WORD})\.?$")
_NUMBER = r"\d+(?:\.\d+)?"
_DECIMAL = re.compile(rf"^[+-]?{_NUMBER}$")
# Degrees, then optional minutes and seconds; each part ends with its symbol or a space.
_DMS = re.compile(
    rf"^(?P<sign>[+-]?)\s*(?P<d>{_NUMBER})\s*(?:°|\s)\s*"
    rf"(?:(?P<m>{_NUMBER})\s*(?:'|\s|$)\s*(?:(?P<s>{_NUMBER})\s*(?:\"|$))?)?\s*$"
)
_TRANSLATE = str.maketrans(
    {
        "º": "°",
        "˚": "°",
        "′": "'",
        "’": "'",
        "‘": "'",  # noqa: RUF001 (folded on purpose)
        "´": "'",  # noqa: RUF001 (folded on purpose)
        "`": "'",
        "″": '"',
        "“": '"',
        "”": '"',
        "−": "-",
        "–": "-",
        "\u00a0": " ",
        "\u202f": " ",
        "\t": " ",
    }
)
AXIS_LIMITS = {"lat": 90.0, "lon": 180.0}


class CoordinateError(ValueError):
    """A coordinate that cannot be read; the message is for people (French)."""


@dataclass(frozen=True)
class Coordinate:
    value: float
    axis: str | None  # "lat" or "lon" when a hemisphere letter says so, else None


@dataclass(frozen=True)
class ResolvedPoint:
    lon: float
    lat: float
    swapped: bool = False  # the two values were exchanged to land inside the territory


def _normalise(text: str) -> str:
    text = (text or "").translate(_TRANSLATE).strip().lower()
    text = text.replace("''", '"')
    text = re.sub(r"(?<=\d)\s*(?:deg|d)(?=[\s\d]|$)", "°", text)
    # A decimal comma ("45,4190") — but never in "1,234,5".
    text = re.sub(r"(?<=\d),(?=\d)", ".", text)
    return " ".join(text.split())


def _number(text: str) -> float:
    return float(text)


def parse_coordinate(text: str, axis: str = "") -> Coordinate:
    """One latitude or longitude (`axis` "lat" or "lon", only used in messages and bounds)."""
    original = (text or "").strip()
    value = _normalise(original)
    if not value:
        raise CoordinateError(_("Coordonnée vide."))
    hemisphere = None
    match = _LEADING.match(value)
    if match and match.group(2) and match.group(2)[0].isdigit():
        hemisphere, value = match.group(1), match.group(2)
    else:
        match = _TRAILING.match(value)
        if match and match.group(1):
            value, hemisphere = match.group(1).strip(), match.group(2)
    sign = 1
    hemisphere_axis = None
    if hemisphere:
        hemisphere_axis, sign = _HEMISPHERES[hemisphere]
    if _DECIMAL.match(value):
        number = _number(value)
        if hemisphere and number < 0:
            raise CoordinateError(
                _("« %(value)s » : un signe moins et une direction (N, S, E, O) ne vont pas ensemble.")
                % {"value": original}
            )
        number *= sign
    else:
        match = _DMS.match(value)
        if match is None or ("°" not in value and not (match.group("m") or hemisphere)):
            raise CoordinateError(
                _(
                    "« %(value)s » n’est pas une coordonnée lisible : écrivez par exemple 47,8712 ou "
                    "47°52'16\"N."
                )
                % {"value": original}
            )
        degrees = _number(match.group("d"))
        minutes = _number(match.group("m")) if match.group("m") else 0.0
        seconds = _number(match.group("s")) if match.group("s") else 0.0
        parts = [p for p in (match.group("d"), match.group("m"), match.group("s")) if p]
        if any("." in part for part in parts[:-1]):
            raise CoordinateError(
                _(
                    "« %(value)s » : seule la dernière partie (degrés, minutes ou secondes) peut avoir des décimales."
                )
                % {"value": original}
            )
        if minutes >= 60 or seconds >= 60:
            raise CoordinateError(
                _("« %(value)s » : les minutes et les secondes vont de 0 à 59.") % {"value": original}
            )
        if match.group("sign") == "-" and hemisphere:
            raise CoordinateError(
                _("« %(value)s » : un signe moins et une direction (N, S, E, O) ne vont pas ensemble.")
                % {"value": original}
            )
        number = degrees + minutes / 60 + seconds / 3600
        number *= -1 if match.group("sign") == "-" else sign
    if not math.isfinite(number) or abs(number) > AXIS_LIMITS["lon"]:
        raise CoordinateError(
            _("« %(value)s » dépasse 180 degrés : ce n’est pas une coordonnée.") % {"value": original}
        )
    return Coordinate(number, hemisphere_axis)


def parse_pair(text: str) -> tuple[Coordinate, Coordinate]:
    """ "latitude, longitude" in one text ("48.09, -1.66", "48,09 ; -1,66", "48°05'34\"N 1°39'30\"O")."""
    value = (text or "").strip()
    for separator in (";", "/", "|"):
        if separator in value:
            first, _sep, second = value.partition(separator)
            return parse_coordinate(first, "lat"), parse_coordinate(second, "lon")
    # "48.09, -1.66" (a comma followed by a space, or between two decimal points)
    match = re.match(r"^(.*\d[^\d,]*)\s*,\s+(.*)$", value) or re.match(r"^(-?\d+\.\d+),(-?\d+\.\d+)$", value)
    if match:
        return parse_coordinate(match.group(1), "lat"), parse_coordinate(match.group(2), "lon")
    # Two DMS values side by side: cut after the first hemisphere letter.
    match = re.match(rf"^(.*?\s*(?:{_WORD})\.?)\s+(.+)$", _normalise(value))
    if match and re.search(r"\d", match.group(1)) and re.search(r"\d", match.group(2)):
        return parse_coordinate(match.group(1), "lat"), parse_coordinate(match.group(2), "lon")
    parts = value.split()
    if len(parts) == 2:
        return parse_coordinate(parts[0], "lat"), parse_coordinate(parts[1], "lon")
    raise CoordinateError(
        _("« %(value)s » : écrivez la latitude puis la longitude, séparées par un point-virgule.")
        % {"value": value}
    )


def _ordered(lat: Coordinate, lon: Coordinate) -> tuple[float, float, bool]:
    """(lat, lon, swapped) when the hemisphere letters say which is which."""
    if lat.axis == "lon" or lon.axis == "lat":
        if lat.axis == "lat" or lon.axis == "lon":
            raise CoordinateError(_("Les deux coordonnées portent une direction du même axe (N/S ou E/O)."))
        return lon.value, lat.value, True
    return lat.value, lon.value, False


def resolve_point(
    lat: str | Coordinate, lon: str | Coordinate, *, inside: Callable[[float, float], bool]
) -> ResolvedPoint:
    """The point of a latitude and a longitude, as texts or parsed values. `inside(lon, lat)` tells whether a
    point lies in the expected territory: when it does not but the exchanged point does, the values were
    written in the wrong columns and the exchanged point is returned with `swapped=True`. Raise
    CoordinateError (French) otherwise."""
    lat_c = lat if isinstance(lat, Coordinate) else parse_coordinate(lat, "lat")
    lon_c = lon if isinstance(lon, Coordinate) else parse_coordinate(lon, "lon")
    lat_v, lon_v, swapped = _ordered(lat_c, lon_c)
    if abs(lat_v) <= AXIS_LIMITS["lat"] and inside(lon_v, lat_v):
        return ResolvedPoint(lon_v, lat_v, swapped)
    if (
        not swapped
        and lat_c.axis is None
        and lon_c.axis is None
        and abs(lon_v) <= 90
        and inside(lat_v, lon_v)
    ):
        return ResolvedPoint(lat_v, lon_v, True)
    raise CoordinateError(
        _(
            "Les coordonnées (latitude %(lat)s, longitude %(lon)s) sont hors de France (métropole et outre-mer)."
        )
        % {"lat": format_decimal(lat_v, 5), "lon": format_decimal(lon_v, 5)}
    )


def format_decimal(value: float, digits: int = 6) -> str:
    """A coordinate as French people write it in a form: decimal comma, at most `digits` decimals."""
    text = f"{value:.{digits}f}".rstrip("0").rstrip(".")
    return text.replace(".", ",")


# (west, south, east, north) of the territories of the French Republic.
FRANCE_BOXES: dict[str, tuple[float, float, float, float]] = {
    "métropole": (-5.3, 41.2, 9.7, 51.2),
    "Guadeloupe": (-61.9, 15.8, -60.9, 16.6),
    "Martinique": (-61.3, 14.3, -60.7, 14.95),
    "Guyane": (-54.7, 2.0, -51.5, 5.9),
    "La Réunion": (55.1, -21.5, 55.9, -20.8),
    "Mayotte": (44.9, -13.1, 45.4, -12.5),
    "Saint-Pierre-et-Miquelon": (-56.5, 46.7, -56.1, 47.2),
    "Saint-Barthélemy / Saint-Martin": (-63.2, 17.8, -62.7, 18.2),
    "Wallis-et-Futuna": (-178.3, -14.5, -176.0, -13.1),
    "Polynésie française": (-155.0, -28.0, -134.0, -7.0),
    "Nouvelle-Calédonie": (163.5, -22.9, 168.2, -19.5),
}


def in_france(lon: float, lat: float) -> bool:
    """Whether (lon, lat) lies in a territory of the French Republic (a box around each)."""
    return any(w <= lon <= e and s <= lat <= n for w, s, e, n in FRANCE_BOXES.values())
