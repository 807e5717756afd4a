"""The save-latency load test's data preparation (loadtests/save_latency/prepare.py) gives each simulated assistant
inspector what the scenario uses through the API: a working token, an inspection in fieldwork, its own cases, and
a save with If-Match that succeeds. Small numbers, so it runs with the normal suite and cannot rot."""

import itertools
import json

import pytest
from rest_framework.test import APIClient

from cases.models import InspectedCase
from inspections.models import Framework, Inspection
from loadtests.save_latency.prepare import prepare, write_credentials
from pdus.loading import published_ratings_load
from pdus.models import PDU


def client_with(token: str) -> APIClient:
    client = APIClient()
    client.credentials(HTTP_AUTHORIZATION=f"Token {token}")
    return client


@pytest.fixture
def prepared(db):
    return prepare(assistant_inspectors=3, cases_each=2, team_size=2)


def test_each_assistant_inspector_gets_a_token_and_own_cases_on_an_inspection_in_fieldwork(prepared):
    assert [c.username for c in prepared] == ["load-ai-0001", "load-ai-0002", "load-ai-0003"]
    assert Inspection.objects.filter(status=Inspection.Status.FIELDWORK).count() == 2  # teams of 2 and 1
    for credentials in prepared:
        client = client_with(credentials.token)
        inspections = client.get("/api/v1/inspections/?status=fieldwork").json()["results"]
        assert len(inspections) == 1
        cases = client.get(f"/api/v1/inspections/{inspections[0]['id']}/cases/?page_size=500").json()[
            "results"
        ]
        assert len(cases) == 2
        assert {case["assistant_inspector"] for case in cases} == {credentials.username}
        kinds = {
            kind.slug
            for kind in Framework.objects.get(pk=inspections[0]["framework_id"]).definition.case_kinds
        }
        assert {
            case["kind"] for case in cases
        } == kinds  # two cases each take the framework's two kinds in turn


def test_the_scenarios_save_with_if_match_succeeds_and_a_stale_different_change_is_refused(prepared):
    client = client_with(prepared[0].token)
    inspection = client.get("/api/v1/inspections/?status=fieldwork").json()["results"][0]
    case = client.get(f"/api/v1/inspections/{inspection['id']}/cases/").json()["results"][0]
    case_id = case["id"]
    framework = inspection["framework_id"]
    code = client.get(
        f"/api/v1/key-questions/?standard__framework={framework}&standard__case_kind={case['kind']}&page_size=500"
    ).json()["results"][0]["code"]
    etag = client.get(f"/api/v1/cases/{case_id}/").headers["ETag"]
    body = {"judgements": {code: {"answer": "yes", "rationale": "Evidence from the case record."}}}

    other = {"judgements": {code: {"answer": "no", "rationale": "Another inspector's reading."}}}

    saved = client.patch(f"/api/v1/cases/{case_id}/", body, format="json", HTTP_IF_MATCH=etag)
    retried = client.patch(f"/api/v1/cases/{case_id}/", body, format="json", HTTP_IF_MATCH=etag)
    stale = client.patch(f"/api/v1/cases/{case_id}/", other, format="json", HTTP_IF_MATCH=etag)

    assert saved.status_code == 200
    assert saved.headers["ETag"] != etag
    # The same change retried with the same If-Match is already saved (an idempotent retry): 200, nothing more.
    assert (retried.status_code, retried.headers["ETag"]) == (200, saved.headers["ETag"])
    assert stale.status_code == 412
    assert stale.headers["ETag"] == saved.headers["ETag"]


def test_preparing_again_reuses_the_data_and_replaces_the_tokens(prepared, tmp_path):
    again = prepare(assistant_inspectors=3, cases_each=2, team_size=2)

    assert Inspection.objects.count() == 2
    assert InspectedCase.objects.count() == 6
    assert client_with(prepared[0].token).get("/api/v1/inspections/").status_code == 401
    assert client_with(again[0].token).get("/api/v1/inspections/").status_code == 200
    write_credentials(again, tmp_path / "credentials.json")
    assert json.loads((tmp_path / "credentials.json").read_text())[2] == {
        "username": "load-ai-0003",
        "token": again[2].token,
    }


def test_every_key_question_of_a_cases_kind_saves_as_the_scenario_cycles_through_them(prepared):
    """The scenario saves each case on each key question of its kind (read from the API by kind): all of them are
    accepted, for a court report case and a supervision case alike."""
    client = client_with(prepared[0].token)
    inspection = client.get("/api/v1/inspections/?status=fieldwork").json()["results"][0]
    cases = client.get(f"/api/v1/inspections/{inspection['id']}/cases/").json()["results"]
    saved_kinds = set()
    for case in cases:
        codes = [
            kq["code"]
            for kq in client.get(
                f"/api/v1/key-questions/?standard__framework={inspection['framework_id']}"
                f"&standard__case_kind={case['kind']}&page_size=500"
            ).json()["results"]
        ]
        assert codes
        etag = client.get(f"/api/v1/cases/{case['id']}/").headers["ETag"]
        for code in codes:
            body = {"judgements": {code: {"answer": "yes", "rationale": "Evidence from the case record."}}}
            response = client.patch(f"/api/v1/cases/{case['id']}/", body, format="json", HTTP_IF_MATCH=etag)
            assert response.status_code == 200, (case["kind"], code, response.json())
            etag = response.headers["ETag"]
        saved_kinds.add(case["kind"])
    assert saved_kinds == {"court_report", "supervision"}


def test_more_teams_than_pdus_get_inspections_that_do_not_overlap(db):
    published_ratings_load()
    PDU.objects.exclude(pk__in=list(PDU.objects.order_by("pk").values_list("pk", flat=True)[:2])).delete()
    prepare(assistant_inspectors=5, cases_each=1, team_size=1)  # five teams on two PDUs
    inspections = Inspection.objects.order_by("pdu_id", "fieldwork_start")
    assert inspections.count() == 5
    for earlier, later in itertools.pairwise(inspections):
        if earlier.pdu_id == later.pdu_id:
            assert earlier.fieldwork_end < later.fieldwork_start
