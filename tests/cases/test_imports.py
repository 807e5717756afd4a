import datetime
import io
import re
import zipfile

import pytest
from django.core.files.uploadedfile import SimpleUploadedFile
from django.urls import reverse
from django.utils import timezone
from openpyxl import Workbook

from cases import imports
from cases.models import InspectedCase
from inspections.models import Inspection
from inspections.services import InspectionLocked
from tests.factories import SAMPLE_HEADER, InspectedCaseFactory, UserFactory


@pytest.fixture(autouse=True)
def _inspection_being_set_up(inspection, assistant):
    """A sample is imported while the inspection is set up; amira, whom the sample files name, is on its team."""
    inspection.status = Inspection.Status.SETUP
    inspection.save()


def preview(inspection, text: str | bytes, name="sample.csv"):
    data = text.encode() if isinstance(text, str) else text
    return imports.sample_preview(inspection=inspection, name=name, data=data)


UNKNOWN_CASE_TYPE = imports.UNKNOWN_CHOICE.format(
    column="Case type", options="community order, licence or post-sentence supervision"
)
UNKNOWN_ROSH = imports.UNKNOWN_CHOICE.format(column="RoSH level", options="low, medium, high or very high")


def problems(result):
    return [(p.line, p.column, p.message) for p in result.problems]


def test_a_clean_csv_previews_every_row_and_saves_nothing(inspection):
    result = preview(
        inspection,
        SAMPLE_HEADER + "A1,community order,low,2026-03-02,amira\nA2,Licence,Very high,02/03/2026,\n"
        "A3,post-sentence supervision,MEDIUM,2026-04-01,\n",
    )
    assert result.is_clean
    assert [(r.reference, r.kind.slug, r.attributes) for r in result.rows] == [
        (
            "A1",
            "supervision",
            {"case_type": "community_order", "rosh_level": "low", "start_date": "2026-03-02"},
        ),
        (
            "A2",
            "supervision",
            {"case_type": "licence", "rosh_level": "very_high", "start_date": "2026-03-02"},
        ),
        (
            "A3",
            "supervision",
            {"case_type": "post_sentence_supervision", "rosh_level": "medium", "start_date": "2026-04-01"},
        ),
    ]
    assert not InspectedCase.objects.exists()


def test_preview_lists_every_bad_row_with_line_column_and_message(inspection):
    InspectedCaseFactory(inspection=inspection, reference="OLD1")
    result = preview(
        inspection,
        SAMPLE_HEADER + "B1,caution,low,2026-03-02,\n"  # line 2
        "B2,licence,extreme,2026-02-30,\n"  # line 3
        "B1,licence,low,2026-03-02,zed\n"  # line 4
        "OLD1,licence,low,2026-03-02,\n"  # line 5
        ",licence,,,\n",  # line 6
    )
    assert not result.is_clean
    assert problems(result) == [
        (2, "Case type", UNKNOWN_CASE_TYPE),
        (3, "RoSH level", UNKNOWN_ROSH),
        (3, "Supervision start date", imports.BAD_DATE.format(column="Supervision start date")),
        (4, "Case reference", imports.DUPLICATE_IN_FILE.format(reference="B1", line=2)),
        (4, "Assistant inspector", imports.UNKNOWN_USER.format(username="zed")),
        (5, "Case reference", imports.DUPLICATE_IN_SAMPLE.format(reference="OLD1")),
        (6, "Case reference", imports.MISSING_VALUE.format(column="case reference")),
        (6, "RoSH level", imports.MISSING_VALUE.format(column="RoSH level")),
        (6, "Supervision start date", imports.MISSING_VALUE.format(column="supervision start date")),
    ]
    assert result.rows_with_problems == 5


def test_a_user_who_is_not_an_assistant_inspector_on_the_team_is_unknown(inspection):
    UserFactory(username="stranger")
    result = preview(inspection, SAMPLE_HEADER + "C1,licence,low,2026-03-02,stranger\n")
    assert problems(result) == [(2, "Assistant inspector", imports.UNKNOWN_USER.format(username="stranger"))]


def test_references_differing_only_in_case_are_duplicates_in_the_file_and_the_sample(inspection):
    InspectedCaseFactory(inspection=inspection, reference="OLD1")
    result = preview(
        inspection,
        SAMPLE_HEADER + "NEW001,licence,low,2026-03-02,\n"  # line 2
        "new001,licence,low,2026-03-02,\n"  # line 3
        "old1,licence,low,2026-03-02,\n",  # line 4
    )
    assert problems(result) == [
        (3, "Case reference", imports.DUPLICATE_IN_FILE.format(reference="new001", line=2)),
        (4, "Case reference", imports.DUPLICATE_IN_SAMPLE.format(reference="old1")),
    ]


@pytest.mark.parametrize(
    "reference",
    ["NEW\n001", "NEW\r\n001", "NEW\t001", "NEW\u200b001", "NEW\u2028001", "NEW\x07001"],
    ids=["line-feed", "carriage-return", "tab", "zero-width-space", "line-separator", "bell"],
)
def test_a_reference_with_a_line_break_or_hidden_character_is_refused(inspection, reference):
    quoted = '"' + reference + '"'
    result = preview(
        inspection, SAMPLE_HEADER + "OK1,licence,low,2026-03-02,\n" + quoted + ",licence,low,2026-03-02,\n"
    )
    assert problems(result) == [(3, "Case reference", imports.REFERENCE_HIDDEN_CHARACTERS)]


def test_a_supervision_start_after_today_is_refused_and_today_or_earlier_accepted(inspection):
    today = timezone.localdate()
    tomorrow = today + datetime.timedelta(days=1)
    result = preview(
        inspection,
        SAMPLE_HEADER + f"T1,licence,low,{today.isoformat()},\n"  # line 2
        f"T2,licence,low,{tomorrow.isoformat()},\n"  # line 3
        "T3,licence,low,01/01/2099,\n"  # line 4
        "T4,licence,low,2019-06-30,\n",  # line 5
    )
    assert problems(result) == [
        (3, "Supervision start date", imports.FUTURE_DATE.format(column="Supervision start date")),
        (4, "Supervision start date", imports.FUTURE_DATE.format(column="Supervision start date")),
    ]


@pytest.mark.parametrize(
    ("data", "expected"),
    [
        (b"", [(None, "", imports.EMPTY_FILE)]),
        (b"\n\n  \n", [(None, "", imports.EMPTY_FILE)]),
        (SAMPLE_HEADER.encode(), [(None, "", imports.NO_ROWS)]),
        (b"Case reference,Case type\nA,licence\n", [
            (1, "RoSH level", imports.MISSING_COLUMN.format(column="RoSH level")),
            (1, "Supervision start date", imports.MISSING_COLUMN.format(column="Supervision start date")),
        ]),
        ((SAMPLE_HEADER + "Zoë,licence,low,2026-03-02,\n").encode("utf-16"), [
            (None, "", imports.SEEMS_TO_BE.format(what="UTF-16 text (Excel's “Unicode text”)")),
        ]),
        (SAMPLE_HEADER.encode() + b"Zo\x81,licence,low,2026-03-02,\n", [(None, "", imports.WRONG_ENCODING)]),
        (b"x" * (imports.MAX_UPLOAD_BYTES + 1), [(None, "", imports.TOO_LARGE)]),
    ],
    ids=["empty", "blank-lines", "no-rows", "missing-columns", "utf-16", "undecodable", "too-large"],
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
    assert result.rows[0].attributes["start_date"] == "2026-03-02"
    assert problems(result) == [
        (3, "Supervision start date", imports.BAD_DATE.format(column="Supervision start date"))
    ]


def test_a_corrupt_xlsx_is_refused(inspection):
    assert problems(preview(inspection, b"PK\x03\x04garbage", name="sample.xlsx")) == [
        (None, "", imports.NOT_A_WORKBOOK)
    ]


def test_importing_a_clean_sample_saves_every_case_with_its_assistant_inspector(inspection, lead):
    rows, _ = imports.sample_read(
        name="s.csv",
        data=(SAMPLE_HEADER + "D1,licence,low,2026-03-02,amira\nD2,licence,high,2026-03-02,\n").encode(),
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
        name="s.csv",
        data=(SAMPLE_HEADER + "E1,licence,low,2026-03-02,\nE2,licence,low,yesterday,\n").encode(),
    )
    with pytest.raises(imports.SampleInvalid) as refused:
        imports.sample_import(inspection=inspection, rows=rows, user=lead)
    assert problems(refused.value.preview) == [
        (3, "Supervision start date", imports.BAD_DATE.format(column="Supervision start date"))
    ]
    assert not InspectedCase.objects.exists()


def test_import_refuses_a_case_added_meanwhile_under_another_case(inspection, lead):
    rows, _ = imports.sample_read(
        name="s.csv", data=(SAMPLE_HEADER + "h1,licence,low,2026-03-02,\n").encode()
    )
    InspectedCaseFactory(inspection=inspection, reference="H1")
    with pytest.raises(imports.SampleInvalid) as refused:
        imports.sample_import(inspection=inspection, rows=rows, user=lead)
    assert problems(refused.value.preview) == [
        (2, "Case reference", imports.DUPLICATE_IN_SAMPLE.format(reference="h1"))
    ]
    assert list(InspectedCase.objects.values_list("reference", flat=True)) == ["H1"]


def test_import_into_a_locked_inspection_is_refused(inspection, lead):
    inspection.status = Inspection.Status.LOCKED
    inspection.save()
    rows, _ = imports.sample_read(
        name="s.csv", data=(SAMPLE_HEADER + "F1,licence,low,2026-03-02,\n").encode()
    )
    with pytest.raises(InspectionLocked):
        imports.sample_import(inspection=inspection, rows=rows, user=lead)
    assert not InspectedCase.objects.exists()


def test_validation_runs_a_fixed_number_of_queries(inspection, django_assert_max_num_queries):
    body = "".join(f"G{n},licence,low,2026-03-02,amira\n" for n in range(500))
    rows, _ = imports.sample_read(name="s.csv", data=(SAMPLE_HEADER + body).encode())
    with django_assert_max_num_queries(2):
        result = imports.sample_validate(inspection=inspection, rows=rows)
    assert result.is_clean
    assert len(result.rows) == 500


# Issue 16, defect 7: the sample import as a new user tries it.


def test_each_problem_keeps_the_value_read_with_its_line_and_column(inspection):
    result = preview(inspection, SAMPLE_HEADER + "V1,caution,low,31/11/2026,Zed\nV2,licence,,2026-03-02,\n")
    assert [(p.line, p.column, p.value) for p in result.problems] == [
        (2, "Case type", "caution"),
        (2, "Supervision start date", "31/11/2026"),
        (2, "Assistant inspector", "Zed"),
        (3, "RoSH level", ""),
    ]


def upload(client, inspection, data: bytes, name="sample.csv"):
    return client.post(
        reverse("inspections:sample_import", kwargs={"pk": inspection.pk}),
        {"file": SimpleUploadedFile(name, data, content_type="text/csv")},
    )


def test_the_problems_table_shows_each_value_and_the_summary_links_to_its_own_row(client, inspection, lead):
    client.force_login(lead)
    response = upload(
        client, inspection, (SAMPLE_HEADER + "V1,caution,low,2026-03-02,\nV2,licence,extreme,,\n").encode()
    )
    html = response.text
    assert "<code>caution</code>" in html
    assert "<code>extreme</code>" in html
    assert "(empty)" in html  # the missing start date on line 3
    links = re.findall(r'<li><a href="(#[^"]+)">Line', html)
    assert links == ["#problem-1", "#problem-2", "#problem-3"]
    for link in links:
        assert f'id="{link[1:]}"' in html
    assert "3 problems on 2 rows of 2" in html


def test_counts_say_how_many_rows_of_how_many_have_problems(client, inspection, lead):
    client.force_login(lead)
    body = "N1,licence,low,2026-03-02,\nN2,caution,extreme,2026-03-02,\nN3,licence,low,2026-03-02,\n"
    response = upload(client, inspection, (SAMPLE_HEADER + body).encode())
    assert "2 problems on 1 row of 3" in response.text
    missing = upload(client, inspection, b"Case reference,Case type\nA,licence\n")
    assert "of 0" not in missing.text
    assert "2 problems</caption>" in missing.text


@pytest.mark.parametrize("separator", [";", "\t", ","], ids=["semicolon", "tab", "comma"])
def test_the_separator_is_detected(inspection, separator):
    text = (
        SAMPLE_HEADER + 'S1,licence,low,02/03/2026,amira\n"S2",post-sentence supervision,high,2026-03-02,\n'
    )
    result = preview(inspection, text.replace(",", separator))
    assert result.is_clean, problems(result)
    assert [(row.reference, row.attributes["case_type"]) for row in result.rows] == [
        ("S1", "licence"),
        ("S2", "post_sentence_supervision"),
    ]


@pytest.mark.parametrize(
    ("encoding", "bom"),
    [("utf-8", b""), ("utf-8", b"\xef\xbb\xbf"), ("cp1252", b"")],
    ids=["utf-8", "utf-8-with-bom", "windows-1252"],
)
def test_utf8_with_or_without_bom_and_windows_1252_are_read(inspection, encoding, bom):
    text = SAMPLE_HEADER + "Zoë’s-1,licence,low,2026-03-02,amira\n"
    result = preview(inspection, bom + text.encode(encoding))
    assert result.is_clean, problems(result)
    assert result.rows[0].reference == "Zoë’s-1"


@pytest.mark.parametrize(
    ("data", "what"),
    [
        (b"%PDF-1.7\n%\xe2\xe3\xcf\xd3\n1 0 obj\n<< /Type /Catalog >>\nendobj\n", "a PDF document"),
        (b"\xd0\xcf\x11\xe0\xa1\xb1\x1a\xe1" + bytes(200), "an older Office file (such as an Excel 97-2003 .xls workbook)"),
        (b"\x89PNG\r\n\x1a\n" + bytes(50), "a PNG image"),
        (b"<!DOCTYPE html><html><body>Cases</body></html>", "a web page (HTML)"),
    ],
    ids=["pdf", "xls", "png", "html"],
)  # fmt: skip
def test_a_file_that_is_not_csv_or_xlsx_gets_one_message_saying_what_it_seems_to_be(inspection, data, what):
    assert problems(preview(inspection, data, name="sample.csv")) == [
        (None, "", imports.SEEMS_TO_BE.format(what=what))
    ]


def test_a_word_document_is_named_as_one(inspection):
    buffer = io.BytesIO()
    with zipfile.ZipFile(buffer, "w") as archive:
        archive.writestr("[Content_Types].xml", "<Types/>")
        archive.writestr("word/document.xml", "<document/>")
    assert problems(preview(inspection, buffer.getvalue(), name="sample.docx")) == [
        (None, "", imports.SEEMS_TO_BE.format(what="a Word document"))
    ]


def test_usernames_are_compared_without_case(inspection, lead):
    result = preview(
        inspection, SAMPLE_HEADER + "U1,licence,low,2026-03-02,AMIRA\nU2,licence,low,2026-03-02,Amira\n"
    )
    assert result.is_clean, problems(result)
    imports.sample_import(inspection=inspection, rows=result.raw_rows, user=lead)
    assert set(InspectedCase.objects.values_list("assistant_inspector__username", flat=True)) == {"amira"}


def test_a_template_per_case_kind_has_its_columns_and_an_example_row_that_imports(client, inspection, lead):
    client.force_login(lead)
    page = client.get(reverse("inspections:sample_import", kwargs={"pk": inspection.pk}))
    definition = inspection.framework.definition
    for kind in definition.case_kinds:
        url = reverse("inspections:sample_template", kwargs={"pk": inspection.pk, "kind": kind.slug})
        assert f'href="{url}"' in page.text
        response = client.get(url)
        assert response["Content-Type"].startswith("text/csv")
        assert f"sample-{kind.slug}.csv" in response["Content-Disposition"]
        assert response.content.startswith(b"\xef\xbb\xbf")  # so that Excel reads it as UTF-8
        header, _example = response.content.decode("utf-8-sig").splitlines()
        assert header.split(",") == [heading for heading, _ in imports.sample_columns(definition, kind)]
        result = imports.sample_preview(
            inspection=inspection, name="template.csv", data=response.content, kind=kind.slug
        )
        assert result.is_clean, problems(result)
    missing = reverse("inspections:sample_template", kwargs={"pk": inspection.pk, "kind": "no-such-kind"})
    assert client.get(missing).status_code == 404


def test_the_template_is_refused_to_someone_not_leading_the_inspection(client, inspection):
    url = reverse("inspections:sample_template", kwargs={"pk": inspection.pk, "kind": "supervision"})
    assert client.get(url).status_code == 302  # anonymous: to sign in
    client.force_login(UserFactory(username="outsider"))
    assert client.get(url).status_code == 404
