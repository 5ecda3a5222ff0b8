"""Charts of the observatory drawn as SVG on the server (plain Python, no Django, no chart library).

Each chart is an image with a name and a description (`role="img"`, `<title>` and `<desc>`, which say every
value), and reads without colour: every bar carries its value as text, and the bars compared with the main
ones (a source's own figure) are hatched and named in a legend. The table beside it gives the same data.
"""

from __future__ import annotations

import html
from collections.abc import Sequence
from dataclasses import dataclass

WIDTH = 680
LABEL_WIDTH = 250
VALUE_WIDTH = 120
ROW = 26
BAR = 16
COMPARE_BAR = 10
LEGEND = 24
MAX_LABEL = 38
COLOUR = "#000091"  # DSFR blue France
COMPARE_COLOUR = "#000091"
TEXT = "#161616"
MUTED = "#3a3a3a"


@dataclass(frozen=True)
class Bar:
    label: str
    value: float | None  # None: no bar (the value is hidden or unknown); `display` says why
    display: str
    compare: float | None = None  # a second, hatched bar (a source's own figure), when there is one
    compare_display: str = ""


def _e(text: str) -> str:
    return html.escape(str(text), quote=True)


def _short(label: str) -> str:
    return label if len(label) <= MAX_LABEL else label[: MAX_LABEL - 1] + "…"


def bar_chart(
    *,
    chart_id: str,
    title: str,
    desc: str,
    bars: Sequence[Bar],
    max_value: float | None = None,
    value_label: str = "",
    compare_label: str = "",
) -> str:
    """Horizontal bars, one row per `Bar`, as SVG markup (empty string without bars). `chart_id` must be unique
    in the page (the ids of the title, description and pattern derive from it)."""
    if not bars:
        return ""
    compared = any(bar.compare is not None for bar in bars)
    values = [v for bar in bars for v in (bar.value, bar.compare) if v is not None]
    top = max_value if max_value is not None else max(values, default=0.0)
    top = top if top and top > 0 else 1.0
    plot = WIDTH - LABEL_WIDTH - VALUE_WIDTH
    row = ROW + (COMPARE_BAR + 2 if compared else 0)
    offset = LEGEND if compared else 0
    height = offset + row * len(bars) + 6
    ids = {"title": f"{chart_id}-titre", "desc": f"{chart_id}-desc", "hatch": f"{chart_id}-hachures"}
    parts = [
        f'<svg class="tl-obs-chart" xmlns="http://www.w3.org/2000/svg" viewBox="0 0 {WIDTH} {height}" '
        f'width="100%" role="img" aria-labelledby="{_e(ids["title"])} {_e(ids["desc"])}" '
        f'preserveAspectRatio="xMinYMin meet" font-family="Marianne, Arial, sans-serif">',
        f'<title id="{_e(ids["title"])}">{_e(title)}</title>',
        f'<desc id="{_e(ids["desc"])}">{_e(desc)}</desc>',
    ]
    if compared:
        parts.append(
            f'<defs><pattern id="{_e(ids["hatch"])}" patternUnits="userSpaceOnUse" width="6" height="6" '
            f'patternTransform="rotate(45)"><rect width="6" height="6" fill="#ffffff"></rect>'
            f'<rect width="3" height="6" fill="{COMPARE_COLOUR}"></rect></pattern></defs>'
        )
        parts.append(
            f'<rect x="{LABEL_WIDTH}" y="4" width="14" height="12" fill="{COLOUR}"></rect>'
            f'<text x="{LABEL_WIDTH + 20}" y="14" font-size="12" fill="{TEXT}">{_e(value_label)}</text>'
            f'<rect x="{LABEL_WIDTH + 200}" y="4" width="14" height="12" fill="url(#{_e(ids["hatch"])})" '
            f'stroke="{COMPARE_COLOUR}"></rect>'
            f'<text x="{LABEL_WIDTH + 220}" y="14" font-size="12" fill="{TEXT}">{_e(compare_label)}</text>'
        )
    for k, bar in enumerate(bars):
        y = offset + 3 + k * row
        parts.append(
            f'<text x="{LABEL_WIDTH - 8}" y="{y + BAR - 3}" text-anchor="end" font-size="12" '
            f'fill="{TEXT}">{_e(_short(bar.label))}</text>'
        )
        parts.append(_bar(y, bar.value, bar.display, top, plot, fill=COLOUR, height=BAR))
        if compared and bar.compare is not None:
            parts.append(
                _bar(
                    y + BAR + 2,
                    bar.compare,
                    bar.compare_display,
                    top,
                    plot,
                    fill=f"url(#{ids['hatch']})",
                    height=COMPARE_BAR,
                    stroke=COMPARE_COLOUR,
                )
            )
    parts.append("</svg>")
    return "".join(parts)


def _bar(
    y: float,
    value: float | None,
    display: str,
    top: float,
    plot: float,
    *,
    fill: str,
    height: int,
    stroke: str = "",
) -> str:
    if value is None:  # no bar: the text says why (hidden, unknown)
        return (
            f'<text x="{LABEL_WIDTH}" y="{y + height - 3}" font-size="12" font-style="italic" '
            f'fill="{MUTED}">{_e(display)}</text>'
        )
    width = max(0.0, min(1.0, float(value) / top)) * plot
    outline = f' stroke="{_e(stroke)}"' if stroke else ""
    return (
        f'<rect x="{LABEL_WIDTH}" y="{y}" width="{width:.1f}" height="{height}" fill="{_e(fill)}"{outline}></rect>'
        f'<text x="{LABEL_WIDTH + width + 5:.1f}" y="{y + height - 3}" font-size="12" '
        f'fill="{TEXT}">{_e(display)}</text>'
    )
