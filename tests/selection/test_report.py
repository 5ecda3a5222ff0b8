"""Plain helpers of the pages: trade-off SVG, map data, differences, export safety."""

import pytest

from tierslieux.selection import analysis, charts, exports, report

POINTS = [
    {"lambda": 0.0, "status": "optimal", "score": 9.67, "population": 0},
    {"lambda": 0.5, "status": "optimal", "score": 9.67, "population": 0},
    {"lambda": 1.0, "status": "optimal", "score": 8.67, "population": 12_000},
    {"lambda": 10.0, "status": "optimal", "score": 7.67, "population": 20_000, "chosen": True},
    {"lambda": 20.0, "status": "infeasible", "score": 0, "population": 0},
]


def test_tradeoff_chart_is_a_named_image_with_one_point_per_distinct_selection():
    svg = str(charts.tradeoff_chart(POINTS, title="Arbitrage <note>"))
    assert svg.startswith("<svg") and 'role="img"' in svg and "Arbitrage &lt;note&gt;" in svg
    assert svg.count("<circle") == 3  # λ = 0 and 0.5 give the same selection; infeasible points are left out
    assert "λ = 0 à 0,5" in svg and "λ = 10" in svg
    assert svg.count('fill="#e1000f"') == 1  # the chosen λ
    assert charts.tradeoff_chart([], title="x") == ""


def test_difference_between_two_selections():
    diff = analysis.difference({"A": "e1", "B": "e1", "C": "e2"}, {"B": "e2", "C": "e2", "D": "e1"})
    assert diff.only_a == ("A",) and diff.only_b == ("D",) and diff.both == ("B", "C")
    assert diff.moved == (("B", "e1", "e2"),)


def test_export_cells_cannot_be_formulas():
    row = report.Row("R-1", 1, '=HYPERLINK("x")', "+lieu", "-c", "29", 4.0, 1, "", "", 0, "@motif", "")
    text = exports.to_csv([row]).decode("utf-8-sig")
    assert "'=HYPERLINK" in text and "'+lieu" in text and "'-c" in text and "'@motif" in text


@pytest.mark.django_db
def test_map_data_of_a_run(done_run):
    data = report.map_geojson(done_run.result, done_run.context, done_run.inputs)
    kinds = {}
    for feature in data["features"]:
        kinds.setdefault(feature["properties"]["kind"], []).append(feature["properties"]["name"])
    assert sorted(kinds["selected"])[0].startswith("SEL-003")
    assert len(kinds["candidate"]) == 3
    assert kinds["existing"] == ["Fabrique de Kerbourg"]
    assert sorted(kinds["newly"]) == ["Landivez", "Plouzennec"]
    assert kinds["covered"] == ["Kerbourg"] and kinds["white"] == ["Port-Fabrique"]
    counts = report.white_zone_counts(done_run.result, done_run.context, done_run.inputs)
    assert counts == {"covered": [1, 30_000], "newly": [2, 20_000], "white": [1, 6_000]}
