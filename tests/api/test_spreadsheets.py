"""The one CSV writer (pages and API): a byte-order mark for Excel, and no cell a spreadsheet would run."""

import csv
import io

from api.spreadsheets import csv_document


def test_csv_cells_that_could_run_as_formulas_are_escaped():
    text = csv_document(
        ["Name", "=Count"],
        [["=SUM(A1)", 3], ["+1", -2], ["-x", None], ["@cmd", 1.5], ["plain", 0], ["b", True]],
    )
    assert text.startswith("\ufeff")
    rows = list(csv.reader(io.StringIO(text.removeprefix("\ufeff"))))
    assert rows[0] == ["Name", "'=Count"]
    assert [row[0] for row in rows[1:]] == ["'=SUM(A1)", "'+1", "'-x", "'@cmd", "plain", "b"]
    assert [row[1] for row in rows[1:]] == [
        "3",
        "-2",
        "",
        "1.5",
        "0",
        "yes",
    ]  # numbers are not text: left alone
