"""The national report and comparison through the API, with the pages' filters."""

import datetime

import pytest

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


def _locked(pdu, start, answers, **attributes):
    inspection = InspectionFactory(pdu=pdu, fieldwork_start=start, fieldwork_end=start)
    key_question = KeyQuestion.objects.get(standard__framework=inspection.framework, code="2.2.1")
    for answer in answers:
        case = InspectedCaseFactory(inspection=inspection, status=InspectedCase.Status.SUBMITTED)
        case.attributes = {**case.attributes, **attributes}
        case.save()
        JudgementFactory(case=case, key_question=key_question, answer=answer)
    inspection.status = Inspection.Status.LOCKED
    inspection.save()
    data = inspection_result_data(inspection_results([inspection])[inspection.pk])
    InspectionSnapshot.objects.create(
        inspection=inspection, data=data, framework_version=1, created_by=UserFactory()
    )


@pytest.fixture
def two_years(framework):
    north, south = RegionFactory(name="North"), RegionFactory(name="South")
    _locked(
        PDUFactory(name="Alpha", region=north), datetime.date(2025, 6, 2), [Answer.YES] * 8 + [Answer.NO] * 2
    )
    _locked(
        PDUFactory(name="Bravo", region=south),
        datetime.date(2026, 6, 1),
        [Answer.YES] * 3 + [Answer.NO] * 7,
        case_type="licence",
    )
    return north, south


@pytest.fixture
def national(token_client, national_viewer):
    return token_client(national_viewer)


def test_the_report_gives_each_statement_with_its_figure_and_table(two_years, national):
    body = national.get("/api/v1/national/report/?period=2026-27").json()
    assert body["period"] == "2026-27"
    assert body["inspections"] == 1
    statements = {s["slug"]: s for s in body["statements"]}
    highest = statements["supervision-highest"]
    assert highest["figure"]["sufficient"] == 3
    assert highest["figure"]["total"] == 10
    assert highest["text"].startswith("No element of supervision cases was sufficient in more than 30%")
    assert statements["inspections"]["figure"] is None
    assert statements["inspections"]["rows"][0][:2] == ["Bravo", "South"]


def test_the_report_shows_the_annual_reports_published_ratings(framework, national):
    published_ratings_load()
    body = national.get("/api/v1/national/report/?period=2022-23").json()
    annual = next(
        p for p in body["published"] if p["source"] == "HM Inspectorate of Probation, Annual Report 2023"
    )
    assert annual["distribution"] == {
        "outstanding": 0,
        "good": 1,
        "requires_improvement": 15,
        "inadequate": 15,
    }


def test_report_filters_that_are_not_allowed_are_problems(two_years, national):
    response = national.get("/api/v1/national/report/?period=2026")
    assert response.status_code == 400
    assert response["Content-Type"].startswith("application/problem+json")
    assert [error["field"] for error in response.json()["errors"]] == ["period"]
    unknown = national.get("/api/v1/national/report/?region=999999")
    assert unknown.json()["errors"] == [{"field": "region", "message": "There is no region with id 999999."}]


def test_a_year_on_year_comparison(two_years, national):
    body = national.get(
        "/api/v1/national/comparison/?compare=years&first_year=2025-26&second_year=2026-27"
    ).json()
    assert body["first"] == {"label": "April 2025 to March 2026", "inspections": 1, "cases": 10}
    row = next(row for row in body["rows"] if row["code"] == "2.2.1")
    assert row["difference"]["difference"] == pytest.approx(50.0)
    assert row["difference"]["ci_lower"] == pytest.approx(6.65, abs=0.01)
    assert row["difference"]["excludes_zero"] is True


def test_a_region_and_a_case_group_comparison(two_years, national):
    north, _ = two_years
    body = national.get(f"/api/v1/national/comparison/?compare=region&region={north.pk}").json()
    assert body["second"]["label"] == "The rest of England and Wales"
    body = national.get(
        "/api/v1/national/comparison/?compare=cases&first_group=case_type:licence&second_group=case_type:community_order"
    ).json()
    assert (body["first"]["cases"], body["second"]["cases"]) == (10, 10)
    body = national.get("/api/v1/national/comparison/?compare=date&date=2026-01-01").json()
    assert body["first"]["label"] == "From 1 January 2026"


@pytest.mark.parametrize(
    ("query", "fields"),
    [
        ("", ["compare"]),
        ("compare=sideways", ["compare"]),
        ("compare=years&first_year=2025-26", ["second_year"]),
        ("compare=years&first_year=2025-26&second_year=2025-26", ["second_year"]),
        ("compare=years&first_year=2025&second_year=2025-26", ["first_year"]),
        ("compare=date&date=26-06-2021", ["date"]),
        ("compare=region&region=999999", ["region"]),
        ("compare=cases&first_group=case_type:licence&second_group=rosh_level:high", ["second_group"]),
        ("compare=cases&first_group=case_type:licence&second_group=case_type:nothing", ["second_group"]),
    ],
)
def test_comparison_choices_that_are_not_allowed_are_problems(two_years, national, query, fields):
    response = national.get(f"/api/v1/national/comparison/?{query}")
    assert response.status_code == 400
    assert response["Content-Type"].startswith("application/problem+json")
    assert [error["field"] for error in response.json()["errors"]] == fields


@pytest.mark.parametrize(
    "path", ["/api/v1/national/report/", "/api/v1/national/comparison/?compare=date&date=2026-01-01"]
)
def test_only_those_who_see_national_figures_get_them(two_years, token_client, client, path):
    assert client.get(path).status_code == 401
    assert token_client(user_with_roles(Role.ASSISTANT_INSPECTOR)).get(path).status_code == 403
    assert token_client(user_with_roles(Role.LEAD)).get(path).status_code == 200


def test_the_report_and_comparison_run_a_fixed_number_of_queries(
    two_years, national, django_assert_max_num_queries
):
    north, _ = two_years
    # +5 for the survey and staffing statements: the survey's periods, its counts, its PDUs, staffing by region and
    # vacancies by region (reports.evidence.selectors).
    with django_assert_max_num_queries(45):
        national.get("/api/v1/national/report/")
    for index in range(3):
        _locked(PDUFactory(region=north), datetime.date(2026, 7, index + 1), [Answer.YES] * 3)
    with django_assert_max_num_queries(45):
        national.get("/api/v1/national/report/")
    with django_assert_max_num_queries(40):
        national.get("/api/v1/national/comparison/?compare=years&first_year=2025-26&second_year=2026-27")


def test_a_pdus_history_gives_published_and_computed_ratings_over_time(
    framework, token_client, national_viewer
):
    published_ratings_load()
    pdu = PDU.objects.get(name="Gateshead and South Tyneside")
    _locked(pdu, datetime.date(2026, 6, 1), [Answer.YES] * 3)
    body = token_client(national_viewer).get(f"/api/v1/pdus/{pdu.pk}/history/").json()
    assert body["pdu"] == "Gateshead and South Tyneside"
    published, computed = body["ratings"]
    assert published["published"] is True
    assert published["overall_rating"] == "good"
    assert published["source"] == "HM Inspectorate of Probation, Annual Report 2023"
    assert computed["published"] is False
    assert computed["provisional"] is False
    # Someone who sees no national figures gets the published rating only.
    assistant = token_client(user_with_roles(Role.ASSISTANT_INSPECTOR))
    assert [r["published"] for r in assistant.get(f"/api/v1/pdus/{pdu.pk}/history/").json()["ratings"]] == [
        True
    ]
    missing = assistant.get("/api/v1/pdus/999999/history/")
    assert missing.status_code == 404
    assert missing["Content-Type"].startswith("application/problem+json")
