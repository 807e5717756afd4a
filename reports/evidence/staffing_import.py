"""Importing staffing evidence for many inspected PDUs at once (the workforce figures the inspectorate receives
centrally): one row per PDU and period, read by the sample import's reader, every problem listed by line and column,
nothing saved unless the whole file is clean. Each row is recorded as the lead's entry is (services.staffing_record).
"""

from __future__ import annotations

from dataclasses import dataclass, field
from decimal import Decimal, InvalidOperation

from django.db import transaction

from cases.imports import ImportProblem
from inspections.models import Inspection

from ..selectors.dashboards import Period
from .models import Grade
from .services import VACANT_MORE_THAN_POSTS, staffing_record
from .survey_import import BAD_PERIOD, MISSING_VALUE, UNKNOWN_PDU, SurveyCheck, heading_and_rows, normal

PDU_COLUMN = "PDU"
PERIOD_COLUMN = "Period"
WHOLE_COLUMNS = {
    "staff_in_post": "Staff in post",
    "staff_surveyed": "Staff asked about workload",
    "workloads_manageable": "Staff saying workload manageable",
}
SICKNESS_COLUMN = "Sickness days"
GRADE_COLUMNS = {grade: (f"{label} posts", f"{label} vacant") for grade, label in Grade.choices}
COLUMNS = (
    PDU_COLUMN,
    PERIOD_COLUMN,
    *WHOLE_COLUMNS.values(),
    SICKNESS_COLUMN,
    *(column for pair in GRADE_COLUMNS.values() for column in pair),
)
REQUIRED = (PDU_COLUMN, PERIOD_COLUMN, *WHOLE_COLUMNS.values(), SICKNESS_COLUMN)

WHOLE_NUMBER = "{column} must be a whole number, 0 or more"
NUMBER = "{column} must be a number, 0 or more, like 12.5"
NO_INSPECTION = "There is no inspection of {pdu} with fieldwork in {period}"
LOCKED = "The inspection of {pdu} in {period} is locked: unlock it to change its staffing"
MANAGEABLE_MORE = "Staff saying workload manageable must be no more than the staff asked"
BOTH_OR_NEITHER = "Enter both the posts and the vacant posts of a grade, or neither"
DUPLICATE = "This PDU and period are already on line {line}"


@dataclass
class StaffingRow:
    line: int
    inspection: Inspection
    figures: dict = field(default_factory=dict)


@dataclass
class StaffingCheck(SurveyCheck):
    staffing: list[StaffingRow] = field(default_factory=list)

    @property
    def is_clean(self) -> bool:
        return not self.problem_count and bool(self.staffing)


def _number(text: str, whole: bool) -> Decimal | None:
    try:
        value = Decimal(text.replace(",", ""))
    except InvalidOperation:
        return None
    if (
        not value.is_finite()
        or value < 0
        or value >= 100_000
        or (whole and value != value.to_integral_value())
    ):
        return None
    return value if not whole else Decimal(int(value))


def staffing_check(*, name: str, data: bytes) -> StaffingCheck:
    """Read and check a staffing file, saving nothing. Two queries (the inspections and their PDUs)."""
    check = StaffingCheck()
    read = heading_and_rows(check, name=name, data=data, columns=REQUIRED)
    if read is None:
        return check
    position, body = read
    inspections: dict[tuple[str, str], Inspection] = {}
    pdu_names: set[str] = set()
    for inspection in (
        Inspection.objects.filter(pdu__isnull=False).select_related("pdu").order_by("-fieldwork_start")
    ):
        pdu_names.add(normal(inspection.pdu.name))
        key = (normal(inspection.pdu.name), Period.of(inspection.fieldwork_start).slug)
        inspections.setdefault(key, inspection)
    seen: dict[tuple[str, str], int] = {}
    for line, cells in body:
        values = {
            column: (
                cells[position[normal(column)]]
                if position.get(normal(column), len(cells)) < len(cells)
                else ""
            ).strip()
            for column in COLUMNS
        }
        before = check.problem_count

        def problem(column: str, message: str, line=line, values=values) -> None:
            check.add(ImportProblem(line, column, message, values[column]))

        period = Period.from_slug(values[PERIOD_COLUMN].replace("/", "-"))
        if not values[PDU_COLUMN]:
            problem(PDU_COLUMN, MISSING_VALUE.format(column="PDU"))
        if not values[PERIOD_COLUMN]:
            problem(PERIOD_COLUMN, MISSING_VALUE.format(column="period"))
        elif period is None:
            problem(PERIOD_COLUMN, BAD_PERIOD)
        figures: dict = {"vacancies": {}}
        for name_, column in WHOLE_COLUMNS.items():
            value = _number(values[column], whole=True)
            if not values[column]:
                problem(column, MISSING_VALUE.format(column=column[:1].lower() + column[1:]))
            elif value is None:
                problem(column, WHOLE_NUMBER.format(column=column))
            else:
                figures[name_] = int(value)
        sickness = _number(values[SICKNESS_COLUMN], whole=False)
        if not values[SICKNESS_COLUMN]:
            problem(SICKNESS_COLUMN, MISSING_VALUE.format(column="sickness days"))
        elif sickness is None:
            problem(SICKNESS_COLUMN, NUMBER.format(column=SICKNESS_COLUMN))
        else:
            figures["sickness_days"] = sickness.quantize(Decimal("0.1"))
        for grade, (posts_column, vacant_column) in GRADE_COLUMNS.items():
            posts_text, vacant_text = values[posts_column], values[vacant_column]
            if not posts_text and not vacant_text:
                continue
            if not (posts_text and vacant_text):
                problem(vacant_column if posts_text else posts_column, BOTH_OR_NEITHER)
                continue
            posts, vacant = _number(posts_text, whole=False), _number(vacant_text, whole=False)
            if posts is None:
                problem(posts_column, NUMBER.format(column=posts_column))
            if vacant is None:
                problem(vacant_column, NUMBER.format(column=vacant_column))
            elif posts is not None and vacant > posts:
                problem(vacant_column, VACANT_MORE_THAN_POSTS.format(grade=Grade(grade).label.lower()))
            elif posts is not None:
                figures["vacancies"][grade] = (
                    posts.quantize(Decimal("0.1")),
                    vacant.quantize(Decimal("0.1")),
                )
        if figures.get("workloads_manageable", 0) > figures.get("staff_surveyed", 10**9):
            problem(WHOLE_COLUMNS["workloads_manageable"], MANAGEABLE_MORE)
        if check.problem_count > before or period is None:
            continue
        key = (normal(values[PDU_COLUMN]), period.slug)
        inspection = inspections.get(key)
        if key[0] not in pdu_names and inspection is None:
            problem(PDU_COLUMN, UNKNOWN_PDU.format(value=values[PDU_COLUMN]))
        elif inspection is None:
            problem(PERIOD_COLUMN, NO_INSPECTION.format(pdu=values[PDU_COLUMN], period=period.slug))
        elif inspection.is_locked:
            problem(PERIOD_COLUMN, LOCKED.format(pdu=values[PDU_COLUMN], period=period.slug))
        elif key in seen:
            problem(PDU_COLUMN, DUPLICATE.format(line=seen[key]))
        else:
            seen[key] = line
            check.staffing.append(StaffingRow(line, inspection, figures))
    return check


class StaffingImportInvalid(Exception):
    """The staffing file has problems: every one is listed with its line and column, and nothing is saved."""

    http_status = 422
    problem_type = "staffing-invalid"
    problem_title = "The staffing file has problems"

    def __init__(self, check: StaffingCheck):
        super().__init__(f"The staffing file has {check.problem_count} problems. Nothing has been imported.")
        self.check = check

    def problem_errors(self) -> list[dict]:
        return [{"field": p.column, "line": p.line, "message": p.message} for p in self.check.problems]


@transaction.atomic
def staffing_import(*, name: str, data: bytes, user) -> int:
    """Record each row's staffing for its inspection, all or nothing; returns how many. Raises
    StaffingImportInvalid. The caller has checked the user may import (a national viewer or administrator)."""
    check = staffing_check(name=name, data=data)
    if not check.is_clean:
        raise StaffingImportInvalid(check)
    for row in check.staffing:
        staffing_record(inspection=row.inspection, user=user, **row.figures)
    return len(check.staffing)
