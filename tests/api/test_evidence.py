"""The survey and staffing evidence through the API: the pages' selectors and service, the dashboards' filters, small
counts hidden, every problem of a file as a 422 problem document."""

from decimal import Decimal

import pytest
from django.core.files.uploadedfile import SimpleUploadedFile

from inspections.models import Role
from reports.evidence.services import staffing_record
from reports.evidence.survey_import import survey_import
from tests.factories import PDUFactory, team_member

QUESTION = "Were you involved in planning your sentence?"


def survey_file(*rows: str) -> bytes:
    return ("PDU,Period,Question,Response,Count\n" + "".join(f"{row}\n" for row in rows)).encode()


@pytest.fixture
def pdu(db):
    return PDUFactory(name="Gateshead")


@pytest.fixture
def imported(pdu, superuser):
    data = survey_file(
        f"Gateshead,2026-27,{QUESTION},Yes,30",
        f"Gateshead,2026-27,{QUESTION},No,12",
        f"Gateshead,2026-27,{QUESTION},Don't know,3",
    )
    return survey_import(name="survey.csv", data=data, user=superuser)


def test_the_national_survey_hides_small_counts_and_says_why(imported, national_viewer, token_client):
    data = token_client(national_viewer).get("/api/v1/national/survey/").json()
    assert (data["scope"], data["period"], data["respondents"], data["minimum"]) == (
        "National",
        "2026-27",
        45,
        5,
    )
    yes, no, unknown = data["questions"][0]["responses"]
    assert (yes["count"], round(yes["share"], 1), yes["suppressed"]) == (30, 66.7, "")
    assert no == {
        "response": "No",
        "count": None,
        "share": None,
        "ci_lower": None,
        "ci_upper": None,
        "suppressed": "fewer than 5 responses: not shown",
    }
    assert unknown["count"] is None


def test_the_survey_csv_hides_what_the_json_hides(imported, national_viewer, token_client):
    text = token_client(national_viewer).get("/api/v1/national/survey/?format=csv").content.decode()
    assert "fewer than 5 responses: not shown" in text
    assert ",12," not in text


def test_the_survey_takes_the_dashboards_filters(imported, pdu, national_viewer, token_client):
    client = token_client(national_viewer)
    regional = client.get(f"/api/v1/national/survey/?region={pdu.region_id}").json()
    assert (regional["scope"], regional["respondents"]) == (pdu.region.name, 45)
    assert client.get("/api/v1/national/survey/?period=2025-26").json()["questions"] == []
    for bad in ("region=999999", "period=2026"):
        response = client.get(f"/api/v1/national/survey/?{bad}")
        assert response.status_code == 400
        assert response["Content-Type"] == "application/problem+json"


def test_a_pdus_survey(imported, pdu, lead, token_client):
    data = token_client(lead).get(f"/api/v1/pdus/{pdu.pk}/survey/").json()
    assert (data["scope"], data["questions"][0]["n"]) == ("Gateshead", 45)


def test_the_survey_needs_a_national_view(imported, pdu, assistant, token_client, client):
    assert client.get("/api/v1/national/survey/").status_code == 401
    assert token_client(assistant).get("/api/v1/national/survey/").status_code == 403
    assert token_client(assistant).get(f"/api/v1/pdus/{pdu.pk}/survey/").status_code == 403


def upload(data: bytes) -> dict:
    return {"file": SimpleUploadedFile("survey.csv", data, content_type="text/csv")}


def test_an_import_with_problems_is_a_422_listing_each_and_saves_nothing(pdu, national_viewer, token_client):
    response = token_client(national_viewer).post(
        "/api/v1/survey-imports/",
        upload(survey_file("Gatesid,2026-27,Q,Yes,3", "Gateshead,2026,Q,Yes,x")),
        format="multipart",
    )
    assert response.status_code == 422
    body = response.json()
    assert body["type"].endswith("survey-invalid")
    assert [(e["line"], e["field"]) for e in body["errors"]] == [(2, "PDU"), (3, "Period"), (3, "Count")]


def test_a_clean_import_is_created(pdu, national_viewer, token_client):
    response = token_client(national_viewer).post(
        "/api/v1/survey-imports/", upload(survey_file("Gateshead,2026-27,Q,Yes,3")), format="multipart"
    )
    assert response.status_code == 201
    assert (response.json()["rows"], response.json()["file_name"]) == (1, "survey.csv")


def test_only_national_viewers_and_administrators_import(pdu, lead, token_client, client):
    assert (
        client.post("/api/v1/survey-imports/", upload(survey_file("Gateshead,2026-27,Q,Yes,3"))).status_code
        == 401
    )
    response = token_client(lead).post(
        "/api/v1/survey-imports/", upload(survey_file("Gateshead,2026-27,Q,Yes,3")), format="multipart"
    )
    assert response.status_code == 403


@pytest.fixture
def staffed(inspection, lead):
    staffing_record(
        inspection=inspection,
        user=lead,
        staff_in_post=80,
        sickness_days=Decimal("720"),
        staff_surveyed=50,
        workloads_manageable=20,
        vacancies={"po": (Decimal("40"), Decimal("8"))},
    )
    return inspection


def test_an_inspections_staffing(staffed, inspector, token_client):
    data = token_client(inspector).get(f"/api/v1/inspections/{staffed.pk}/staffing/").json()
    assert data["sickness_days_per_person"] == 9.0
    assert data["workloads_manageable"]["rate"] == 40.0
    assert data["vacancies"] == [
        {"grade": "Probation officer", "posts": "40.0", "vacant": "8.0", "rate": 20.0}
    ]


def test_staffing_is_refused_as_the_dashboard_is(staffed, assistant, other_inspection, token_client, client):
    url = f"/api/v1/inspections/{staffed.pk}/staffing/"
    assert client.get(url).status_code == 401
    assert token_client(assistant).get(url).status_code == 403
    assert token_client(team_member(other_inspection, Role.LEAD)).get(url).status_code == 404


def test_staffing_by_region_takes_the_dashboards_filters(staffed, national_viewer, token_client):
    client = token_client(national_viewer)
    # The inspection is open (staffing is recorded before locking): left out unless open ones are asked for.
    assert client.get("/api/v1/national/staffing/").json()["regions"] == []
    open_too = {"inspections": "include-provisional"}
    regions = client.get("/api/v1/national/staffing/", open_too).json()["regions"]
    assert [(r["label"], r["inspections"]) for r in regions] == [(staffed.pdu.region.name, 1)]
    assert client.get("/api/v1/national/staffing/", {"period": "2001-02", **open_too}).json()["regions"] == []
    csv_text = client.get("/api/v1/national/staffing/", {"format": "csv", **open_too}).content.decode()
    assert "Probation officer" in csv_text


def test_staffing_imports_record_each_inspection_or_list_every_problem(
    inspection, national_viewer, token_client
):
    client = token_client(national_viewer)
    period = f"{inspection.fieldwork_start.year if inspection.fieldwork_start.month >= 4 else inspection.fieldwork_start.year - 1}"
    period += f"-{(int(period) + 1) % 100:02d}"
    header = (
        "PDU,Period,Staff in post,Staff asked about workload,Staff saying workload manageable,Sickness days\n"
    )
    bad = SimpleUploadedFile("s.csv", f"{header}{inspection.pdu.name},{period},10,5,6,40\n".encode())
    response = client.post("/api/v1/staffing-imports/", {"file": bad}, format="multipart")
    assert response.status_code == 422
    assert [(e["line"], e["field"]) for e in response.json()["errors"]] == [
        (2, "Staff saying workload manageable")
    ]
    good = SimpleUploadedFile("s.csv", f"{header}{inspection.pdu.name},{period},10,5,4,40\n".encode())
    response = client.post("/api/v1/staffing-imports/", {"file": good}, format="multipart")
    assert (response.status_code, response.json()) == (201, {"inspections": 1})
