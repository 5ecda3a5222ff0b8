"""The SVG charts (tierslieux/observatory/charts.py, no Django): well-formed images with a name and a
description, values written on the bars, compared bars hatched and named, every text escaped."""

from __future__ import annotations

import xml.etree.ElementTree as ET

from tierslieux.observatory import figures
from tierslieux.observatory.charts import Bar, bar_chart
from tierslieux.observatory.figures import ChartSpec, Column, Figure, Row, Table

SVG = "{http://www.w3.org/2000/svg}"


def parse(markup: str) -> ET.Element:
    return ET.fromstring(markup)


def test_a_chart_is_a_named_and_described_image_with_direct_labels():
    svg = parse(
        bar_chart(
            chart_id="g-types",
            title="Tiers-lieux par type",
            desc="Coworking : 12 ; Fablab : 3.",
            bars=[Bar("Coworking", 12, "12"), Bar("Fablab", 3, "3"), Bar("Autre", None, "masqué (n < 5)")],
        )
    )
    assert svg.get("role") == "img"
    assert svg.get("aria-labelledby") == "g-types-titre g-types-desc"
    assert svg.find(f"{SVG}title").get("id") == "g-types-titre"
    assert svg.find(f"{SVG}title").text == "Tiers-lieux par type"
    assert svg.find(f"{SVG}desc").text == "Coworking : 12 ; Fablab : 3."
    texts = [t.text for t in svg.iter(f"{SVG}text")]
    assert texts == ["Coworking", "12", "Fablab", "3", "Autre", "masqué (n < 5)"]
    widths = [float(r.get("width")) for r in svg.iter(f"{SVG}rect")]
    assert len(widths) == 2 and widths[0] > widths[1] > 0  # no bar for the hidden value


def test_compared_bars_are_hatched_and_named_in_a_legend():
    markup = bar_chart(
        chart_id="serie",
        title="Métropoles",
        desc="…",
        bars=[Bar("2019", 0.55, "55 %", compare=0.54, compare_display="54 %"), Bar("Atlas", 0.39, "39 %")],
        max_value=1.0,
        value_label="Selon notre géographie",
        compare_label="Selon la source",
    )
    svg = parse(markup)
    pattern = svg.find(f"{SVG}defs/{SVG}pattern")
    assert pattern.get("id") == "serie-hachures"
    hatched = [r for r in svg.iter(f"{SVG}rect") if r.get("fill") == "url(#serie-hachures)"]
    assert len(hatched) == 2  # the legend's swatch and the 2019 census's own bar
    texts = [t.text for t in svg.iter(f"{SVG}text")]
    assert "Selon notre géographie" in texts and "Selon la source" in texts and "54 %" in texts


def test_texts_are_escaped():
    markup = bar_chart(
        chart_id='x"><script>', title="<b>T</b>", desc="a & b", bars=[Bar("<img src=x>", 1, "1 & 2")]
    )
    assert "<script>" not in markup and "<img" not in markup and "<b>" not in markup
    svg = parse(markup)
    assert svg.find(f"{SVG}title").text == "<b>T</b>"
    assert [t.text for t in svg.iter(f"{SVG}text")] == ["<img src=x>", "1 & 2"]


def test_a_figure_chart_says_every_value_and_nothing_without_values():
    table = Table(
        (Column("nombre", "Nombre", "count"),),
        (Row("a", "Coworking", {"nombre": 1200}), Row("b", "Fablab", {"nombre": 3}, frozenset({"nombre"}))),
    )
    figure = Figure(
        id="f",
        title="Titre",
        description="Lieux par type.",
        row_header="Type",
        table=table,
        chart=ChartSpec("nombre"),
    )
    svg = parse(figures.figure_svg(figure, "g-f"))
    assert svg.find(f"{SVG}desc").text == "Lieux par type. Coworking : 1\u202f200 ; Fablab : masqué (n < 5)."
    hidden_only = Figure(
        id="h",
        title="T",
        description="D",
        row_header="R",
        chart=ChartSpec("nombre"),
        table=Table(table.columns, (table.rows[1],)),
    )
    assert figures.figure_svg(hidden_only, "g-h") == ""
    assert bar_chart(chart_id="e", title="T", desc="D", bars=[]) == ""
