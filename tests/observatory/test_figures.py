"""The observatory's arithmetic alone (tierslieux/observatory/figures.py, no Django): every figure equals a direct
aggregation of the same rows (property-based with Hypothesis), and the small-cell rule hides what it must."""

from __future__ import annotations

import statistics
import subprocess
import sys
from collections import Counter
from decimal import Decimal

from hypothesis import given, settings
from hypothesis import strategies as st

from tierslieux.observatory import figures
from tierslieux.observatory.figures import MIN_CELL, Column, PlaceFacts, SeriesPoint

TYPES = ["coworking", "fablab", "atelier_partage", "culturel"]
SIZES = ["rural", "small_town", "medium_town", "large_city", "unknown"]

places = st.builds(
    PlaceFacts,
    key=st.uuids().map(str),
    types=st.lists(st.sampled_from(TYPES), max_size=3, unique=True).map(tuple),
    commune=st.sampled_from(["29001", "29002", "56001"]),
    size_class=st.sampled_from(SIZES),
    density_level=st.sampled_from(["Grands centres urbains", "Bourgs ruraux", ""]),
    in_metropole=st.booleans(),
    in_qpv=st.booleans(),
    pvd=st.booleans(),
    located=st.booleans(),
)
values = st.lists(
    st.one_of(st.none(), st.integers(min_value=0, max_value=10**7), st.decimals("0", "500", places=2)),
    max_size=30,
)


@given(st.lists(places, max_size=40))
def test_counts_by_type_equal_a_direct_count(rows):
    shares = figures.count_by(rows, lambda row: row.types, order=TYPES)
    direct = Counter(t for row in rows for t in set(row.types))
    assert list(shares)[: len(TYPES)] == TYPES
    for key, item in shares.items():
        assert item.count == direct[key]
        assert item.total == len(rows)
        assert item.share == (direct[key] / len(rows) if rows else None)


@given(st.lists(places, max_size=40))
def test_single_valued_counts_add_up_to_the_total(rows):
    shares = figures.count_by(rows, lambda row: (row.size_class,), order=SIZES)
    assert sum(item.count for item in shares.values()) == len(rows)
    assert {key: item.count for key, item in shares.items()} == {
        key: sum(1 for row in rows if row.size_class == key) for key in SIZES
    }


@given(st.lists(places, max_size=40))
def test_series_shares_are_computed_on_the_located_rows(rows):
    columns = [Column(key, key, "share") for key in ("lieux", *figures.SERIES_MEASURES, "metropole_source")]
    own = figures.Share(3, 7)
    table = figures.series_table([SeriesPoint("a", "A", tuple(rows), own_metropole=own)], columns)
    [row] = table.rows
    placed = [r for r in rows if r.located]
    assert row.values["lieux"] == len(placed)
    assert row.values["hors_geographie"] == len(rows) - len(placed)
    assert row.values["metropole_source"] == 3 / 7
    for key, expected in {
        "metropole": [r.in_metropole for r in placed],
        "hors_metropole": [not r.in_metropole for r in placed],
        "qpv": [r.in_qpv for r in placed],
        "pvd": [r.pvd for r in placed],
        "rural": [r.size_class == "rural" for r in placed],
        "coworking": ["coworking" in r.types for r in placed],
    }.items():
        assert row.values[key] == (sum(expected) / len(placed) if placed else None)


@given(values)
def test_indicator_is_the_sum_and_median_of_the_known_values_or_hidden(items):
    known = [v for v in items if v is not None]
    result = figures.indicator(items)
    assert result.n == len(known)
    if len(known) < MIN_CELL:
        assert result.hidden and result.total is None and result.median is None
    else:
        assert not result.hidden
        assert result.total == sum(known)
        assert result.median == statistics.median(known)


def test_indicator_at_the_threshold():
    assert figures.indicator([1, 2, 3, 4]).hidden
    shown = figures.indicator([1, 2, 3, 4, 10, None])
    assert (shown.n, shown.total, shown.median, shown.hidden) == (5, 20, 3, False)
    assert figures.indicator([Decimal("1.5")] * 5).total == Decimal("7.5")


@settings(max_examples=300)
@given(st.dictionaries(st.sampled_from(list("abcdefg")), st.integers(min_value=0, max_value=40), max_size=7))
def test_protected_counts_cannot_be_recomputed_from_the_total(counts):
    hidden = figures.protect_counts(counts)
    total = sum(counts.values())
    if 0 < total < MIN_CELL:
        assert hidden == set(counts)  # too few in all: nothing is shown
        return
    # every small non-zero cell is hidden (primary)
    assert {k for k, v in counts.items() if 0 < v < MIN_CELL} <= hidden
    # no zero is hidden when the total is large enough, and never exactly one cell: the total would give it
    assert all(counts[k] > 0 for k in hidden)
    assert len(hidden) != 1


def test_protected_count_table_hides_the_share_with_the_count():
    table = figures.protected_count_table(
        {"association": 12, "scic": 2, "company": 7}, {}, count_label="n", share_label="part"
    )
    by_key = {row.key: row for row in table.rows}
    assert by_key["scic"].hidden == {"nombre", "part"}
    assert by_key["company"].hidden == {"nombre", "part"}  # secondary: the smallest other
    assert by_key["association"].value("nombre") == 12 and by_key["association"].value("part") == 12 / 21
    assert by_key["scic"].value("nombre") is None


def test_indicator_table_hides_sum_and_median_below_the_threshold():
    items = [
        figures.YearIndicator(2024, 10, 4, figures.indicator([1, 2, 3, 4])),
        figures.YearIndicator(2025, 8, 6, figures.indicator([1, 2, 3, 4, 5, 6])),
    ]
    columns = [Column(k, k, "number") for k in ("attendus", "acceptes", "taux", "n", "somme", "mediane")]
    first, second = figures.indicator_table(items, columns).rows
    assert first.hidden == {"somme", "mediane"} and first.value("n") == 4 and first.value("taux") == 0.4
    assert second.value("somme") == 21 and second.value("mediane") == 3.5 and second.value("taux") == 0.75


def test_french_display():
    assert figures.format_value(1234567, "count") == "1\u202f234\u202f567"
    assert figures.format_value(0.4536, "share") == "45,4\u00a0%"
    assert figures.format_value(Decimal("2.46"), "decimal") == "2,5"
    assert figures.format_value(150000, "euros") == "150\u202f000\u00a0€"
    assert figures.format_value(3.5, "number") == "3,5" and figures.format_value(4.0, "number") == "4"
    assert figures.format_value(None, "count") == "—"
    table = figures.Table(
        (Column("n", "n", "count"), Column("somme", "somme", "euros")),
        (figures.Row("2024", "2024", {"n": 3, "somme": 10}, frozenset({"somme"})),),
    )
    [row] = figures.display_rows(table)
    assert row.cells == ("3", "masqué (n < 5)") and row.hidden == (False, True)


def test_downloads_mark_hidden_cells():
    table = figures.Table(
        (Column("n", "n", "count"), Column("somme", "Somme", "euros"), Column("part", "Part", "share")),
        (
            figures.Row("2024", "2024", {"n": 3, "somme": 10, "part": 0.123456789}, frozenset({"somme"})),
            figures.Row("2025", "2025", {"n": 6, "somme": Decimal("12.50"), "part": None}),
        ),
    )
    figure = figures.Figure(id="f", title="T", description="D", row_header="Année", table=table, n=9)
    header, lines = figures.figure_csv_rows(figure)
    assert header == ["code", "libelle", "n", "somme", "part"]
    assert lines == [["2024", "2024", 3, "s", 0.123457], ["2025", "2025", 6, 12.5, None]]
    data = figures.figure_data(figure)
    assert data["rows"][0]["values"] == {"n": 3, "somme": None, "part": 0.123456789}
    assert data["rows"][0]["hidden"] == ["somme"] and data["min_cell"] == MIN_CELL
    assert data["columns"][0] == {"key": "code", "label": "Année", "kind": "text"}


def test_the_pure_modules_import_no_django():
    code = (
        "import sys; import tierslieux.observatory.figures, tierslieux.observatory.charts; "
        "assert 'django' not in sys.modules, sorted(m for m in sys.modules if m.startswith('django'))"
    )
    subprocess.run([sys.executable, "-c", code], check=True)
