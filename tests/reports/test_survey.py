"""The survey of people on probation: importing its results per PDU and period, every problem listed by line and
column, and its results beside the case data with n, intervals and small counts hidden everywhere."""

import csv
import io
import re

import pytest
from django.core.files.uploadedfile import SimpleUploadedFile
from django.urls import reverse

from cases import imports
from reports.evidence import survey_import as survey
from reports.evidence.models import SurveyCount, SurveyImport
from reports.evidence.selectors import survey_results
from tests.factories import InspectionFactory, PDUFactory, RegionFactory

HEADER = "PDU,Period,Question,Response,Count\n"
QUESTION = "Were you involved in planning your sentence?"


@pytest.fixture
def pdus(db):
    north = RegionFactory(name="North East")
    return {
        "gateshead": PDUFactory(name="Gateshead", region=north),
        "durham": PDUFactory(name="County Durham", region=north),
        "derby": PDUFactory(name="Derby City", region=RegionFactory(name="Midlands")),
    }


def survey_file(*rows: str) -> bytes:
    return (HEADER + "".join(f"{row}\n" for row in rows)).encode()


CLEAN = survey_file(
    f"Gateshead,2026-27,{QUESTION},Yes,30",
    f"Gateshead,2026-27,{QUESTION},No,12",
    f"Gateshead,2026-27,{QUESTION},Don't know,3",
    f"Derby City,2026-27,{QUESTION},Yes,20",
    f"Derby City,2026-27,{QUESTION},No,9",
    f"Derby City,2026-27,{QUESTION},Don't know,7",
)


def problems(data: bytes, name: str = "survey.csv") -> list[tuple]:
    return [(p.line, p.column, p.message) for p in survey.survey_check(name=name, data=data).problems]


def test_a_clean_file_is_saved_with_who_imported_it(pdus, superuser):
    record = survey.survey_import(name="survey.csv", data=CLEAN, user=superuser)
    assert (record.rows, record.imported_by) == (6, superuser)
    assert SurveyCount.objects.filter(pdu=pdus["gateshead"]).count() == 3


def test_every_bad_row_is_listed_by_line_and_column(pdus):
    data = survey_file(
        f"Gatesid,2026-27,{QUESTION},Yes,30",
        f"Gateshead,2026,{QUESTION},Yes,30",
        "Gateshead,2026-27,,Yes,thirty",
        f"Gateshead,2026-27,{QUESTION},,-1",
        f"gateshead,2026-27,{QUESTION},No,4",
        f"Gateshead,2026-27,{QUESTION},No,5",
    )
    assert problems(data) == [
        (2, "PDU", survey.UNKNOWN_PDU.format(value="Gatesid")),
        (3, "Period", survey.BAD_PERIOD),
        (4, "Question", survey.MISSING_VALUE.format(column="question")),
        (4, "Count", survey.BAD_COUNT),
        (5, "Response", survey.MISSING_VALUE.format(column="response")),
        (5, "Count", survey.BAD_COUNT),
        (7, "Response", survey.DUPLICATE.format(line=6)),
    ]


def test_a_file_without_a_column_names_it(pdus):
    data = b"PDU,Period,Question,Count\nGateshead,2026-27,Q,3\n"
    assert problems(data) == [(1, "Response", survey.MISSING_COLUMN.format(column="Response"))]


def test_a_semicolon_separated_windows_file_reads_as_the_sample_import_reads_it(pdus):
    text = (
        HEADER.replace(",", ";")
        + "Gateshead;2026-27;Were you treated with respect by staff – always?;Yes;9\n"
    )
    check = survey.survey_check(name="survey.csv", data=text.encode("cp1252"))
    assert check.is_clean
    assert check.rows[0].question == "Were you treated with respect by staff – always?"


@pytest.mark.parametrize(
    ("data", "message"),
    [
        (b"%PDF-1.7", imports.SEEMS_TO_BE.format(what="a PDF document")),
        (b"", survey.EMPTY_FILE),
        (HEADER.encode(), survey.NO_ROWS),
    ],
)
def test_an_unreadable_file_is_one_problem_for_the_whole_file(pdus, data, message):
    assert problems(data) == [(None, "", message)]


def test_a_workbook_is_read_too(pdus):
    from openpyxl import Workbook

    workbook = Workbook()
    sheet = workbook.active
    sheet.append(["PDU", "Period", "Question", "Response", "Count"])
    sheet.append(["Derby City", "2026-27", QUESTION, "Yes", 12])
    buffer = io.BytesIO()
    workbook.save(buffer)
    check = survey.survey_check(name="survey.xlsx", data=buffer.getvalue())
    assert [(row.response, row.count) for row in check.rows] == [("Yes", 12)]


def test_a_new_file_replaces_the_results_of_its_pdus_and_periods_only(pdus, superuser):
    survey.survey_import(name="first.csv", data=CLEAN, user=superuser)
    survey.survey_import(
        name="second.csv", data=survey_file(f"Gateshead,2026-27,{QUESTION},Yes,40"), user=superuser
    )
    assert list(SurveyCount.objects.filter(pdu=pdus["gateshead"]).values_list("count", flat=True)) == [40]
    assert SurveyCount.objects.filter(pdu=pdus["derby"]).count() == 3
    assert SurveyImport.objects.count() == 2


def test_a_file_with_problems_saves_nothing(pdus, superuser):
    with pytest.raises(survey.SurveyInvalid) as invalid:
        survey.survey_import(name="s.csv", data=survey_file("Nowhere,2026-27,Q,Yes,3"), user=superuser)
    assert invalid.value.check.problem_count == 1
    assert not SurveyCount.objects.exists()


def test_results_pool_counts_with_n_and_intervals_and_hide_small_counts(pdus, superuser):
    survey.survey_import(name="survey.csv", data=CLEAN, user=superuser)
    gateshead = survey_results(pdu_id=pdus["gateshead"].pk)
    question = gateshead.questions[0]
    assert (question.question, question.n) == (QUESTION, 45)
    yes, no, unknown = question.responses
    assert (yes.count, round(yes.share.rate, 1)) == (30, 66.7)
    assert yes.share.lower < yes.share.rate < yes.share.upper
    # 3 is fewer than 5, and the next smallest goes too, or 45 - 30 - 12 would give it away.
    assert (no.suppressed, unknown.suppressed) == (True, True)
    national = survey_results()
    assert [(r.response, r.count) for r in national.questions[0].responses] == [
        ("Yes", 50),
        ("No", 21),
        ("Don't know", 10),
    ]
    assert (national.pdus, national.respondents, national.period) == (2, 81, "2026-27")
    regional = survey_results(region_id=pdus["gateshead"].region_id)
    assert regional.respondents == 45


def test_the_minimum_is_a_setting(pdus, superuser, settings):
    settings.SURVEY_MINIMUM_COUNT = 3
    survey.survey_import(name="survey.csv", data=CLEAN, user=superuser)
    assert not survey_results(pdu_id=pdus["gateshead"].pk).any_suppressed


def test_no_results_is_not_an_error(pdus):
    empty = survey_results(pdu_id=pdus["durham"].pk)
    assert (empty.period, empty.questions, empty.periods) == (None, [], [])


def upload(data: bytes, name: str = "survey.csv") -> dict:
    return {"file": SimpleUploadedFile(name, data, content_type="text/csv")}


def test_anonymous_users_are_sent_to_sign_in(client, db):
    for url in (
        reverse("survey_import"),
        reverse("survey_template"),
        reverse("pdu_survey", args=[1]),
        reverse("national_survey_csv"),
    ):
        assert client.get(url)["Location"].startswith(reverse("login"))


def test_only_national_viewers_and_administrators_import_surveys(
    client, pdus, lead, national_viewer, superuser
):
    client.force_login(lead)
    assert client.get(reverse("survey_import")).status_code == 404
    assert client.post(reverse("survey_import"), upload(CLEAN)).status_code == 404
    assert not SurveyCount.objects.exists()
    for user in (national_viewer, superuser):
        client.force_login(user)
        assert client.get(reverse("survey_import")).status_code == 200


def test_the_import_page_lists_every_problem_and_keeps_nothing(client, pdus, national_viewer):
    client.force_login(national_viewer)
    response = client.post(reverse("survey_import"), upload(survey_file("Gatesid,2026-27,Q,Yes,3")))
    page = response.content.decode()
    assert response.status_code == 200
    assert "The file has one problem" in page
    assert "Line 2, PDU: There is no PDU called “Gatesid”" in page
    assert not SurveyCount.objects.exists()


def test_the_import_page_tables_the_first_hundred_problems_each_linked_from_the_summary(
    client, pdus, national_viewer
):
    client.force_login(national_viewer)
    rows = [f"Gatesid,2026-27,Q,Yes,{count}" for count in range(130)]
    page = client.post(reverse("survey_import"), upload(survey_file(*rows))).content.decode()
    assert "The file has 130 problems" in page
    links = re.findall(r'<li><a href="(#[^"]+)">', page)
    assert links == [f"#problem-{n}" for n in range(1, 11)] + ["#problems"]
    assert '<h2 class="govuk-heading-m" id="problems">Problems in the file</h2>' in page
    assert "130 problems: the first 100 are listed</caption>" in page
    assert page.count('<th scope="col" class="govuk-table__header">') == 4
    assert page.count('<tr class="govuk-table__row" id="problem-') == 100
    assert re.search(r'id="problem-1">\s*<td class="govuk-table__cell">2</td>', page)
    assert "<code>Gatesid</code>" in page


def test_the_import_page_saves_a_clean_file_and_says_so(client, pdus, national_viewer):
    client.force_login(national_viewer)
    response = client.post(reverse("survey_import"), upload(CLEAN), follow=True)
    assert "6 survey results imported from survey.csv" in response.content.decode()
    assert SurveyCount.objects.count() == 6


def test_no_file_is_a_form_error(client, pdus, national_viewer):
    client.force_login(national_viewer)
    response = client.post(reverse("survey_import"), {})
    assert "Select a CSV or Excel file" in response.content.decode()


def test_the_pdu_page_shows_n_intervals_and_says_what_is_hidden(
    client, pdus, superuser, national_viewer, django_assert_max_num_queries
):
    survey.survey_import(name="survey.csv", data=CLEAN, user=superuser)
    inspection = InspectionFactory(pdu=pdus["gateshead"])
    client.force_login(national_viewer)
    # The PDU's region's dashboard row (11 at most, whatever its cases), the survey (3), session and user (2).
    with django_assert_max_num_queries(16):
        response = client.get(reverse("pdu_survey", args=[pdus["gateshead"].pk]))
    page = response.content.decode()
    assert reverse("inspection_dashboard", args=[inspection.pk]) in page
    assert "n = 45" in page
    assert "66.7%" in page
    assert "Fewer than 5 responses: not shown" in page
    assert ">12<" not in page


def test_the_pdus_ratings_over_time_page_shows_its_survey_too(client, pdus, superuser, national_viewer):
    survey.survey_import(name="survey.csv", data=CLEAN, user=superuser)
    client.force_login(national_viewer)
    page = client.get(reverse("pdu_detail", args=[pdus["gateshead"].pk])).content.decode()
    assert QUESTION in page
    assert "n = 45" in page


def test_those_who_see_no_national_figures_see_no_survey(client, pdus, assistant):
    client.force_login(assistant)
    assert client.get(reverse("pdu_survey", args=[pdus["gateshead"].pk])).status_code == 404
    assert client.get(reverse("national_survey_csv")).status_code == 404


def test_the_export_hides_what_the_page_hides(client, pdus, superuser, national_viewer):
    survey.survey_import(name="survey.csv", data=CLEAN, user=superuser)
    client.force_login(national_viewer)
    response = client.get(reverse("pdu_survey_csv", args=[pdus["gateshead"].pk]))
    rows = list(csv.DictReader(io.StringIO(response.content.decode("utf-8-sig"))))
    assert [(row["Response"], row["Count"]) for row in rows] == [
        ("Yes", "30"),
        ("No", "fewer than 5 responses: not shown"),
        ("Don't know", "fewer than 5 responses: not shown"),
    ]


def test_the_national_dashboard_shows_the_survey_of_its_scope(client, pdus, superuser, national_viewer):
    survey.survey_import(name="survey.csv", data=CLEAN, user=superuser)
    client.force_login(national_viewer)
    page = client.get(reverse("national_dashboard")).content.decode()
    assert "National: views of people on probation" in page
    assert "81 people answered, in 2 PDUs" in page
    assert f'href="{reverse("pdu_survey", args=[pdus["derby"].pk])}?period=2026-27">Derby City</a>' in page
    regional = client.get(reverse("national_dashboard"), {"region": pdus["derby"].region_id}).content.decode()
    assert "Midlands: views of people on probation" in regional
    assert "36 people answered" in regional


def test_a_lead_cannot_see_the_survey_import_link(client, pdus, superuser, lead):
    survey.survey_import(name="survey.csv", data=CLEAN, user=superuser)
    client.force_login(lead)
    page = client.get(reverse("national_dashboard")).content.decode()
    assert "views of people on probation" in page
    assert reverse("survey_import") not in page


def test_import_validation_costs_a_fixed_number_of_queries(pdus, django_assert_max_num_queries):
    many = survey_file(*(f"Gateshead,2026-27,Question {i},Yes,{i}" for i in range(500)))
    with django_assert_max_num_queries(1):
        assert survey.survey_check(name="s.csv", data=many).is_clean


def test_the_template_reads_back_clean(client, pdus, national_viewer, lead):
    client.force_login(lead)
    assert client.get(reverse("survey_template")).status_code == 404
    client.force_login(national_viewer)
    response = client.get(reverse("survey_template"))
    assert response["Content-Disposition"] == 'attachment; filename="survey-template.csv"'
    assert survey.survey_check(name="survey-template.csv", data=response.content).is_clean
