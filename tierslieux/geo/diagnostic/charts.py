"""Charts drawn on the server as SVG (no chart library); each one is paired with a table in the template."""

from __future__ import annotations

from collections.abc import Sequence

from django.utils.html import escape, format_html
from django.utils.safestring import SafeString, mark_safe

WIDTH = 640
LABEL_WIDTH = 230
VALUE_WIDTH = 80
ROW = 22
BAR = 14
COLOUR = "#000091"


def bar_chart(bars: Sequence, *, title: str, max_value: float | None = None) -> SafeString:
    """Horizontal bars, one per `Bar` (label, value, display). The SVG is an image with `title` as name."""
    if not bars:
        return SafeString("")
    top = max_value if max_value is not None else max((b.value for b in bars), default=0.0)
    top = top if top > 0 else 1.0
    plot = WIDTH - LABEL_WIDTH - VALUE_WIDTH
    height = ROW * len(bars) + 4
    parts = [
        format_html(
            '<svg class="tl-chart" xmlns="http://www.w3.org/2000/svg" viewBox="0 0 {} {}" width="100%" '
            'role="img" aria-label="{}" preserveAspectRatio="xMinYMin meet">',
            WIDTH,
            height,
            title,
        ),
        format_html("<title>{}</title>", title),
    ]
    for k, bar in enumerate(bars):
        y = 2 + k * ROW
        width = max(0.0, min(1.0, bar.value / top)) * plot
        label = bar.label if len(bar.label) <= 34 else bar.label[:33] + "…"
        parts.append(
            format_html(
                '<text x="{}" y="{}" text-anchor="end" font-size="12" fill="#161616">{}</text>'
                '<rect x="{}" y="{}" width="{}" height="{}" fill="{}"></rect>'
                '<text x="{}" y="{}" font-size="12" fill="#161616">{}</text>',
                LABEL_WIDTH - 6,
                y + BAR - 2,
                label,
                LABEL_WIDTH,
                y + (ROW - BAR) / 2 - 2,
                f"{width:.1f}",
                BAR,
                COLOUR,
                LABEL_WIDTH + width + 4,
                y + BAR - 2,
                bar.display,
            )
        )
    parts.append(mark_safe("</svg>"))
    return SafeString("".join(str(p) for p in parts))


__all__ = ["bar_chart", "escape"]
