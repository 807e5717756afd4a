"""CSV for spreadsheet users: ?format=csv (or Accept: text/csv) on the aggregate endpoints."""

import csv
import io

from rest_framework.renderers import BaseRenderer

from reports.tables import csv_safe


def csv_cell(value) -> str | int | float:
    """The dashboards' exports' escaping (reports.tables.csv_safe); yes and no for booleans."""
    if isinstance(value, bool):
        return "yes" if value else "no"
    return csv_safe(value)


class CSVRenderer(BaseRenderer):
    """Renders the rows the view's `csv_rows(data)` gives: a list of dicts, one column per key."""

    media_type = "text/csv"
    format = "csv"
    charset = "utf-8"

    def render(self, data, accepted_media_type=None, renderer_context=None):
        context = renderer_context or {}
        view, request, response = context.get("view"), context.get("request"), context.get("response")
        ok = response is None or (
            response.status_code == 200 and request is not None and request.method == "GET"
        )
        rows = view.csv_rows(data) if ok and hasattr(view, "csv_rows") else data
        if isinstance(rows, dict):
            rows = rows.get("results", [rows]) if ok else [rows]  # OPTIONS metadata: one row
        rows = list(rows or [])
        # A byte-order mark, as the dashboards' CSV downloads have, so Excel reads the UTF-8 (Ynys Môn, "–").
        out = io.StringIO()
        out.write("\ufeff")
        if rows:
            columns = list(rows[0])
            writer = csv.writer(out)
            writer.writerow(columns)
            for row in rows:
                writer.writerow([csv_cell(row.get(column)) for column in columns])
        if ok and response is not None and view is not None:
            name = getattr(view, "csv_filename", "export")
            response["Content-Disposition"] = f'attachment; filename="{name}.csv"'
        return out.getvalue().encode("utf-8")
