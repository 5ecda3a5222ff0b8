"""French formatting of numbers for the optimiser's messages: the platform's one set (`tierslieux.core.numbers`),
plus the points of the objective."""

from __future__ import annotations

from tierslieux.core.numbers import NNBSP, fr_euros, fr_int, fr_number, plural_number

__all__ = ["NNBSP", "fr_euros", "fr_int", "fr_points", "fr_signed_int", "fr_signed_points", "plural_number"]


def fr_points(value: float) -> str:
    """Points with two decimals and a decimal comma (``3,20``)."""
    return fr_number(value, 2)


def fr_signed_points(value: float) -> str:
    text = fr_points(value)
    return text if text.startswith("-") or text == "0,00" else f"+{text}"


def fr_signed_int(value: float) -> str:
    rounded = round(value)
    sign = "+" if rounded > 0 else ("-" if rounded < 0 else "")
    return f"{sign}{fr_int(abs(rounded))}"
