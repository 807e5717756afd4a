import datetime

import pytest
from rest_framework.test import APIClient

from api.negotiation import FORMAT_NOT_OFFERED
from inspections.frameworks import framework_load
from tests.factories import (
    PDUFactory,
    PublishedRatingFactory,
    RegionFactory,
    UserFactory,
    small_framework_document,
)


@pytest.fixture
def client(token_client):
    return token_client(UserFactory())


def test_anonymous_requests_get_a_401_problem():
    response = APIClient().get("/api/v1/regions/")
    assert response.status_code == 401
    assert response["Content-Type"] == "application/problem+json"
    assert response.json()["title"] == "Sign in or send a valid token"
    assert response["WWW-Authenticate"].startswith("Token")


@pytest.mark.django_db
def test_a_bad_token_gets_a_401_problem():
    client = APIClient()
    client.credentials(HTTP_AUTHORIZATION="Token not-a-real-token")
    response = client.get("/api/v1/regions/")
    assert response.status_code == 401
    assert response.json()["status"] == 401


def test_regions_are_paginated_and_ordered_by_name(client):
    for name in ["Wales", "London", "North East"]:
        RegionFactory(name=name)
    body = client.get("/api/v1/regions/?page_size=2").json()
    assert body["count"] == 3
    assert [region["name"] for region in body["results"]] == ["London", "North East"]
    assert "page=2" in body["next"]
    descending = client.get("/api/v1/regions/?ordering=-name").json()["results"]
    assert [region["name"] for region in descending] == ["Wales", "North East", "London"]


def test_a_pdu_carries_its_published_rating_history_newest_first(client):
    pdu = PDUFactory(name="Derby City")
    PublishedRatingFactory(
        pdu=pdu, period_start=datetime.date(2019, 1, 1), period_end=datetime.date(2019, 12, 1)
    )
    PublishedRatingFactory(pdu=pdu, composite_score=9)
    body = client.get(f"/api/v1/pdus/{pdu.pk}/").json()
    assert body["name"] == "Derby City"
    assert [rating["period_end"] for rating in body["published_ratings"]] == ["2023-08-01", "2019-12-01"]


def test_pdus_filter_by_region(client):
    north = RegionFactory(name="North East")
    PDUFactory(name="Gateshead", region=north)
    PDUFactory(name="Derby")
    body = client.get(f"/api/v1/pdus/?region={north.pk}").json()
    assert [pdu["name"] for pdu in body["results"]] == ["Gateshead"]


def test_a_pdus_ratings_have_the_overall_rating_from_the_composite(client, framework):
    # Banded by the framework version the composite was published under (in effect at its period's start).
    rating = PublishedRatingFactory(composite_score=7, composite_max=27)
    body = client.get(f"/api/v1/pdus/{rating.pdu_id}/ratings/").json()
    assert body["count"] == 1
    assert body["results"][0]["overall_rating"] == "requires_improvement"


def test_a_pdus_ratings_as_csv(client, framework):
    rating = PublishedRatingFactory(composite_score=7, composite_max=27, source="=HYPERLINK(evil)")
    response = client.get(f"/api/v1/pdus/{rating.pdu_id}/ratings/?format=csv")
    assert response["Content-Type"].startswith("text/csv")
    assert "attachment" in response["Content-Disposition"]
    assert response.content.startswith("\ufeff".encode())  # for Excel, as the dashboards' downloads
    lines = response.content.decode("utf-8-sig").splitlines()
    assert lines[0] == "pdu,period_start,period_end,composite_score,composite_max,overall_rating,source"
    assert lines[1].endswith(",7,27,requires_improvement,'=HYPERLINK(evil)")


def test_the_framework_has_its_standards_key_questions_and_bands(client, framework):
    body = client.get(f"/api/v1/frameworks/{framework.pk}/").json()
    definition = framework.definition
    assert body["key_question_bands"] == dict(definition.key_question_bands)
    assert body["overall"]["rule"] == "composite"
    assert set(body["overall"]["bands"]) == {"24", "27"}
    assert body["document"] == framework.document
    codes = [standard["code"] for standard in body["standards"]]
    assert {"1.1", "2.1", "2.5"} <= set(codes)
    court_work = next(s for s in body["standards"] if s["code"] == "2.1")
    assert (court_work["rated_by"], court_work["case_kind"], court_work["is_optional"]) == (
        "lowest_key_question",
        "court_report",
        True,
    )
    assert len(court_work["key_questions"]) == 2


def test_key_questions_have_wording_standard_and_criterion(client, framework):
    body = client.get(
        f"/api/v1/key-questions/?standard__framework={framework.pk}&criterion=Keeping other people safe&page_size=100"
    ).json()
    assert body["count"] == 4
    first = body["results"][0]
    assert first["code"] == "2.2.3"
    assert (first["standard"], first["standard_title"], first["case_kind"]) == (
        "2.2",
        "Assessment",
        "supervision",
    )
    assert first["criterion"] == "Keeping other people safe"
    assert first["wording"]
    court = client.get(
        f"/api/v1/key-questions/?standard__framework={framework.pk}&standard__case_kind=court_report"
    ).json()
    assert [kq["code"] for kq in court["results"]] == ["2.1.1", "2.1.2"]


def test_key_questions_say_when_they_apply_and_whether_their_prompts_are_recorded(
    client, django_assert_max_num_queries
):
    document = small_framework_document()
    engage = document["standards"][1]["key_questions"][0]
    engage.update(prompts=["Was the person involved?"], record_prompts=True)
    framework = framework_load(document=document)
    with django_assert_max_num_queries(5):  # token, user, count, page
        listed = client.get(f"/api/v1/key-questions/?standard__framework={framework.pk}").json()["results"]
    by_code = {kq["code"]: kq for kq in listed}
    assert by_code["2.1.1"]["applies_when"] is None
    assert by_code["2.1.1"]["record_prompts"] is True
    assert by_code["2.1.2"]["applies_when"] == {"attribute": "case_type", "in": ["licence"]}
    assert by_code["2.1.2"]["record_prompts"] is False
    standards = client.get(f"/api/v1/frameworks/{framework.pk}/").json()["standards"]
    nested = {kq["code"]: kq for s in standards for kq in s["key_questions"]}
    assert nested["2.1.2"]["applies_when"] == {"attribute": "case_type", "in": ["licence"]}
    assert nested["2.1.1"]["record_prompts"] is True


def test_an_unknown_ordering_field_is_ignored_and_a_bad_filter_is_a_problem(client):
    assert client.get("/api/v1/regions/?ordering=password").status_code == 200
    response = client.get("/api/v1/pdus/?region=north")
    assert response.status_code == 400
    assert response["Content-Type"] == "application/problem+json"
    assert [error["field"] for error in response.json()["errors"]] == ["region"]


def test_a_page_that_does_not_exist_is_a_404_problem(client):
    response = client.get("/api/v1/regions/?page=99")
    assert response.status_code == 404
    assert response["Content-Type"] == "application/problem+json"


def test_an_unknown_address_under_the_api_is_a_404_problem(client):
    response = client.get("/api/v1/no-such-thing/")
    assert response.status_code == 404
    assert response["Content-Type"] == "application/problem+json"


def test_writing_to_reference_data_is_a_405_problem(client):
    response = client.post("/api/v1/regions/", {"name": "Mars"}, format="json")
    assert response.status_code == 405
    assert response.json()["title"] == "Method not allowed"


def test_a_browser_gets_json_not_an_html_page(client):
    response = client.get("/api/v1/regions/", HTTP_ACCEPT="text/html,application/xhtml+xml,*/*;q=0.8")
    assert response.status_code == 200
    assert response["Content-Type"] == "application/json"


def test_a_client_that_accepts_no_format_we_offer_gets_a_406_problem(client):
    response = client.get("/api/v1/regions/", HTTP_ACCEPT="application/xml")
    assert response.status_code == 406
    assert response["Content-Type"] == "application/problem+json"


def test_asking_for_a_format_an_endpoint_does_not_offer_is_a_406_problem_naming_those_it_does(client):
    response = client.get("/api/v1/regions/?format=csv")
    assert response.status_code == 406
    assert response["Content-Type"] == "application/problem+json"
    assert response.json()["detail"] == FORMAT_NOT_OFFERED.format(formats="json")


def test_a_write_to_an_address_that_does_not_exist_is_a_404_problem_not_a_csrf_page(db):
    client = APIClient(enforce_csrf_checks=True)
    client.force_login(UserFactory())
    response = client.patch("/api/v1/cases/not-a-number/", {}, format="json")
    assert response.status_code == 404
    assert response["Content-Type"] == "application/problem+json"
