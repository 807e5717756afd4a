"""A framework as an Excel workbook, for people who are not developers: one sheet per part (the framework, its
domains, standards, key questions, case kinds, attributes, facts, needs, bands, notes and sources), one row per
item, a column per field, as REDCap's data dictionary and ODK's XLSForm define forms.

`workbook(definition)` writes a framework version; `document_from_workbook(content)` reads one back to the same
normalised document `definitions.document(parse(...))` gives, or raises DefinitionInvalid with every problem
placed on its sheet, row and column ("Standards sheet, row 5, column rated_by: ..."). The format is described in
docs/framework-workbook.md. Pure Python (openpyxl), no Django.
"""

from __future__ import annotations

import datetime
import difflib
import io
import re
import zipfile
from collections.abc import Iterable, Iterator, Sequence
from dataclasses import dataclass
from typing import Any

import openpyxl
from openpyxl.styles import Alignment, Font
from openpyxl.utils import get_column_letter
from openpyxl.worksheet.datavalidation import DataValidation

from .definition_checks import DefinitionInvalid, Problem, check_pools, parse, parse_json
from .definitions import (
    ATTRIBUTE_TYPES,
    NOTE_STATUSES,
    OVERALL_RULES,
    RATED_BY,
    RATINGS_BANDED,
    UNITS,
    Definition,
    document,
)

README = "Read me"
# Each sheet's columns, in order; the headings are these words (a heading may also be written "Rated by").
SHEETS: dict[str, tuple[str, ...]] = {
    "Framework": ("format", "slug", "version", "name", "unit", "effective_from", "overall_rule"),
    "Domains": ("code", "title"),
    "Standards": (
        "code",
        "domain",
        "title",
        "description",
        "rated_by",
        "case_kind",
        "optional",
        "rated_by_default",
        "counts_in_composite",
        "pool_from",
    ),
    "Key questions": (
        "standard",
        "code",
        "criterion",
        "wording",
        "prompts",
        "record_prompts",
        "applies_when",
        "pools",
    ),
    "Case kinds": ("slug", "name", "plural"),
    "Attributes": (
        "case_kind",
        "key",
        "label",
        "type",
        "required",
        "options",
        "aliases",
        "breakdown",
        "recorded_on_case",
        "hint",
    ),
    "Facts": (
        "case_kind",
        "key",
        "label",
        "question",
        "options",
        "aliases",
        "sufficient",
        "counted",
        "applies_when",
        "hint",
    ),
    "Needs": ("case_kind", "key", "label"),
    "Bands": ("for", *RATINGS_BANDED),
    "Notes": ("status", "about", "text"),
    "Sources": ("source",),
}
REQUIRED_SHEETS = ("Framework", "Domains", "Standards", "Bands")
KEY_QUESTION_BANDS = "key_questions"  # the Bands sheet's row for the key questions; other rows name a maximum
YES, NO = "yes", "no"
FLAGS = (
    "optional",
    "rated_by_default",
    "counts_in_composite",
    "record_prompts",
    "required",
    "breakdown",
    "recorded_on_case",
)
CHOICES: dict[str, Sequence[str]] = {
    "unit": UNITS,
    "overall_rule": OVERALL_RULES,
    "rated_by": RATED_BY,
    "type": ATTRIBUTE_TYPES,
    "status": NOTE_STATUSES,
    **dict.fromkeys(FLAGS, (YES, NO)),
}
TEXT_COLUMNS = ("code", "domain", "standard", "pools", "slug", "for")  # kept as text, so 2.10 stays 2.10
MAX_ROWS = 5000  # per sheet; far more than any framework has
MAX_UNPACKED_BYTES = 50 * 1024 * 1024  # a workbook is a zip: the shipped framework unpacks to about 0.1 MB
TOO_LARGE_UNPACKED = "is too large once unpacked to be a framework workbook."
# The framework checks say how to fix a JSON document; in a workbook the same fix is said in its words.
WORKBOOK_FIXES: tuple[tuple[str, str], ...] = (
    (r'^Add \[\{"value"', "Write its options as value=Label; value=Label."),
    (r'^Set "type": "choice"', "Set type to choice, or empty the options cell."),
    (r'^Set "breakdown": false', "Set breakdown to no."),
    (r"^Add prompts or set it false", "Write its prompts (one per line) or set record_prompts to no."),
    (r'^Add "pools"', "Write the codes of the key questions it pools in the pools column."),
    (r'^Set "rated_by": "pooled"', "Set its standard's rated_by to pooled, or empty the pools cell."),
    (r'^Remove "case_kind"', "Empty the case_kind cell."),
    (r"^Add at least one", "Add its key questions on the Key questions sheet."),
    (
        r'^Remove them, or set "rated_by"',
        "Remove its rows from the Key questions sheet, or change its rated_by.",
    ),
    (
        r'^Add "pool_from"',
        "Write the slug of the framework whose units' cases it pools in the pool_from column.",
    ),
    (
        r'^Add "(\d+)": \{',
        r"Add a row to the Bands sheet with \1 in the for column and the lowest score of each rating.",
    ),
)

NOT_A_WORKBOOK = "is not an Excel workbook (.xlsx)."
NOT_A_WORKBOOK_FIX = (
    "Save the framework from Excel or LibreOffice as an Excel workbook (.xlsx), or use its JSON file. "
    "Download any framework version as a workbook to start from."
)
NOT_A_FRAMEWORK_WORKBOOK = "has none of the sheets of a framework workbook."
NOT_A_FRAMEWORK_FILE = "is neither a framework's JSON file (.json) nor its workbook (.xlsx)."
NOT_JSON = "is not valid JSON"

HELP: dict[str, str] = {
    "Framework": "One row: the framework version (format is 2; unit is pdu or region; effective_from is a date; "
    "overall_rule is composite or team_judgement).",
    "Domains": "One row per domain: its code and title.",
    "Standards": "One row per standard. rated_by: lowest_key_question (from the cases of its case_kind), "
    "team_judgement, pooled (pool_from names the framework whose units' cases it pools) or not_rated. "
    "optional, rated_by_default and counts_in_composite are yes or no.",
    "Key questions": "One row per key question; standard is the code of its standard. prompts: one per line "
    "in the cell. applies_when: an attribute and its values, e.g. case_type = licence, community. "
    "pools: the key question codes a pooled standard's question pools, separated by commas.",
    "Case kinds": "One row per kind of case sampled (e.g. supervision, court_report).",
    "Attributes": "One row per attribute of a case kind (its import columns). options: value=Label; "
    "value=Label. aliases (other spellings an import may use): value=alias, alias; value=alias.",
    "Facts": "One row per case fact: a question with answer options (value=Label; ...). sufficient and counted "
    "list option values separated by commas; the rate is sufficient answers out of counted ones.",
    "Needs": "One row per criminogenic need of a case kind.",
    "Bands": f"The lowest value of each rating. A row for {KEY_QUESTION_BANDS} (percentages), and a row for each "
    "composite maximum the standards can give (e.g. 27).",
    "Notes": "One row per note: status (confirmed, inferred or unconfirmed), what it is about, the note.",
    "Sources": "One row per source the framework is taken from.",
}


# Writing ------------------------------------------------------------------------------------------------------


def _escape(text: str, separators: str) -> str:
    for character in "\\" + separators:
        text = text.replace(character, "\\" + character)
    return text


def _options_cell(options: Iterable[dict[str, Any]]) -> str:
    return "; ".join(f"{option['value']}={_escape(option['label'], ';')}" for option in options)


def _aliases_cell(options: Iterable[dict[str, Any]]) -> str:
    return "; ".join(
        f"{option['value']}=" + ", ".join(_escape(alias, ";,") for alias in option["aliases"])
        for option in options
        if option.get("aliases")
    )


def _condition_cell(item: dict[str, Any]) -> str:
    condition = item.get("applies_when")
    return f"{condition['attribute']} = {', '.join(condition['in'])}" if condition else ""


def _flag(value: bool) -> str:
    return YES if value else NO


def _rows(data: dict[str, Any]) -> dict[str, list[tuple[Any, ...]]]:
    """Each sheet's rows (without the headings) for a normalised document."""
    kinds = data["case_kinds"]
    return {
        "Framework": [
            (
                data["format"],
                data["slug"],
                data["version"],
                data["name"],
                data["unit"],
                data["effective_from"],
                data["overall"]["rule"],
            )
        ],
        "Domains": [(d["code"], d["title"]) for d in data["domains"]],
        "Standards": [
            (
                s["code"],
                s["domain"],
                s["title"],
                s["description"],
                s["rated_by"],
                s.get("case_kind", ""),
                _flag(s["optional"]),
                _flag(s["rated_by_default"]),
                _flag(s["counts_in_composite"]),
                s.get("pool_from", ""),
            )
            for s in data["standards"]
        ],
        "Key questions": [
            (
                s["code"],
                kq["code"],
                kq["criterion"],
                kq["wording"],
                "\n".join(kq["prompts"]),
                _flag(kq["record_prompts"]),
                _condition_cell(kq),
                ", ".join(kq.get("pools", [])),
            )
            for s in data["standards"]
            for kq in s["key_questions"]
        ],
        "Case kinds": [(k["slug"], k["name"], k["plural"]) for k in kinds],
        "Attributes": [
            (
                k["slug"],
                a["key"],
                a["label"],
                a["type"],
                _flag(a["required"]),
                _options_cell(a.get("options", [])),
                _aliases_cell(a.get("options", [])),
                _flag(a["breakdown"]),
                _flag(a["recorded_on_case"]),
                a.get("hint", ""),
            )
            for k in kinds
            for a in k["attributes"]
        ],
        "Facts": [
            (
                k["slug"],
                f["key"],
                f["label"],
                f["question"],
                _options_cell(f["options"]),
                _aliases_cell(f["options"]),
                ", ".join(f["sufficient"]),
                ", ".join(f["counted"]),
                _condition_cell(f),
                f.get("hint", ""),
            )
            for k in kinds
            for f in k["facts"]
        ],
        "Needs": [(k["slug"], n["key"], n["label"]) for k in kinds for n in k["needs"]],
        "Bands": [
            (KEY_QUESTION_BANDS, *(data["key_question_bands"].get(r) for r in RATINGS_BANDED)),
            *(
                (maximum, *(bands.get(r) for r in RATINGS_BANDED))
                for maximum, bands in data["overall"]["bands"].items()
            ),
        ],
        "Notes": [(n["status"], n["about"], n["text"]) for n in data["notes"]],
        "Sources": [(source,) for source in data["sources"]],
    }


def workbook(definition: Definition) -> bytes:
    """The framework version as an .xlsx workbook, which document_from_workbook reads back unchanged."""
    book = openpyxl.Workbook()
    about = book.active
    assert about is not None  # a new workbook always has its first sheet
    about.title = README
    about.append([f"{definition.name} (version {definition.version}): a framework workbook"])
    about["A1"].font = Font(bold=True)
    about.append(
        [
            "Edit the sheets below and upload the workbook. Each sheet has a row of column headings, then one row "
            "per item. Yes/no columns take yes or no. This sheet is not read."
        ]
    )
    about.append([])
    for sheet, text in HELP.items():
        about.append([sheet, text])
    about.column_dimensions["A"].width = 16
    about.column_dimensions["B"].width = 120

    for title, rows in _rows(document(definition)).items():
        sheet = book.create_sheet(title)
        columns = SHEETS[title]
        sheet.append(list(columns))
        for row in rows:
            sheet.append(["" if value is None else value for value in row])
        sheet.freeze_panes = "A2"
        for index, column in enumerate(columns, start=1):
            letter = get_column_letter(index)
            sheet[f"{letter}1"].font = Font(bold=True)
            widest = max((len(str(row[index - 1] or "")) for row in rows), default=0)
            sheet.column_dimensions[letter].width = min(max(len(column), widest) + 2, 60)
            cells = f"{letter}2:{letter}{MAX_ROWS + 1}"
            if column in TEXT_COLUMNS:
                for (cell,) in sheet.iter_rows(min_row=2, min_col=index, max_col=index):
                    cell.number_format = "@"
            if column in CHOICES:
                validation = DataValidation(
                    type="list", formula1=f'"{",".join(CHOICES[column])}"', allow_blank=True
                )
                validation.add(cells)
                sheet.add_data_validation(validation)
            if column in ("prompts", "wording", "question", "description", "text"):
                for (cell,) in sheet.iter_rows(min_row=2, min_col=index, max_col=index):
                    cell.alignment = Alignment(wrap_text=True, vertical="top")
    out = io.BytesIO()
    book.save(out)
    return out.getvalue()


# Reading ------------------------------------------------------------------------------------------------------


@dataclass(frozen=True)
class Place:
    """Where in the workbook a part of the document came from."""

    sheet: str
    row: int | None = None
    column: str | None = None
    missing: str = ""  # how to fix it when the part is missing, in workbook words

    def __str__(self) -> str:
        return ", ".join(
            [f"{self.sheet} sheet"]
            + ([f"row {self.row}"] if self.row else [])
            + ([f"column {self.column}"] if self.column else [])
        )


@dataclass
class _Row:
    number: int
    values: dict[str, Any]


class _Book:
    """The sheets' rows as plain values, and every problem found turning them into a document."""

    def __init__(self, sheets: dict[str, list[_Row]], columns: dict[str, tuple[str, ...]]):
        self.sheets = sheets
        self.columns = columns
        self.problems: list[Problem] = []
        self.places: dict[str, Place] = {}

    def problem(self, place: Place, message: str, fix: str = "") -> None:
        self.problems.append(Problem(str(place), message, fix))

    def rows(self, sheet: str) -> list[_Row]:
        return self.sheets.get(sheet, [])

    def place(self, path: str, place: Place) -> None:
        self.places[path] = place

    def fields(self, path: str, sheet: str, row: _Row, names: Iterable[str]) -> None:
        self.place(path, Place(sheet, row.number))
        for name in names:
            self.place(f"{path}.{name}", Place(sheet, row.number, name, "Fill in this cell."))

    # Cell values --------------------------------------------------------------------------------------------

    def text(self, row: _Row, column: str) -> str | None:
        value = row.values.get(column)
        if value is None:
            return None
        if isinstance(value, bool):
            return _flag(value)
        if isinstance(value, datetime.datetime):
            return value.date().isoformat()
        if isinstance(value, datetime.date):
            return value.isoformat()
        if isinstance(value, float) and value.is_integer():
            return str(int(value))
        return str(value).strip() or None

    def number(self, row: _Row, column: str) -> Any:
        value = row.values.get(column)
        if isinstance(value, float) and value.is_integer():
            return int(value)
        if isinstance(value, str):
            text = value.strip().rstrip("%").strip()
            if not text:
                return None
            try:
                number = float(text)
            except ValueError:
                return value.strip()  # the framework checks say what is wrong with it
            return int(number) if number.is_integer() else number
        return value

    def flag(self, sheet: str, row: _Row, column: str) -> bool | None:
        value = row.values.get(column)
        if value is None or (isinstance(value, str) and not value.strip()):
            return None
        if isinstance(value, bool):
            return value
        text = str(value).strip().lower()
        if text in ("yes", "y", "true", "1"):
            return True
        if text in ("no", "n", "false", "0"):
            return False
        self.problem(Place(sheet, row.number, column), f'"{value}" is not yes or no.', "Write yes or no.")
        return None

    def words(self, row: _Row, column: str) -> list[str]:
        """A list of values separated by commas (or semicolons)."""
        return [word.strip() for word in re.split(r"[,;]", self.text(row, column) or "") if word.strip()]

    def options(self, sheet: str, row: _Row) -> list[dict[str, Any]]:
        """The options cell (value=Label; value=Label) with any aliases cell (value=alias, alias; ...)."""
        options: list[dict[str, Any]] = []
        for part in _split(self.text(row, "options") or "", ";"):
            value, equals, label = part.partition("=")
            if not equals or not value.strip() or not label.strip():
                self.problem(
                    Place(sheet, row.number, "options"),
                    f'"{_unescape(part.strip())}" is not an option written as value=Label.',
                    "Write each option as value=Label, separated by semicolons, e.g. yes=Yes; no=No.",
                )
                continue
            options.append({"value": _unescape(value.strip()), "label": _unescape(label.strip())})
        for part in _split(self.text(row, "aliases") or "", ";"):
            value, equals, aliases = part.partition("=")
            option = next((o for o in options if o["value"] == _unescape(value.strip())), None)
            if not equals or option is None:
                self.problem(
                    Place(sheet, row.number, "aliases"),
                    f'"{_unescape(part.strip())}" does not name one of the options\' values before "=".',
                    "Write value=alias, alias for each option with other spellings, separated by semicolons.",
                )
                continue
            option["aliases"] = [_unescape(a.strip()) for a in _split(aliases, ",") if a.strip()]
        return options

    def condition(self, sheet: str, row: _Row) -> dict[str, Any] | None:
        text = self.text(row, "applies_when")
        if not text:
            return None
        attribute, equals, values = text.partition("=")
        words = [word.strip() for word in re.split(r"[,;]", values) if word.strip()]
        if not equals or not attribute.strip() or not words:
            self.problem(
                Place(sheet, row.number, "applies_when"),
                f'"{text}" is not a condition written as attribute = value, value.',
                "Write the attribute, =, then the values it applies to, e.g. case_type = licence. "
                "Leave it empty if it always applies.",
            )
            return None
        return {"attribute": attribute.strip(), "in": words}


def _split(text: str, separators: str) -> list[str]:
    """Split on the separators not escaped with a backslash, keeping escapes for _unescape."""
    parts, current, escaped = [], "", False
    for character in text:
        if escaped:
            current += "\\" + character
            escaped = False
        elif character == "\\":
            escaped = True
        elif character in separators:
            parts.append(current)
            current = ""
        else:
            current += character
    parts.append(current + ("\\" if escaped else ""))
    return [part for part in parts if part.strip()]


def _unescape(text: str) -> str:
    return re.sub(r"\\(.)", r"\1", text)


def _heading(value: Any) -> str:
    return re.sub(r"[\s\-]+", "_", str(value).strip().lower()) if value is not None else ""


def _sniff(content: bytes) -> str:
    start = content[:8]
    if start.startswith(b"%PDF"):
        return "This is a PDF."
    if start.startswith(b"\xd0\xcf\x11\xe0"):
        return "This is an older Excel file (.xls) or a password-protected workbook."
    if start.lstrip().startswith((b"{", b"[")):
        return "This looks like JSON: upload it as a .json file."
    if not start.startswith(b"PK"):
        return "This looks like a text file (such as CSV)."
    return ""


def _not_a_workbook(content: bytes) -> DefinitionInvalid:
    fix = " ".join(part for part in (_sniff(content), NOT_A_WORKBOOK_FIX) if part)
    return DefinitionInvalid([Problem("The file", NOT_A_WORKBOOK, fix)])


def _read(content: bytes) -> tuple[dict[str, list[_Row]], dict[str, tuple[str, ...]], list[Problem]]:
    """The framework sheets' rows (cell values by column) and their headings; problems with the sheets' shape."""
    problems: list[Problem] = []
    sheets: dict[str, list[_Row]] = {}
    headings: dict[str, tuple[str, ...]] = {}
    try:
        with zipfile.ZipFile(io.BytesIO(content)) as archive:
            unpacked = sum(entry.file_size for entry in archive.infolist())
    except (zipfile.BadZipFile, ValueError, OSError) as error:
        raise _not_a_workbook(content) from error
    if unpacked > MAX_UNPACKED_BYTES:  # refused before openpyxl reads a byte of it
        raise DefinitionInvalid(
            [Problem("The file", TOO_LARGE_UNPACKED, "Remove anything but the framework's sheets from it.")]
        )
    try:
        book = openpyxl.load_workbook(io.BytesIO(content), read_only=True, data_only=True)
    except Exception as error:  # openpyxl raises many kinds for a file that is not a workbook
        raise _not_a_workbook(content) from error
    try:
        known = {name.lower(): name for name in SHEETS}
        for worksheet in book.worksheets:
            title = worksheet.title.strip()
            if title.lower() == README.lower():
                continue
            name = known.get(title.lower())
            if name is None:
                close = difflib.get_close_matches(title.lower(), list(known), n=1)
                problems.append(
                    Problem(
                        f"{title} sheet",
                        "is not a sheet a framework workbook has, so it was not read.",
                        f"Did you mean {known[close[0]]}?"
                        if close
                        else f"Use the sheets: {', '.join(SHEETS)}; remove this one.",
                    )
                )
                continue
            rows = worksheet.iter_rows(values_only=True)
            columns = tuple(_heading(value) for value in next(rows, ()))
            headings[name] = columns
            for index, column in enumerate(columns):
                if column and column not in SHEETS[name]:
                    close = difflib.get_close_matches(column, SHEETS[name], n=1)
                    problems.append(
                        Problem(
                            f"{name} sheet, column {get_column_letter(index + 1)} ({column})",
                            "is not a column this sheet has, so it was not read.",
                            f"Did you mean {close[0]}?"
                            if close
                            else f"Use the columns: {', '.join(SHEETS[name])}.",
                        )
                    )
            sheets[name] = []
            for number, values in enumerate(rows, start=2):
                if number > MAX_ROWS + 1:
                    problems.append(
                        Problem(
                            f"{name} sheet",
                            f"has more than {MAX_ROWS} rows.",
                            "Delete the rows below the framework's items.",
                        )
                    )
                    break
                cells = {
                    column: value
                    for column, value in zip(columns, values, strict=False)
                    if column in SHEETS[name] and not (isinstance(value, str) and not value.strip())
                }
                if any(value is not None for value in cells.values()):
                    sheets[name].append(_Row(number, cells))
    except Exception as error:  # a damaged file can fail while its sheets are read, not only when opened
        raise _not_a_workbook(content) from error
    finally:
        book.close()
    return sheets, headings, problems


def document_from_workbook(
    content: bytes, *, pool_sources: Iterable[Definition] | None = None
) -> dict[str, Any]:
    """The normalised framework document a workbook defines; DefinitionInvalid with every problem, each placed on
    its sheet, row and column, if it has any. With `pool_sources` (the loaded frameworks), what a pooled standard
    pools is checked against them here too, so those problems are placed on the sheet as well."""
    sheets, headings, problems = _read(content)
    if not sheets:
        raise DefinitionInvalid(
            [
                Problem(
                    "The workbook",
                    NOT_A_FRAMEWORK_WORKBOOK,
                    f"A framework workbook has the sheets {', '.join(SHEETS)}. "
                    "Download any framework version as a workbook to start from.",
                )
            ]
        )
    book = _Book(sheets, headings)
    book.problems.extend(problems)
    for name in REQUIRED_SHEETS:
        if name not in sheets:
            book.problem(
                Place(name),
                "is missing.",
                f"Add a sheet named {name} with the columns {', '.join(SHEETS[name])}.",
            )
    missing_columns = {
        (name, column)
        for name, columns in headings.items()
        for column in SHEETS[name]
        if column not in columns
    }
    raw = _document(book)
    try:
        definition = parse(raw)
        if pool_sources is not None:
            check_pools(definition, pool_sources)
    except DefinitionInvalid as invalid:
        unfilled: set[tuple[str, str]] = set()
        for problem in invalid.problems:
            place = _place(book.places, problem.where)
            if place is None:
                book.problems.append(problem)
                continue
            if problem.message == "is missing." and (place.sheet, place.column) in missing_columns:
                unfilled.add((place.sheet, str(place.column)))
                continue  # said once for the column, not on every row
            message = re.sub(
                r"\(first at ([^)]+)\)",
                lambda match: f"(first at {_place(book.places, match.group(1)) or match.group(1)})",
                problem.message,
            )
            fix = (place.missing or problem.fix) if problem.message == "is missing." else _fix(problem.fix)
            book.problems.append(Problem(str(place), message, fix))
        for name, column in sorted(unfilled):
            book.problem(
                Place(name, column=column),
                "This column is missing.",
                f"Add a column headed {column} to the {name} sheet and fill it in.",
            )
    if book.problems:
        unique: dict[tuple[str, str], Problem] = {}
        for problem in book.problems:
            unique.setdefault((problem.where, problem.message), problem)
        raise DefinitionInvalid(list(unique.values()))
    return document(parse(raw))


def _fix(fix: str) -> str:
    """The framework checks' fix in the workbook's words."""
    for pattern, words in WORKBOOK_FIXES:
        if re.match(pattern, fix):
            return re.sub(pattern + ".*", words, fix)
    return fix


def _place(places: dict[str, Place], where: str) -> Place | None:
    """The place of a document path, or of the nearest part containing it."""
    path = where
    while path:
        if path in places:
            return places[path]
        cut = max(path.rfind("."), path.rfind("["))
        if cut <= 0:
            break
        path = path[:cut]
    return places.get("framework") if where.startswith("framework") else None


def _put(data: dict[str, Any], key: str, value: Any) -> None:
    if value is not None:
        data[key] = value


def _document(book: _Book) -> dict[str, Any]:
    """The raw document the workbook's rows make, recording where each part came from."""
    data: dict[str, Any] = {}
    book.place("framework", Place("Framework"))
    framework = book.rows("Framework")
    if framework:
        row = framework[0]
        book.fields("framework", "Framework", row, SHEETS["Framework"])
        book.place("framework.overall", Place("Framework", row.number, "overall_rule"))
        book.place(
            "framework.overall.rule", Place("Framework", row.number, "overall_rule", "Fill in this cell.")
        )
        _put(data, "format", book.number(row, "format"))
        _put(data, "version", book.number(row, "version"))
        for column in ("slug", "name", "unit", "effective_from"):
            _put(data, column, book.text(row, column))
        data["overall"] = {"rule": book.text(row, "overall_rule")} if book.text(row, "overall_rule") else {}
        for extra in framework[1:]:
            book.problem(
                Place("Framework", extra.number),
                "A workbook defines one framework version, on the Framework sheet's second row.",
                "Remove this row.",
            )
    else:
        book.place("framework.overall", Place("Framework", 2, "overall_rule", "Fill in this cell."))
        for column in SHEETS["Framework"]:
            book.place(f"framework.{column}", Place("Framework", 2, column, "Fill in this cell."))

    for sheet, key in (("Domains", "domains"), ("Standards", "standards"), ("Case kinds", "case_kinds")):
        book.place(f"framework.{key}", Place(sheet, missing=f"Add a row for each on the {sheet} sheet."))
    data["domains"] = []
    for index, row in enumerate(book.rows("Domains")):
        book.fields(f"domains[{index}]", "Domains", row, SHEETS["Domains"])
        item: dict[str, Any] = {}
        for column in SHEETS["Domains"]:
            _put(item, column, book.text(row, column))
        data["domains"].append(item)

    data["case_kinds"] = _case_kinds(book)
    data["standards"] = _standards(book)
    _bands(book, data)
    data["notes"] = []
    for index, row in enumerate(book.rows("Notes")):
        book.fields(f"notes[{index}]", "Notes", row, SHEETS["Notes"])
        note: dict[str, Any] = {}
        for column in SHEETS["Notes"]:
            _put(note, column, book.text(row, column))
        data["notes"].append(note)
    data["sources"] = [book.text(row, "source") for row in book.rows("Sources") if book.text(row, "source")]
    return data


def _owned(
    book: _Book, sheet: str, owner_column: str, owners: dict[str, str], owner_sheet: str
) -> Iterator[tuple[str, _Row]]:
    """The rows of a sheet whose items belong to another sheet's (a case kind's attributes, a standard's key
    questions), with the owner's path; rows naming no known owner are reported (unless the owners' sheet is
    missing, which is reported once)."""
    if owner_sheet not in book.sheets:
        return
    for row in book.rows(sheet):
        owner = book.text(row, owner_column)
        if owner is None:
            book.problem(
                Place(sheet, row.number, owner_column),
                "is missing.",
                f"Write the {owner_column.replace('_', ' ')} it belongs to, from the {owner_sheet} sheet.",
            )
        elif owner not in owners:
            book.problem(
                Place(sheet, row.number, owner_column),
                f'"{owner}" is not on the {owner_sheet} sheet.',
                f"Use one of: {', '.join(owners) or f'none yet (add rows to the {owner_sheet} sheet)'}.",
            )
        else:
            yield owners[owner], row


def _case_kinds(book: _Book) -> list[dict[str, Any]]:
    kinds: list[dict[str, Any]] = []
    paths: dict[str, str] = {}
    for index, row in enumerate(book.rows("Case kinds")):
        path = f"case_kinds[{index}]"
        book.fields(path, "Case kinds", row, SHEETS["Case kinds"])
        book.place(
            f"{path}.attributes",
            Place("Case kinds", row.number, missing="Add its attributes on the Attributes sheet."),
        )
        kind: dict[str, Any] = {"attributes": [], "facts": [], "needs": []}
        for column in SHEETS["Case kinds"]:
            _put(kind, column, book.text(row, column))
        kinds.append(kind)
        paths.setdefault(kind.get("slug", ""), path)
    by_path = {f"case_kinds[{i}]": kind for i, kind in enumerate(kinds)}
    counts: dict[tuple[str, str], int] = {}

    def add(path: str, part: str, item: dict[str, Any]) -> str:
        number = counts.get((path, part), 0)
        counts[path, part] = number + 1
        by_path[path][part].append(item)
        return f"{path}.{part}[{number}]"

    for path, row in _owned(book, "Attributes", "case_kind", paths, "Case kinds"):
        attribute: dict[str, Any] = {}
        for column in ("key", "label", "type", "hint"):
            _put(attribute, column, book.text(row, column))
        for column in ("required", "breakdown", "recorded_on_case"):
            _put(attribute, column, book.flag("Attributes", row, column))
        options = book.options("Attributes", row)
        if options:
            attribute["options"] = options
        at = add(path, "attributes", attribute)
        book.fields(at, "Attributes", row, SHEETS["Attributes"])
    for path, row in _owned(book, "Facts", "case_kind", paths, "Case kinds"):
        fact: dict[str, Any] = {"options": book.options("Facts", row)}
        for column in ("key", "label", "question", "hint"):
            _put(fact, column, book.text(row, column))
        fact["sufficient"] = book.words(row, "sufficient")
        fact["counted"] = book.words(row, "counted")
        _put(fact, "applies_when", book.condition("Facts", row))
        at = add(path, "facts", fact)
        book.fields(at, "Facts", row, SHEETS["Facts"])
    for path, row in _owned(book, "Needs", "case_kind", paths, "Case kinds"):
        need: dict[str, Any] = {}
        for column in ("key", "label"):
            _put(need, column, book.text(row, column))
        at = add(path, "needs", need)
        book.fields(at, "Needs", row, SHEETS["Needs"])
    return kinds


def _standards(book: _Book) -> list[dict[str, Any]]:
    standards: list[dict[str, Any]] = []
    paths: dict[str, str] = {}
    for index, row in enumerate(book.rows("Standards")):
        path = f"standards[{index}]"
        book.fields(path, "Standards", row, SHEETS["Standards"])
        book.place(
            f"{path}.key_questions",
            Place("Standards", row.number, missing="Add its key questions on the Key questions sheet."),
        )
        standard: dict[str, Any] = {"key_questions": []}
        for column in ("code", "domain", "title", "description", "rated_by", "case_kind", "pool_from"):
            _put(standard, column, book.text(row, column))
        for column in ("optional", "rated_by_default", "counts_in_composite"):
            _put(standard, column, book.flag("Standards", row, column))
        standards.append(standard)
        paths.setdefault(standard.get("code", ""), path)
    by_path = {f"standards[{i}]": standard for i, standard in enumerate(standards)}
    for path, row in _owned(book, "Key questions", "standard", paths, "Standards"):
        question: dict[str, Any] = {}
        for column in ("code", "criterion", "wording"):
            _put(question, column, book.text(row, column))
        prompts = row.values.get("prompts")
        if prompts is not None:
            question["prompts"] = [line.strip() for line in str(prompts).splitlines() if line.strip()]
        _put(question, "record_prompts", book.flag("Key questions", row, "record_prompts"))
        _put(question, "applies_when", book.condition("Key questions", row))
        pools = book.words(row, "pools")
        if pools:
            question["pools"] = pools
        questions = by_path[path]["key_questions"]
        book.fields(f"{path}.key_questions[{len(questions)}]", "Key questions", row, SHEETS["Key questions"])
        questions.append(question)
    return standards


def _bands(book: _Book, data: dict[str, Any]) -> None:
    book.place(
        "framework.key_question_bands",
        Place(
            "Bands",
            missing=f"Add a row with for {KEY_QUESTION_BANDS} and the lowest percentage of each rating.",
        ),
    )
    book.place(
        "framework.overall.bands",
        Place("Bands", missing="Add a row for each composite maximum, with the lowest score of each rating."),
    )
    overall: dict[str, Any] = {}
    for row in book.rows("Bands"):
        name = _heading(book.text(row, "for") or "")
        bands: dict[str, Any] = {}
        for column in RATINGS_BANDED:
            _put(bands, column, book.number(row, column))
        if name in (KEY_QUESTION_BANDS, "key_question"):
            path = "framework.key_question_bands"
            if "key_question_bands" in data:
                book.problem(
                    Place("Bands", row.number, "for"),
                    f"There is already a row for {KEY_QUESTION_BANDS}.",
                    "Keep one and remove the other.",
                )
                continue
            data["key_question_bands"] = bands
        elif name:
            path = f"framework.overall.bands.{name}"
            if name in overall:
                book.problem(
                    Place("Bands", row.number, "for"),
                    f"There is already a row for a composite out of {name}.",
                    "Keep one and remove the other.",
                )
                continue
            overall[name] = bands
        else:
            book.problem(
                Place("Bands", row.number, "for"),
                "is missing.",
                f"Write {KEY_QUESTION_BANDS} for the key questions' bands, or the composite maximum, e.g. 27.",
            )
            continue
        book.place(path, Place("Bands", row.number))
        for column in RATINGS_BANDED:
            book.place(f"{path}.{column}", Place("Bands", row.number, column, "Fill in this cell."))
    if overall:
        data.setdefault("overall", {})["bands"] = overall


def document_from_file(
    content: bytes, name: str, *, pool_sources: Iterable[Definition] | None = None
) -> dict[str, Any]:
    """The normalised framework document a file holds, JSON (.json) or a workbook (.xlsx); DefinitionInvalid with
    every problem if it has any, a file of neither kind being one problem. `pool_sources`: as for a workbook (a JSON
    file's pools are checked when it is loaded, where they are placed the same way)."""
    suffix = name.lower().rsplit(".", 1)[-1] if "." in name else ""
    if suffix == "xlsx":
        return document_from_workbook(content, pool_sources=pool_sources)
    if suffix != "json":
        raise DefinitionInvalid(
            [
                Problem(
                    "The file",
                    NOT_A_FRAMEWORK_FILE,
                    "Upload the framework's .json file or its .xlsx workbook.",
                )
            ]
        )
    try:
        text = content.decode("utf-8-sig")
    except UnicodeDecodeError as error:
        fix = _sniff(content) or "Save it as UTF-8 text."
        raise DefinitionInvalid([Problem("The file", f"{NOT_JSON}: it is not text.", fix)]) from error
    # As docs/frameworks.md says: a field given twice is a problem, a syntax error placed by line and column.
    return document(parse_json(text))
