"""Importing an inspection's case sample from a CSV or XLSX file.

Two steps: `sample_read` + `sample_validate` turn an upload into a preview listing every problem (line, column,
message) and save nothing; `sample_import` saves a clean sample in one transaction, validating it again since the
team or the sample may have changed in between. Validation costs a fixed number of queries whatever the file size.
"""

from __future__ import annotations

import codecs
import csv
import datetime
import io
import unicodedata
import zipfile
from collections.abc import Iterator, Sequence
from dataclasses import dataclass, field

from django.conf import settings
from django.db import transaction
from django.utils import timezone
from simple_history.utils import bulk_create_with_history

from inspections.definitions import Attribute, CaseKind, Definition
from inspections.models import Inspection, InspectionMembership, Role
from inspections.services import ensure_not_locked

from .models import InspectedCase, SamplePreview

MAX_UPLOAD_BYTES = 5 * 1024 * 1024
# A workbook is a ZIP archive: refuse one whose parts unpack to more than this before openpyxl reads any of it.
MAX_WORKBOOK_UNPACKED_BYTES = 50 * 1024 * 1024
# The preview lists at most this many problems (it counts them all).
MAX_LISTED_PROBLEMS = 100
SEPARATORS = (",", ";", "\t")

# The columns every sample has; the others are the attributes of the framework's case kinds (their labels).
REFERENCE = "Case reference"
KIND = "Kind of case"
ASSISTANT = "Assistant inspector"
# Line and paragraph separators, tabs, zero-width and other invisible characters: a reference is one visible line.
HIDDEN_CHARACTER_CATEGORIES = ("Cc", "Cf", "Cs", "Co", "Cn", "Zl", "Zp")
DATE_FORMATS = ("%Y-%m-%d", "%d/%m/%Y")

EMPTY_FILE = "The file is empty"
TOO_LARGE = "The file must be smaller than 5 MB"
WRONG_ENCODING = "The file must be saved as CSV (UTF-8 or Windows) or as an Excel workbook (.xlsx)"
NOT_A_WORKBOOK = "The file is not a readable CSV file or Excel workbook (.xlsx)"
WORKBOOK_TOO_LARGE = "The workbook is too large once unpacked: save only the sheet to upload, as CSV or .xlsx"
SEEMS_TO_BE = "The file seems to be {what}, not a CSV file or Excel workbook (.xlsx): save it as CSV or .xlsx"
TOO_MANY_ROWS = (
    "The file has more than {limit:,} cases: a sample has at most {limit:,}, so reading stopped there"
)
SAMPLE_TOO_LARGE = "The sample would have {total:,} cases with the {existing:,} already in it: a sample has at most {limit:,}"
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
    value: str | None = None  # the text read from the cell ("" if empty), if the problem is with one cell


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
    """`problems` lists at most MAX_LISTED_PROBLEMS of them; `problem_count` counts them all."""

    rows: list[SampleRow]
    problems: list[ImportProblem]
    raw_rows: list[RawRow] = field(default_factory=list)
    problem_count: int = -1

    def __post_init__(self) -> None:
        if self.problem_count < 0:
            self.problem_count = len(self.problems)
        del self.problems[MAX_LISTED_PROBLEMS:]

    @property
    def is_clean(self) -> bool:
        return not self.problem_count and bool(self.rows)

    @property
    def unlisted_problems(self) -> int:
        return self.problem_count - len(self.problems)

    @property
    def rows_with_problems(self) -> int:
        """How many of the file's cases (not its heading) have a problem."""
        return sum(1 for row in self.rows if row.problems)

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


def cell_text(value: object) -> str:
    """A spreadsheet cell as text: dates as ISO dates, whole numbers without a decimal point."""
    if value is None:
        return ""
    if isinstance(value, datetime.datetime):
        return value.date().isoformat()
    if isinstance(value, datetime.date):
        return value.isoformat()
    if isinstance(value, float) and value.is_integer():
        return str(int(value))
    return str(value).strip()


def parse_date(text: str) -> datetime.date | None:
    # The two documented forms without strptime, which is slow enough to matter over a whole caseload.
    if len(text) == 10 and text[4] == "-" and text[7] == "-":
        try:
            return datetime.date.fromisoformat(text)
        except ValueError:
            return None
    if len(text) == 10 and text[2] == "/" and text[5] == "/" and text.replace("/", "").isdigit():
        try:
            return datetime.date(int(text[6:]), int(text[3:5]), int(text[:2]))
        except ValueError:
            return None
    for date_format in DATE_FORMATS:
        try:
            return datetime.datetime.strptime(text, date_format).date()
        except ValueError:
            continue
    return None


def has_hidden_characters(text: str) -> bool:
    if text.isprintable():  # no control, format or separator character other than the space: the usual case
        return False
    return any(unicodedata.category(character) in HIDDEN_CHARACTER_CATEGORIES for character in text)


def max_rows() -> int:
    """The most cases a sample may have (settings.SAMPLE_MAX_ROWS): reading a file stops there."""
    return settings.SAMPLE_MAX_ROWS


def _what_it_seems_to_be(data: bytes) -> str | None:
    """What a file that is neither CSV nor a workbook seems to be, from its first bytes; None if it may be text."""
    signatures = (
        (b"%PDF", "a PDF document"),
        (b"\xd0\xcf\x11\xe0", "an older Office file (such as an Excel 97-2003 .xls workbook)"),
        (b"\x89PNG", "a PNG image"),
        (b"\xff\xd8\xff", "a JPEG image"),
        (b"GIF8", "a GIF image"),
        (b"{\\rtf", "a Rich Text document"),
        (b"\xff\xfe", "UTF-16 text (Excel's “Unicode text”)"),
        (b"\xfe\xff", "UTF-16 text (Excel's “Unicode text”)"),
    )
    for signature, what in signatures:
        if data.startswith(signature):
            return what
    head = data[:1024].lstrip().lower()
    if head.startswith((b"<!doctype html", b"<html")):
        return "a web page (HTML)"
    if head.startswith(b"<?xml"):
        return "an XML file"
    return None


def _zip_kind(data: bytes, max_unpacked_bytes: int) -> str | None:
    """Which Office document a ZIP archive is, or what else, if it is not an Excel workbook."""
    try:
        with zipfile.ZipFile(io.BytesIO(data)) as archive:
            names = archive.namelist()
            unpacked = sum(info.file_size for info in archive.infolist())
    except zipfile.BadZipFile:
        return NOT_A_WORKBOOK
    if any(name.startswith("xl/") for name in names):
        return WORKBOOK_TOO_LARGE if unpacked > max_unpacked_bytes else None
    if any(name.startswith("word/") for name in names):
        return SEEMS_TO_BE.format(what="a Word document")
    if any(name.startswith("ppt/") for name in names):
        return SEEMS_TO_BE.format(what="a PowerPoint presentation")
    if "content.xml" in names:
        return SEEMS_TO_BE.format(what="an OpenDocument file")
    return SEEMS_TO_BE.format(what="a ZIP archive")


def _workbook_rows(data: bytes, max_unpacked_bytes: int) -> Iterator[list[str]]:
    """A workbook's first sheet, streamed row by row (openpyxl's read-only mode keeps no cells)."""
    if problem := _zip_kind(data, max_unpacked_bytes):
        raise ValueError(problem)
    from openpyxl import load_workbook

    try:
        workbook = load_workbook(io.BytesIO(data), read_only=True, data_only=True)
    except Exception as error:  # openpyxl raises many types for a corrupt workbook
        raise ValueError(NOT_A_WORKBOOK) from error
    try:
        sheet = workbook.worksheets[0]
        for row in sheet.iter_rows(values_only=True):
            yield [cell_text(cell) for cell in row]
    except ValueError:
        raise
    except Exception as error:
        raise ValueError(NOT_A_WORKBOOK) from error
    finally:
        workbook.close()


def _encoding(data: bytes) -> str:
    """UTF-8 (with or without a byte order mark), else Windows-1252 (Excel's "CSV" on Windows).

    Only checks: the text is decoded as it is streamed, so a large caseload is never held as one string."""
    if b"\x00" in data:
        raise ValueError(WRONG_ENCODING)
    for encoding in ("utf-8-sig", "cp1252"):
        # Checked a megabyte at a time, so a 40 MB caseload is never decoded whole.
        decoder = codecs.getincrementaldecoder(encoding)()
        try:
            for start in range(0, len(data), 1 << 20):
                decoder.decode(data[start : start + (1 << 20)])
            decoder.decode(b"", final=True)
        except UnicodeDecodeError:
            continue
        return encoding
    raise ValueError(WRONG_ENCODING)


def _separator(text: io.TextIOBase) -> str:
    """The separator of the heading (the first line with any text): whichever of , ; and tab it has most of."""
    for line in text:
        if line.strip():
            return max(SEPARATORS, key=line.count)
    return ","


def _csv_rows(data: bytes) -> Iterator[list[str]]:
    encoding = _encoding(data)
    separator = _separator(io.TextIOWrapper(io.BytesIO(data), encoding=encoding, newline=""))
    text = io.TextIOWrapper(io.BytesIO(data), encoding=encoding, newline="")
    try:
        for row in csv.reader(text, delimiter=separator):
            yield [cell.strip() for cell in row]
    except csv.Error as error:
        raise ValueError(NOT_A_WORKBOOK) from error


def table_rows(name: str, data: bytes, *, max_unpacked_bytes: int | None = None) -> Iterator[list[str]]:
    """An uploaded table's rows as text cells, streamed: the first sheet of an Excel workbook, or CSV separated by
    commas, semicolons or tabs, in UTF-8 or Windows-1252. Raises ValueError with a message for the user if it
    cannot be read, saying what the file seems to be instead (a PDF, a Word document, ...).

    Shared by every upload of a table (the sample, the caseload, the survey), so each reads files alike. A workbook
    unpacking to more than `max_unpacked_bytes` (MAX_WORKBOOK_UNPACKED_BYTES unless given) is refused unread."""
    if data[:4] == b"PK\x03\x04":
        return _workbook_rows(data, max_unpacked_bytes or MAX_WORKBOOK_UNPACKED_BYTES)
    if what := _what_it_seems_to_be(data):
        raise ValueError(SEEMS_TO_BE.format(what=what))
    if name.lower().endswith(".xlsx"):
        raise ValueError(NOT_A_WORKBOOK)
    return _csv_rows(data)


def sample_read(*, name: str, data: bytes) -> tuple[list[RawRow], list[ImportProblem]]:
    """Read an uploaded file into rows keyed by column heading (compared without case or punctuation), or the
    problems that stop it being read. Which columns it needs is for sample_validate: it depends on the case kinds.

    Reading streams the file and stops after max_rows() cases: the rows read are returned with a problem saying so.
    """
    if len(data) > MAX_UPLOAD_BYTES:
        return [], [ImportProblem(None, "", TOO_LARGE)]
    if not data.strip():
        return [], [ImportProblem(None, "", EMPTY_FILE)]
    limit = max_rows()
    rows: list[RawRow] = []
    problems: list[ImportProblem] = []
    positions: dict[str, int] | None = None
    try:
        for line, row in enumerate(table_rows(name, data), start=1):
            if not any(row):
                continue
            if positions is None:
                headings = [_normal(cell) for cell in row]
                positions = {
                    heading: index for index, heading in reversed(list(enumerate(headings))) if heading
                }
                rows.append((line, {heading: heading for heading in positions}))
                continue
            if len(rows) > limit:
                problems.append(ImportProblem(None, "", TOO_MANY_ROWS.format(limit=limit)))
                break
            rows.append(
                (
                    line,
                    {
                        heading: (row[index] if index < len(row) else "")
                        for heading, index in positions.items()
                    },
                )
            )
    except ValueError as error:
        return [], [ImportProblem(None, "", str(error))]
    if positions is None:
        return [], [ImportProblem(None, "", EMPTY_FILE)]
    if len(rows) == 1:
        return [], [ImportProblem(None, "", NO_ROWS)]
    return rows, problems


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
    # Usernames are compared without case (Amira is amira); the cases name the user as the team spells them.
    assistant_inspectors = {
        username.casefold(): username
        for username in InspectionMembership.objects.filter(
            inspection=inspection, role=Role.ASSISTANT_INSPECTOR
        ).values_list("user__username", flat=True)
    }
    # References are kept as written but compared without case: NEW001 and new001 are the same case.
    existing = {reference.casefold() for reference in inspection.cases.values_list("reference", flat=True)}
    limit = max_rows()
    if len(existing) + len(data_rows) > limit:
        total = len(existing) + len(data_rows)
        file_problems.append(
            ImportProblem(None, "", SAMPLE_TOO_LARGE.format(total=total, existing=len(existing), limit=limit))
        )
    today = timezone.localdate()
    kind_names = _or_list([in_sentence(k.name) for k in definition.case_kinds])
    seen: dict[str, int] = {}
    parsed: list[SampleRow] = []
    problems: list[ImportProblem] = list(file_problems)
    count = len(problems)
    for line, values in data_rows:
        row = SampleRow(line=line, reference=values.get(_normal(REFERENCE), "").strip())
        folded = row.reference.casefold()

        def problem(column: str, message: str, value: str = "", row=row) -> None:
            row.problems.append(ImportProblem(row.line, column, message, value))

        if not row.reference:
            problem(REFERENCE, MISSING_VALUE.format(column=REFERENCE.lower()))
        elif len(row.reference) > REFERENCE_MAX_LENGTH:
            problem(REFERENCE, REFERENCE_TOO_LONG, row.reference)
        elif has_hidden_characters(row.reference):
            problem(REFERENCE, REFERENCE_HIDDEN_CHARACTERS, row.reference)
        elif folded in seen:
            problem(
                REFERENCE, DUPLICATE_IN_FILE.format(reference=row.reference, line=seen[folded]), row.reference
            )
        elif folded in existing:
            problem(REFERENCE, DUPLICATE_IN_SAMPLE.format(reference=row.reference), row.reference)
        else:
            seen[folded] = line

        row.kind = chosen
        if chosen is None:
            text = values.get(_normal(KIND), "")
            row.kind = kinds.get(_normal(text))
            if not text:
                problem(KIND, MISSING_VALUE.format(column=KIND.lower()))
            elif row.kind is None:
                problem(KIND, UNKNOWN_KIND.format(options=kind_names), text)
        for attribute in row.kind.attributes if row.kind else ():
            _attribute_check(row, attribute, values.get(_normal(attribute.label), "").strip(), today, problem)

        username = values.get(_normal(ASSISTANT), "").strip()
        if username and username.casefold() not in assistant_inspectors:
            problem(ASSISTANT, UNKNOWN_USER.format(username=username), username)
        row.assistant_inspector = assistant_inspectors.get(username.casefold(), username)
        parsed.append(row)
        count += len(row.problems)
        if len(problems) < MAX_LISTED_PROBLEMS:
            problems.extend(row.problems[: MAX_LISTED_PROBLEMS - len(problems)])
    return ImportPreview(rows=parsed, problems=problems, raw_rows=list(rows), problem_count=count)


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
            problem(column, UNKNOWN_CHOICE.format(column=column, options=options), text)
        else:
            row.attributes[attribute.key] = value
    elif attribute.type == "date":
        date = parse_date(text)
        if date is None:
            problem(column, BAD_DATE.format(column=column), text)
        elif date > today:
            problem(column, FUTURE_DATE.format(column=column), text)
        else:
            row.attributes[attribute.key] = date.isoformat()
    else:
        row.attributes[attribute.key] = text


def sample_preview(*, inspection: Inspection, name: str, data: bytes, kind: str = "") -> ImportPreview:
    """Read and validate an upload without saving anything."""
    rows, problems = sample_read(name=name, data=data)
    if not rows:
        return ImportPreview(rows=[], problems=problems)
    preview = sample_validate(inspection=inspection, rows=rows, kind=kind)
    if problems:  # the file had more rows than a sample may: say so first, with the problems of the rows read
        return ImportPreview(
            rows=preview.rows,
            problems=[*problems, *preview.problems],
            raw_rows=preview.raw_rows,
            problem_count=preview.problem_count + len(problems),
        )
    return preview


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
    users = {
        username.casefold(): user_id
        for username, user_id in InspectionMembership.objects.filter(
            inspection=inspection, role=Role.ASSISTANT_INSPECTOR
        ).values_list("user__username", "user_id")
    }
    cases = [
        InspectedCase(
            inspection=inspection,
            reference=row.reference,
            kind=row.kind.slug if row.kind else "",
            attributes=row.attributes,
            assistant_inspector_id=users.get(row.assistant_inspector.casefold()),
        )
        for row in preview.rows
    ]
    return bulk_create_with_history(cases, InspectedCase, batch_size=2000, default_user=user)


def preview_keep(*, inspection: Inspection, user, rows: Sequence[RawRow], kind: str = "") -> int:
    """Keep a clean preview's rows until the lead confirms them; returns its id (the session keeps only that).
    Deletes this lead's earlier previews for the inspection (abandoned by uploading again) and every old one."""
    preview_discard(inspection=inspection, user=user)
    return SamplePreview.objects.create(
        inspection=inspection, uploaded_by=user, rows=list(rows), kind=kind
    ).pk


def preview_discard(*, inspection: Inspection, user) -> None:
    """Delete this lead's previews for the inspection, and everyone's older than settings.SAMPLE_PREVIEW_MAX_AGE."""
    SamplePreview.objects.filter(inspection=inspection, uploaded_by=user).delete()
    SamplePreview.objects.filter(created_at__lt=timezone.now() - settings.SAMPLE_PREVIEW_MAX_AGE).delete()


def preview_take(*, inspection: Inspection, user, pk) -> SamplePreview | None:
    """The lead's kept preview, deleted as it is taken; None if there is none (confirmed already, or too old)."""
    oldest = timezone.now() - settings.SAMPLE_PREVIEW_MAX_AGE
    preview = SamplePreview.objects.filter(
        pk=pk, inspection=inspection, uploaded_by=user, created_at__gte=oldest
    ).first()
    if pk is not None:
        SamplePreview.objects.filter(pk=pk, inspection=inspection, uploaded_by=user).delete()
    return preview


def sample_template(definition: Definition, kind: CaseKind) -> str:
    """A CSV file to fill in for one kind of case: its columns and one example row. It starts with a byte order
    mark so that Excel opens it as UTF-8."""
    columns = sample_columns(definition, kind)
    example = {REFERENCE: "EXAMPLE001", KIND: kind.name, ASSISTANT: ""}
    for attribute in kind.attributes:
        if attribute.type == "choice" and attribute.options:
            example[attribute.label] = attribute.options[0].label
        elif attribute.type == "date":
            example[attribute.label] = (timezone.localdate() - datetime.timedelta(days=90)).isoformat()
        else:
            example[attribute.label] = "Example"
    buffer = io.StringIO()
    buffer.write("\ufeff")
    writer = csv.writer(buffer)
    writer.writerow([heading for heading, _ in columns])
    writer.writerow([example.get(heading, "") for heading, _ in columns])
    return buffer.getvalue()
