"""CSV for spreadsheet users: ?format=csv (or Accept: text/csv) on the aggregate endpoints."""

from rest_framework.renderers import BaseRenderer

from .spreadsheets import csv_document


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
        columns = list(rows[0]) if rows else []
        if ok and response is not None and view is not None:
            name = getattr(view, "csv_filename", "export")
            response["Content-Disposition"] = f'attachment; filename="{name}.csv"'
        text = (
            csv_document(columns, ([row.get(column) for column in columns] for row in rows))
            if rows
            else "\ufeff"
        )
        return text.encode("utf-8")
