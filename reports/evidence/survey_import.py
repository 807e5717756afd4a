"""Importing the results of the survey of people on probation: one row per PDU, period, question and response, with
how many gave that response.

The file is read by the sample import's reader (cases.imports.table_rows: CSV with any of its separators and
encodings, or a workbook) and every problem is listed with its line and column, as the sample import lists them.
Nothing is saved unless the whole file is clean; then its counts replace those of the same PDUs and periods.
"""

from __future__ import annotations

import csv
import io
from collections.abc import Iterable
from dataclasses import dataclass, field

from django.db import transaction
from django.db.models import Q

from cases.imports import (
    EMPTY_FILE,
    MAX_LISTED_PROBLEMS,
    MAX_UPLOAD_BYTES,
    MISSING_COLUMN,
    TOO_LARGE,
    ImportProblem,
    has_hidden_characters,
    table_rows,
)
from pdus.models import PDU

from ..selectors.dashboards import Period
from .models import SurveyCount, SurveyImport

MAX_ROWS = 50_000
PDU_COLUMN = "PDU"
PERIOD_COLUMN = "Period"
QUESTION_COLUMN = "Question"
RESPONSE_COLUMN = "Response"
COUNT_COLUMN = "Count"
COLUMNS = (PDU_COLUMN, PERIOD_COLUMN, QUESTION_COLUMN, RESPONSE_COLUMN, COUNT_COLUMN)
QUESTION_MAX_LENGTH = 300
RESPONSE_MAX_LENGTH = 200

NO_ROWS = "The file has a heading row but no results"
TOO_MANY_ROWS = "The file has more than {limit:,} rows: a survey file has at most {limit:,}"
MISSING_VALUE = "Enter the {column}"
UNKNOWN_PDU = "There is no PDU called “{value}”: use a PDU's name as the PDU list shows it"
BAD_PERIOD = "Period must be an inspection year, April to March, like 2022-23"
BAD_COUNT = "Count must be a whole number, 0 or more, like 12"
TOO_LONG = "{column} must be {limit} characters or fewer"
HIDDEN_CHARACTERS = "{column} must be on one line, without tabs or other hidden characters"
DUPLICATE = "This PDU, period, question and response are already on line {line}"


def normal(text: str) -> str:
    """A heading or name as compared: lower case, spaces for underscores and hyphens, single spaces."""
    return " ".join(text.lower().replace("_", " ").replace("-", " ").split())


Lines = list[tuple[int, list[str]]]


def heading_and_rows(
    check: SurveyCheck, *, name: str, data: bytes, columns: Iterable[str], max_rows: int | None = None
) -> tuple[dict[str, int], Lines] | None:
    """Read a file (cases.imports.table_rows) into the position of each heading (normalised) and its non-empty rows
    with their line numbers; None, with the problem added to `check`, if it is too large, empty, unreadable, lacks
    one of `columns` or has no rows (or more than max_rows)."""
    if len(data) > MAX_UPLOAD_BYTES:
        check.add(ImportProblem(None, "", TOO_LARGE))
        return None
    try:
        lines = [(line, row) for line, row in enumerate(table_rows(name, data), start=1) if any(row)]
    except ValueError as error:
        check.add(ImportProblem(None, "", str(error)))
        return None
    if not lines:
        check.add(ImportProblem(None, "", EMPTY_FILE))
        return None
    (heading_line, heading), body = lines[0], lines[1:]
    position = {normal(cell): index for index, cell in reversed(list(enumerate(heading))) if cell}
    for column in columns:
        if normal(column) not in position:
            check.add(ImportProblem(heading_line, column, MISSING_COLUMN.format(column=column)))
    if check.problem_count:
        return None
    if not body:
        check.add(ImportProblem(None, "", NO_ROWS))
        return None
    if max_rows is not None and len(body) > max_rows:
        check.add(ImportProblem(None, "", TOO_MANY_ROWS.format(limit=max_rows)))
        return None
    return position, body


@dataclass(frozen=True)
class SurveyRow:
    line: int
    pdu_id: int
    period: str
    question: str
    response: str
    count: int


@dataclass
class SurveyCheck:
    """A file checked: its clean rows, and every problem (at most MAX_LISTED_PROBLEMS listed, all counted)."""

    rows: list[SurveyRow] = field(default_factory=list)
    problems: list[ImportProblem] = field(default_factory=list)
    problem_count: int = 0

    @property
    def is_clean(self) -> bool:
        return not self.problem_count and bool(self.rows)

    def add(self, problem: ImportProblem) -> None:
        self.problem_count += 1
        if len(self.problems) < MAX_LISTED_PROBLEMS:
            self.problems.append(problem)


def survey_check(*, name: str, data: bytes) -> SurveyCheck:
    """Read and check a survey file, saving nothing. Two queries at most (the PDUs), whatever its size."""
    check = SurveyCheck()
    read = heading_and_rows(check, name=name, data=data, columns=COLUMNS, max_rows=MAX_ROWS)
    if read is None:
        return check
    position, body = read
    pdus = {normal(pdu_name): pdu_id for pdu_id, pdu_name in PDU.objects.values_list("pk", "name")}
    seen: dict[tuple[int, str, str, str], int] = {}
    for line, cells in body:
        values = {
            column: (cells[position[normal(column)]] if position[normal(column)] < len(cells) else "").strip()
            for column in COLUMNS
        }
        problems_before = check.problem_count

        def problem(column: str, message: str, line=line, values=values) -> None:
            check.add(ImportProblem(line, column, message, values[column]))

        pdu_id = pdus.get(normal(values[PDU_COLUMN]))
        if not values[PDU_COLUMN]:
            problem(PDU_COLUMN, MISSING_VALUE.format(column="PDU"))
        elif pdu_id is None:
            problem(PDU_COLUMN, UNKNOWN_PDU.format(value=values[PDU_COLUMN]))
        period = Period.from_slug(values[PERIOD_COLUMN].replace("/", "-"))
        if not values[PERIOD_COLUMN]:
            problem(PERIOD_COLUMN, MISSING_VALUE.format(column="period"))
        elif period is None:
            problem(PERIOD_COLUMN, BAD_PERIOD)
        for column, limit in ((QUESTION_COLUMN, QUESTION_MAX_LENGTH), (RESPONSE_COLUMN, RESPONSE_MAX_LENGTH)):
            if not values[column]:
                problem(column, MISSING_VALUE.format(column=column.lower()))
            elif len(values[column]) > limit:
                problem(column, TOO_LONG.format(column=column, limit=limit))
            elif has_hidden_characters(values[column]):
                problem(column, HIDDEN_CHARACTERS.format(column=column))
        count_text = values[COUNT_COLUMN].replace(",", "")
        if not count_text:
            problem(COUNT_COLUMN, MISSING_VALUE.format(column="count"))
        elif not (count_text.isascii() and count_text.isdigit()) or len(count_text) > 9:
            problem(COUNT_COLUMN, BAD_COUNT)
        if check.problem_count > problems_before:
            continue
        assert pdu_id is not None
        assert period is not None
        key = (pdu_id, period.slug, values[QUESTION_COLUMN], values[RESPONSE_COLUMN])
        if key in seen:
            problem(RESPONSE_COLUMN, DUPLICATE.format(line=seen[key]))
            continue
        seen[key] = line
        check.rows.append(SurveyRow(line, pdu_id, period.slug, *key[2:], int(count_text)))
    return check


class SurveyInvalid(Exception):
    """The survey file has problems: every one is listed with its line and column, and nothing is saved."""

    http_status = 422
    problem_type = "survey-invalid"
    problem_title = "The survey file has problems"

    def __init__(self, check: SurveyCheck):
        super().__init__(f"The survey file has {check.problem_count} problems. Nothing has been imported.")
        self.check = check

    def problem_errors(self) -> list[dict]:
        return [
            {"field": problem.column, "line": problem.line, "message": problem.message}
            for problem in self.check.problems
        ]


def survey_template(pdu_name: str, period: str) -> str:
    """A CSV file to fill in: the columns and two example rows. It starts with a byte order mark so that Excel
    opens it as UTF-8."""
    buffer = io.StringIO()
    buffer.write("\ufeff")
    writer = csv.writer(buffer)
    writer.writerow(COLUMNS)
    question = "Overall, how satisfied are you with the probation service you have received?"
    writer.writerow([pdu_name, period, question, "Satisfied", 12])
    writer.writerow([pdu_name, period, question, "Dissatisfied", 3])
    return buffer.getvalue()


def _orders(rows: Iterable[SurveyRow]) -> tuple[dict[str, int], dict[tuple[str, str], int]]:
    """Each question's and each response's place, as they first appear in the file."""
    questions: dict[str, int] = {}
    responses: dict[tuple[str, str], int] = {}
    for row in rows:
        questions.setdefault(row.question, len(questions))
        responses.setdefault((row.question, row.response), len(responses))
    return questions, responses


@transaction.atomic
def survey_import(*, name: str, data: bytes, user) -> SurveyImport:
    """Save a clean survey file: its counts replace every earlier count of the PDUs and periods it holds. Raises
    SurveyInvalid, with every problem, if it is not clean. The caller has checked the user may import surveys.

    Imports of the same PDUs run one after the other: each locks its PDUs' rows first, so a second import waits for
    the first to commit, then replaces its counts, rather than both deleting the old counts and the second failing
    on the unique constraint as it inserts the same PDU, period, question and response."""
    check = survey_check(name=name, data=data)
    if not check.is_clean:
        raise SurveyInvalid(check)
    pdu_ids = sorted({row.pdu_id for row in check.rows})
    # FOR NO KEY UPDATE, in id order: it queues imports of the same PDUs (always locking in the same order, so two
    # imports cannot deadlock) without blocking anyone adding rows that refer to a PDU, which FOR UPDATE would.
    list(PDU.objects.select_for_update(no_key=True).filter(pk__in=pdu_ids).order_by("pk").values_list("pk"))
    record = SurveyImport(file_name=name[:255], rows=len(check.rows), imported_by=user)
    record.full_clean()
    record.save()
    replaced = Q()
    for pdu_id, period in {(row.pdu_id, row.period) for row in check.rows}:
        replaced |= Q(pdu_id=pdu_id, period=period)
    SurveyCount.objects.filter(replaced).delete()
    questions, responses = _orders(check.rows)
    SurveyCount.objects.bulk_create(
        [
            SurveyCount(
                pdu_id=row.pdu_id,
                period=row.period,
                question=row.question,
                question_order=questions[row.question],
                response=row.response,
                response_order=responses[(row.question, row.response)],
                count=row.count,
                survey_import=record,
            )
            for row in check.rows
        ],
        batch_size=2000,
    )
    return record
