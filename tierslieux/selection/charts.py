"""The score / coverage trade-off chart, drawn on the server as SVG (no chart library); the page pairs it
with a table of the same figures."""

from __future__ import annotations

from collections.abc import Sequence

from django.utils.html import format_html
from django.utils.safestring import SafeString, mark_safe

WIDTH, HEIGHT = 640, 320
LEFT, RIGHT, TOP, BOTTOM = 70, 20, 20, 50
BLUE, RED = "#000091", "#e1000f"


def _fmt(value: float) -> str:
    return f"{value:,.0f}".replace(",", "\u202f")


def tradeoff_chart(points: Sequence[dict], *, title: str) -> SafeString:
    """Total score (vertical) against newly covered population (horizontal), one point per λ."""
    points = [p for p in points if p.get("status") in ("optimal", "time_limit")]
    if not points:
        return SafeString("")
    xs = [float(p["population"]) for p in points]
    ys = [float(p["score"]) for p in points]
    x0, x1 = min(xs), max(xs)
    y0, y1 = min(ys), max(ys)
    x1 = x1 if x1 > x0 else x0 + 1
    y1 = y1 if y1 > y0 else y0 + 1
    plot_w, plot_h = WIDTH - LEFT - RIGHT, HEIGHT - TOP - BOTTOM

    def px(x: float) -> float:
        return LEFT + (x - x0) / (x1 - x0) * plot_w

    def py(y: float) -> float:
        return TOP + (1 - (y - y0) / (y1 - y0)) * plot_h

    parts = [
        format_html(
            '<svg class="tl-chart" xmlns="http://www.w3.org/2000/svg" viewBox="0 0 {} {}" width="100%" '
            'role="img" aria-label="{}" preserveAspectRatio="xMinYMin meet"><title>{}</title>',
            WIDTH,
            HEIGHT,
            title,
            title,
        ),
        format_html(
            '<line x1="{l}" y1="{b}" x2="{r}" y2="{b}" stroke="#3a3a3a"></line>'
            '<line x1="{l}" y1="{t}" x2="{l}" y2="{b}" stroke="#3a3a3a"></line>'
            '<text x="{cx}" y="{ly}" text-anchor="middle" font-size="12" fill="#161616">'
            "Population nouvellement couverte (hab.)</text>"
            '<text x="14" y="{cy}" text-anchor="middle" font-size="12" fill="#161616" '
            'transform="rotate(-90 14 {cy})">Note totale</text>'
            '<text x="{l}" y="{ty}" font-size="11" fill="#161616">{xmin}</text>'
            '<text x="{r}" y="{ty}" text-anchor="end" font-size="11" fill="#161616">{xmax}</text>'
            '<text x="{lx}" y="{b}" text-anchor="end" font-size="11" fill="#161616">{ymin}</text>'
            '<text x="{lx}" y="{ty0}" text-anchor="end" font-size="11" fill="#161616">{ymax}</text>',
            l=LEFT,
            r=WIDTH - RIGHT,
            t=TOP,
            b=HEIGHT - BOTTOM,
            cx=LEFT + plot_w / 2,
            ly=HEIGHT - 10,
            cy=TOP + plot_h / 2,
            ty=HEIGHT - BOTTOM + 16,
            lx=LEFT - 6,
            ty0=TOP + 10,
            xmin=_fmt(x0),
            xmax=_fmt(x1),
            ymin=f"{y0:.2f}".replace(".", ","),
            ymax=f"{y1:.2f}".replace(".", ","),
        ),
    ]
    ordered = sorted(points, key=lambda p: p["lambda"])
    path = " ".join(f"{px(float(p['population'])):.1f},{py(float(p['score'])):.1f}" for p in ordered)
    parts.append(
        format_html(
            '<polyline points="{}" fill="none" stroke="{}" stroke-width="1.5"></polyline>', path, BLUE
        )
    )
    groups: dict[tuple[float, float], list[dict]] = {}
    for p in ordered:
        groups.setdefault((float(p["population"]), round(float(p["score"]), 6)), []).append(p)
    for (population, total), same in groups.items():
        chosen = any(p.get("chosen") for p in same)
        values = [f"{p['lambda']:g}".replace(".", ",") for p in same]
        label = values[0] if len(values) == 1 else f"{values[0]} à {values[-1]}"
        x, y = px(population), py(total)
        parts.append(
            format_html(
                '<circle cx="{}" cy="{}" r="{}" fill="{}"></circle>'
                '<text x="{}" y="{}" font-size="11" fill="#161616" text-anchor="{}">λ = {}</text>',
                f"{x:.1f}",
                f"{y:.1f}",
                6 if chosen else 4,
                RED if chosen else BLUE,
                f"{x + (-6 if x > LEFT + plot_w * 0.8 else 6):.1f}",
                f"{y - 8:.1f}",
                "end" if x > LEFT + plot_w * 0.8 else "start",
                label,
            )
        )
    parts.append(mark_safe("</svg>"))
    return SafeString("".join(str(p) for p in parts))
