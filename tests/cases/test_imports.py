import datetime
import io

import pytest
from openpyxl import Workbook

from cases import imports
from cases.models import InspectedCase
from inspections.models import Inspection, Role
from inspections.services import InspectionLocked
from tests.factories import InspectedCaseFactory, InspectionFactory, UserFactory

HEADER = "Case reference,Case type,RoSH level,Supervision start date,Assistant inspector\n"


@pytest.fixture
def inspection(framework):
    inspection = InspectionFactory(framework=framework, status=Inspection.Status.SETUP)
    inspection.memberships.create(user=UserFactory(username="amira"), role=Role.ASSISTANT_INSPECTOR)
    return inspection


@pytest.fixture
def lead(db):
    return UserFactory(username="lena")


def preview(inspection, text: str | bytes, name="sample.csv"):
    data = text.encode() if isinstance(text, str) else text
    return imports.sample_preview(inspection=inspection, name=name, data=data)


def problems(result):
    return [(p.line, p.column, p.message) for p in result.problems]


def test_a_clean_csv_previews_every_row_and_saves_nothing(inspection):
    result = preview(
        inspection,
        HEADER + "A1,community order,low,2026-03-02,amira\nA2,Licence,Very high,02/03/2026,\n"
        "A3,post-sentence supervision,MEDIUM,2026-04-01,\n",
    )
    assert result.is_clean
    assert [(r.reference, r.case_type, r.rosh_level, r.supervision_start) for r in result.rows] == [
        ("A1", "community_order", "low", datetime.date(2026, 3, 2)),
        ("A2", "licence", "very_high", datetime.date(2026, 3, 2)),
        ("A3", "post_sentence_supervision", "medium", datetime.date(2026, 4, 1)),
    ]
    assert not InspectedCase.objects.exists()


def test_preview_lists_every_bad_row_with_line_column_and_message(inspection):
    InspectedCaseFactory(inspection=inspection, reference="OLD1")
    result = preview(
        inspection,
        HEADER + "B1,caution,low,2026-03-02,\n"  # line 2
        "B2,licence,extreme,2026-02-30,\n"  # line 3
        "B1,licence,low,2026-03-02,zed\n"  # line 4
        "OLD1,licence,low,2026-03-02,\n"  # line 5
        ",licence,,,\n",  # line 6
    )
    assert not result.is_clean
    assert problems(result) == [
        (2, "case type", imports.UNKNOWN_CASE_TYPE),
        (3, "rosh level", imports.UNKNOWN_ROSH),
        (3, "supervision start date", imports.BAD_DATE),
        (4, "case reference", imports.DUPLICATE_IN_FILE.format(reference="B1", line=2)),
        (4, "assistant inspector", imports.UNKNOWN_USER.format(username="zed")),
        (5, "case reference", imports.DUPLICATE_IN_SAMPLE.format(reference="OLD1")),
        (6, "case reference", imports.MISSING_VALUE.format(column="case reference")),
        (6, "rosh level", imports.MISSING_VALUE.format(column="RoSH level")),
        (6, "supervision start date", imports.MISSING_VALUE.format(column="supervision start date")),
    ]
    assert result.rows_with_problems == 5


def test_a_user_who_is_not_an_assistant_inspector_on_the_team_is_unknown(inspection):
    UserFactory(username="stranger")
    result = preview(inspection, HEADER + "C1,licence,low,2026-03-02,stranger\n")
    assert problems(result) == [(2, "assistant inspector", imports.UNKNOWN_USER.format(username="stranger"))]


@pytest.mark.parametrize(
    ("data", "expected"),
    [
        (b"", [(None, "", imports.EMPTY_FILE)]),
        (b"\n\n  \n", [(None, "", imports.EMPTY_FILE)]),
        (HEADER.encode(), [(None, "", imports.NO_ROWS)]),
        (b"Case reference,Case type\nA,licence\n", [
            (1, "rosh level", imports.MISSING_COLUMN.format(column="rosh level")),
            (1, "supervision start date", imports.MISSING_COLUMN.format(column="supervision start date")),
        ]),
        ((HEADER + "Zoë,licence,low,2026-03-02,\n").encode("utf-16"), [(None, "", imports.WRONG_ENCODING)]),
        ((HEADER + "Zoë,licence,low,2026-03-02,\n").encode("latin-1"), [(None, "", imports.WRONG_ENCODING)]),
        (b"x" * (imports.MAX_UPLOAD_BYTES + 1), [(None, "", imports.TOO_LARGE)]),
    ],
    ids=["empty", "blank-lines", "no-rows", "missing-columns", "utf-16", "latin-1", "too-large"],
)  # fmt: skip
def test_files_that_cannot_be_read_are_refused_with_one_reason(inspection, data, expected):
    assert problems(preview(inspection, data)) == expected


def test_an_xlsx_workbook_is_read_like_a_csv(inspection):
    workbook = Workbook()
    sheet = workbook.active
    sheet.append(
        ["Case reference", "Case type", "RoSH level", "Supervision start date", "Assistant inspector"]
    )
    sheet.append([1234, "Licence", "High", datetime.datetime(2026, 3, 2), "amira"])
    sheet.append(["X2", "licence", "low", "not a date", None])
    buffer = io.BytesIO()
    workbook.save(buffer)
    result = preview(inspection, buffer.getvalue(), name="sample.xlsx")
    assert result.rows[0].reference == "1234"
    assert result.rows[0].supervision_start == datetime.date(2026, 3, 2)
    assert problems(result) == [(3, "supervision start date", imports.BAD_DATE)]


def test_a_corrupt_xlsx_is_refused(inspection):
    assert problems(preview(inspection, b"PK\x03\x04garbage", name="sample.xlsx")) == [
        (None, "", imports.NOT_A_WORKBOOK)
    ]


def test_importing_a_clean_sample_saves_every_case_with_its_assistant_inspector(inspection, lead):
    rows, _ = imports.sample_read(
        name="s.csv",
        data=(HEADER + "D1,licence,low,2026-03-02,amira\nD2,licence,high,2026-03-02,\n").encode(),
    )
    imports.sample_import(inspection=inspection, rows=rows, user=lead)
    cases = InspectedCase.objects.order_by("reference")
    assert [(c.reference, getattr(c.assistant_inspector, "username", None)) for c in cases] == [
        ("D1", "amira"),
        ("D2", None),
    ]
    assert cases[0].history.first().history_user == lead


def test_import_saves_nothing_if_any_row_is_bad(inspection, lead):
    rows, _ = imports.sample_read(
        name="s.csv", data=(HEADER + "E1,licence,low,2026-03-02,\nE2,licence,low,yesterday,\n").encode()
    )
    with pytest.raises(imports.SampleInvalid) as refused:
        imports.sample_import(inspection=inspection, rows=rows, user=lead)
    assert problems(refused.value.preview) == [(3, "supervision start date", imports.BAD_DATE)]
    assert not InspectedCase.objects.exists()


def test_import_into_a_locked_inspection_is_refused(inspection, lead):
    inspection.status = Inspection.Status.LOCKED
    inspection.save()
    rows, _ = imports.sample_read(name="s.csv", data=(HEADER + "F1,licence,low,2026-03-02,\n").encode())
    with pytest.raises(InspectionLocked):
        imports.sample_import(inspection=inspection, rows=rows, user=lead)
    assert not InspectedCase.objects.exists()


def test_validation_runs_a_fixed_number_of_queries(inspection, django_assert_max_num_queries):
    body = "".join(f"G{n},licence,low,2026-03-02,amira\n" for n in range(500))
    rows, _ = imports.sample_read(name="s.csv", data=(HEADER + body).encode())
    with django_assert_max_num_queries(2):
        result = imports.sample_validate(inspection=inspection, rows=rows)
    assert result.is_clean
    assert len(result.rows) == 500
