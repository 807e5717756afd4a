"""A framework as a workbook: written from a framework version and read back to the same document, and every mistake
made editing it reported on its sheet, row and column, all at once; a file that is not a workbook is one problem."""

import copy
import datetime
import io
import json
import zipfile
from pathlib import Path

import openpyxl
import pytest

from inspections.definition_checks import DefinitionInvalid, parse
from inspections.definitions import document
from inspections.workbook import (
    NOT_A_FRAMEWORK_FILE,
    NOT_A_FRAMEWORK_WORKBOOK,
    NOT_A_WORKBOOK,
    NOT_JSON,
    TOO_LARGE_UNPACKED,
    document_from_file,
    document_from_workbook,
    workbook,
)
from tests.factories import small_framework_document

YES_NO = [{"value": "yes", "label": "Yes"}, {"value": "no", "label": "No"}]


def _rich() -> dict:
    """Every part a framework can have: two case kinds, an optional standard, a pooled one, one not rated, prompts
    recorded per case, aliases, hints, notes and sources, and text with the cells' separators in it."""
    data = small_framework_document()
    data["sources"] = ["Methodology, section 2a", "Inspection handbook; 2021"]
    data["notes"] = [
        {"status": "inferred", "about": "2.2", "text": "Court work bands; from the 2021 reports."}
    ]
    kind = data["case_kinds"][0]
    kind["plural"] = "Supervision cases"
    kind["attributes"][0]["options"][0]["aliases"] = ["Community order", "CO, suspended"]
    kind["attributes"][0]["hint"] = "As recorded on nDelius"
    kind["attributes"].append(
        {
            "key": "rosh_level",
            "label": "RoSH level",
            "type": "choice",
            "required": False,
            "recorded_on_case": True,
            "options": [
                {"value": "low", "label": "Low; or none"},
                {"value": "high", "label": "High = very high\\"},
            ],
        }
    )
    kind["facts"].append(
        {
            "key": "home_visits",
            "label": "Home visits",
            "question": "Were home visits made where needed?",
            "options": [*YES_NO, {"value": "not_needed", "label": "Not needed"}],
            "sufficient": ["yes"],
            "counted": ["yes", "no"],
            "applies_when": {"attribute": "case_type", "in": ["community", "licence"]},
            "hint": "Count visits in the first three months",
        }
    )
    data["case_kinds"].append(
        {
            "slug": "court_report",
            "name": "Court-report case",
            "attributes": [{"key": "report_type", "label": "Report type", "type": "text", "required": True}],
        }
    )
    data["standards"][1]["key_questions"][0].update(
        prompts=["Is the person involved; meaningfully?", "Are their views = recorded?"], record_prompts=True
    )
    data["standards"][1]["description"] = "How well the case is assessed."
    data["standards"] += [
        {
            "code": "2.2",
            "domain": "2",
            "title": "Court work",
            "rated_by": "lowest_key_question",
            "case_kind": "court_report",
            "optional": True,
            "rated_by_default": False,
            "key_questions": [{"code": "2.2.1", "criterion": "Court", "wording": "Is the report good?"}],
        },
        {
            "code": "3.1",
            "domain": "2",
            "title": "Pooled",
            "rated_by": "pooled",
            "pool_from": "pdu-2023",
            "key_questions": [
                {"code": "3.1.1", "criterion": "Pool", "wording": "Pooled?", "pools": ["2.1.1"]}
            ],
        },
        {
            "code": "4.1",
            "domain": "2",
            "title": "Not rated",
            "rated_by": "not_rated",
            "case_kind": "supervision",
            "key_questions": [{"code": "4.1.1", "criterion": "Extra", "wording": "Noted?"}],
        },
    ]
    data["overall"]["bands"] = {
        "9": {"outstanding": 8, "good": 6, "requires_improvement": 3},
        "12": {"outstanding": 11, "good": 8, "requires_improvement": 4.5},
    }
    return data


def _edit(content: bytes, change) -> bytes:
    """The workbook after a change made as a person would make it in a spreadsheet."""
    book = openpyxl.load_workbook(io.BytesIO(content))
    change(book)
    out = io.BytesIO()
    book.save(out)
    return out.getvalue()


def _set(sheet: str, row: int, column: str, value):
    def change(book):
        headings = [cell.value for cell in book[sheet][1]]
        book[sheet].cell(row=row, column=headings.index(column) + 1).value = value

    return change


def _problems(content: bytes) -> list[str]:
    with pytest.raises(DefinitionInvalid) as invalid:
        document_from_workbook(content)
    return [str(problem) for problem in invalid.value.problems]


@pytest.fixture
def minimal_workbook() -> bytes:
    return workbook(parse(small_framework_document()))


@pytest.mark.parametrize("build", [small_framework_document, _rich], ids=["minimal", "every part"])
def test_a_framework_read_back_from_its_workbook_is_the_same_document(build):
    definition = parse(build())
    assert document_from_workbook(workbook(definition)) == document(definition)


def test_the_workbook_has_one_sheet_per_part_with_one_row_per_item():
    book = openpyxl.load_workbook(io.BytesIO(workbook(parse(_rich()))), read_only=True)
    assert book.sheetnames == [
        "Read me",
        "Framework",
        "Domains",
        "Standards",
        "Key questions",
        "Case kinds",
        "Attributes",
        "Facts",
        "Needs",
        "Bands",
        "Notes",
        "Sources",
    ]
    standards = list(book["Standards"].iter_rows(values_only=True))
    assert standards[0][:5] == ("code", "domain", "title", "description", "rated_by")
    assert [row[0] for row in standards[1:]] == ["1.1", "2.1", "2.2", "3.1", "4.1"]
    attributes = list(book["Attributes"].iter_rows(values_only=True))
    assert attributes[1][5] == "community=Community; licence=Licence"
    assert attributes[1][6] == "community=Community order, CO\\, suspended"
    questions = list(book["Key questions"].iter_rows(values_only=True))
    assert questions[1][4] == "Is the person involved; meaningfully?\nAre their views = recorded?"
    assert questions[2][6] == "case_type = licence"


def test_what_a_spreadsheet_does_to_cells_is_read_as_meant(minimal_workbook):
    """Numbers typed into code cells, a date cell, TRUE/FALSE, readable headings and blank rows are all fine."""

    def change(book):
        standards = book["Standards"]
        standards["A2"] = 1.1
        standards["E1"] = "Rated by"
        standards["G3"] = False
        standards.insert_rows(3)  # a blank row between the standards
        book["Framework"]["C2"] = 1.0
        book["Framework"]["F2"] = datetime.datetime(2024, 4, 1)
        book["Domains"]["A2"] = 1

    assert document_from_workbook(_edit(minimal_workbook, change)) == document(
        parse(small_framework_document())
    )


MISTAKES = [
    (
        "an unknown way of rating",
        _set("Standards", 2, "rated_by", "lead"),
        'Standards sheet, row 2, column rated_by: "lead" is not allowed. Use one of: lowest_key_question,',
    ),
    (
        "a cell left empty",
        _set("Framework", 2, "name", None),
        "Framework sheet, row 2, column name: is missing. Fill in this cell.",
    ),
    (
        "a key question of an unknown standard",
        _set("Key questions", 3, "standard", "9.9"),
        'Key questions sheet, row 3, column standard: "9.9" is not on the Standards sheet. Use one of: 1.1, 2.1.',
    ),
    (
        "an attribute of an unknown case kind",
        _set("Attributes", 2, "case_kind", "supervison"),
        'Attributes sheet, row 2, column case_kind: "supervison" is not on the Case kinds sheet.',
    ),
    (
        "options not written as value=Label",
        _set("Attributes", 2, "options", "community; licence=Licence"),
        'Attributes sheet, row 2, column options: "community" is not an option written as value=Label.',
    ),
    (
        "aliases of an option that is not there",
        _set("Attributes", 2, "aliases", "parole=Parole licence"),
        'Attributes sheet, row 2, column aliases: "parole=Parole licence" does not name one of the options',
    ),
    (
        "a yes/no cell with something else in it",
        _set("Standards", 3, "optional", "maybe"),
        'Standards sheet, row 3, column optional: "maybe" is not yes or no. Write yes or no.',
    ),
    (
        "a condition not written as attribute = values",
        _set("Key questions", 3, "applies_when", "licence cases only"),
        'Key questions sheet, row 3, column applies_when: "licence cases only" is not a condition',
    ),
    (
        "a condition on an unknown attribute",
        _set("Key questions", 3, "applies_when", "sex = f"),
        'Key questions sheet, row 3, column applies_when: "sex" is not an attribute of this case kind.',
    ),
    (
        "two key questions with one code",
        _set("Key questions", 3, "code", "2.1.1"),
        'Key questions sheet, row 3, column code: The key question code "2.1.1" is used twice (first at Key '
        "questions sheet, row 2, column code).",
    ),
    (
        "a fact counting an answer it does not offer",
        _set("Facts", 2, "sufficient", "ja"),
        'Facts sheet, row 2, column sufficient: "ja" is not one of its options. Use: yes, no.',
    ),
    (
        "a standard in an unknown domain",
        _set("Standards", 2, "domain", "9"),
        'Standards sheet, row 2, column domain: "9" is not one of the domains. Use one of: 1, 2.',
    ),
    (
        "a choice without options, said in the workbook's words",
        _set("Attributes", 2, "options", None),
        "Attributes sheet, row 2, column options: A choice needs its options. Write its options as value=Label; "
        "value=Label.",
    ),
    (
        "a case kind on a judged standard, said in the workbook's words",
        _set("Standards", 2, "case_kind", "supervision"),
        "Standards sheet, row 2, column case_kind: A standard rated by team judgement samples no cases. Empty the "
        "case_kind cell.",
    ),
    (
        "bands in the wrong order",
        _set("Bands", 2, "good", 90),
        "Bands sheet, row 2: The lowest values must rise from requires improvement to good to outstanding.",
    ),
    (
        "no bands for a maximum the standards can give",
        _set("Bands", 3, "for", 9),
        "Bands sheet: There are no bands for a composite out of 6, which these standards can give. Add a row to "
        "the Bands sheet with 6 in the for column and the lowest score of each rating.",
    ),
    (
        "a band that is not a number",
        _set("Bands", 3, "good", "four"),
        "Bands sheet, row 3, column good: must be a number above 0 and at most 6, not 'four'.",
    ),
    (
        "a date that is not a date",
        _set("Framework", 2, "effective_from", "1st April"),
        "Framework sheet, row 2, column effective_from: '1st April' is not a date. Write it as YYYY-MM-DD.",
    ),
    (
        "a second framework row",
        _set("Framework", 3, "slug", "other"),
        "Framework sheet, row 3: A workbook defines one framework version",
    ),
    (
        "a misspelt sheet",
        lambda book: setattr(book["Needs"], "title", "Neds"),
        "Neds sheet: is not a sheet a framework workbook has, so it was not read. Did you mean Needs?",
    ),
    (
        "a required sheet taken out",
        lambda book: book.remove(book["Standards"]),
        "Standards sheet: is missing. Add a sheet named Standards",
    ),
    (
        "a misspelt column",
        _set("Standards", 1, "rated_by", "ratedby"),
        "Standards sheet, column E (ratedby): is not a column this sheet has, so it was not read. Did you mean "
        "rated_by?",
    ),
    (
        "a required column missing, said once",
        _set("Standards", 1, "rated_by", "ratedby"),
        "Standards sheet, column rated_by: This column is missing. Add a column headed rated_by",
    ),
]


@pytest.mark.parametrize(("_what", "change", "expected"), MISTAKES, ids=[m[0] for m in MISTAKES])
def test_each_mistake_is_placed_on_its_sheet_row_and_column(minimal_workbook, _what, change, expected):
    problems = _problems(_edit(minimal_workbook, change))
    assert any(problem.startswith(expected) for problem in problems), problems


def test_a_missing_column_is_reported_once_not_on_every_row(minimal_workbook):
    problems = _problems(_edit(minimal_workbook, _set("Standards", 1, "rated_by", "ratedby")))
    assert not [p for p in problems if "column rated_by: is missing" in p], problems


def test_every_mistake_is_reported_at_once(minimal_workbook):
    def many(book):
        for index in chosen:
            MISTAKES[index][1](book)

    chosen = (0, 1, 2, 4, 5, 6, 10, 11)  # on different cells, none hiding another
    problems = _problems(_edit(minimal_workbook, many))
    for index in chosen:
        assert any(problem.startswith(MISTAKES[index][2]) for problem in problems), problems


def test_a_row_number_is_the_one_the_spreadsheet_shows_even_after_blank_rows(minimal_workbook):
    def change(book):
        book["Standards"].insert_rows(2, amount=3)
        _set("Standards", 6, "rated_by", "lead")(book)

    assert any(
        p.startswith("Standards sheet, row 6, column rated_by")
        for p in _problems(_edit(minimal_workbook, change))
    )


def _zip(names) -> bytes:
    out = io.BytesIO()
    with zipfile.ZipFile(out, "w") as archive:
        for name in names:
            archive.writestr(name, "<nothing/>")
    return out.getvalue()


NOT_WORKBOOKS = [
    ("a PDF", b"%PDF-1.7\n1 0 obj << /Type /Catalog >> endobj\n%%EOF", "This is a PDF."),
    ("a CSV renamed .xlsx", b"code,title\n1.1,Leadership\n", "This looks like a text file (such as CSV)."),
    ("JSON", b'{"format": 2}', "This looks like JSON"),
    ("an old .xls", b"\xd0\xcf\x11\xe0\xa1\xb1\x1a\xe1" + bytes(600), "older Excel file (.xls)"),
    ("an empty file", b"", ""),
    ("a zip that is not a workbook", _zip(["word/document.xml", "[Content_Types].xml"]), ""),
]


@pytest.mark.parametrize(("_what", "content", "said"), NOT_WORKBOOKS, ids=[n[0] for n in NOT_WORKBOOKS])
def test_a_file_that_is_not_a_workbook_is_one_clear_problem(_what, content, said):
    with pytest.raises(DefinitionInvalid) as invalid:
        document_from_workbook(content)
    [problem] = invalid.value.problems
    assert (problem.where, problem.message) == ("The file", NOT_A_WORKBOOK)
    assert said in problem.fix
    assert "Download any framework version as a workbook" in problem.fix


def test_a_damaged_workbook_is_one_clear_problem(minimal_workbook):
    with pytest.raises(DefinitionInvalid) as invalid:
        document_from_workbook(minimal_workbook[: len(minimal_workbook) // 2])
    assert [p.message for p in invalid.value.problems] == [NOT_A_WORKBOOK]


def test_a_workbook_that_unpacks_to_far_more_than_a_framework_is_refused_unread(
    minimal_workbook, monkeypatch
):
    monkeypatch.setattr("inspections.workbook.MAX_UNPACKED_BYTES", 10_000)
    with pytest.raises(DefinitionInvalid) as invalid:
        document_from_workbook(minimal_workbook)
    assert [p.message for p in invalid.value.problems] == [TOO_LARGE_UNPACKED]


def test_a_workbook_of_something_else_is_one_clear_problem():
    book = openpyxl.Workbook()
    book.active.append(["Name", "Amount"])
    out = io.BytesIO()
    book.save(out)
    with pytest.raises(DefinitionInvalid) as invalid:
        document_from_workbook(out.getvalue())
    [problem] = invalid.value.problems
    assert (problem.where, problem.message) == ("The workbook", NOT_A_FRAMEWORK_WORKBOOK)


def test_reading_does_not_change_the_document_it_was_written_from():
    data = _rich()
    before = copy.deepcopy(data)
    document_from_workbook(workbook(parse(data)))
    assert data == before


def test_a_framework_file_is_read_as_json_or_as_a_workbook_by_its_name():
    definition = parse(_rich())
    expected = document(definition)
    assert document_from_file(workbook(definition), "Framework 2024.XLSX") == expected
    assert document_from_file(json.dumps(_rich()).encode(), "pdu-2021-v1.json") == expected


@pytest.mark.parametrize(
    ("content", "name", "where", "message"),
    [
        (
            b'{"format": 2,, }',
            "f.json",
            "line 1, column 14",
            f"the file {NOT_JSON} here (Expecting property name enclosed in double quotes).",
        ),
        (b"\xff\xfe\x00bad", "f.json", "The file", f"{NOT_JSON}: it is not text."),
        (b"code,title", "f.csv", "The file", NOT_A_FRAMEWORK_FILE),
        (b"%PDF-1.7", "f.xlsx", "The file", NOT_A_WORKBOOK),
    ],
)
def test_a_file_that_cannot_be_read_is_one_problem_saying_why(content, name, where, message):
    with pytest.raises(DefinitionInvalid) as invalid:
        document_from_file(content, name)
    [problem] = invalid.value.problems
    assert problem.where == where
    assert problem.message.startswith(message)


def test_a_json_file_with_mistakes_gets_the_framework_checks_problems():
    data = small_framework_document()
    data["standards"][0]["rated_by"] = "lead"
    with pytest.raises(DefinitionInvalid) as invalid:
        document_from_file(json.dumps(data).encode(), "f.json")
    assert [p.where for p in invalid.value.problems] == ["standards[0].rated_by"]


SHIPPED = sorted((Path(__file__).resolve().parents[2] / "inspections" / "data" / "frameworks").glob("*.json"))


@pytest.mark.parametrize("path", SHIPPED, ids=[path.name for path in SHIPPED])
def test_each_shipped_framework_survives_its_workbook(path):
    definition = parse(json.loads(path.read_text(encoding="utf-8")))
    assert document_from_workbook(workbook(definition)) == document(definition)
