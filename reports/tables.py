"""The tables of the dashboards as plain data: what the pages render and what CSV, XLSX and PDF export.

One definition per table, so an export always has exactly the figures its page shows. A cell is a string, a number,
None (no value), a Rating, or a Sufficiency (a rate with its n and 95% CI), which exports spread over five columns.
"""

from __future__ import annotations

import datetime
import io
from collections.abc import Iterable
from dataclasses import dataclass
from typing import Any

from django.utils import timezone

from api.spreadsheets import csv_document, csv_safe
from cases.models import CaseStatus
from cases.selectors.inspection_work import CaseProgress
from inspections import statistics

from . import rating as rules
from .disclosure import SuppressedRate
from .selectors.dashboards import InspectionDashboard, NationalDashboard, Period
from .selectors.national_report import NationalReport
from .selectors.peer_rates import AssistantInspectorRates, ComparisonRate
from .selectors.rates import Breakdown, CaseFacts, KeyQuestionRate
from .selectors.regional import RegionalResults

Cell = str | int | float | None | rules.Rating | statistics.Sufficiency


@dataclass(frozen=True)
class Table:
    slug: str
    title: str
    columns: list[str]
    rows: list[list[Cell]]
    row_headers: bool = True  # the first cell of each row names it
    # Key-question bands: each rate whose 95% CI crosses one of their boundaries is flagged (rates with no rating
    # bands, such as case facts, have none).
    bands: rules.FrameworkBands | None = None
    counted: str = "sufficient"  # what a rate's count is of, in an export's column name ("people", "staff")

    def crossed(self, value: statistics.Sufficiency) -> list[float]:
        """The band boundaries inside a rate's 95% interval (none without bands)."""
        return [] if self.bands is None else rules.crossed_boundaries(value.lower, value.upper, self.bands)

    def export_columns(self) -> list[str]:
        """Column names with every rate column spread into its parts."""
        first = self.rows[0] if self.rows else []
        names = []
        for index, column in enumerate(self.columns):
            if index < len(first) and isinstance(first[index], statistics.Sufficiency):
                names += [
                    f"{column}: {self.counted}",
                    f"{column}: n",
                    f"{column}: rate %",
                    f"{column}: 95% CI lower %",
                    f"{column}: 95% CI upper %",
                ]
                if self.bands is not None:
                    names.append(f"{column}: 95% CI crosses band boundaries %")
            else:
                names.append(column)
        return names

    def export_rows(self) -> list[list[str | int | float | None]]:
        """Rows of plain values: ratings as their labels, rates as sufficient, n, rate, lower and upper."""
        rows = []
        for row in self.rows:
            values: list[str | int | float | None] = []
            for cell in row:
                if isinstance(cell, SuppressedRate):
                    values += [None, None, cell.note, None, None]
                elif isinstance(cell, statistics.Sufficiency):
                    values += [
                        cell.sufficient,
                        cell.total,
                        _rounded(cell.rate),
                        _rounded(cell.lower),
                        _rounded(cell.upper),
                    ]
                    if self.bands is not None:
                        values.append("; ".join(f"{boundary:g}" for boundary in self.crossed(cell)))
                elif isinstance(cell, rules.Rating):
                    values.append(cell.label)
                else:
                    values.append(cell)
            rows.append(values)
        return rows


def _rounded(value: float | None) -> float | None:
    return None if value is None else round(value, 2)


def _rating(value: str | None) -> rules.Rating | None:
    return rules.Rating(value) if value else None


def key_question_table(
    key_questions: list[KeyQuestionRate], *, title: str, bands: rules.FrameworkBands | None = None
) -> Table:
    """One row per key question: its standard, criterion and rate."""
    return Table(
        "key-questions",
        title,
        ["Key question", "Standard", "Criterion", "Question", "Sufficiency"],
        [
            [
                kq.code,
                f"{kq.standard_code} {kq.standard_title}",
                kq.criterion,
                kq.wording,
                kq.rates.overall,
            ]
            for kq in key_questions
        ],
        bands=bands,
    )


def lower_first(label: str) -> str:
    """A label inside a sentence: "Case type" -> "case type", but "RoSH level" stays."""
    first = label.split(" ", 1)[0]
    return label if any(c.isupper() for c in first[1:]) else label[:1].lower() + label[1:]


def _slug(*parts: str) -> str:
    return "-".join(part.replace("_", "-") for part in parts if part)


def breakdown_slug(part: Breakdown, breakdowns: list[Breakdown]) -> str:
    """A breakdown table's slug: "by-rosh-level", or "by-court-report-rosh-level" where case kinds differ."""
    several_kinds = len({other.case_kind for other in breakdowns}) > 1
    return _slug("by", part.case_kind if several_kinds else "", part.key)


def breakdown_tables(
    key_questions: list[KeyQuestionRate],
    breakdowns: list[Breakdown],
    bands: rules.FrameworkBands | None = None,
) -> list[Table]:
    """One table per breakdown attribute of each case kind (breakdown=True in the framework): its key questions'
    rates by the attribute's values."""
    several_kinds = len({part.case_kind for part in breakdowns}) > 1
    tables = []
    for part in breakdowns:
        of_kind = [kq for kq in key_questions if kq.case_kind == part.case_kind]
        tables.append(
            Table(
                breakdown_slug(part, breakdowns),
                f"Key questions of {lower_first(part.case_kind_plural)} by {lower_first(part.label)}"
                if several_kinds
                else f"Key questions by {lower_first(part.label)}",
                ["Key question", *(label for _, label in part.values)],
                [
                    [kq.code, *(kq.rates.by_attribute[part.key][value] for value, _ in part.values)]
                    for kq in of_kind
                ],
                bands=bands,
            )
        )
    return tables


def case_fact_tables(facts: CaseFacts) -> list[Table]:
    """For each case kind with facts or needs: its case facts, and its needs linked to offending and met."""
    several_kinds = len([kind for kind in facts.kinds if kind.facts or kind.needs]) > 1
    tables = []
    for kind in facts.kinds:
        of = f" of {lower_first(kind.plural)}" if several_kinds else ""
        if kind.facts:
            tables.append(
                Table(
                    _slug("case-facts", kind.case_kind if several_kinds else ""),
                    f"Case facts{of}",
                    ["Case fact", "Rate"],
                    [[fact.label, fact.rate] for fact in kind.facts],
                )
            )
        if kind.needs:
            tables.append(
                Table(
                    _slug("needs", kind.case_kind if several_kinds else ""),
                    f"Needs{of} linked to offending and sufficiently addressed",
                    ["Need", "Cases where linked to offending", "Sufficiently addressed"],
                    [[need.label, need.linked, need.met] for need in kind.needs],
                )
            )
    return tables


def inspection_tables(dashboard: InspectionDashboard) -> list[Table]:
    """Every table of the inspection dashboard, in page order."""
    results = dashboard.results
    standards = Table(
        "standards",
        "Standards and ratings",
        ["Standard", "Title", "Rated from", "Rating", "Points"],
        [
            [
                standard["code"],
                standard["title"],
                standard["rated_by_label"],
                _rating(standard["rating"]),
                _points(standard),
            ]
            for standard in results["standards"]
        ]
        + [_composite_row(results)],
    )
    changes = Table(
        "band-changes",
        "What would change each rating from cases",
        [
            "Standard",
            "Rating",
            "Driving key question",
            "Driving key question sufficiency",
            "More sufficient cases for the next band (driving key question)",
            "Fewer sufficient cases to drop a band (driving key question)",
            "More sufficient cases for the next band (all key questions)",
            "Fewer sufficient cases to drop a band (any key question)",
        ],
        [
            [
                f"{change.standard_code} {change.standard_title}",
                change.rating,
                change.driving_key_question["code"] if change.driving_key_question else None,
                sufficiency_of(change.driving_key_question),
                change.driving_up,
                change.driving_down,
                change.standard_up,
                change.standard_down,
            ]
            for change in dashboard.band_changes
        ],
        bands=dashboard.bands,
    )
    grid = Table(
        "key-questions",
        "Key questions by standard and criterion",
        ["Standard", "Key question", "Criterion", "Question", "Sufficiency", "Rating"],
        [
            [
                standard["title"],
                kq["code"],
                kq["criterion"],
                kq["wording"],
                sufficiency_of(kq),
                _rating(kq["rating"]),
            ]
            for standard in dashboard.case_standards
            for kq in standard["key_questions"]
        ],
        bands=dashboard.bands,
    )
    judged = Table(
        "judgements",
        "Standards rated by the team’s judgement",
        ["Standard", "Title", "Rating", "Rationale"],
        [[s["code"], s["title"], _rating(s["rating"]), s["rationale"]] for s in dashboard.judged_standards],
    )
    return [
        standards,
        changes,
        grid,
        judged,
        *case_fact_tables(dashboard.case_facts),
        *breakdown_tables(dashboard.key_questions, dashboard.breakdowns, dashboard.bands),
    ]


def progress_table(progress: CaseProgress) -> Table:
    """The inspection's cases by status: how far fieldwork and quality assurance have got."""
    return Table(
        "fieldwork-progress",
        "Fieldwork progress: cases by status",
        ["Status", "Cases"],
        [[label, progress.status_counts[status]] for status, label in CaseStatus.choices]
        + [["All cases", progress.total]],
    )


def comparison_table(dashboard: InspectionDashboard, comparisons: dict[str, ComparisonRate]) -> Table:
    """Each key question of the inspection beside the same key question over the locked inspections of its
    framework version, in its region and nationally, with how many inspections each pools."""
    inspection = dashboard.inspection
    region = inspection.pdu.region if inspection.pdu is not None else inspection.region
    region_name = region.name if region else "Region"
    empty = ComparisonRate(statistics.sufficiency(0, 0), 0, statistics.sufficiency(0, 0), 0)
    rows: list[list[Cell]] = []
    for standard in dashboard.case_standards:
        for kq in standard["key_questions"]:
            compared = comparisons.get(kq["code"], empty)
            rows.append(
                [
                    kq["code"],
                    standard["title"],
                    sufficiency_of(kq),
                    compared.regional,
                    compared.regional_inspections,
                    compared.national,
                    compared.national_inspections,
                ]
            )
    return Table(
        "key-questions-compared",
        "Key questions beside the regional and national rates",
        [
            "Key question",
            "Standard",
            "This inspection",
            f"{region_name}: locked inspections",
            f"{region_name}: inspections",
            "National: locked inspections",
            "National: inspections",
        ],
        rows,
        bands=dashboard.bands,
    )


def assistant_inspector_table(dashboard: InspectionDashboard, rates: list[AssistantInspectorRates]) -> Table:
    """Each assistant inspector's counted cases and the sufficiency of their answers, over all key questions and by
    standard rated from cases: for the lead to check markers are consistent."""
    codes = [standard["code"] for standard in dashboard.case_standards]
    none = statistics.sufficiency(0, 0)
    return Table(
        "by-assistant-inspector",
        "Sufficiency by assistant inspector",
        [
            "Assistant inspector",
            "Counted cases",
            "All key questions",
            *(f"Standard {code}" for code in codes),
        ],
        [
            [
                person.name,
                person.cases,
                person.overall,
                *(person.by_standard.get(code, none) for code in codes),
            ]
            for person in rates
        ],
        bands=dashboard.bands,
    )


def _points(standard: dict) -> int | str | None:
    """A standard's points, or why it has none in the composite."""
    if not standard["rating"]:
        return None
    if not standard.get("counts_in_composite", True):
        return "Not in the composite"
    return rules.Rating(standard["rating"]).points


def _composite_row(results: dict) -> list[Cell]:
    """The composite's row: the overall rating; where that is the team's judgement, the composite's band beside."""
    title = f"Composite score out of {results['max_score']}"
    if results.get("overall_rule") == "team_judgement":
        indicative = _rating(results.get("indicative_rating"))
        title += " (overall rating: the team’s judgement"
        title += f"; the composite alone would be {indicative.label})" if indicative else ")"
    return ["Composite", title, "", _rating(results["overall_rating"]), results["composite_score"]]


def sufficiency_of(kq: dict | None) -> statistics.Sufficiency | None:
    """A key question's rate from its plain results data (inspection_result_data or a snapshot)."""
    if kq is None:
        return None
    if kq.get("suppressed"):
        return SuppressedRate(0, 0, None, None, None, note=kq["suppressed"])
    return statistics.Sufficiency(kq["sufficient"], kq["total"], kq["rate"], kq["ci_lower"], kq["ci_upper"])


REGIONS = "regions"


def regions_table(regional: RegionalResults) -> Table:
    """Each region's latest locked regional inspection, as the dashboard's Regions table: its composite, overall
    rating (and, where that is the team's judgement, the composite banded beside it) and each standard's rating.
    Ratings are findings, not rates over cases, so the small-numbers rule leaves them shown, as it leaves the PDUs'
    standards' ratings (reports.selectors.small_numbers)."""
    return Table(
        REGIONS,
        "Latest locked inspection of each region",
        [
            "Region",
            "Inspection period",
            "Fieldwork started",
            "Framework",
            "Composite score",
            "Maximum",
            "Overall rating",
            "Overall rating decided by",
            "Indicative rating (composite banded)",
            *(f"Standard {code} {title}" for code, title in regional.standards),
        ],
        [
            [
                row.region,
                Period.of(row.fieldwork_start).slug,
                row.fieldwork_start.isoformat(),
                row.framework,
                row.composite_score,
                row.max_score,
                row.overall_rating,
                "The team’s judgement" if row.team_judges_overall else "The composite score",
                row.indicative_rating,
                *(row.ratings.get(code) for code, _ in regional.standards),
            ]
            for row in regional.rows
        ],
    )


def national_tables(dashboard: NationalDashboard, regional: RegionalResults | None = None) -> list[Table]:
    """Every table of the national and regional dashboard, in page order; the regions' table only where `regional`
    (the regions' latest locked inspections, a query of their own) is given."""
    codes = dashboard.judged_codes
    pdus = Table(
        "pdus",
        "PDUs: latest inspection and published composite",
        [
            "PDU",
            "Region",
            "Inspection period",
            "Fieldwork started",
            "Status",
            "Composite score",
            "Maximum",
            "Overall rating",
            *(f"Standard {code}" for code in dashboard.case_codes),
            *(f"Standard {code}" for code in codes),
            "Published composite (2022–23)",
            "Published maximum",
            "Published overall rating",
        ],
        [
            [
                row.pdu,
                row.region,
                row.period.slug if row.period else None,
                row.fieldwork_start.isoformat() if row.fieldwork_start else None,
                ("Provisional" if row.provisional else "Final") if row.inspection_id else "Not inspected",
                row.composite_score,
                row.max_score,
                row.overall_rating,
                *(row.case_ratings.get(code) for code in dashboard.case_codes),
                *(row.judgements.get(code) for code in codes),
                row.published_composite,
                row.published_max,
                row.published_overall,
            ]
            for row in dashboard.rows
        ],
    )
    distribution = Table(
        "distribution",
        "Overall ratings of the PDUs shown",
        ["Overall rating", "PDUs"],
        [[rating, count] for rating, count in dashboard.distribution.items()],
    )
    scope = dashboard.region.name if dashboard.region else "National"
    return [
        pdus,
        *([regions_table(regional)] if regional is not None else []),
        distribution,
        key_question_table(
            dashboard.key_questions, title=f"{scope} sufficiency of each key question", bands=dashboard.bands
        ),
        *breakdown_tables(dashboard.key_questions, dashboard.breakdowns, dashboard.bands),
        *case_fact_tables(dashboard.case_facts),
    ]


# What every download says about itself (docs/api.md, "Dashboard downloads"): which unit and inspection, when, and
# whether its figures are provisional. A CSV carries it as the last columns of every row (the table's own columns
# keep their places), an XLSX as its first sheet.
About = list[tuple[str, str]]
ABOUT_PREFIX = "About: "


def _when(moment: datetime.datetime) -> str:
    return timezone.localtime(moment).isoformat(timespec="seconds")


def inspection_about(dashboard: InspectionDashboard, generated_at: datetime.datetime) -> About:
    """Which PDU (or region) and inspection a download is of, its fieldwork dates, whether its results are
    provisional or final, and when it was generated."""
    inspection = dashboard.inspection
    region = inspection.pdu.region if inspection.pdu is not None else inspection.region
    if dashboard.provisional:
        results = f"Provisional: the inspection is not locked (stage: {inspection.get_status_display()})"
    elif dashboard.snapshot_taken_at:
        results = f"Final: the inspection is locked; snapshot taken {_when(dashboard.snapshot_taken_at)}"
    else:
        results = "Final: the inspection is locked"
    return [
        ("PDU or region", inspection.unit.name),
        ("Region", region.name if region else ""),
        ("Inspection", str(inspection.pk)),
        ("Framework", f"{dashboard.definition.name} (version {dashboard.definition.version})"),
        ("Fieldwork start", inspection.fieldwork_start.isoformat()),
        ("Fieldwork end", inspection.fieldwork_end.isoformat()),
        ("Results", results),
        ("Generated at", _when(generated_at)),
    ]


def national_about(dashboard: NationalDashboard, generated_at: datetime.datetime) -> About:
    """The scope (national or a region), period and inspections of a national download, whether any figures in it
    are provisional, and when it was generated."""
    shown = dashboard.inspected
    provisional = sum(1 for row in shown if row.provisional)
    return [
        ("PDU or region", dashboard.region.name if dashboard.region else "National: every PDU"),
        ("Region", dashboard.region.name if dashboard.region else "Every region"),
        ("Inspection", "Each PDU's latest inspection shown"),
        ("Period", dashboard.period.label if dashboard.period else "Every period"),
        ("Inspections included", "Locked and open" if dashboard.include_provisional else "Locked only"),
        (
            "Results",
            f"Provisional: {provisional} of {len(shown)} inspections are not locked"
            if provisional
            else f"Final: all {len(shown)} inspections are locked",
        ),
        ("Generated at", _when(generated_at)),
    ]


def national_report_about(report: NationalReport, generated_at: datetime.datetime) -> About:
    """The national report's scope, period and inspections (locked only, so final), and when it was generated."""
    return [
        ("PDU or region", report.scope),
        ("Period", report.period.label if report.period else "Every period"),
        ("Inspections included", f"{len(report.inspections)} locked inspections (each PDU's latest)"),
        ("Results", "Final: locked inspections only"),
        ("Generated at", _when(generated_at)),
    ]


def table_csv(table: Table, about: About) -> str:
    """A table as CSV: one heading row, then a row per table row, each ending with the download's About columns."""
    columns = [*table.export_columns(), *(ABOUT_PREFIX + name for name, _ in about)]
    values = [value for _, value in about]
    return csv_document(columns, ([*row, *values] for row in table.export_rows()))


def tables_xlsx(tables: Iterable[Table], about: About) -> bytes:
    """A workbook with an "about" sheet (what the download is of), then one sheet per table; numbers stay numbers.
    Written in openpyxl's write-only mode, which streams each row to the file instead of keeping a cell object per
    value."""
    from openpyxl import Workbook
    from openpyxl.cell import WriteOnlyCell
    from openpyxl.styles import Font

    bold = Font(bold=True)
    workbook = Workbook(write_only=True)
    sheet = workbook.create_sheet(title="about")
    title = WriteOnlyCell(sheet, value="About this download")
    title.font = bold
    sheet.append([title])
    for name, value in about:
        sheet.append([name, csv_safe(value)])
    for table in tables:
        sheet = workbook.create_sheet(title=table.slug[:31])

        def heading(value: Any, sheet: Any = sheet) -> WriteOnlyCell:
            cell = WriteOnlyCell(sheet, value=value)
            cell.font = bold
            return cell

        sheet.append([heading(table.title)])
        sheet.append([heading(column) for column in table.export_columns()])
        for row in table.export_rows():
            # openpyxl writes str as text and int/float as numbers; text formulas are neutralised as in CSV.
            sheet.append([csv_safe(value) if isinstance(value, str) else value for value in row])
    buffer = io.BytesIO()
    workbook.save(buffer)
    return buffer.getvalue()
