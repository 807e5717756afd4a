"""The national report (its page, PDF and XLSX) and the comparison of two groups, for whoever may see national
figures (can_view_national_dashboard). Both read locked inspections only, so everyone sees the same figures."""

from __future__ import annotations

from django.contrib.auth.decorators import login_required
from django.http import Http404, HttpResponse
from django.shortcuts import render
from django.template.loader import render_to_string
from django.urls import reverse
from django.utils import timezone
from django.utils.http import urlencode
from django.utils.text import slugify

from inspections import statistics
from inspections.permissions import can_view_national_dashboard

from .. import charts, tables
from ..comparison_form import ComparisonForm
from ..selectors import comparisons
from ..selectors import national_report as selectors

XLSX_TYPE = "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet"


def _report_for_user(request) -> selectors.NationalReport:
    if not can_view_national_dashboard(request.user):
        raise Http404("No report found")
    region = request.GET.get("region", "")
    period = request.GET.get("period", "")
    return selectors.national_report(
        region=int(region) if region.isascii() and region.isdigit() and len(region) < 10 else None,
        period=period if selectors.Period.from_slug(period) else None,
    )


def _rounded(value: float | None) -> float | None:
    return None if value is None else round(value, 1)


def statement_tables(report: selectors.NationalReport, numbered: bool = False) -> list[tables.Table]:
    """The statements with their figures, then the table behind each statement; `numbered` slugs keep a workbook's
    sheet names apart (a sheet name is cut to 31 characters)."""
    summary = tables.Table(
        "statements",
        f"{report.scope}: statements",
        ["Statement", "n", "Rate %", "95% CI lower %", "95% CI upper %"],
        [
            [
                s.text,
                s.n,
                _rounded(s.figure.rate) if s.figure else None,
                _rounded(s.figure.lower) if s.figure else None,
                _rounded(s.figure.upper) if s.figure else None,
            ]
            for s in report.statements
        ],
        row_headers=False,
    )
    behind = [
        tables.Table(
            f"{index:02d}-{s.slug}" if numbered else s.slug, s.text, s.columns, s.rows, counted=s.counted
        )
        for index, s in enumerate(report.statements, start=1)
    ]
    return [summary, *behind, *published_tables(report)]


def published_tables(report: selectors.NationalReport) -> list[tables.Table]:
    return [
        tables.Table(
            f"published-{index}",
            f"Published: {published.source}",
            ["PDU", "Region", "Published composite", "Out of", "Overall rating (published composite banded)"],
            [list(row) for row in published.rows],
        )
        for index, published in enumerate(report.published, start=1)
    ]


def _filters(report: selectors.NationalReport) -> dict:
    filters: dict = {}
    if report.region:
        filters["region"] = report.region.pk
    if report.period:
        filters["period"] = report.period.slug
    return filters


def _filename(report: selectors.NationalReport, kind: str) -> str:
    parts = [
        report.region.name if report.region else "national",
        report.period.slug if report.period else "",
        kind,
    ]
    return "-".join(slugify(part) for part in parts if part)


def _sections(report: selectors.NationalReport) -> list[dict]:
    sections: list[dict] = []
    for statement in report.statements:
        if not sections or sections[-1]["heading"] != statement.section:
            sections.append({"heading": statement.section, "statements": []})
        url = f"{reverse('comparison')}?{urlencode(statement.comparison)}" if statement.comparison else ""
        sections[-1]["statements"].append({"statement": statement, "comparison_url": url})
    return sections


def _context(report: selectors.NationalReport) -> dict:
    suffix = f"?{urlencode(_filters(report))}" if _filters(report) else ""
    return {
        "report": report,
        "sections": _sections(report),
        "tables": statement_tables(report)[1:],
        "published_tables": published_tables(report),
        "pdf_url": reverse("national_report_pdf") + suffix,
        "xlsx_url": reverse("national_report_xlsx") + suffix,
        "dashboard_url": reverse("national_dashboard") + suffix,
        "comparison_url": reverse("comparison"),
    }


@login_required
def national_report(request):
    """The annual report's statements for a period and region, from locked inspections, with the published
    composites beside them."""
    report = _report_for_user(request)
    return render(request, "reports/national_report.html", _context(report))


@login_required
def national_report_pdf(request):
    from weasyprint import HTML

    report = _report_for_user(request)
    html = render_to_string("reports/national_report_pdf.html", _context(report))
    # Tagged, so that screen readers read the report's headings and tables as such.
    pdf = HTML(string=html).render().write_pdf(pdf_tags=True)
    response = HttpResponse(pdf, content_type="application/pdf")
    response["Content-Disposition"] = f'attachment; filename="{_filename(report, "report")}.pdf"'
    return response


@login_required
def national_report_xlsx(request):
    report = _report_for_user(request)
    response = HttpResponse(
        tables.tables_xlsx(
            statement_tables(report, numbered=True), tables.national_report_about(report, timezone.now())
        ),
        content_type=XLSX_TYPE,
    )
    response["Content-Disposition"] = f'attachment; filename="{_filename(report, "report")}.xlsx"'
    return response


def comparison_table(comparison: comparisons.Comparison) -> tables.Table:
    first, second = comparison.first.label, comparison.second.label
    rows: list[list[tables.Cell]] = []
    for row in comparison.rows:
        difference = row.difference
        rows.append(
            [
                f"{row.code} {row.label}" if row.section == "Key questions" else row.label,
                row.section,
                row.first,
                row.second,
                _rounded(difference.difference),
                _rounded(difference.lower),
                _rounded(difference.upper),
                "Yes" if difference.excludes_zero else ("No" if difference.excludes_zero is False else None),
            ]
        )
    return tables.Table(
        "comparison",
        f"{first} against {second}",
        [
            "Rate",
            "Of",
            first,
            second,
            "Difference, points",
            "95% CI lower, points",
            "95% CI upper, points",
            "Interval excludes zero",
        ],
        rows,
    )


def comparison_charts(comparison: comparisons.Comparison) -> list[charts.Chart]:
    """A chart of each section's rates: both groups and their intervals."""
    sections: dict[str, list[comparisons.ComparisonRow]] = {}
    for row in comparison.rows:
        sections.setdefault(row.section, []).append(row)
    return [
        charts.comparison_chart(
            f"chart-comparison-{slugify(section)}",
            f"{section}: {comparison.first.label} and {comparison.second.label}",
            [
                (row.code if section == "Key questions" else row.label[:18], row.first, row.second)
                for row in rows
            ],
            comparison.first.short,
            comparison.second.short,
        )
        for section, rows in sections.items()
    ]


def percent(value: float | None) -> str:
    return "–" if value is None else f"{value:.0f}%"


def _points(difference: statistics.Difference) -> str:
    if difference.difference is None or difference.lower is None or difference.upper is None:
        return "no difference to show"
    return f"{difference.difference:+.0f} points (95% CI {difference.lower:+.0f} to {difference.upper:+.0f})"


@login_required
def comparison(request):
    """Two periods or two groups side by side, chosen with a GET form, so a comparison is a link to share."""
    if not can_view_national_dashboard(request.user):
        raise Http404("No comparison found")
    form = ComparisonForm(request.GET or None, choices=comparisons.comparison_choices())
    result = None
    if form.is_bound and form.is_valid():
        result = comparisons.compare(*form.groups())
    return render(
        request,
        "reports/comparison.html",
        {
            "form": form,
            "comparison": result,
            "table": comparison_table(result) if result else None,
            "charts": comparison_charts(result) if result else [],
            "differing": [(row, _points(row.difference)) for row in result.differing] if result else [],
            "report_url": reverse("national_report"),
        },
    )
