"""The national report's survey and staffing statements against hand-computed expectations on small factory data:
the survey pooled over the PDUs of the scope (small counts hidden, saying so), and the staffing of the inspections
reported from, pooled and by region."""

import datetime
import io
from decimal import Decimal

import pytest
from django.urls import reverse
from openpyxl import load_workbook
from rest_framework.test import APIClient

from cases.models import Answer, InspectedCase
from inspections.models import Inspection, KeyQuestion
from reports.disclosure import SuppressedRate
from reports.evidence.services import staffing_record
from reports.evidence.survey_import import survey_import
from reports.models import InspectionSnapshot
from reports.selectors import national_report as selectors
from reports.selectors.results import inspection_result_data, inspection_results
from tests.factories import (
    InspectedCaseFactory,
    InspectionFactory,
    JudgementFactory,
    PDUFactory,
    RegionFactory,
    UserFactory,
)

PLANNING = "Were you involved in planning your sentence?"
SAFE = "Do you feel safe at the office?"
SURVEY = f"""PDU,Period,Question,Response,Count
Alpha,2026-27,{PLANNING},Yes,30
Alpha,2026-27,{PLANNING},No,12
Alpha,2026-27,{PLANNING},Don't know,3
Bravo,2026-27,{PLANNING},Yes,20
Bravo,2026-27,{PLANNING},No,9
Bravo,2026-27,{PLANNING},Don't know,1
Charlie,2026-27,{PLANNING},Yes,10
Charlie,2026-27,{PLANNING},No,5
Alpha,2026-27,{SAFE},Yes,40
Alpha,2026-27,{SAFE},No,5
Bravo,2026-27,{SAFE},Yes,25
Bravo,2026-27,{SAFE},No,5
Charlie,2026-27,{SAFE},Yes,14
Charlie,2026-27,{SAFE},No,1
"""


def _locked(name, region, staffing=None):
    """A PDU's inspection in 2026-27 with one sufficient case, its staffing recorded (if given), then locked."""
    inspection = InspectionFactory(
        pdu=PDUFactory(name=name, region=region), fieldwork_start=datetime.date(2026, 9, 7)
    )
    case = InspectedCaseFactory(inspection=inspection, status=InspectedCase.Status.SUBMITTED)
    key_question = KeyQuestion.objects.get(standard__framework=inspection.framework, code="2.2.1")
    JudgementFactory(case=case, key_question=key_question, answer=Answer.YES)
    if staffing:
        staffing_record(inspection=inspection, user=UserFactory(), **staffing)
    inspection.status = Inspection.Status.LOCKED
    inspection.save()
    data = inspection_result_data(inspection_results([inspection])[inspection.pk])
    InspectionSnapshot.objects.create(
        inspection=inspection, data=data, framework_version=1, created_by=UserFactory()
    )
    return inspection


@pytest.fixture
def evidence(framework, superuser):
    north, south = RegionFactory(name="North"), RegionFactory(name="South")
    _locked(
        "Alpha",
        north,
        {
            "staff_in_post": 80,
            "sickness_days": Decimal("720"),
            "staff_surveyed": 50,
            "workloads_manageable": 20,
            "vacancies": {"po": (Decimal("40"), Decimal("8.5")), "pso": (Decimal("30"), Decimal("3"))},
        },
    )
    _locked("Bravo", north)  # no staffing recorded: not in the staffing figures
    _locked(
        "Charlie",
        south,
        {
            "staff_in_post": 40,
            "sickness_days": Decimal("480"),
            "staff_surveyed": 30,
            "workloads_manageable": 6,
            "vacancies": {"spo": (Decimal("5"), Decimal("1")), "po": (Decimal("20"), Decimal("5"))},
        },
    )
    survey_import(name="survey.csv", data=SURVEY.encode(), user=superuser)
    return north, south


def _statement(report, slug):
    return next(s for s in report.statements if s.slug == slug)


def test_the_survey_says_whose_views_were_gathered_where(evidence):
    report = selectors.national_report(period="2026-27")
    statement = _statement(report, "survey")
    # Each question was answered by 90 people (45 + 30 + 15) in the 3 PDUs.
    assert statement.text == (
        "The views of 90 people on probation were gathered in 3 PDUs in England and Wales, in the survey of April "
        "2026 to March 2027. Counts of fewer than 5 people are not shown, nor one other where the total would give "
        "a hidden count away."
    )
    assert (statement.n, statement.section) == (90, "Views of people on probation")
    assert statement.rows == [[PLANNING, 90], [SAFE, 90]]
    assert not any("people on probation" in item for item in report.not_computed)


def test_each_survey_question_gives_its_shares_with_intervals_and_hides_small_counts(evidence):
    report = selectors.national_report(period="2026-27")
    planning = _statement(report, "survey-1")
    # Yes 60, No 26, Don't know 4 of 90. Don't know is below 5, so hidden; No, the smallest shown, is hidden too, or
    # 90 - 60 - 26 would give it away. Yes: 60 of 90, 66.7%, Wilson 56.4% to 75.5%.
    assert planning.text == (
        f"Of the 90 people who answered “{PLANNING}”, 67% said “Yes” (95% CI 56% to 76%); the shares saying “No” "
        "and “Don't know” are not shown (fewer than 5 people, or they would give one away)."
    )
    assert (planning.figure.sufficient, planning.figure.total) == (60, 90)
    assert planning.figure_of == f"said “Yes” to “{PLANNING}”"
    assert [row[0] for row in planning.rows] == ["Yes", "No", "Don't know"]
    assert [type(row[1]) is SuppressedRate for row in planning.rows] == [False, True, True]
    assert "26" not in planning.text
    safe = _statement(report, "survey-2")
    # Yes 79 of 90: 87.8% (79.4% to 93.0%); No 11 of 90: 12.2% (7.0% to 20.6%). The headline is the larger.
    assert safe.text == (
        f"Of the 90 people who answered “{SAFE}”, 88% said “Yes” (95% CI 79% to 93%); 12% said “No” (95% CI 7% to "
        "21%)."
    )
    assert (safe.figure.sufficient, safe.figure_of) == (79, f"said “Yes” to “{SAFE}”")


def test_a_region_has_its_own_pdus_survey(evidence):
    _, south = evidence
    report = selectors.national_report(period="2026-27", region=south.pk)
    assert _statement(report, "survey").text == (
        "The views of 15 people on probation were gathered in 1 PDU in South, in the survey of April 2026 to March "
        "2027. Counts of fewer than 5 people are not shown, nor one other where the total would give a hidden count "
        "away."
    )
    # Charlie's No 5 to the first question is not below the minimum: shown (its No 1 to the second is not).
    assert _statement(report, "survey-1").text.endswith("33% said “No” (95% CI 15% to 58%).")


def test_staffing_vacancy_rates_by_grade_pooled_and_by_region(evidence):
    statement = _statement(selectors.national_report(period="2026-27"), "staffing-vacancies")
    # Alpha (North) PO 8.5 of 40, PSO 3 of 30: 11.5 of 70, 16%. Charlie (South) SPO 1 of 5, PO 5 of 20: 6 of 25, 24%.
    # Together 17.5 of 95, 18%: SPO 1 of 5 20%, PO 13.5 of 60 22.5%, PSO 3 of 30 10%.
    assert statement.text == (
        "In the 2 inspected PDUs that recorded their staffing, 18% of posts (full-time equivalent) were vacant: 20% "
        "of senior probation officer posts, 22% of probation officer posts and 10% of probation services officer "
        "posts; by region, from 16% in North to 24% in South."
    )
    assert (statement.n, statement.figure) == (2, None)
    assert ["England and Wales", "Probation officer", 60.0, 13.5, 22.5] in statement.rows
    assert ["North", "Probation services officer", 30.0, 3.0, 10.0] in statement.rows


def test_staffing_workloads_not_manageable_with_their_interval(evidence):
    statement = _statement(selectors.national_report(period="2026-27"), "staffing-workloads")
    # Not manageable: North 30 of 50 (60%), South 24 of 30 (80%); together 54 of 80, 67.5%, Wilson 56.6% to 76.8%.
    assert statement.text == (
        "Of the 80 members of staff asked in the 2 inspected PDUs that recorded their staffing, 68% said their "
        "workload was not manageable (95% CI 57% to 77%); by region, from 60% in North to 80% in South."
    )
    assert (statement.figure.sufficient, statement.figure.total) == (54, 80)
    assert [(row[0], row[2].sufficient, row[2].total) for row in statement.rows] == [
        ("North", 30, 50),
        ("South", 24, 30),
        ("England and Wales", 54, 80),
    ]


def test_a_workload_share_of_too_few_staff_is_not_stated(framework):
    east = RegionFactory(name="East")
    figures = {
        "staff_in_post": 10,
        "sickness_days": Decimal("50"),
        "staff_surveyed": 4,
        "workloads_manageable": 1,
        "vacancies": {"po": (Decimal("5"), Decimal("1"))},
    }
    _locked("Delta", east, figures)
    statement = _statement(selectors.national_report(period="2026-27"), "staffing-workloads")
    assert statement.text == (
        "Of the 4 members of staff asked in the 1 inspected PDU that recorded its staffing, the share saying their "
        "workload was not manageable is not shown: fewer than 5 of them gave one of the answers."
    )
    assert (statement.n, statement.figure) == (4, None)
    assert isinstance(statement.rows[0][2], SuppressedRate)
    assert statement.rows[0][2].note == "fewer than 5 staff gave one of the answers: not shown"


def test_staffing_sickness_days_per_person(evidence):
    statement = _statement(selectors.national_report(period="2026-27"), "staffing-sickness")
    # 720 days over 80 staff (9.0) and 480 over 40 (12.0): 1,200 over 120, 10.0 each.
    assert statement.text == (
        "Staff lost 10.0 working days each to sickness over the last 12 months (1,200 days over 120 people in post, "
        "in the 2 inspected PDUs that recorded their staffing); by region, from 9.0 days in North to 12.0 days in "
        "South."
    )
    assert statement.rows[-1] == ["England and Wales", 2, 120, 1200.0, 10.0]


def test_a_region_keeps_to_its_inspections_staffing(evidence):
    north, _ = evidence
    report = selectors.national_report(period="2026-27", region=north.pk)
    # Only Alpha's: one region, so no pooled row and no range by region.
    assert _statement(report, "staffing-sickness").text == (
        "Staff lost 9.0 working days each to sickness over the last 12 months (720 days over 80 people in post, in "
        "the 1 inspected PDU that recorded its staffing)."
    )
    assert [
        (row[0], row[2].sufficient, row[2].total) for row in _statement(report, "staffing-workloads").rows
    ] == [("North", 30, 50)]


def test_an_empty_period_says_there_is_no_survey_or_staffing_to_report_from(evidence):
    report = selectors.national_report(period="2019-20")
    assert report.statements == []
    assert report.not_computed == [
        "The views of people on probation: there are no survey results for England and Wales in April 2019 to March "
        "2020 to report from.",
        "Staff vacancy rates, manageable workloads and sickness days: there are no inspections to report from, so "
        "there is no staffing evidence to report from.",
    ]


def test_inspections_without_staffing_or_survey_keep_saying_so(framework):
    _locked("Delta", RegionFactory(name="East"))
    report = selectors.national_report(period="2026-27")
    assert not [s for s in report.statements if s.section in {"Staffing", "Views of people on probation"}]
    assert report.not_computed[1] == (
        "Staff vacancy rates, manageable workloads and sickness days: none of the inspections reported from recorded "
        "their PDU’s staffing, so there is no staffing evidence to report from."
    )


def test_survey_and_staffing_take_a_fixed_number_of_queries(evidence, django_assert_max_num_queries):
    with django_assert_max_num_queries(20):
        small = selectors.national_report(period="2026-27")
    region = RegionFactory(name="West")
    for index in range(4):
        _locked(
            f"Extra {index}",
            region,
            {
                "staff_in_post": 10,
                "sickness_days": Decimal("50"),
                "staff_surveyed": 8,
                "workloads_manageable": 4,
                "vacancies": {"po": (Decimal("5"), Decimal("1"))},
            },
        )
    with django_assert_max_num_queries(20):
        large = selectors.national_report(period="2026-27")
    assert _statement(large, "staffing-vacancies").n == _statement(small, "staffing-vacancies").n + 4


def test_the_page_pdf_xlsx_and_api_carry_the_survey_and_staffing(evidence, client, national_viewer):
    client.force_login(national_viewer)
    page = client.get(reverse("national_report"), {"period": "2026-27"}).content.decode()
    assert "The views of 90 people on probation were gathered in 3 PDUs" in page
    assert "Of the 80 members of staff asked" in page
    assert "by region, from 60% in North to 80% in South" in page
    assert "Fewer than 5 responses: not shown" in page
    # The line under each survey statement says which response its headline figure counts.
    assert f"60 of 90 said “Yes” to “{PLANNING}”: 66.7% (95% interval 56.4% to 75.5%)." in page
    assert "54 of 80 said their workload was not manageable: 67.5%" in page
    assert "What this report cannot say yet" not in page
    workbook = load_workbook(
        io.BytesIO(client.get(reverse("national_report_xlsx"), {"period": "2026-27"}).content)
    )
    statements = [row[0] for row in workbook["statements"].iter_rows(values_only=True)]
    assert any(str(text).startswith("Of the 80 members of staff asked") for text in statements)
    assert not any(
        str(cell) == "26"
        for sheet in workbook.worksheets
        for row in sheet.iter_rows(values_only=True)
        for cell in row
    )
    survey_sheet = next(name for name in workbook.sheetnames if name.endswith("-survey-1"))
    assert list(workbook[survey_sheet].iter_rows(values_only=True))[1][:3] == (
        "Response",
        "Share of those who answered: people",
        "Share of those who answered: n",
    )
    assert client.get(reverse("national_report_pdf"), {"period": "2026-27"}).status_code == 200
    api = APIClient()
    api.force_authenticate(national_viewer)
    data = api.get("/api/v1/national/report/", {"period": "2026-27"}).json()
    slugs = [s["slug"] for s in data["statements"]]
    assert {"survey", "survey-1", "survey-2", "staffing-vacancies", "staffing-workloads"} <= set(slugs)
    assert data["not_computed"] == []
    planning = next(s for s in data["statements"] if s["slug"] == "survey-1")
    assert planning["rows"][1][1]["suppressed"] == "fewer than 5 responses: not shown"
    assert planning["figure_of"] == f"said “Yes” to “{PLANNING}”"
