"""French formatting of numbers, amounts, shares and distances (plain Python, no Django import).

The one place where the platform writes a number for a person: the template filters of
`tierslieux/core/templatetags/tl_format.py`, the Django-side helpers of `tierslieux/core/formats.py` and the
pure modules (eligibility, optimiser) all call these functions.

- Thousands are grouped with a narrow no-break space (U+202F) and the unit is joined to the number by the same
  space, so a figure never breaks across lines: "125 000 €", "12,3 km", "53,2 %".
- The decimal separator is a comma.
- An unknown value (None, NaN, infinity, not a number) is written "—".
"""

from __future__ import annotations

import math
from decimal import Decimal

NNBSP = "\u202f"  # narrow no-break space: French thousands separator and space before a unit
DASH = "—"


def _finite(value: object) -> float | None:
    if value is None or isinstance(value, bool):
        return None
    if isinstance(value, Decimal):
        value = float(value)
    try:
        number = float(value)  # type: ignore[arg-type]  # anything: what float() refuses is "unknown"
    except (TypeError, ValueError):
        return None
    return number if math.isfinite(number) else None


def fr_number(value: object, decimals: int = 0) -> str:
    """12345.678 -> "12 346" (decimals=0), "12 345,7" (decimals=1); "—" when unknown."""
    number = _finite(value)
    if number is None:
        return DASH
    text = f"{number:,.{max(0, decimals)}f}"
    if text.lstrip("-").strip("0,.") == "":
        text = text.lstrip("-")  # no "-0"
    return text.replace(",", NNBSP).replace(".", ",")


def fr_int(value: object) -> str:
    """A whole number: 125000 -> "125 000"."""
    return fr_number(value, 0)


def fr_euros(value: object, decimals: int = 0) -> str:
    """125000 -> "125 000 €" (whole euros by default)."""
    text = fr_number(value, decimals)
    return text if text == DASH else f"{text}{NNBSP}€"


def fr_percent(share: object, decimals: int = 1) -> str:
    """A share 0..1 as a percentage: 0.5321 -> "53,2 %"."""
    number = _finite(share)
    return DASH if number is None else f"{fr_number(number * 100, decimals)}{NNBSP}%"


def fr_km(value: object, decimals: int = 1) -> str:
    """12.345 -> "12,3 km"."""
    text = fr_number(value, decimals)
    return text if text == DASH else f"{text}{NNBSP}km"


def plural_number(count: object) -> int:
    """The number to give `ngettext` for `count` when only the singular/plural choice matters: French puts
    0 and 1 (and anything below 2) in the singular."""
    number = _finite(count)
    if number is None:
        return 1
    return 1 if abs(number) < 2 else math.ceil(abs(number))


def is_plural(count: object) -> bool:
    """The French plural rule: 2 and more (0 and 1 are singular)."""
    return plural_number(count) != 1
