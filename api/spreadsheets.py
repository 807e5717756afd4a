"""The one CSV writer, for the dashboards' downloads and the API's ?format=csv alike, and the cell escaping that the
XLSX exports share: a spreadsheet must never run a cell as a formula.
"""

from __future__ import annotations

import csv
import io
from collections.abc import Iterable, Sequence

Cell = str | int | float | bool | None

FORMULA_PREFIXES = ("=", "+", "-", "@", "\t", "\r")


def csv_safe(value: Cell) -> str | int | float:
    """A cell a spreadsheet will not run as a formula: text starting with = + - @ (or a tab) gets a leading '.
    None is an empty cell; booleans are yes and no."""
    if value is None:
        return ""
    if isinstance(value, bool):
        return "yes" if value else "no"
    if isinstance(value, str) and value.startswith(FORMULA_PREFIXES):
        return "'" + value
    return value


def csv_document(columns: Sequence[str], rows: Iterable[Sequence[Cell]]) -> str:
    """A CSV file's text: a byte-order mark, so that Excel reads the UTF-8 (Ynys Môn, "–"), the heading row, then
    the rows, every cell escaped."""
    out = io.StringIO()
    out.write("\ufeff")
    writer = csv.writer(out)
    writer.writerow([csv_safe(column) for column in columns])
    writer.writerows([csv_safe(value) for value in row] for row in rows)
    return out.getvalue()
