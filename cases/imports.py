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

from inspections.definitions import Attribute, CaseKind, Definition
from inspections.models import Inspection, InspectionMembership, Role
from inspections.services import ensure_not_locked

from .models import InspectedCase

MAX_UPLOAD_BYTES = 5 * 1024 * 1024

# The columns every sample has; the others are the attributes of the framework's case kinds (their labels).
REFERENCE = "Case reference"
KIND = "Kind of case"
ASSISTANT = "Assistant inspector"
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
UNKNOWN_CHOICE = "{column} must be {options}"
UNKNOWN_KIND = "Kind of case must be {options}"
BAD_DATE = "{column} must be a real date, like 2026-03-02 or 02/03/2026"
REFERENCE_MAX_LENGTH = 50  # InspectedCase.reference's
REFERENCE_TOO_LONG = f"Case reference must be {REFERENCE_MAX_LENGTH} characters or fewer"
REFERENCE_HIDDEN_CHARACTERS = "Case reference must be on one line, without tabs or other hidden characters"
FUTURE_DATE = "{column} must be today or in the past"
DUPLICATE_IN_FILE = "Case reference {reference} appears more than once in the file (first on line {line})"
DUPLICATE_IN_SAMPLE = "Case reference {reference} is already in this inspection's sample"
UNKNOWN_USER = "There is no assistant inspector with the username {username} in this inspection's team"


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
    kind: CaseKind | None = None
    attributes: dict[str, str] = field(default_factory=dict)
    assistant_inspector: str = ""
    problems: list[ImportProblem] = field(default_factory=list)

    @property
    def description(self) -> str:
        """The kind and its attributes as the preview shows them: "Supervision case: Licence, High, 2 March 2026"."""
        if self.kind is None:
            return ""
        values = []
        for attribute in self.kind.attributes:
            value = self.attributes.get(attribute.key, "")
            if attribute.type == "date" and value:
                value = f"{datetime.date.fromisoformat(value):%-d %b %Y}"
            elif value:
                value = attribute.label_of(value)
            if value:
                values.append(value)
        return f"{self.kind.name}: {', '.join(values)}" if values else self.kind.name


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


def _normal(text: str) -> str:
    """A heading or value as compared: lower case, - and _ as spaces, single spaces, no curly apostrophes."""
    return " ".join(text.lower().replace("-", " ").replace("_", " ").replace("’", "'").split())


def _choices(attribute: Attribute) -> dict[str, str]:
    lookup = {}
    for option in attribute.options:
        for spelling in (option.value, option.label, *option.aliases):
            lookup[_normal(spelling)] = option.value
    return lookup


def _kinds(definition: Definition) -> dict[str, CaseKind]:
    lookup = {}
    for kind in definition.case_kinds:
        for spelling in (kind.slug, kind.name, kind.plural, kind.name.removesuffix(" case")):
            lookup[_normal(spelling)] = kind
    return lookup


def in_sentence(label: str) -> str:
    """A label inside a sentence: "Case type" → "case type", but "RoSH level" and "PDU" stay as they are."""
    first = label.split(" ", 1)[0]
    return label if any(character.isupper() for character in first[1:]) else label[:1].lower() + label[1:]


def _or_list(words: Sequence[str]) -> str:
    return words[0] if len(words) == 1 else ", ".join(words[:-1]) + " or " + words[-1]


def sample_columns(definition: Definition, kind: CaseKind | None = None) -> list[tuple[str, bool]]:
    """The columns a sample file has, as (heading, required): the reference, the kind of case unless one is chosen
    (or the framework has only one), each kind's attributes, and the assistant inspector."""
    kinds = [kind] if kind else list(definition.case_kinds)
    columns = [(REFERENCE, True)]
    if len(kinds) > 1:
        columns.append((KIND, True))
    seen = set()
    for each in kinds:
        for attribute in each.attributes:
            if _normal(attribute.label) not in seen:
                seen.add(_normal(attribute.label))
                columns.append((attribute.label, attribute.required and len(kinds) == 1))
    return [*columns, (ASSISTANT, False)]


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
    """Read an uploaded file into rows keyed by column heading (compared without case or punctuation), or the
    problems that stop it being read. Which columns it needs is for sample_validate: it depends on the case kinds."""
    if len(data) > MAX_UPLOAD_BYTES:
        return [], [ImportProblem(None, "", TOO_LARGE)]
    if not data.strip():
        return [], [ImportProblem(None, "", EMPTY_FILE)]
    try:
        cells = _table_rows(name, data)
    except ValueError as error:
        return [], [ImportProblem(None, "", str(error))]
    table = [(line, row) for line, row in enumerate(cells, start=1) if any(row)]
    if not table:
        return [], [ImportProblem(None, "", EMPTY_FILE)]
    header_line, header = table[0]
    headings = [_normal(cell) for cell in header]
    positions = {heading: index for index, heading in reversed(list(enumerate(headings))) if heading}
    rows = [
        (line, {heading: (row[index] if index < len(row) else "") for heading, index in positions.items()})
        for line, row in table[1:]
    ]
    if not rows:
        return [], [ImportProblem(None, "", NO_ROWS)]
    return [(header_line, {heading: heading for heading in positions}), *rows], []


def _parse_date(text: str) -> datetime.date | None:
    for date_format in DATE_FORMATS:
        try:
            return datetime.datetime.strptime(text, date_format).date()
        except ValueError:
            continue
    return None


def _has_hidden_characters(text: str) -> bool:
    return any(unicodedata.category(character) in HIDDEN_CHARACTER_CATEGORIES for character in text)


def sample_validate(*, inspection: Inspection, rows: Sequence[RawRow], kind: str = "") -> ImportPreview:
    """Check every row against the framework's case kinds, the team and the existing sample; two queries in all.

    `rows` starts with the heading row (as sample_read gives it). `kind` is the kind of every case, if chosen;
    otherwise the file says it per row in its "Kind of case" column, unless the framework has one kind only or the
    file's columns are those of one kind only.
    """
    definition = inspection.framework.definition
    kinds = _kinds(definition)
    chosen = definition.case_kind(kind) if kind else None
    if chosen is None and len(definition.case_kinds) == 1:
        chosen = definition.case_kinds[0]
    (header_line, header), data_rows = rows[0], rows[1:]
    if chosen is None and _normal(KIND) not in header:
        # A file of one kind needs no "Kind of case" column: its columns say which kind it is (the kind with most
        # of its required columns there, if only one has most; its missing columns are then named).
        present = {
            each.slug: sum(1 for a in each.attributes if a.required and _normal(a.label) in header)
            for each in definition.case_kinds
        }
        best = max(present.values(), default=0)
        fitting = [each for each in definition.case_kinds if present[each.slug] == best]
        chosen = fitting[0] if best and len(fitting) == 1 else None
    file_problems = [
        ImportProblem(header_line, heading, MISSING_COLUMN.format(column=heading))
        for heading, required in sample_columns(definition, chosen)
        if required and _normal(heading) not in header
    ]
    if file_problems:
        return ImportPreview(rows=[], problems=file_problems, raw_rows=list(rows))
    assistant_inspectors = set(
        InspectionMembership.objects.filter(inspection=inspection, role=Role.ASSISTANT_INSPECTOR).values_list(
            "user__username", flat=True
        )
    )
    # References are kept as written but compared without case: NEW001 and new001 are the same case.
    existing = {reference.casefold() for reference in inspection.cases.values_list("reference", flat=True)}
    today = timezone.localdate()
    kind_names = _or_list([in_sentence(k.name) for k in definition.case_kinds])
    seen: dict[str, int] = {}
    parsed, problems = [], []
    for line, values in data_rows:
        row = SampleRow(line=line, reference=values.get(_normal(REFERENCE), "").strip())
        folded = row.reference.casefold()

        def problem(column: str, message: str, row=row) -> None:
            row.problems.append(ImportProblem(row.line, column, message))

        if not row.reference:
            problem(REFERENCE, MISSING_VALUE.format(column=REFERENCE.lower()))
        elif len(row.reference) > REFERENCE_MAX_LENGTH:
            problem(REFERENCE, REFERENCE_TOO_LONG)
        elif _has_hidden_characters(row.reference):
            problem(REFERENCE, REFERENCE_HIDDEN_CHARACTERS)
        elif folded in seen:
            problem(REFERENCE, DUPLICATE_IN_FILE.format(reference=row.reference, line=seen[folded]))
        elif folded in existing:
            problem(REFERENCE, DUPLICATE_IN_SAMPLE.format(reference=row.reference))
        else:
            seen[folded] = line

        row.kind = chosen
        if chosen is None:
            text = values.get(_normal(KIND), "")
            row.kind = kinds.get(_normal(text))
            if not text:
                problem(KIND, MISSING_VALUE.format(column=KIND.lower()))
            elif row.kind is None:
                problem(KIND, UNKNOWN_KIND.format(options=kind_names))
        for attribute in row.kind.attributes if row.kind else ():
            _attribute_check(row, attribute, values.get(_normal(attribute.label), "").strip(), today, problem)

        username = values.get(_normal(ASSISTANT), "").strip()
        if username and username not in assistant_inspectors:
            problem(ASSISTANT, UNKNOWN_USER.format(username=username))
        row.assistant_inspector = username
        parsed.append(row)
        problems.extend(row.problems)
    return ImportPreview(rows=parsed, problems=problems, raw_rows=list(rows))


def _attribute_check(row: SampleRow, attribute: Attribute, text: str, today: datetime.date, problem) -> None:
    column = attribute.label
    if not text:
        if attribute.required:
            problem(column, MISSING_VALUE.format(column=in_sentence(column)))
        return
    if attribute.type == "choice":
        value = _choices(attribute).get(_normal(text))
        if value is None:
            options = _or_list(
                [o.label if o.label[:2].isupper() else o.label.lower() for o in attribute.options]
            )
            problem(column, UNKNOWN_CHOICE.format(column=column, options=options))
        else:
            row.attributes[attribute.key] = value
    elif attribute.type == "date":
        date = _parse_date(text)
        if date is None:
            problem(column, BAD_DATE.format(column=column))
        elif date > today:
            problem(column, FUTURE_DATE.format(column=column))
        else:
            row.attributes[attribute.key] = date.isoformat()
    else:
        row.attributes[attribute.key] = text


def sample_preview(*, inspection: Inspection, name: str, data: bytes, kind: str = "") -> ImportPreview:
    """Read and validate an upload without saving anything."""
    rows, problems = sample_read(name=name, data=data)
    if problems:
        return ImportPreview(rows=[], problems=problems)
    return sample_validate(inspection=inspection, rows=rows, kind=kind)


@transaction.atomic
def sample_import(
    *, inspection: Inspection, rows: Sequence[RawRow], user, kind: str = ""
) -> list[InspectedCase]:
    """Save a clean sample, all or nothing. Raises InspectionLocked, or SampleInvalid with the preview."""
    inspection = (
        Inspection.objects.select_related("framework").select_for_update(of=("self",)).get(pk=inspection.pk)
    )
    ensure_not_locked(inspection)
    preview = sample_validate(inspection=inspection, rows=rows, kind=kind)
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
            kind=row.kind.slug if row.kind else "",
            attributes=row.attributes,
            assistant_inspector_id=users.get(row.assistant_inspector),
        )
        for row in preview.rows
    ]
    return bulk_create_with_history(cases, InspectedCase, batch_size=2000, default_user=user)
