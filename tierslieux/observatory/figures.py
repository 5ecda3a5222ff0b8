"""The observatory's arithmetic (plain Python, no Django): aggregation of rows given as dataclasses, shares,
medians, small-cell suppression, and the tables every figure is published as.

Rows come in from the selectors of the apps below (one `PlaceFacts` per place, one `Measure` per report or
census answer…); tables go out (`Table`: columns and rows, each cell a raw value that may be hidden). Nothing
here reads a database, so the figures can be checked against a direct aggregation of the same rows.

Small cells: a figure computed from fewer than `MIN_CELL` reports or answers is hidden (its n is shown, never
its value); in a table of counts that add up to a shown total, one hidden cell could be recomputed from the
others, so the smallest other cell is hidden too (`protect_counts`).
"""

from __future__ import annotations

import math
import statistics
from collections.abc import Callable, Iterable, Mapping, Sequence
from dataclasses import dataclass, field
from decimal import Decimal
from typing import Any

from tierslieux.core.i18n import gettext as _

MIN_CELL = 5
UNKNOWN = "unknown"

Number = int | float | Decimal


# --- Rows in --------------------------------------------------------------------------------------------------
@dataclass(frozen=True)
class PlaceFacts:
    """One place as the figures see it: its types, where it is, and how its commune is classified."""

    key: str
    types: tuple[str, ...] = ()
    commune: str = ""
    department: str = ""
    region: str = ""
    epci: str = ""
    size_class: str = UNKNOWN
    density_level: str = ""
    in_metropole: bool = False
    in_qpv: bool = False
    pvd: bool = False
    located: bool = True  # False: the row has no commune in our geography (it counts nowhere but in n)


@dataclass(frozen=True)
class Share:
    """`count` of `total`, and the share (None when `total` is 0)."""

    count: int
    total: int

    @property
    def share(self) -> float | None:
        return self.count / self.total if self.total else None


@dataclass(frozen=True)
class Indicator:
    """A sum and a median over `n` known values; `hidden` when n < MIN_CELL (then no value is given)."""

    n: int
    total: Number | None
    median: Number | None
    hidden: bool


# --- Tables out -----------------------------------------------------------------------------------------------
KINDS = ("text", "count", "share", "decimal", "number", "euros", "rate")


@dataclass(frozen=True)
class Column:
    key: str
    label: str
    kind: str = "count"

    def __post_init__(self) -> None:
        if self.kind not in KINDS:
            raise ValueError(f"unknown kind {self.kind!r}")


@dataclass(frozen=True)
class Row:
    """A row of a table: its key (a code), its label (what the first cell says) and its values by column key.
    `hidden` names the cells withheld by the small-cell rule."""

    key: str
    label: str
    values: Mapping[str, Any]
    hidden: frozenset[str] = frozenset()

    def value(self, column: str) -> Any:
        return None if column in self.hidden else self.values.get(column)


@dataclass(frozen=True)
class Table:
    columns: tuple[Column, ...]
    rows: tuple[Row, ...]

    def column(self, key: str) -> Column:
        return next(column for column in self.columns if column.key == key)

    @property
    def has_hidden(self) -> bool:
        return any(row.hidden for row in self.rows)


# --- Aggregation ----------------------------------------------------------------------------------------------
def share(rows: Iterable, predicate: Callable[[Any], bool]) -> Share:
    """How many of `rows` satisfy `predicate`, out of all of them."""
    rows = list(rows)
    return Share(sum(1 for row in rows if predicate(row)), len(rows))


def count_by(
    rows: Iterable, keys_of: Callable[[Any], Iterable[str]], order: Sequence[str] = ()
) -> dict[str, Share]:
    """For each key, how many rows have it (a row may have several keys, e.g. types), out of all rows. Keys of
    `order` come first, in that order, even when no row has them; others follow by decreasing count."""
    rows = list(rows)
    counts: dict[str, int] = {key: 0 for key in order}
    for row in rows:
        for key in set(keys_of(row)):
            counts[key] = counts.get(key, 0) + 1
    rest = sorted((key for key in counts if key not in order), key=lambda key: (-counts[key], key))
    return {key: Share(counts[key], len(rows)) for key in (*order, *rest)}


def _known(values: Iterable[Number | None]) -> list[Number]:
    return [value for value in values if value is not None]


def median(values: Iterable[Number | None]) -> Number | None:
    known = _known(values)
    return statistics.median(known) if known else None


def indicator(values: Iterable[Number | None], *, min_cell: int = MIN_CELL) -> Indicator:
    """Sum and median of the known values; hidden (no value) when fewer than `min_cell` are known."""
    known = _known(values)
    if len(known) < min_cell:
        return Indicator(len(known), None, None, True)
    return Indicator(len(known), sum(known), statistics.median(known), False)


def protect_counts(counts: Mapping[str, int], *, min_cell: int = MIN_CELL) -> frozenset[str]:
    """Keys of the counts to hide in a table whose total is shown: every count from 1 to `min_cell` − 1
    (primary), and, when that leaves a single hidden cell (which the total would give away), the smallest
    other non-zero count too (secondary). Zeros are shown ("none" reveals nobody) unless the total itself is
    under `min_cell`: then every cell is hidden."""
    total = sum(counts.values())
    if 0 < total < min_cell:  # every cell, zeros included, would tell about fewer than min_cell
        return frozenset(counts)
    hidden = {key for key, count in counts.items() if 0 < count < min_cell}
    if len(hidden) == 1:
        others = sorted((count, key) for key, count in counts.items() if key not in hidden and count > 0)
        if others:
            hidden.add(others[0][1])
    return frozenset(hidden)


def per_population(count: int, population: int | None, per: int = 100_000) -> float | None:
    return count * per / population if population else None


def rate(part: int, whole: int) -> float | None:
    return part / whole if whole else None


# --- Place figures -------------------------------------------------------------------------------------------
def count_table(
    shares: Mapping[str, Share],
    labels: Mapping[str, str],
    *,
    count_label: str,
    share_label: str,
) -> Table:
    """A table of counts and shares, one row per key (labels: key → what the row says)."""
    return Table(
        (Column("nombre", count_label, "count"), Column("part", share_label, "share")),
        tuple(
            Row(key, labels.get(key, key), {"nombre": item.count, "part": item.share})
            for key, item in shares.items()
        ),
    )


def located(rows: Iterable[PlaceFacts]) -> list[PlaceFacts]:
    return [row for row in rows if row.located]


@dataclass(frozen=True)
class SeriesPoint:
    """One moment of the series: a set of places (the 2019 census, a year's laureates, the atlas today)."""

    key: str
    label: str
    rows: tuple[PlaceFacts, ...]
    own_metropole: Share | None = None  # what the source itself says, when it says it (the 2019 census)


SERIES_MEASURES: dict[str, Callable[[PlaceFacts], bool]] = {
    "metropole": lambda row: row.in_metropole,
    "hors_metropole": lambda row: not row.in_metropole,
    "qpv": lambda row: row.in_qpv,
    "pvd": lambda row: row.pvd,
    "rural": lambda row: row.size_class == "rural",
    "coworking": lambda row: "coworking" in row.types,
    "fablab": lambda row: "fablab" in row.types,
}


def series_table(points: Sequence[SeriesPoint], columns: Sequence[Column]) -> Table:
    """One row per point: n (located rows), then the share of each `SERIES_MEASURES` measure among the located
    rows, on the same definitions for every point, and the source's own métropole share when it has one."""
    rows = []
    for point in points:
        placed = located(point.rows)
        values: dict[str, Any] = {"lieux": len(placed), "hors_geographie": len(point.rows) - len(placed)}
        for key, predicate in SERIES_MEASURES.items():
            values[key] = share(placed, predicate).share
        values["metropole_source"] = point.own_metropole.share if point.own_metropole else None
        rows.append(Row(point.key, point.label, values))
    return Table(tuple(columns), tuple(rows))


# --- Reports and census -------------------------------------------------------------------------------------
@dataclass(frozen=True)
class YearIndicator:
    """An indicator of the accepted reports of one year, with the year's expected and accepted counts."""

    year: int
    expected: int
    accepted: int
    indicator: Indicator

    @property
    def response_rate(self) -> float | None:
        return rate(self.accepted, self.expected)


def indicator_table(items: Sequence[YearIndicator], columns: Sequence[Column]) -> Table:
    """One row per year: reports expected, accepted, response rate, n (reports giving the value), sum and median
    (hidden when n < MIN_CELL)."""
    rows = []
    for item in items:
        values = {
            "attendus": item.expected,
            "acceptes": item.accepted,
            "taux": item.response_rate,
            "n": item.indicator.n,
            "somme": item.indicator.total,
            "mediane": item.indicator.median,
        }
        hidden = frozenset({"somme", "mediane"}) if item.indicator.hidden else frozenset()
        rows.append(Row(str(item.year), str(item.year), values, hidden))
    return Table(tuple(columns), tuple(rows))


def protected_count_table(
    counts: Mapping[str, int], labels: Mapping[str, str], *, count_label: str, share_label: str
) -> Table:
    """Counts (of answers, of pairings…) with their share of the total, small cells hidden (`protect_counts`):
    a hidden count hides its share too."""
    total = sum(counts.values())
    hidden = protect_counts(counts)
    return Table(
        (Column("nombre", count_label, "count"), Column("part", share_label, "share")),
        tuple(
            Row(
                key,
                labels.get(key, key),
                {"nombre": count, "part": rate(count, total)},
                frozenset({"nombre", "part"}) if key in hidden else frozenset(),
            )
            for key, count in counts.items()
        ),
    )


# --- Display --------------------------------------------------------------------------------------------------
NBSP = "\u00a0"
NNBSP = "\u202f"


def _grouped(number: int) -> str:
    return f"{number:,}".replace(",", NNBSP)


def _decimal(value: float, places: int) -> str:
    text = f"{value:,.{places}f}".replace(",", NNBSP).replace(".", ",")
    return text


def format_value(value: Any, kind: str) -> str:
    """A value as a French reader expects it (1 234 ; 45,3 % ; 2,5 ; 12 345 €); "—" when unknown."""
    if value is None or (isinstance(value, float) and not math.isfinite(value)):
        return "—"
    if kind == "text":
        return str(value)
    if kind in ("share", "rate"):
        return _decimal(float(value) * 100, 1) + NBSP + "%"
    if kind == "count":
        return _grouped(int(value))
    if kind == "euros":
        return _grouped(round(float(value))) + NBSP + "€"
    if kind == "decimal":
        return _decimal(float(value), 1)
    number = float(value)
    return _grouped(int(number)) if number.is_integer() else _decimal(number, 1)


def hidden_text() -> str:
    """What a hidden cell says."""
    return _("masqué (n < %(min)s)") % {"min": MIN_CELL}


@dataclass(frozen=True)
class DisplayRow:
    key: str
    label: str
    cells: tuple[str, ...]
    hidden: tuple[bool, ...] = field(default_factory=tuple)


def display_rows(table: Table) -> list[DisplayRow]:
    """The table's cells as text, hidden cells saying so."""
    rows = []
    for row in table.rows:
        cells, hidden = [], []
        for column in table.columns:
            is_hidden = column.key in row.hidden
            cells.append(
                hidden_text() if is_hidden else format_value(row.values.get(column.key), column.kind)
            )
            hidden.append(is_hidden)
        rows.append(DisplayRow(row.key, row.label, tuple(cells), tuple(hidden)))
    return rows


# --- Published figures ---------------------------------------------------------------------------------------
@dataclass(frozen=True)
class Source:
    name: str
    date: str  # the vintage, or the date the figure was computed for live data


@dataclass(frozen=True)
class ChartSpec:
    """Which column the bars show (`value`), and optionally a second hatched bar per row (`compare`)."""

    value: str
    max_value: float | None = None
    compare: str | None = None
    value_label: str = ""
    compare_label: str = ""


@dataclass(frozen=True)
class Figure:
    """A published figure: its table (the data), the chart drawn from it, what it counts (n), its sources and
    dates, its method. `available` is False when it cannot be computed for the filters (`notes` say why)."""

    id: str
    title: str
    description: str
    row_header: str
    table: Table
    chart: ChartSpec | None = None
    n: int | None = None
    n_label: str = ""
    sources: tuple[Source, ...] = ()
    method: str = ""
    notes: tuple[str, ...] = ()
    # row key → URL (e.g. the same figure for a region); (text, URL) of related pages
    links: Mapping[str, str] = field(default_factory=dict)
    see_also: tuple[tuple[str, str], ...] = ()
    available: bool = True

    @property
    def display_rows(self) -> list[DisplayRow]:
        return display_rows(self.table)

    @property
    def has_hidden(self) -> bool:
        return self.table.has_hidden


def figure_bars(figure: Figure):
    """The bars of the figure's chart, one per table row (a hidden or unknown value draws no bar and says so)."""
    from .charts import Bar

    spec = figure.chart
    if spec is None:
        return []
    value_column = figure.table.column(spec.value)
    compare_column = figure.table.column(spec.compare) if spec.compare else None
    bars = []
    for row in figure.table.rows:
        value = row.value(spec.value)
        hidden = spec.value in row.hidden
        compare = row.value(spec.compare) if compare_column else None
        bars.append(
            Bar(
                label=row.label,
                value=None if value is None else float(value),
                display=hidden_text() if hidden else format_value(value, value_column.kind),
                compare=None if compare is None else float(compare),
                compare_display=format_value(compare, compare_column.kind) if compare_column else "",
            )
        )
    return bars


def figure_svg(figure: Figure, chart_id: str) -> str:
    """The figure's chart as SVG markup ("" without a chart). Its description says every value."""
    from .charts import bar_chart

    bars = figure_bars(figure)
    if not figure.available or all(bar.value is None for bar in bars):
        return ""
    spoken = " ; ".join(
        f"{bar.label} : {bar.display}"
        + (f" ({figure.chart.compare_label} : {bar.compare_display})" if bar.compare is not None else "")
        for bar in bars
    )
    return bar_chart(
        chart_id=chart_id,
        title=figure.title,
        desc=f"{figure.description} {spoken}.",
        bars=bars,
        max_value=figure.chart.max_value,
        value_label=figure.chart.value_label,
        compare_label=figure.chart.compare_label,
    )


def figure_data(figure: Figure) -> dict[str, Any]:
    """The figure as plain data (the JSON download and the API): raw values, hidden cells as null and listed."""
    return {
        "id": figure.id,
        "title": figure.title,
        "description": figure.description,
        "available": figure.available,
        "n": figure.n,
        "n_label": figure.n_label,
        "min_cell": MIN_CELL,
        "columns": [{"key": "code", "label": figure.row_header, "kind": "text"}]
        + [{"key": c.key, "label": c.label, "kind": c.kind} for c in figure.table.columns],
        "rows": [
            {
                "code": row.key,
                "label": row.label,
                "values": {c.key: _plain(row.value(c.key)) for c in figure.table.columns},
                "hidden": sorted(row.hidden),
            }
            for row in figure.table.rows
        ],
        "sources": [{"name": s.name, "date": s.date} for s in figure.sources],
        "method": figure.method,
        "notes": list(figure.notes),
    }


def _plain(value: Any) -> Any:
    if isinstance(value, Decimal):
        return float(value)
    if isinstance(value, float) and not math.isfinite(value):
        return None
    return value


HIDDEN_CSV = "s"  # a hidden cell in the CSV ("secret statistique")


def figure_csv_rows(figure: Figure) -> tuple[list[str], list[list[Any]]]:
    """Header and lines of the CSV download: code, label, then one column per table column; hidden cells "s"."""
    header = ["code", "libelle", *(c.key for c in figure.table.columns)]
    lines = []
    for row in figure.table.rows:
        cells: list[Any] = [row.key, row.label]
        for column in figure.table.columns:
            if column.key in row.hidden:
                cells.append(HIDDEN_CSV)
            else:
                value = _plain(row.values.get(column.key))
                cells.append(round(value, 6) if isinstance(value, float) else value)
        lines.append(cells)
    return header, lines
