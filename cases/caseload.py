"""Reading a PDU's caseload for the sample designer: a CSV or XLSX file, streamed twice and never held as rows.

The first pass checks every row (all problems at once, with line and column, as the sample import reports them)
and finds the eligible cases and the duplicates of one person (same CRN, same PNC, or same name and date of
birth: the earliest start is kept). The second pass yields the eligible cases one at a time for the caller to
save in batches. Name, date of birth and PNC are read only to find duplicates and are never yielded.
"""

from __future__ import annotations

import datetime
import functools
import hashlib
from collections.abc import Callable, Iterable, Iterator, Sequence
from dataclasses import dataclass, field
from typing import Any, NamedTuple

from inspections.definitions import Attribute, CaseKind

from .imports import has_hidden_characters, parse_date, table_rows

MAX_CASELOAD_BYTES = 40 * 1024 * 1024
REFERENCE_MAX_LENGTH = 50
TEXT_MAX_LENGTH = 100

# A caseload workbook may be large: refuse one whose parts unpack to more than this before openpyxl reads any of it.
MAX_CASELOAD_UNPACKED_BYTES = 400 * 1024 * 1024

EMPTY_FILE = "The file is empty"
TOO_LARGE = "The file must be smaller than 40 MB"
MISSING_COLUMN = "The file has no “{column}” column"
NO_ROWS = "The file has a heading row but no cases"
MISSING_VALUE = "Enter the {column}"
UNKNOWN_OPTION = "{column} must be one of: {options}"
BAD_DATE = "{column} must be a real date, like 2026-03-02 or 02/03/2026"
TOO_LONG = "{column} must be {limit} characters or fewer"
HIDDEN_CHARACTERS = "{column} must be on one line, without tabs or other hidden characters"
UNKNOWN_GENDER = "Gender must be female or male"

# Why an eligible-looking row is left out. Each is counted and listed with its line.
REDACTED = "Redacted (a * in the name or case reference)"
STARTS_AFTER_TODAY = "Starts after today"
BEFORE_WINDOW = "Starts before the window"
AFTER_WINDOW = "Starts after the window"
CASE_TYPE_NOT_SAMPLED = "Case type not sampled"
ALREADY_IN_SAMPLE = "Already in this inspection's sample"
DUPLICATE = "Same person as line {line} (same {key}): the earliest start is kept"

GENDERS = {"female": "female", "f": "female", "male": "male", "m": "male"}
NOT_RECORDED = "Not recorded"

# Heading (normalised) → field, for the columns every caseload has. Attributes of the case kind are added by label.
CORE_HEADINGS = {
    "crn": "reference",
    "case reference": "reference",
    "pnc": "pnc",
    "pnc number": "pnc",
    "name": "name",
    "date of birth": "date_of_birth",
    "dob": "date_of_birth",
    "start date": "start_date",
    "gender": "gender",
    "ethnicity": "ethnicity",
    "ethnicity group": "ethnicity",
    "team": "team",
    "practitioner": "practitioner",
    "responsible officer": "practitioner",
}
LABELS = {
    "reference": "Case reference (CRN)",
    "pnc": "PNC",
    "name": "Name",
    "date_of_birth": "Date of birth",
    "start_date": "Start date",
    "gender": "Gender",
    "ethnicity": "Ethnicity group",
    "team": "Team",
    "practitioner": "Practitioner",
}
REQUIRED = ("reference", "start_date", "gender", "team", "practitioner")
CASE_TYPE = "case_type"


# Line and paragraph separators, tabs, zero-width and other invisible characters: a value is one visible line.


@dataclass(frozen=True)
class ImportProblem:
    """One problem with the file, as the sample import reports it: `line` is the spreadsheet's (the heading is
    line 1), None for the whole file."""

    line: int | None
    column: str
    message: str


class CaseloadRow(NamedTuple):
    """An eligible case as saved: no name, date of birth or PNC."""

    line: int
    reference: str
    start_date: datetime.date
    gender: str
    ethnicity: str
    team: str
    practitioner: str
    attributes: dict[str, str]


@dataclass(frozen=True)
class Eligibility:
    window_start: datetime.date
    window_end: datetime.date
    today: datetime.date
    case_types: frozenset[str] = frozenset()  # empty: every case type
    existing_references: frozenset[str] = frozenset()  # casefolded references already in the inspection


@dataclass
class CaseloadRead:
    """The first pass: problems (the file is refused if any), exclusions, and a second pass over the eligible."""

    sha256: str
    rows_read: int = 0
    problems: list[ImportProblem] = field(default_factory=list)
    exclusions: list[tuple[int, str]] = field(default_factory=list)
    eligible_lines: set[int] = field(default_factory=set)
    duplicate_lines: set[int] = field(default_factory=set)
    _second_pass: Callable[[], Iterator[CaseloadRow]] | None = None

    def eligible(self) -> Iterator[CaseloadRow]:
        """The eligible cases in line order, read again from the file."""
        if self._second_pass is None or self.problems:
            return iter(())
        return self._second_pass()


def start_attribute(kind: CaseKind) -> str:
    """The case kind's date attribute the caseload's start date fills (supervision start, report date), or ''."""
    return next((attribute.key for attribute in kind.attributes if attribute.type == "date"), "")


def documented_columns(kind: CaseKind) -> list[tuple[str, bool, str]]:
    """The caseload's columns for a case kind, as the upload page lists them: (heading, required, what it is)."""
    start = kind.attribute(start_attribute(kind))
    columns = [
        ("CRN", True, "The case reference; also “Case reference”."),
        ("PNC", False, "To find one person's several cases; not kept."),
        (
            "Name",
            False,
            "To find one person's several cases (with the date of birth); not kept. A * marks it redacted.",
        ),
        ("Date of birth", False, "With the name, to find one person's several cases; not kept."),
        (start.label if start else "Start date", True, "Also “Start date”. Like 2026-03-02 or 02/03/2026."),
        ("Gender", True, "Female or male."),
        ("Ethnicity group", False, "Shown against the caseload; “Not recorded” if empty."),
        ("Team", True, "The practitioner's team."),
        ("Practitioner", True, "Also “Responsible officer”."),
    ]
    for attribute in kind.attributes:
        if attribute.key == start_attribute(kind):
            continue
        options = ", ".join(option.label for option in attribute.options)
        columns.append(
            (attribute.label, attribute.required, f"One of: {options}." if options else attribute.hint)
        )
    return columns


def _normalise(text: str) -> str:
    return " ".join(text.lower().replace("_", " ").replace("-", " ").split())


# For columns with few distinct values (gender, case type, RoSH level): each spelling is normalised once.
_normalise_choice = functools.lru_cache(maxsize=1024)(_normalise)
# Start dates fall in a window of months, so most are parsed once; the cache keeps memory bounded.
_date = functools.lru_cache(maxsize=4096)(parse_date)


def _option_lookup(attribute: Attribute) -> dict[str, str]:
    lookup = {}
    for option in attribute.options:
        for spelling in (option.value, option.label, *option.aliases):
            lookup[_normalise(spelling)] = option.value
    return lookup


class _Columns:
    """Where each field and attribute is in the heading row."""

    def __init__(self, kind: CaseKind, header: Sequence[str]):
        self.kind = kind
        headings = [_normalise(cell) for cell in header]
        wanted = dict(CORE_HEADINGS)
        self.start_attribute = start_attribute(kind)
        for attribute in kind.attributes:
            target = "start_date" if attribute.key == self.start_attribute else f"attribute:{attribute.key}"
            for spelling in (attribute.label, attribute.key):
                wanted.setdefault(_normalise(spelling), target)
        if kind.attribute(CASE_TYPE):
            wanted.setdefault("sentence type", f"attribute:{CASE_TYPE}")
        self.position: dict[str, int] = {}
        for index, heading in enumerate(headings):
            if heading in wanted:
                self.position.setdefault(wanted[heading], index)
        self.labels = dict(LABELS)
        if self.start_attribute:
            self.labels["start_date"] = kind.attribute(self.start_attribute).label  # type: ignore[union-attr]
        self.choice_lookups: dict[str, dict[str, str]] = {}
        for attribute in kind.attributes:
            if attribute.key != self.start_attribute:
                self.labels[f"attribute:{attribute.key}"] = attribute.label
                if attribute.type == "choice":
                    self.choice_lookups[attribute.key] = _option_lookup(attribute)
        self.required = [*REQUIRED] + [
            f"attribute:{a.key}" for a in kind.attributes if a.required and a.key != self.start_attribute
        ]

    def missing(self) -> list[str]:
        return [self.labels[name] for name in self.required if name not in self.position]

    def values(self, row: Sequence[str]) -> dict[str, str]:
        return {name: (row[index] if index < len(row) else "") for name, index in self.position.items()}

    def quick(self) -> Callable[[Sequence[str]], _Parsed | None]:
        """A parser for a row by position that returns None whenever the row needs `_parse`'s checks and messages
        (a missing, too long, hidden or unknown value, a bad date), so most rows skip the dict and the checks."""
        # A column the file lacks reads the empty cell added after the last column the file has.
        width = max(self.position.values(), default=-1) + 1

        def at(name: str) -> int:
            return self.position.get(name, width)

        reference, pnc, name, birth = at("reference"), at("pnc"), at("name"), at("date_of_birth")
        start, gender, ethnicity = at("start_date"), at("gender"), at("ethnicity")
        team, practitioner = at("team"), at("practitioner")
        attributes = [
            (a.key, at(f"attribute:{a.key}"), a.required, a.type, self.choice_lookups.get(a.key))
            for a in self.kind.attributes
            if a.key != self.start_attribute
        ]

        def parse(cells: Sequence[str]) -> _Parsed | None:
            row = [*cells[:width], *[""] * (width + 1 - min(len(cells), width))]
            parsed = _Parsed()
            parsed.reference = value = row[reference]
            if not value or len(value) > REFERENCE_MAX_LENGTH or not value.isprintable():
                return None
            parsed.pnc = "".join(row[pnc].lower().replace("_", " ").replace("-", " ").split())
            name_text = row[name]
            parsed.redacted = "*" in name_text or "*" in value
            if birth_text := row[birth]:
                if (day := _date(birth_text)) is None:
                    return None
                if person := _normalise(name_text):
                    parsed.person = f"{person}|{day.isoformat()}"
            if (day := _date(row[start])) is None:
                return None
            parsed.start = day
            if (known := GENDERS.get(_normalise_choice(row[gender]))) is None:
                return None
            parsed.gender = known
            parsed.ethnicity, parsed.team, parsed.practitioner = row[ethnicity], row[team], row[practitioner]
            for value in (parsed.ethnicity, parsed.team, parsed.practitioner):
                if len(value) > TEXT_MAX_LENGTH or not value.isprintable():
                    return None
            if not (parsed.team and parsed.practitioner):
                return None
            parsed.ethnicity = parsed.ethnicity or NOT_RECORDED
            for key, index, required, type_, lookup in attributes:
                value = row[index]
                if not value:
                    if required:
                        return None
                elif lookup is not None:
                    if (option := lookup.get(_normalise_choice(value))) is None:
                        return None
                    parsed.attributes[key] = option
                elif type_ == "date":
                    if (day := _date(value)) is None:
                        return None
                    parsed.attributes[key] = day.isoformat()
                else:
                    parsed.attributes[key] = value
            return parsed

        return parse


@dataclass
class _Parsed:
    reference: str = ""
    pnc: str = ""
    person: str = ""  # normalised name and date of birth, for duplicates only
    start: datetime.date | None = None
    gender: str = ""
    ethnicity: str = ""
    team: str = ""
    practitioner: str = ""
    redacted: bool = False
    attributes: dict[str, str] = field(default_factory=dict)


def _parse(line: int, values: dict[str, str], columns: _Columns, problems: list[ImportProblem]) -> _Parsed:
    """One row's values, appending every problem it has to `problems`."""
    parsed = _Parsed()

    def problem(name: str, message: str) -> None:
        problems.append(ImportProblem(line, columns.labels[name], message))

    def text(name: str, required: bool, limit: int = TEXT_MAX_LENGTH) -> str:
        value = values.get(name, "").strip()
        label = columns.labels[name]
        if not value:
            if required:
                problem(name, MISSING_VALUE.format(column=label[:1].lower() + label[1:]))
        elif len(value) > limit:
            problem(name, TOO_LONG.format(column=label, limit=limit))
        elif has_hidden_characters(value):
            problem(name, HIDDEN_CHARACTERS.format(column=label))
        return value

    parsed.reference = text("reference", True, REFERENCE_MAX_LENGTH)
    parsed.pnc = _normalise(values.get("pnc", "")).replace(" ", "")
    name = values.get("name", "")
    parsed.redacted = "*" in name or "*" in parsed.reference
    birth_text = values.get("date_of_birth", "").strip()
    if birth_text:
        birth = parse_date(birth_text)
        if birth is None:
            problem("date_of_birth", BAD_DATE.format(column="Date of birth"))
        elif _normalise(name):
            parsed.person = f"{_normalise(name)}|{birth.isoformat()}"
    start_text = values.get("start_date", "").strip()
    start_label = columns.labels["start_date"]
    if not start_text:
        problem("start_date", MISSING_VALUE.format(column=start_label.lower()))
    elif (start := parse_date(start_text)) is None:
        problem("start_date", BAD_DATE.format(column=start_label))
    else:
        parsed.start = start
    gender_text = values.get("gender", "").strip()
    if not gender_text:
        problem("gender", MISSING_VALUE.format(column="gender"))
    elif (gender := GENDERS.get(_normalise_choice(gender_text))) is None:
        problem("gender", UNKNOWN_GENDER)
    else:
        parsed.gender = gender
    parsed.ethnicity = text("ethnicity", False) or NOT_RECORDED
    parsed.team = text("team", True)
    parsed.practitioner = text("practitioner", True)
    for attribute in columns.kind.attributes:
        if attribute.key == columns.start_attribute:
            continue
        column = f"attribute:{attribute.key}"
        value = values.get(column, "").strip()
        if not value:
            if attribute.required:
                problem(
                    column, MISSING_VALUE.format(column=attribute.label[:1].lower() + attribute.label[1:])
                )
        elif attribute.type == "choice":
            if (option := columns.choice_lookups[attribute.key].get(_normalise_choice(value))) is None:
                options = ", ".join(option.label.lower() for option in attribute.options)
                problem(column, UNKNOWN_OPTION.format(column=attribute.label, options=options))
            else:
                parsed.attributes[attribute.key] = option
        elif attribute.type == "date":
            if (day := parse_date(value)) is None:
                problem(column, BAD_DATE.format(column=attribute.label))
            else:
                parsed.attributes[attribute.key] = day.isoformat()
        else:
            parsed.attributes[attribute.key] = value
    return parsed


def _exclusion(parsed: _Parsed, rules: Eligibility) -> str | None:
    assert parsed.start is not None
    if parsed.redacted:
        return REDACTED
    if parsed.start > rules.today:
        return STARTS_AFTER_TODAY
    if parsed.start < rules.window_start:
        return BEFORE_WINDOW
    if parsed.start > rules.window_end:
        return AFTER_WINDOW
    if rules.case_types and parsed.attributes.get(CASE_TYPE) not in rules.case_types:
        return CASE_TYPE_NOT_SAMPLED
    if parsed.reference.casefold() in rules.existing_references:
        return ALREADY_IN_SAMPLE
    return None


def _data_rows(name: str, data: bytes, kind: CaseKind) -> Iterator[tuple[int, list[str]] | _Columns]:
    """The column map first, then (line, cells) for each non-blank row. Raises ValueError for an unreadable file."""
    columns: _Columns | None = None
    for line, row in enumerate(
        table_rows(name, data, max_unpacked_bytes=MAX_CASELOAD_UNPACKED_BYTES), start=1
    ):
        if not any(row):
            continue
        if columns is None:
            columns = _Columns(kind, row)
            yield columns
            continue
        yield line, row


def caseload_read(
    *,
    name: str,
    data: bytes,
    kind: CaseKind,
    rules: Eligibility,
    sink: Callable[[CaseloadRow], None] | None = None,
) -> CaseloadRead:
    """First pass over an uploaded caseload: every problem, every exclusion with its reason, the eligible lines.

    With a `sink`, every row that passes the eligibility rules is given to it as it is read, until a problem is
    found; the duplicates are known only at the end (`duplicate_lines`), so the caller removes those afterwards.
    This saves a caseload in one pass; without a sink, `eligible()` reads the file again.
    """
    result = CaseloadRead(sha256=hashlib.sha256(data).hexdigest())
    if len(data) > MAX_CASELOAD_BYTES:
        result.problems.append(ImportProblem(None, "", TOO_LARGE))
        return result
    if not data.strip():
        result.problems.append(ImportProblem(None, "", EMPTY_FILE))
        return result
    # Duplicates: each identity key → the first line that had it; lines joined into groups (union-find).
    first_with: dict[str, dict[str, int]] = {"CRN": {}, "PNC": {}, "name and date of birth": {}}
    parent: dict[int, int] = {}
    linked_by: dict[int, str] = {}
    starts: dict[int, int] = {}

    def root(line: int) -> int:
        while parent[line] != line:
            parent[line] = parent[parent[line]]
            line = parent[line]
        return line

    columns: _Columns | None = None
    quick: Callable[[Sequence[str]], _Parsed | None] = lambda row: None  # noqa: E731
    try:
        for item in _data_rows(name, data, kind):
            if isinstance(item, _Columns):
                columns = item
                if missing := columns.missing():
                    result.problems.extend(
                        ImportProblem(1, column, MISSING_COLUMN.format(column=column)) for column in missing
                    )
                    return result
                quick = columns.quick()
                continue
            line, row = item
            result.rows_read += 1
            assert columns is not None  # the heading row comes first
            parsed = quick(row) or _parse(line, columns.values(row), columns, result.problems)
            if result.problems:
                continue  # a refused file has no exclusions to list
            if reason := _exclusion(parsed, rules):
                result.exclusions.append((line, reason))
                continue
            assert parsed.start is not None
            parent[line] = line
            starts[line] = parsed.start.toordinal()
            for label, key in (
                ("CRN", parsed.reference.casefold()),
                ("PNC", parsed.pnc),
                ("name and date of birth", parsed.person),
            ):
                if not key:
                    continue
                seen = first_with[label]
                if (first := seen.get(key)) is None:
                    seen[key] = line
                elif (other := root(first)) != (mine := root(line)):
                    linked_by.setdefault(line, label)
                    parent[mine] = other
            if sink is not None:
                sink(
                    CaseloadRow(
                        line,
                        parsed.reference,
                        parsed.start,
                        parsed.gender,
                        parsed.ethnicity,
                        parsed.team,
                        parsed.practitioner,
                        parsed.attributes,
                    )
                )
    except ValueError as error:
        result.problems.append(ImportProblem(None, "", str(error)))
        return result
    if columns is None:
        result.problems.append(ImportProblem(None, "", EMPTY_FILE))
        return result
    if result.rows_read == 0:
        result.problems.append(ImportProblem(None, "", NO_ROWS))
        return result
    if result.problems:
        return result
    keeper: dict[int, int] = {}
    for line in parent:
        group = root(line)
        best = keeper.get(group)
        if best is None or (starts[line], line) < (starts[best], best):
            keeper[group] = line
    for line in parent:
        kept = keeper[root(line)]
        if kept == line:
            result.eligible_lines.add(line)
        else:
            result.duplicate_lines.add(line)
            key = linked_by.get(line) or linked_by.get(kept) or "CRN, PNC or name and date of birth"
            result.exclusions.append((line, DUPLICATE.format(line=kept, key=key)))
    result.exclusions.sort()
    eligible = result.eligible_lines

    def second_pass() -> Iterator[CaseloadRow]:
        scratch: list[ImportProblem] = []
        for item in _data_rows(name, data, kind):
            if isinstance(item, _Columns):
                continue
            line, row = item
            if line not in eligible:
                continue
            parsed = quick(row) or _parse(line, item_columns[0].values(row), item_columns[0], scratch)
            assert parsed.start is not None
            yield CaseloadRow(
                line,
                parsed.reference,
                parsed.start,
                parsed.gender,
                parsed.ethnicity,
                parsed.team,
                parsed.practitioner,
                parsed.attributes,
            )

    item_columns = [columns]
    result._second_pass = second_pass
    return result


def batched(rows: Iterable[Any], size: int) -> Iterator[list[Any]]:
    """Rows in lists of at most `size`, so a caller saves a stream without holding it."""
    batch: list[Any] = []
    for row in rows:
        batch.append(row)
        if len(batch) == size:
            yield batch
            batch = []
    if batch:
        yield batch
