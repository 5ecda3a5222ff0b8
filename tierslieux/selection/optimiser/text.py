"""French formatting of numbers for user-facing messages."""

from __future__ import annotations

NNBSP = "\u202f"  # narrow no-break space, the French thousands separator


def fr_int(value: float) -> str:
    return f"{round(value):,}".replace(",", NNBSP)


def fr_euros(value: float) -> str:
    return f"{fr_int(value)}{NNBSP}€"


def fr_points(value: float) -> str:
    """Points with two decimals and a decimal comma (``3,20``)."""
    text = f"{value:.2f}".replace(".", ",")
    return "0,00" if text == "-0,00" else text


def fr_signed_points(value: float) -> str:
    text = fr_points(value)
    return text if text.startswith("-") or text == "0,00" else f"+{text}"


def fr_signed_int(value: float) -> str:
    rounded = round(value)
    sign = "+" if rounded > 0 else ("-" if rounded < 0 else "")
    return f"{sign}{fr_int(abs(rounded))}"


def plural_number(count: int) -> int:
    """The number to give `ngettext` for `count`: French puts 0 and 1 in the singular, while gettext without a
    French catalogue (the msgids are French) only does so for 1."""
    return 1 if abs(count) <= 1 else count
