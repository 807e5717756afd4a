import datetime

import pytest

from inspections.models import Inspection, Role
from tests.factories import InspectionFactory, PDUFactory, RegionFactory, UserFactory, team_member


@pytest.fixture
def lead_of_both(db):
    """The lead of Gateshead and Derby; the shared `lead` would bring an inspection of its own into the lists."""
    return UserFactory()


@pytest.fixture
def inspections(framework, lead_of_both):
    north = RegionFactory(name="North East")
    gateshead = InspectionFactory(
        pdu=PDUFactory(name="Gateshead", region=north),
        status=Inspection.Status.LOCKED,
        fieldwork_start=datetime.date(2026, 3, 2),
        fieldwork_end=datetime.date(2026, 3, 13),
    )
    derby = InspectionFactory(pdu=PDUFactory(name="Derby"), status=Inspection.Status.FIELDWORK)
    for inspection in (gateshead, derby):
        team_member(inspection, Role.LEAD, lead_of_both)
    unrelated = InspectionFactory(pdu=PDUFactory(name="Sheffield"))
    return {"gateshead": gateshead, "derby": derby, "unrelated": unrelated}


def names(response):
    return [row["pdu"] for row in response.json()["results"]]


def test_a_user_lists_only_the_inspections_they_are_on(inspections, lead_of_both, token_client):
    client = token_client(lead_of_both)
    assert names(client.get("/api/v1/inspections/")) == ["Derby", "Gateshead"]


def test_a_national_viewer_lists_every_inspection(inspections, national_viewer, token_client):
    client = token_client(national_viewer)
    assert sorted(names(client.get("/api/v1/inspections/"))) == ["Derby", "Gateshead", "Sheffield"]


def test_inspections_filter_by_pdu_region_status_and_dates(inspections, lead_of_both, token_client):
    client = token_client(lead_of_both)
    gateshead = inspections["gateshead"]
    assert names(client.get(f"/api/v1/inspections/?pdu={gateshead.pdu_id}")) == ["Gateshead"]
    assert names(client.get(f"/api/v1/inspections/?region={gateshead.pdu.region_id}")) == ["Gateshead"]
    assert names(client.get("/api/v1/inspections/?status=fieldwork")) == ["Derby"]
    assert names(client.get("/api/v1/inspections/?fieldwork_to=2026-04-01")) == ["Gateshead"]
    assert names(client.get("/api/v1/inspections/?fieldwork_from=2026-04-01")) == ["Derby"]


def test_inspections_order_by_a_chosen_field(inspections, lead_of_both, token_client):
    client = token_client(lead_of_both)
    assert names(client.get("/api/v1/inspections/?ordering=fieldwork_start")) == ["Gateshead", "Derby"]


def test_a_bad_status_or_date_filter_is_a_problem_naming_the_field(inspections, lead_of_both, token_client):
    client = token_client(lead_of_both)
    response = client.get("/api/v1/inspections/?status=finished&fieldwork_from=yesterday")
    assert response.status_code == 400
    assert {error["field"] for error in response.json()["errors"]} == {"status", "fieldwork_from"}


def test_an_inspection_detail_lists_its_team(inspections, lead_of_both, token_client):
    body = token_client(lead_of_both).get(f"/api/v1/inspections/{inspections['derby'].pk}/").json()
    assert body["team"] == [{"username": lead_of_both.username, "role": "lead"}]


def test_another_inspection_is_not_found(inspections, lead_of_both, token_client):
    response = token_client(lead_of_both).get(f"/api/v1/inspections/{inspections['unrelated'].pk}/")
    assert response.status_code == 404
    assert response["Content-Type"] == "application/problem+json"


def test_an_id_filter_that_is_not_a_whole_number_in_range_is_a_400(inspections, lead_of_both, token_client):
    client = token_client(lead_of_both)
    for value in ("6.7e16", "-3", "99999999999999999999999", "1.5"):
        response = client.get(f"/api/v1/inspections/?region={value}")
        assert response.status_code == 400, value
        assert response.json()["errors"][0]["field"] == "region"
