"""The pieces every table export shares: CSV for spreadsheets (semicolon, UTF-8 with BOM, so that Excel opens
it in French) and cells that a spreadsheet can never run as a formula."""

from __future__ import annotations

import csv
import io
from collections.abc import Iterable, Sequence
from typing import Any

FORMULA_STARTS = ("=", "+", "-", "@")


def safe_cell(value: Any) -> Any:
    """Text starting like a formula (= + - @) gets a leading apostrophe (CSV/formula injection); other values
    are kept as they are."""
    if isinstance(value, str) and value.startswith(FORMULA_STARTS):
        return "'" + value
    return value


def csv_bytes(header: Sequence[str], table: Iterable[Sequence[Any]]) -> bytes:
    """A CSV for spreadsheets: `header` then each line of `table`, cells made safe, `;`-separated, UTF-8 BOM."""
    buffer = io.StringIO()
    writer = csv.writer(buffer, delimiter=";")
    writer.writerow(header)
    writer.writerows([safe_cell(value) for value in line] for line in table)
    return ("\ufeff" + buffer.getvalue()).encode("utf-8")


def xlsx_cells(sheet: Any, values: Iterable[Any]) -> list[Any]:
    """A row for `sheet.append` (openpyxl) where text is always text: a value such as "=HYPERLINK(…)" is kept
    exactly as it is (open data must not be altered) but stored as a string, never as a formula."""
    from openpyxl.cell import WriteOnlyCell

    row = []
    for value in values:
        if isinstance(value, str) and value.startswith("="):
            cell = WriteOnlyCell(sheet, value=value)
            cell.data_type = "s"
            row.append(cell)
        else:
            row.append(value)
    return row
