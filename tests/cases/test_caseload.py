"""Reading a caseload for the sample designer: every problem at once, exclusions with reasons, duplicates."""

import datetime

import pytest

from cases import caseload, imports
from cases.caseload import Eligibility, caseload_read
from tests.factories import CASELOAD_HEADER, caseload_csv, caseload_row

TODAY = datetime.date(2026, 6, 1)
RULES = Eligibility(
    window_start=datetime.date(2025, 10, 1), window_end=datetime.date(2026, 5, 31), today=TODAY
)


@pytest.fixture
def kind(framework):
    return framework.definition.case_kind("supervision")


@pytest.fixture
def court_report_kind(framework):
    return framework.definition.case_kind("court_report")


def read(kind, data, rules=RULES, name="caseload.csv"):
    return caseload_read(name=name, data=data, kind=kind, rules=rules)


def test_a_court_report_caseload_reads_its_own_columns_and_its_report_date_as_the_start(court_report_kind):
    header = (
        "CRN",
        "Name",
        "Date of birth",
        "Report date",
        "Report type",
        "Court",
        "Gender",
        "Team",
        "Practitioner",
    )
    rows = [
        ["R1", "A B", "1990-01-01", "2026-03-02", "fast delivery", "", "female", "Court team", "Officer 1"],
        ["R2", "C D", "1991-01-01", "2026-03-03", "oral", "crown court", "male", "Court team", "Officer 2"],
    ]
    result = read(court_report_kind, caseload_csv(rows, header=header))
    assert result.problems == []
    assert [(row.start_date, row.attributes, row.ethnicity) for row in result.eligible()] == [
        (datetime.date(2026, 3, 2), {"report_type": "short_format"}, "Not recorded"),
        (datetime.date(2026, 3, 3), {"report_type": "oral", "court": "crown"}, "Not recorded"),
    ]


def test_a_clean_caseload_yields_every_eligible_case_without_name_date_of_birth_or_pnc(kind):
    result = read(kind, caseload_csv([caseload_row(i) for i in range(1, 11)]))
    assert result.problems == []
    assert result.exclusions == []
    rows = list(result.eligible())
    assert [row.reference for row in rows] == [f"X{i:06d}" for i in range(1, 11)]
    first = rows[0]
    assert first.attributes == {"case_type": "licence", "rosh_level": "medium"}
    assert (first.gender, first.team, first.practitioner) == ("male", "Team 2", "Officer 2-1")
    assert "Person 1" not in repr(rows)
    assert "2020/0000001A" not in repr(rows)


def test_every_problem_is_reported_at_once_with_its_line_and_column(kind):
    rows = [caseload_row(1), caseload_row(2), caseload_row(3)]
    rows[0][0] = ""  # no CRN
    rows[1][4] = "31/02/2026"  # no such date
    rows[1][6] = "unknown"
    rows[2][5] = "caution"
    result = read(kind, caseload_csv(rows))
    assert [(p.line, p.column, p.message) for p in result.problems] == [
        (2, "Case reference (CRN)", "Enter the case reference (CRN)"),
        (3, "Supervision start date", caseload.BAD_DATE.format(column="Supervision start date")),
        (3, "Gender", caseload.UNKNOWN_GENDER),
        (
            4,
            "Case type",
            caseload.UNKNOWN_OPTION.format(
                column="Case type", options="community order, licence, post-sentence supervision"
            ),
        ),
    ]
    assert list(result.eligible()) == []


def test_missing_columns_are_all_named(kind):
    header = [h for h in CASELOAD_HEADER if h not in ("Gender", "RoSH level")]
    result = read(kind, caseload_csv([], header=header))
    assert [p.message for p in result.problems] == [
        caseload.MISSING_COLUMN.format(column="Gender"),
        caseload.MISSING_COLUMN.format(column="RoSH level"),
    ]


@pytest.mark.parametrize(
    ("data", "message"),
    [
        (b"", caseload.EMPTY_FILE),
        (b"\xff\xfe\x00bad", imports.SEEMS_TO_BE.format(what="UTF-16 text (Excel's “Unicode text”)")),
        (b"PK\x03\x04junk", imports.NOT_A_WORKBOOK),
        (b"%PDF-1.7 a caseload printed to PDF", imports.SEEMS_TO_BE.format(what="a PDF document")),
        (CASELOAD_HEADER[0].encode() + b"\nZo\x81\n", imports.WRONG_ENCODING),
    ],
)
def test_an_unreadable_file_is_one_problem_for_the_whole_file(kind, data, message):
    assert [(p.line, p.message) for p in read(kind, data).problems] == [(None, message)]


def test_a_caseload_separated_by_semicolons_in_windows_1252_reads_as_the_sample_import_reads_it(kind):
    # Excel on a Windows PC set to a European locale saves "CSV" like this: semicolons, Windows-1252 accents.
    rows = [caseload_row(i) for i in range(1, 4)]
    rows[0][2] = "Zoë O’Brien"
    text = "\n".join(";".join(cells) for cells in [list(CASELOAD_HEADER), *rows]) + "\n"
    result = read(kind, text.encode("cp1252"))
    assert result.problems == []
    assert [row.reference for row in result.eligible()] == ["X000001", "X000002", "X000003"]


def test_a_heading_row_alone_has_no_cases(kind):
    assert [p.message for p in read(kind, caseload_csv([])).problems] == [caseload.NO_ROWS]


def test_exclusions_are_listed_with_their_reasons(kind):
    rows = [caseload_row(i) for i in range(1, 7)]
    rows[0][2] = "J*** S****"  # redacted
    rows[1][4] = "2026-07-01"  # after today
    rows[2][4] = "2025-09-30"  # before the window
    rows[3][4] = "2026-06-01"  # after the window (and today)
    rows[4][5] = "post-sentence supervision"
    rules = Eligibility(
        window_start=RULES.window_start,
        window_end=datetime.date(2026, 5, 31),
        today=datetime.date(2026, 6, 2),
        case_types=frozenset({"community_order", "licence"}),
        existing_references=frozenset({"x000006"}),
    )
    result = read(kind, caseload_csv(rows), rules)
    assert result.exclusions == [
        (2, caseload.REDACTED),
        (3, caseload.STARTS_AFTER_TODAY),
        (4, caseload.BEFORE_WINDOW),
        (5, caseload.AFTER_WINDOW),
        (6, caseload.CASE_TYPE_NOT_SAMPLED),
        (7, caseload.ALREADY_IN_SAMPLE),
    ]
    assert list(result.eligible()) == []


@pytest.mark.parametrize(("column", "key"), [(0, "CRN"), (1, "PNC")])
def test_one_person_counts_once_with_the_earliest_start(kind, column, key):
    rows = [caseload_row(1), caseload_row(2), caseload_row(3)]
    rows[2][column] = rows[0][column]
    rows[0][4], rows[2][4] = "2026-02-01", "2026-01-15"
    result = read(kind, caseload_csv(rows))
    assert result.exclusions == [(2, caseload.DUPLICATE.format(line=4, key=key))]
    assert [row.line for row in result.eligible()] == [3, 4]


def test_the_same_name_and_date_of_birth_is_one_person_whatever_the_spacing_and_case(kind):
    rows = [caseload_row(1), caseload_row(2)]
    rows[1][2], rows[1][3], rows[1][4] = " person  1 ", "01/01/1970", "2026-03-31"
    rows[0][3] = "1970-01-01"
    result = read(kind, caseload_csv(rows))
    assert result.exclusions == [(3, caseload.DUPLICATE.format(line=2, key="name and date of birth"))]


def test_duplicates_chain_across_keys_into_one_person(kind):
    rows = [caseload_row(1), caseload_row(2), caseload_row(3)]
    rows[1][1] = rows[0][1]  # 2 has 1's PNC
    rows[2][0] = rows[1][0]  # 3 has 2's CRN
    rows[2][4] = "2025-12-01"  # and starts first
    result = read(kind, caseload_csv(rows))
    assert [line for line, _ in result.exclusions] == [2, 3]
    assert [row.line for row in result.eligible()] == [4]


def test_a_workbook_is_read_like_a_csv_file(kind):
    import io

    from openpyxl import Workbook

    workbook = Workbook()
    sheet = workbook.active
    sheet.append(list(CASELOAD_HEADER))
    row = caseload_row(1)
    row[4] = datetime.datetime(2026, 3, 2)  # type: ignore[call-overload]
    sheet.append(row)
    out = io.BytesIO()
    workbook.save(out)
    result = read(kind, out.getvalue(), name="caseload.xlsx")
    assert result.problems == []
    assert [(row.reference, row.start_date) for row in result.eligible()] == [
        ("X000001", datetime.date(2026, 3, 2))
    ]


def test_the_file_hash_is_its_sha256(kind):
    import hashlib

    data = caseload_csv([caseload_row(1)])
    assert read(kind, data).sha256 == hashlib.sha256(data).hexdigest()


@pytest.mark.parametrize(
    ("change", "quick_reads_it"),
    [
        ({}, True),
        ({1: "", 2: "", 3: ""}, True),  # no PNC, name or date of birth
        ({4: "31/03/2026", 3: "02/01/1970", 2: "  Ann   O-Neil "}, True),
        ({5: "LICENCE", 6: "F", 8: "Very_High", 7: ""}, True),
        ({0: "X*1"}, True),  # redacted
        ({1: "2020-0000001_A "}, True),
        # A no-break space: the full check accepts it, str.isprintable does not, so the quick parser passes it on.
        ({9: "Team\u00a0North"}, False),
    ],
)
def test_the_quick_positional_parser_reads_a_clean_row_as_the_full_check_does(kind, change, quick_reads_it):
    row = caseload_row(1)
    for index, value in change.items():
        row[index] = value
    columns = caseload._Columns(kind, CASELOAD_HEADER)
    problems = []
    full = caseload._parse(2, columns.values(row), columns, problems)
    assert problems == []
    assert columns.quick()(row) == (full if quick_reads_it else None)


def test_the_quick_parser_reads_missing_trailing_cells_as_empty(kind):
    header = (*CASELOAD_HEADER[:7], "Team", "Practitioner", "Sentence type", "RoSH level", "Ethnicity group")
    row = [*caseload_row(1)[:7], "Team 1", "Officer 1", "licence", "low"]  # no ethnicity cell at all
    columns = caseload._Columns(kind, header)
    full = caseload._parse(2, columns.values(row), columns, [])
    assert columns.quick()(row) == full
    assert full.ethnicity == caseload.NOT_RECORDED


@pytest.mark.parametrize(
    ("index", "value"),
    [
        (0, ""),
        (0, "X" * 51),
        (0, "X\t1"),
        (3, "1970-02-30"),
        (4, ""),
        (4, "soon"),
        (6, "x"),
        (5, "fine"),
        (8, ""),
        (9, "T" * 101),
        (10, ""),
    ],
)
def test_the_quick_parser_leaves_every_row_with_a_problem_to_the_full_check(kind, index, value):
    row = caseload_row(1)
    row[index] = value
    columns = caseload._Columns(kind, CASELOAD_HEADER)
    problems = []
    caseload._parse(2, columns.values(row), columns, problems)
    assert problems
    assert columns.quick()(row) is None
