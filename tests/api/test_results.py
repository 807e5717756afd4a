import csv
import datetime
import io

import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext
from rest_framework.test import APIClient

from cases.models import InspectedCase
from inspections.models import Inspection, Role
from reports.models import InspectionSnapshot
from reports.selectors import results
from tests.factories import (
    InspectedCaseFactory,
    JudgementFactory,
    OrganisationalRatingFactory,
    PDUFactory,
    PublishedRatingFactory,
    team_member,
)


def add_counted_cases(inspection, count, answer="yes"):
    key_question = inspection.framework.standards.get(code="2.2").key_questions.get(code="2.2.1")
    for _ in range(count):
        case = InspectedCaseFactory(inspection=inspection, status=InspectedCase.Status.SUBMITTED)
        JudgementFactory(case=case, key_question=key_question, answer=answer)


def results_url(inspection):
    return f"/api/v1/inspections/{inspection.pk}/results/"


def test_results_are_the_selectors_results(inspection, lead, token_client):
    add_counted_cases(inspection, 3)
    add_counted_cases(inspection, 1, answer="no")
    OrganisationalRatingFactory(inspection=inspection)
    body = token_client(lead).get(results_url(inspection)).json()

    expected = results.inspection_result_data(results.inspection_results([inspection])[inspection.pk])
    del expected["shape"]  # how a snapshot is read, not part of the results
    assert body == {"inspection": inspection.pk, "provisional": True, **expected}
    standard = next(s for s in body["standards"] if s["code"] == "2.2")
    assert (standard["rated_by"], standard["case_kind"], standard["counts_in_composite"]) == (
        "lowest_key_question",
        "supervision",
        True,
    )
    first = standard["key_questions"][0]
    assert (first["code"], first["sufficient"], first["total"], first["rate"]) == ("2.2.1", 3, 4, 75.0)
    assert (body["overall_rule"], body["max_score"]) == ("composite", 24)  # court work not rated: out of 24
    assert first["ci_lower"] < 75 < first["ci_upper"]


def test_a_locked_inspection_serves_its_snapshot(inspection, lead, token_client):
    add_counted_cases(inspection, 2)
    frozen = results.inspection_result_data(results.inspection_results([inspection])[inspection.pk])
    InspectionSnapshot.objects.create(
        inspection=inspection, data=frozen, framework_version=1, created_by=lead
    )
    inspection.status = Inspection.Status.LOCKED
    inspection.save()
    add_counted_cases(inspection, 5, answer="no")  # changes after the lock never reach the results

    body = token_client(lead).get(results_url(inspection)).json()
    del frozen["shape"]
    assert body == {"inspection": inspection.pk, "provisional": False, **frozen}


def test_results_as_csv_have_one_row_per_key_question(inspection, lead, token_client):
    add_counted_cases(inspection, 4)
    response = token_client(lead).get(results_url(inspection) + "?format=csv")
    assert response.status_code == 200
    assert response["Content-Type"].startswith("text/csv")
    rows = list(csv.DictReader(io.StringIO(response.content.decode("utf-8-sig"))))
    row = next(r for r in rows if r["key_question"] == "2.2.1")
    assert (row["standard"], row["n"], row["sufficient"], row["rate"]) == ("2.2", "4", "4", "100.0")
    assert row["drives_standard"] == "yes"  # the only key question of 2.2 with counted cases
    assert (row["rated_by"], row["case_kind"]) == ("lowest_key_question", "supervision")
    assert row["standard_rating"] == ""  # unrated until every key question has cases
    # The supervision standards' 12 key questions; court work is not rated here.
    assert len([r for r in rows if r["key_question"]]) == 12


@pytest.mark.parametrize("member", ["lead", "inspector", "quality_assurer"])
def test_the_inspection_team_sees_results(inspection, member, token_client, request):
    assert token_client(request.getfixturevalue(member)).get(results_url(inspection)).status_code == 200


def test_a_national_viewer_sees_any_inspections_results(inspection, national_viewer, token_client):
    client = token_client(national_viewer)
    assert client.get(results_url(inspection)).status_code == 200


def test_an_assistant_inspector_is_refused_results_with_a_problem(inspection, assistant, token_client):
    response = token_client(assistant).get(results_url(inspection))
    assert response.status_code == 403
    assert response["Content-Type"] == "application/problem+json"


def test_results_of_another_inspection_are_not_found(inspection, other_inspection, lead, token_client):
    response = token_client(lead).get(results_url(other_inspection))
    assert response.status_code == 404
    assert token_client(lead).get(results_url(other_inspection) + "?format=csv").status_code == 404


def test_anonymous_results_request_is_refused(inspection):
    assert APIClient().get(results_url(inspection)).status_code == 401


def test_results_take_the_same_number_of_queries_for_many_cases(
    inspection, other_inspection, lead, token_client
):
    team_member(other_inspection, Role.LEAD, lead)
    add_counted_cases(inspection, 1)
    add_counted_cases(other_inspection, 40)
    OrganisationalRatingFactory(inspection=other_inspection)
    client = token_client(lead)
    counts = []
    for target in (inspection, other_inspection):
        with CaptureQueriesContext(connection) as queries:
            assert client.get(results_url(target)).status_code == 200
        counts.append(len(queries))
    assert counts[0] == counts[1]
    assert counts[1] <= 12  # with the lead's roles, for the small-numbers rule


def test_pdu_ratings_take_the_same_number_of_queries_for_a_long_history(lead, token_client):
    short, long = PDUFactory(), PDUFactory()
    PublishedRatingFactory(pdu=short)
    for year in range(2000, 2020):
        PublishedRatingFactory(
            pdu=long, period_start=datetime.date(year, 1, 1), period_end=datetime.date(year, 12, 1)
        )
    client = token_client(lead)
    counts = []
    for pdu in (short, long):
        with CaptureQueriesContext(connection) as queries:
            client.get(f"/api/v1/pdus/{pdu.pk}/ratings/?format=csv")
        counts.append(len(queries))
    assert counts[0] == counts[1]


def test_court_work_rated_from_court_report_cases_makes_the_maximum_27(inspection, lead, token_client):
    court_work = inspection.framework.standards.get(is_optional=True)
    inspection.optional_standards.add(court_work)
    case = InspectedCaseFactory(
        inspection=inspection, kind=court_work.case_kind, status=InspectedCase.Status.SUBMITTED
    )
    for kq in court_work.key_questions.all():
        JudgementFactory(case=case, key_question=kq, answer="no")
    body = token_client(lead).get(results_url(inspection)).json()
    assert body["max_score"] == 27
    standard = next(s for s in body["standards"] if s["code"] == court_work.code)
    assert (standard["case_kind"], standard["rating"]) == (court_work.case_kind, "inadequate")
    assert all(kq["total"] == 1 for kq in standard["key_questions"])
