"""The national report, its exports, the comparison and a PDU's ratings over time: who may see them, what they
show, and bounded queries."""

import datetime
import io

import openpyxl
import pytest
from django.urls import reverse

from cases.models import Answer, InspectedCase
from inspections.models import Inspection, KeyQuestion, Role
from pdus.loading import published_ratings_load
from pdus.models import PDU
from reports.models import InspectionSnapshot
from reports.selectors.results import inspection_result_data, inspection_results
from tests.factories import (
    InspectedCaseFactory,
    InspectionFactory,
    JudgementFactory,
    PDUFactory,
    RegionFactory,
    UserFactory,
    user_with_roles,
)

REPORT_URLS = ["national_report", "national_report_pdf", "national_report_xlsx", "comparison"]


def _locked(pdu, start, answers):
    """A locked inspection of the PDU, one counted case per answer to 2.2.1, with its snapshot."""
    inspection = InspectionFactory(pdu=pdu, fieldwork_start=start, fieldwork_end=start)
    key_question = KeyQuestion.objects.get(standard__framework=inspection.framework, code="2.2.1")
    for answer in answers:
        case = InspectedCaseFactory(inspection=inspection, status=InspectedCase.Status.SUBMITTED)
        JudgementFactory(case=case, key_question=key_question, answer=answer)
    inspection.status = Inspection.Status.LOCKED
    inspection.save()
    data = inspection_result_data(inspection_results([inspection])[inspection.pk])
    InspectionSnapshot.objects.create(
        inspection=inspection, data=data, framework_version=1, created_by=UserFactory()
    )
    return inspection


@pytest.fixture
def two_years(framework):
    region = RegionFactory(name="North")
    _locked(
        PDUFactory(name="Alpha", region=region), datetime.date(2025, 6, 2), [Answer.YES] * 8 + [Answer.NO] * 2
    )
    _locked(
        PDUFactory(name="Bravo", region=region), datetime.date(2026, 6, 1), [Answer.YES] * 3 + [Answer.NO] * 7
    )
    return region


@pytest.mark.parametrize("name", [*REPORT_URLS, "pdu_detail"])
def test_anonymous_users_are_sent_to_sign_in(client, framework, name):
    url = reverse(name, args=[PDUFactory().pk]) if name == "pdu_detail" else reverse(name)
    response = client.get(url)
    assert response.status_code == 302
    assert response["Location"].startswith(reverse("login"))


@pytest.mark.parametrize("name", REPORT_URLS)
def test_an_assistant_inspector_may_not_see_national_figures(client, framework, name):
    client.force_login(user_with_roles(Role.ASSISTANT_INSPECTOR))
    assert client.get(reverse(name)).status_code == 404


@pytest.mark.parametrize("name", REPORT_URLS)
def test_a_lead_anywhere_and_a_national_viewer_see_national_figures(client, two_years, national_viewer, name):
    for user in (national_viewer, user_with_roles(Role.LEAD)):
        client.force_login(user)
        assert client.get(reverse(name)).status_code == 200


def test_the_report_page_states_the_figures_with_their_tables(client, two_years, national_viewer):
    client.force_login(national_viewer)
    page = client.get(reverse("national_report"), {"period": "2026-27"}).content.decode()
    assert "1 PDU was inspected in England and Wales in April 2026 to March 2027." in page
    assert 'id="statement-supervision-highest"' in page
    assert 'href="#table-supervision-highest"' in page
    assert 'id="table-supervision-highest"' in page
    # Links to the dashboard with the same filters.
    assert f"{reverse('national_dashboard')}?period=2026-27" in page


def test_an_empty_period_says_there_is_nothing_to_report(client, two_years, national_viewer):
    client.force_login(national_viewer)
    page = client.get(reverse("national_report"), {"period": "2019-20"}).content.decode()
    assert "There are no locked PDU inspections in April 2019 to March 2020" in page
    assert "statement-supervision-highest" not in page


def test_the_report_page_shows_the_annual_reports_published_ratings(client, framework, national_viewer):
    published_ratings_load()
    client.force_login(national_viewer)
    page = client.get(reverse("national_report"), {"period": "2022-23"}).content.decode()
    assert (
        "Published: of the 31 PDUs in 10 regions in “HM Inspectorate of Probation, Annual Report 2023”, 1 Good, "
        "15 Requires improvement, 15 Inadequate." in page
    )


def test_the_report_downloads_as_pdf_and_xlsx(client, two_years, national_viewer):
    client.force_login(national_viewer)
    pdf = client.get(reverse("national_report_pdf"), {"period": "2026-27"})
    assert pdf["Content-Type"] == "application/pdf"
    assert pdf.content.startswith(b"%PDF")
    assert 'filename="national-2026-27-report.pdf"' in pdf["Content-Disposition"]
    xlsx = client.get(reverse("national_report_xlsx"), {"period": "2026-27", "region": str(two_years.pk)})
    assert 'filename="north-2026-27-report.xlsx"' in xlsx["Content-Disposition"]
    about = openpyxl.load_workbook(io.BytesIO(xlsx.content), read_only=True).worksheets[0]
    rows = {row[0]: row[1] for row in about.iter_rows(min_row=2, values_only=True)}
    assert rows["PDU or region"] == "North"
    assert rows["Period"] == "April 2026 to March 2027"
    assert rows["Results"] == "Final: locked inspections only"


def test_the_report_page_runs_a_fixed_number_of_queries(
    client, two_years, national_viewer, django_assert_max_num_queries
):
    client.force_login(national_viewer)
    # +5 for the survey and staffing statements: the survey's periods, its counts, its PDUs, staffing by region and
    # vacancies by region (reports.evidence.selectors).
    with django_assert_max_num_queries(45):
        client.get(reverse("national_report"))
    for index in range(4):
        _locked(PDUFactory(region=two_years), datetime.date(2026, 7, index + 1), [Answer.YES] * 3)
    with django_assert_max_num_queries(45):
        client.get(reverse("national_report"))


def test_a_year_on_year_comparison_marks_a_difference_whose_interval_excludes_zero(
    client, two_years, national_viewer
):
    client.force_login(national_viewer)
    page = client.get(
        reverse("comparison"), {"compare": "years", "first_year": "2025-26", "second_year": "2026-27"}
    ).content.decode()
    assert "April 2025 to March 2026 against April 2026 to March 2027" in page
    assert "Assessment: Engagement (2.2.1): +50 points (95% CI +7 to +74)" in page
    assert "<svg" in page
    assert "style=" not in page.split("<main")[1]


def test_a_comparison_form_with_problems_re_renders_with_an_error_summary(client, two_years, national_viewer):
    client.force_login(national_viewer)
    response = client.get(
        reverse("comparison"), {"compare": "years", "first_year": "2025-26", "second_year": "2025-26"}
    )
    page = response.content.decode()
    assert "There is a problem" in page
    assert "Select a different year from the first" in page
    assert 'value="2025-26" selected' in page
    page = client.get(
        reverse("comparison"), {"compare": "date", "day_0": "31", "day_1": "2", "day_2": "2021"}
    ).content.decode()
    assert "The date must be a real date" in page
    assert 'value="31"' in page


def test_a_before_and_after_comparison(client, two_years, national_viewer):
    client.force_login(national_viewer)
    page = client.get(
        reverse("comparison"), {"compare": "date", "day_0": "1", "day_1": "1", "day_2": "2026"}
    ).content.decode()
    assert "From 1 January 2026 against Before 1 January 2026" in page


def test_a_pdu_page_shows_published_and_computed_ratings_over_time(client, framework, national_viewer):
    published_ratings_load()
    pdu = PDU.objects.get(name="Gateshead and South Tyneside")
    _locked(pdu, datetime.date(2026, 6, 1), [Answer.YES] * 3)
    client.force_login(national_viewer)
    page = client.get(reverse("pdu_detail", args=[pdu.pk])).content.decode()
    assert "Gateshead and South Tyneside: ratings over time" in page
    assert "HM Inspectorate of Probation, Annual Report 2023" in page
    assert page.index("Jan 2022 to Aug 2023") < page.index("Inspected June 2026")
    assert "15 out of 27" in page
    # Another user sees the published ratings but not the inspection's computed results.
    client.force_login(user_with_roles(Role.ASSISTANT_INSPECTOR))
    page = client.get(reverse("pdu_detail", args=[pdu.pk])).content.decode()
    assert "15 out of 27" in page
    assert "Inspected June 2026" not in page
    assert client.get(reverse("pdu_detail", args=[999999])).status_code == 404


def test_the_navigation_links_to_the_report_for_those_who_may_see_it(client, framework, national_viewer):
    client.force_login(national_viewer)
    assert f'href="{reverse("national_report")}"' in client.get(reverse("home")).content.decode()
    client.force_login(user_with_roles(Role.ASSISTANT_INSPECTOR))
    assert f'href="{reverse("national_report")}"' not in client.get(reverse("home")).content.decode()


def test_the_error_summary_links_to_the_first_comparison_choice(client, two_years, national_viewer):
    client.force_login(national_viewer)
    page = client.get(reverse("comparison"), {"compare": ""}).content.decode()
    assert '<a href="#id_compare_1">Select what to compare</a>' in page
    assert 'id="id_compare_1" value="years"' in page


def test_a_lead_elsewhere_sees_a_locked_inspection_on_the_pdu_page_without_a_dashboard_link(
    client, framework
):
    pdu = PDUFactory()
    inspection = _locked(pdu, datetime.date(2026, 6, 1), [Answer.YES] * 3)
    client.force_login(user_with_roles(Role.LEAD))
    page = client.get(reverse("pdu_detail", args=[pdu.pk])).content.decode()
    assert "Inspected June 2026" in page
    assert reverse("inspection_dashboard", args=[inspection.pk]) not in page


def test_the_pdu_page_runs_a_fixed_number_of_queries(
    client, framework, national_viewer, django_assert_max_num_queries
):
    pdu = PDUFactory()
    _locked(pdu, datetime.date(2024, 6, 3), [Answer.YES] * 2)
    client.force_login(national_viewer)
    with django_assert_max_num_queries(14):
        client.get(reverse("pdu_detail", args=[pdu.pk]))
    for year in (2025, 2026):
        _locked(pdu, datetime.date(year, 6, 2), [Answer.YES, Answer.NO] * 3)
    InspectionFactory(
        pdu=pdu, fieldwork_start=datetime.date(2027, 6, 7), fieldwork_end=datetime.date(2027, 6, 18)
    )
    with django_assert_max_num_queries(14):
        assert (
            client.get(reverse("pdu_detail", args=[pdu.pk]))
            .content.decode()
            .count('<th scope="row" class="govuk-table__header">Inspected')
            == 4
        )


def test_filters_that_name_nothing_show_the_whole_report(client, two_years, national_viewer):
    client.force_login(national_viewer)
    for query in (
        {"period": "2026"},
        {"region": "north"},
        {"region": "99999999999999"},
        {"period": "²⁰²⁶-27"},
    ):
        response = client.get(reverse("national_report"), query)
        assert response.status_code == 200, query
        assert "2 PDUs were inspected in England and Wales" in response.content.decode()


def test_the_xlsx_holds_the_published_ratings_labelled_as_published(client, framework, national_viewer):
    from openpyxl import load_workbook

    published_ratings_load()
    client.force_login(national_viewer)
    workbook = load_workbook(io.BytesIO(client.get(reverse("national_report_xlsx")).content))
    sheet = workbook["published-1"]
    assert sheet["A1"].value == "Published: HM Inspectorate of Probation, Annual Report 2023"
    rows = list(sheet.iter_rows(min_row=3, values_only=True))
    assert len(rows) == 31
    assert ("Gateshead and South Tyneside", "North East", 15, 27, "Good") in rows
