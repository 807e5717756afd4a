from django.contrib.auth.decorators import login_required
from django.http import Http404, HttpResponse
from django.shortcuts import render
from django.template.loader import render_to_string
from django.urls import reverse
from django.utils import timezone
from django.utils.http import urlencode
from django.utils.text import slugify

from cases.selectors.inspection_work import case_progress
from inspections.permissions import can_manage_inspection, can_view_national_dashboard

from .. import charts, tables
from .. import rating as rules
from ..selectors import dashboards as selectors
from ..selectors import peer_rates, small_numbers
from ..selectors.rates import CaseFacts

XLSX_TYPE = "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet"


@login_required
def pdu_list(request):
    """Every PDU with its published composite, and live ratings of the inspections the user may see."""
    return render(
        request,
        "reports/pdu_list.html",
        {"rows": selectors.pdu_overview(request.user)},
    )


def _dashboard_for_user(request, pk: int) -> selectors.InspectionDashboard:
    """The inspection's dashboard, or 404 where the user may not see it (assistant inspectors, other teams)."""
    inspection = selectors.dashboard_inspection(request.user, pk)
    if inspection is None:
        raise Http404("No inspection dashboard found")
    return small_numbers.inspection_dashboard_for(request.user, inspection)


def _by_key(table_list: list[tables.Table], value) -> dict:
    """Tables (or their URLs) keyed for templates: the slug with underscores ("by_rosh_level")."""
    return {table.slug.replace("-", "_"): value(table) for table in table_list}


def _case_fact_sections(
    facts: CaseFacts, table_list: list[tables.Table], csv_url, scope: str = ""
) -> list[dict]:
    """For each case kind with facts or needs: a chart of its case facts and one of its needs met (rates without
    rating bands, so drawn in one colour), each with its table and the table's CSV link."""
    prefix = f"{scope}: " if scope else ""
    by_title = {table.title: table for table in table_list}
    several = len([kind for kind in facts.kinds if kind.facts or kind.needs]) > 1
    sections = []
    for kind in facts.kinds:
        if not (kind.facts or kind.needs):
            continue
        of = f" of {tables.lower_first(kind.plural)}" if several else ""
        parts = []
        if kind.facts:
            table = by_title[f"Case facts{of}"]
            chart = charts.sufficiency_chart(
                f"chart-{table.slug}",
                f"{prefix}Case facts{of}",
                [(f.label, f.rate) for f in kind.facts],
                None,
            )
            parts.append({"chart": chart, "table": table, "csv_url": csv_url(table)})
        if kind.needs:
            table = by_title[f"Needs{of} linked to offending and sufficiently addressed"]
            chart = charts.sufficiency_chart(
                f"chart-{table.slug}",
                f"{prefix}Needs{of} linked to offending that were sufficiently addressed",
                [(need.label.split(",")[0], need.met) for need in kind.needs],
                None,
            )
            parts.append({"chart": chart, "table": table, "csv_url": csv_url(table)})
        sections.append({"kind": kind, "heading": kind.plural if several else "", "parts": parts})
    return sections


def _breakdown_tables(breakdowns, table_list: list[tables.Table], csv_url) -> list[dict]:
    """The breakdown tables (by each breakdown attribute), with their CSV links."""
    slugs = {tables.breakdown_slug(part, breakdowns) for part in breakdowns}
    return [{"table": t, "csv_url": csv_url(t)} for t in table_list if t.slug in slugs]


def _deciding_tables(request, dashboard: selectors.InspectionDashboard) -> list[tables.Table]:
    """The tables the lead decides and defends the ratings with: fieldwork progress, each key question beside the
    regional and national rates and, for those who manage the inspection (not national viewers, who see no
    case-level work), the rates by assistant inspector. One query each."""
    inspection = dashboard.inspection
    deciding = [
        tables.progress_table(case_progress(inspection)),
        tables.comparison_table(dashboard, small_numbers.peer_rates_for(request.user, inspection)),
    ]
    if can_manage_inspection(request.user, inspection):
        deciding.append(
            tables.assistant_inspector_table(dashboard, peer_rates.assistant_inspector_rates(inspection))
        )
    return deciding


def _inspection_tables(request, dashboard: selectors.InspectionDashboard) -> list[tables.Table]:
    """Every table of the inspection dashboard as this user sees it, in page order."""
    return _deciding_tables(request, dashboard) + tables.inspection_tables(dashboard)


def _inspection_context(
    dashboard: selectors.InspectionDashboard, table_list: list[tables.Table] | None = None
) -> dict:
    table_list = table_list or tables.inspection_tables(dashboard)
    pk = dashboard.inspection.pk

    def csv_url(table: tables.Table) -> str:
        return reverse("inspection_dashboard_csv", args=[pk, table.slug])

    return {
        "dashboard": dashboard,
        "inspection": dashboard.inspection,
        "unit": dashboard.inspection.unit,
        "tables": _by_key(table_list, lambda table: table),
        "csv_urls": _by_key(table_list, csv_url),
        "case_fact_sections": _case_fact_sections(dashboard.case_facts, table_list, csv_url),
        "breakdown_tables": _breakdown_tables(dashboard.breakdowns, table_list, csv_url),
        "key_question_grids": _key_question_grids(dashboard),
        "composite_distance": rules.composite_distance(
            dashboard.results["composite_score"], dashboard.results["max_score"], dashboard.bands
        ),
        "key_question_chart": charts.sufficiency_chart(
            "chart-key-questions",
            "Sufficiency of each key question",
            [
                (kq["code"], tables.sufficiency_of(kq))
                for s in dashboard.case_standards
                for kq in s["key_questions"]
            ],
            dashboard.bands,
        ),
    }


def _key_question_grids(dashboard: selectors.InspectionDashboard) -> list[dict]:
    """One standard x criterion grid per case kind rated (its criteria, in first-seen order, are the columns)."""
    by_kind: dict[str, list[dict]] = {}
    for standard in dashboard.case_standards:
        by_kind.setdefault(standard.get("case_kind", ""), []).append(standard)
    grids = []
    for kind_slug, standards in by_kind.items():
        criteria: list[str] = []
        for standard in standards:
            for kq in standard["key_questions"]:
                if kq["criterion"] not in criteria:
                    criteria.append(kq["criterion"])
        kind = dashboard.definition.case_kind(kind_slug) if kind_slug else None
        caption = "Sufficiency by standard and criterion"
        if kind is not None and len(by_kind) > 1:
            caption += f": {tables.lower_first(kind.plural)}"
        slug = "-".join(["standard-criterion", *([kind_slug.replace("_", "-")] if len(by_kind) > 1 else [])])
        grids.append(
            {
                "slug": slug,
                "caption": caption,
                "standards": standards,
                "criteria": criteria,
                "bands": dashboard.bands,
            }
        )
    return grids


@login_required
def inspection_dashboard(request, pk: int):
    """One inspection's ratings, key questions, case facts and breakdowns: provisional until it is locked."""
    dashboard = _dashboard_for_user(request, pk)
    return render(
        request,
        "reports/inspection_dashboard.html",
        _inspection_context(dashboard, _inspection_tables(request, dashboard)),
    )


def _filename(*parts: str) -> str:
    return "-".join(slugify(part) for part in parts if part)


def _csv_response(table: tables.Table, about: tables.About, filename: str) -> HttpResponse:
    response = HttpResponse(tables.table_csv(table, about), content_type="text/csv; charset=utf-8")
    response["Content-Disposition"] = f'attachment; filename="{filename}.csv"'
    return response


def _xlsx_response(table_list: list[tables.Table], about: tables.About, filename: str) -> HttpResponse:
    response = HttpResponse(tables.tables_xlsx(table_list, about), content_type=XLSX_TYPE)
    response["Content-Disposition"] = f'attachment; filename="{filename}.xlsx"'
    return response


def _table(table_list: list[tables.Table], slug: str) -> tables.Table:
    table = next((table for table in table_list if table.slug == slug), None)
    if table is None:
        raise Http404("No such table")
    return table


@login_required
def inspection_dashboard_csv(request, pk: int, table: str):
    dashboard = _dashboard_for_user(request, pk)
    chosen = _table(_inspection_tables(request, dashboard), table)
    return _csv_response(
        chosen,
        tables.inspection_about(dashboard, timezone.now()),
        _filename(dashboard.inspection.unit.name, str(dashboard.inspection.fieldwork_start), table),
    )


@login_required
def inspection_dashboard_xlsx(request, pk: int):
    dashboard = _dashboard_for_user(request, pk)
    name = _filename(dashboard.inspection.unit.name, str(dashboard.inspection.fieldwork_start), "dashboard")
    return _xlsx_response(
        _inspection_tables(request, dashboard), tables.inspection_about(dashboard, timezone.now()), name
    )


def inspection_report_html(dashboard: selectors.InspectionDashboard) -> str:
    """The inspection's report as the HTML WeasyPrint lays out: the dashboard's tables and charts."""
    return render_to_string(
        "reports/inspection_report_pdf.html",
        {**_inspection_context(dashboard), "generated_at": timezone.now()},
    )


def inspection_report_document(dashboard: selectors.InspectionDashboard):
    """The inspection's report laid out by WeasyPrint, ready to write as PDF."""
    from weasyprint import HTML

    return HTML(string=inspection_report_html(dashboard)).render()


@login_required
def inspection_report_pdf(request, pk: int):
    dashboard = _dashboard_for_user(request, pk)
    # Tagged, so that screen readers read the report's headings and tables as such.
    pdf = inspection_report_document(dashboard).write_pdf(pdf_tags=True)
    response = HttpResponse(pdf, content_type="application/pdf")
    name = _filename(dashboard.inspection.unit.name, str(dashboard.inspection.fieldwork_start), "report")
    response["Content-Disposition"] = f'attachment; filename="{name}.pdf"'
    return response


def _national_for_user(request) -> selectors.NationalDashboard:
    if not can_view_national_dashboard(request.user):
        raise Http404("No dashboard found")
    region = request.GET.get("region", "")
    return small_numbers.national_dashboard_for(
        request.user,
        region=int(region) if region.isascii() and region.isdigit() else None,
        period=request.GET.get("period") or None,
        sort=request.GET.get("sort", "pdu"),
        # National figures are final by default: open inspections' provisional figures only when chosen.
        include_provisional=request.GET.get("inspections") == selectors.INCLUDE_PROVISIONAL,
    )


INSPECTIONS_CHOICES = [
    ("", "Locked inspections only (final figures)"),
    (selectors.INCLUDE_PROVISIONAL, "Locked and open inspections (open ones are provisional)"),
]


SORT_CHOICES = [
    ("pdu", "PDU name, A to Z"),
    ("-pdu", "PDU name, Z to A"),
    ("region", "Region, A to Z"),
    ("-region", "Region, Z to A"),
    ("composite", "Composite score, highest first"),
    ("-composite", "Composite score, lowest first"),
    ("overall", "Overall rating, best first"),
    ("-overall", "Overall rating, worst first"),
    ("published", "Published composite, highest first"),
    ("-published", "Published composite, lowest first"),
    ("inspected", "Most recently inspected first"),
    ("-inspected", "Least recently inspected first"),
]
SORT_COLUMNS = [  # the PDU table's sortable columns: sort key, heading, numeric
    ("pdu", "PDU", False),
    ("region", "Region", False),
    ("inspected", "Inspected", False),
    ("composite", "Composite", True),
    ("overall", "Overall rating", False),
    ("published", "Published 2022–23", True),
]


def _sort_headers(dashboard: selectors.NationalDashboard, sort: str) -> list[dict]:
    """The PDU table's column headers: each links to its column's usual order, or to the reverse when the table is
    already in that order (keeping the filters), and says how the table is sorted for assistive technology."""
    filters = {}
    if dashboard.region:
        filters["region"] = dashboard.region.pk
    if dashboard.period:
        filters["period"] = dashboard.period.slug
    if dashboard.include_provisional:
        filters["inspections"] = selectors.INCLUDE_PROVISIONAL
    headers = []
    for key, label, numeric in SORT_COLUMNS:
        aria_sort = None
        if sort.removeprefix("-") == key:
            _, highest_first = selectors.SORT_KEYS[key]
            aria_sort = "descending" if highest_first != sort.startswith("-") else "ascending"
        target = f"-{key}" if sort == key else key
        headers.append(
            {
                "label": label,
                "numeric": numeric,
                "href": f"?{urlencode({**filters, 'sort': target})}",
                "aria_sort": aria_sort,
            }
        )
    return headers


@login_required
def national_dashboard(request):
    """Every PDU's latest ratings and national (or regional) rates pooled over cases, filtered by region and period."""
    dashboard = _national_for_user(request)
    sort = request.GET.get("sort", "pdu")
    regional = dashboard.regional
    table_list = tables.national_tables(dashboard, regional)
    query = request.GET.urlencode()
    suffix = f"?{query}" if query else ""
    scope = dashboard.region.name if dashboard.region else "National"

    def csv_url(table: tables.Table) -> str:
        return reverse("national_dashboard_csv", args=[table.slug]) + suffix

    return render(
        request,
        "reports/national_dashboard.html",
        {
            "dashboard": dashboard,
            "scope": scope,
            "tables": _by_key(table_list, lambda table: table),
            "csv_urls": _by_key(table_list, csv_url),
            "case_fact_sections": _case_fact_sections(dashboard.case_facts, table_list, csv_url, scope),
            "breakdown_tables": _breakdown_tables(dashboard.breakdowns, table_list, csv_url),
            "xlsx_url": reverse("national_dashboard_xlsx") + suffix,
            "sort": sort,
            "sort_choices": SORT_CHOICES,
            "inspections_choices": INSPECTIONS_CHOICES,
            "inspections_choice": selectors.INCLUDE_PROVISIONAL if dashboard.include_provisional else "",
            "sort_headers": _sort_headers(dashboard, sort),
            "regional": regional,
            "distribution_chart": charts.distribution_chart(
                "chart-distribution", "Overall ratings of the PDUs shown", dashboard.distribution
            ),
            "key_question_chart": charts.sufficiency_chart(
                "chart-key-questions",
                f"{scope} sufficiency of each key question",
                [(kq.code, kq.rates.overall) for kq in dashboard.key_questions],
                dashboard.bands,
            ),
        },
    )


def _national_filename(dashboard: selectors.NationalDashboard, *parts: str) -> str:
    return _filename(
        dashboard.region.name if dashboard.region else "national",
        dashboard.period.slug if dashboard.period else "",
        *parts,
    )


@login_required
def national_dashboard_csv(request, table: str):
    dashboard = _national_for_user(request)
    # The regions' table takes a query of its own: run it for that table's CSV only.
    regional = dashboard.regional if table == tables.REGIONS else None
    chosen = _table(tables.national_tables(dashboard, regional), table)
    return _csv_response(
        chosen, tables.national_about(dashboard, timezone.now()), _national_filename(dashboard, table)
    )


@login_required
def national_dashboard_xlsx(request):
    dashboard = _national_for_user(request)
    return _xlsx_response(
        tables.national_tables(dashboard, dashboard.regional),
        tables.national_about(dashboard, timezone.now()),
        _national_filename(dashboard, "dashboard"),
    )
