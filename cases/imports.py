"""Importing an inspection's case sample from a CSV or XLSX file.

Two steps: `sample_read` + `sample_validate` turn an upload into a preview listing every problem (line, column,
message) and save nothing; `sample_import` saves a clean sample in one transaction, validating it again since the
team or the sample may have changed in between. Validation costs a fixed number of queries whatever the file size.
"""

from __future__ import annotations

import csv
import datetime
import io
import unicodedata
from collections.abc import Sequence
from dataclasses import dataclass, field

from django.db import transaction
from django.utils import timezone
from simple_history.utils import bulk_create_with_history

from inspections.models import Inspection, InspectionMembership, Role
from inspections.services import ensure_not_locked

from .models import CaseType, InspectedCase, RoshLevel

MAX_UPLOAD_BYTES = 5 * 1024 * 1024

# Column heading (lower case) → field. The first four are required.
COLUMNS = {
    "case reference": "reference",
    "case type": "case_type",
    "rosh level": "rosh_level",
    "supervision start date": "supervision_start",
    "assistant inspector": "assistant_inspector",
}
REQUIRED_COLUMNS = ("case reference", "case type", "rosh level", "supervision start date")
# Each column's heading as the page documents it and the problems list shows it.
HEADINGS = {
    "case reference": "Case reference",
    "case type": "Case type",
    "rosh level": "RoSH level",
    "supervision start date": "Supervision start date",
    "assistant inspector": "Assistant inspector",
}
# Line and paragraph separators, tabs, zero-width and other invisible characters: a reference is one visible line.
HIDDEN_CHARACTER_CATEGORIES = ("Cc", "Cf", "Cs", "Co", "Cn", "Zl", "Zp")
DATE_FORMATS = ("%Y-%m-%d", "%d/%m/%Y")

EMPTY_FILE = "The file is empty"
TOO_LARGE = "The file must be smaller than 5 MB"
WRONG_ENCODING = "The file must be saved as UTF-8 CSV or as an Excel workbook (.xlsx)"
NOT_A_WORKBOOK = "The file is not a readable CSV file or Excel workbook (.xlsx)"
MISSING_COLUMN = "The file has no “{column}” column"
NO_ROWS = "The file has a heading row but no cases"
MISSING_VALUE = "Enter the {column}"
UNKNOWN_CASE_TYPE = "Case type must be community order, licence or post-sentence supervision"
UNKNOWN_ROSH = "RoSH level must be low, medium, high or very high"
BAD_DATE = "Supervision start date must be a real date, like 2026-03-02 or 02/03/2026"
REFERENCE_TOO_LONG = "Case reference must be 50 characters or fewer"
REFERENCE_HIDDEN_CHARACTERS = "Case reference must be on one line, without tabs or other hidden characters"
FUTURE_DATE = "Supervision start date must be today or in the past"
DUPLICATE_IN_FILE = "Case reference {reference} appears more than once in the file (first on line {line})"
DUPLICATE_IN_SAMPLE = "Case reference {reference} is already in this inspection's sample"
UNKNOWN_USER = (
    "There is no assistant inspector with the username {username} in this inspection's team. Add them on the "
    "inspection's page (Change, beside the fieldwork dates), or leave the column empty and assign the cases later"
)


@dataclass(frozen=True)
class ImportProblem:
    """One problem with the file. `line` is the spreadsheet's line (the heading is line 1); None for the file."""

    line: int | None
    column: str
    message: str


# One data row as read: (line, {column heading: text}).
RawRow = tuple[int, dict[str, str]]


@dataclass
class SampleRow:
    line: int
    reference: str
    case_type: str = ""
    rosh_level: str = ""
    supervision_start: datetime.date | None = None
    assistant_inspector: str = ""
    problems: list[ImportProblem] = field(default_factory=list)

    @property
    def case_type_label(self) -> str:
        return CaseType(self.case_type).label if self.case_type else ""

    @property
    def rosh_level_label(self) -> str:
        return RoshLevel(self.rosh_level).label if self.rosh_level else ""


@dataclass
class ImportPreview:
    rows: list[SampleRow]
    problems: list[ImportProblem]
    raw_rows: list[RawRow] = field(default_factory=list)

    @property
    def is_clean(self) -> bool:
        return not self.problems and bool(self.rows)

    @property
    def rows_with_problems(self) -> int:
        return len({problem.line for problem in self.problems if problem.line is not None})

    @property
    def problem_rows(self) -> list[SampleRow]:
        return [row for row in self.rows if row.problems]


class SampleInvalid(Exception):
    def __init__(self, preview: ImportPreview):
        super().__init__(f"The sample has {len(preview.problems)} problems")
        self.preview = preview


def _label_lookup(choices) -> dict[str, str]:
    lookup = {}
    for value, label in choices.choices:
        for spelling in (value, value.replace("_", " "), label, label.replace("-", " ")):
            lookup[spelling.lower()] = value
    return lookup


CASE_TYPES = _label_lookup(CaseType)
ROSH_LEVELS = _label_lookup(RoshLevel)


def _cell_text(value) -> str:
    if value is None:
        return ""
    if isinstance(value, datetime.datetime):
        return value.date().isoformat()
    if isinstance(value, datetime.date):
        return value.isoformat()
    if isinstance(value, float) and value.is_integer():
        return str(int(value))
    return str(value).strip()


def _table_rows(name: str, data: bytes) -> list[list[str]]:
    """The file's rows as text cells. Raises ValueError with a user message if it cannot be read."""
    if name.lower().endswith(".xlsx") or data[:4] == b"PK\x03\x04":
        from openpyxl import load_workbook

        try:
            workbook = load_workbook(io.BytesIO(data), read_only=True, data_only=True)
        except Exception as error:  # openpyxl raises many types for a corrupt workbook
            raise ValueError(NOT_A_WORKBOOK) from error
        try:
            sheet = workbook.worksheets[0]
            return [[_cell_text(cell) for cell in row] for row in sheet.iter_rows(values_only=True)]
        finally:
            workbook.close()
    try:
        text = data.decode("utf-8-sig")
    except UnicodeDecodeError as error:
        raise ValueError(WRONG_ENCODING) from error
    if "\x00" in text:
        raise ValueError(WRONG_ENCODING)
    return [[cell.strip() for cell in row] for row in csv.reader(io.StringIO(text, newline=""))]


def sample_read(*, name: str, data: bytes) -> tuple[list[RawRow], list[ImportProblem]]:
    """Read an uploaded file into rows keyed by column heading, or the problems that stop it being read."""
    if len(data) > MAX_UPLOAD_BYTES:
        return [], [ImportProblem(None, "", TOO_LARGE)]
    if not data.strip():
        return [], [ImportProblem(None, "", EMPTY_FILE)]
    try:
        table = _table_rows(name, data)
    except ValueError as error:
        return [], [ImportProblem(None, "", str(error))]
    table = [(line, row) for line, row in enumerate(table, start=1) if any(row)]
    if not table:
        return [], [ImportProblem(None, "", EMPTY_FILE)]
    header_line, header = table[0]
    headings = [" ".join(cell.lower().replace("_", " ").split()) for cell in header]
    missing = [column for column in REQUIRED_COLUMNS if column not in headings]
    if missing:
        return [], [
            ImportProblem(header_line, HEADINGS[column], MISSING_COLUMN.format(column=HEADINGS[column]))
            for column in missing
        ]
    positions = {
        heading: index for index, heading in reversed(list(enumerate(headings))) if heading in COLUMNS
    }
    rows = [
        (line, {heading: (row[index] if index < len(row) else "") for heading, index in positions.items()})
        for line, row in table[1:]
    ]
    if not rows:
        return [], [ImportProblem(None, "", NO_ROWS)]
    return rows, []


def _parse_date(text: str) -> datetime.date | None:
    for date_format in DATE_FORMATS:
        try:
            return datetime.datetime.strptime(text, date_format).date()
        except ValueError:
            continue
    return None


def _has_hidden_characters(text: str) -> bool:
    return any(unicodedata.category(character) in HIDDEN_CHARACTER_CATEGORIES for character in text)


def sample_validate(*, inspection: Inspection, rows: Sequence[RawRow]) -> ImportPreview:
    """Check every row against the rules, the team and the existing sample; two queries in all."""
    assistant_inspectors = set(
        InspectionMembership.objects.filter(inspection=inspection, role=Role.ASSISTANT_INSPECTOR).values_list(
            "user__username", flat=True
        )
    )
    # References are kept as written but compared without case: NEW001 and new001 are the same case.
    existing = {reference.casefold() for reference in inspection.cases.values_list("reference", flat=True)}
    today = timezone.localdate()
    seen: dict[str, int] = {}
    parsed, problems = [], []
    for line, values in rows:
        row = SampleRow(line=line, reference=values.get("case reference", "").strip())
        folded = row.reference.casefold()

        def problem(column: str, message: str, row=row) -> None:
            row.problems.append(ImportProblem(row.line, HEADINGS[column], message))

        if not row.reference:
            problem("case reference", MISSING_VALUE.format(column="case reference"))
        elif len(row.reference) > InspectedCase._meta.get_field("reference").max_length:
            problem("case reference", REFERENCE_TOO_LONG)
        elif _has_hidden_characters(row.reference):
            problem("case reference", REFERENCE_HIDDEN_CHARACTERS)
        elif folded in seen:
            problem("case reference", DUPLICATE_IN_FILE.format(reference=row.reference, line=seen[folded]))
        elif folded in existing:
            problem("case reference", DUPLICATE_IN_SAMPLE.format(reference=row.reference))
        else:
            seen[folded] = line

        for column, lookup, message in (
            ("case type", CASE_TYPES, UNKNOWN_CASE_TYPE),
            ("rosh level", ROSH_LEVELS, UNKNOWN_ROSH),
        ):
            text = values.get(column, "")
            key = " ".join(text.lower().replace("-", " ").replace("_", " ").split())
            if not text:
                problem(column, MISSING_VALUE.format(column=column.replace("rosh", "RoSH")))
            elif key not in lookup:
                problem(column, message)
            else:
                setattr(row, COLUMNS[column], lookup[key])

        start = values.get("supervision start date", "")
        if not start:
            problem("supervision start date", MISSING_VALUE.format(column="supervision start date"))
        else:
            row.supervision_start = _parse_date(start)
            if row.supervision_start is None:
                problem("supervision start date", BAD_DATE)
            elif row.supervision_start > today:
                problem("supervision start date", FUTURE_DATE)

        username = values.get("assistant inspector", "").strip()
        if username and username not in assistant_inspectors:
            problem("assistant inspector", UNKNOWN_USER.format(username=username))
        row.assistant_inspector = username
        parsed.append(row)
        problems.extend(row.problems)
    return ImportPreview(rows=parsed, problems=problems, raw_rows=list(rows))


def sample_preview(*, inspection: Inspection, name: str, data: bytes) -> ImportPreview:
    """Read and validate an upload without saving anything."""
    rows, problems = sample_read(name=name, data=data)
    if problems:
        return ImportPreview(rows=[], problems=problems)
    return sample_validate(inspection=inspection, rows=rows)


@transaction.atomic
def sample_import(*, inspection: Inspection, rows: Sequence[RawRow], user) -> list[InspectedCase]:
    """Save a clean sample, all or nothing. Raises InspectionLocked, or SampleInvalid with the preview."""
    inspection = Inspection.objects.select_for_update().get(pk=inspection.pk)
    ensure_not_locked(inspection)
    preview = sample_validate(inspection=inspection, rows=rows)
    if not preview.is_clean:
        raise SampleInvalid(preview)
    users = dict(
        InspectionMembership.objects.filter(inspection=inspection, role=Role.ASSISTANT_INSPECTOR).values_list(
            "user__username", "user_id"
        )
    )
    cases = [
        InspectedCase(
            inspection=inspection,
            reference=row.reference,
            case_type=row.case_type,
            rosh_level=row.rosh_level,
            supervision_start=row.supervision_start,
            assistant_inspector_id=users.get(row.assistant_inspector),
        )
        for row in preview.rows
    ]
    return bulk_create_with_history(cases, InspectedCase, batch_size=2000, default_user=user)
