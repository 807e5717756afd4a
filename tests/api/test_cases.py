import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext
from rest_framework.test import APIClient

from cases import errors
from cases.models import CaseFact, InspectedCase, Judgement
from cases.services import answers
from inspections.models import Inspection, Role
from tests.factories import InspectedCaseFactory, JudgementFactory, team_member


def case_url(case):
    return f"/api/v1/cases/{case.pk}/"


def patch(client, case, body, etag=None):
    headers = {"HTTP_IF_MATCH": etag} if etag is not None else {}
    return client.patch(case_url(case), body, format="json", **headers)


# Reading


def test_the_lead_lists_every_case_and_an_assistant_only_their_own(
    inspection, lead, assistant, case, token_client
):
    InspectedCaseFactory(inspection=inspection, reference="ZZZ999")
    url = f"/api/v1/inspections/{inspection.pk}/cases/"
    lead_refs = [c["reference"] for c in token_client(lead).get(url).json()["results"]]
    assistant_refs = [c["reference"] for c in token_client(assistant).get(url).json()["results"]]
    assert lead_refs == [case.reference, "ZZZ999"]
    assert assistant_refs == [case.reference]


def test_the_case_list_filters_and_orders(inspection, lead, case, token_client):
    InspectedCaseFactory(inspection=inspection, reference="AAA001", status=InspectedCase.Status.SUBMITTED)
    client = token_client(lead)
    url = f"/api/v1/inspections/{inspection.pk}/cases/"
    assert [c["reference"] for c in client.get(url + "?status=submitted").json()["results"]] == ["AAA001"]
    assert client.get(url + "?ordering=-reference").json()["results"][0]["reference"] == case.reference


def test_a_case_is_read_with_judgements_facts_needs_and_an_etag(case, assistant, token_client):
    JudgementFactory(case=case, rationale="Seen in the notes.")
    response = token_client(assistant).get(case_url(case))
    assert response.status_code == 200
    assert response["ETag"] == f'"{case.pk}-1"'
    body = response.json()
    assert body["judgements"][0]["rationale"] == "Seen in the notes."
    assert body["kind"] == "supervision"
    assert body["attributes"]["rosh_level"] == "medium"
    assert body["facts"] == {}
    assert body["editable"] is True


def test_reading_a_case_takes_a_fixed_number_of_queries(case, assistant, complete_case, token_client):
    client = token_client(assistant)
    with CaptureQueriesContext(connection) as few:
        client.get(case_url(case))
    complete_case(case)
    with CaptureQueriesContext(connection) as many:
        client.get(case_url(case))
    assert len(few) == len(many)


# Denials


def test_anonymous_cannot_read_cases(case):
    assert APIClient().get(case_url(case)).status_code == 401
    assert APIClient().get(f"/api/v1/inspections/{case.inspection_id}/cases/").status_code == 401


def test_another_assistants_case_is_not_found(case, second_assistant, token_client):
    client = token_client(second_assistant)
    assert client.get(case_url(case)).status_code == 404
    assert patch(client, case, {"facts": {"home_visits": "made"}}, f'"{case.pk}-1"').status_code == 404


def test_a_token_never_reaches_another_inspections_cases(case, other_inspection, token_client):
    """A lead of one inspection, with a token, gets nothing of another inspection's cases."""
    outsider = team_member(other_inspection, Role.LEAD)
    client = token_client(outsider)
    assert client.get(f"/api/v1/inspections/{case.inspection_id}/cases/").status_code == 404
    assert client.get(case_url(case)).status_code == 404
    assert patch(client, case, {"facts": {"home_visits": "made"}}, f'"{case.pk}-1"').status_code == 404
    assert client.post(case_url(case) + "submit/", HTTP_IF_MATCH=f'"{case.pk}-1"').status_code == 404
    # and their own inspection's list does not include it
    own = client.get(f"/api/v1/inspections/{other_inspection.pk}/cases/").json()
    assert own["count"] == 0
    assert InspectedCase.objects.get(pk=case.pk).version == 1


def test_a_national_viewer_sees_results_but_not_case_evidence(case, national_viewer, token_client):
    client = token_client(national_viewer)
    response = client.get(f"/api/v1/inspections/{case.inspection_id}/cases/")
    assert response.status_code == 403
    assert response["Content-Type"] == "application/problem+json"
    assert client.get(case_url(case)).status_code == 404


@pytest.mark.parametrize("member", ["lead", "inspector", "quality_assurer"])
def test_only_the_assigned_assistant_changes_a_case(case, member, token_client, request):
    client = token_client(request.getfixturevalue(member))
    response = patch(client, case, {"facts": {"home_visits": "made"}}, f'"{case.pk}-1"')
    assert response.status_code == 403
    assert (
        response.json()["detail"]
        == "Only the assistant inspector the case is assigned to can change or submit it."
    )
    assert client.post(case_url(case) + "submit/", HTTP_IF_MATCH=f'"{case.pk}-1"').status_code == 403


# Changing


def test_the_assigned_assistant_saves_judgements_and_facts(case, assistant, token_client):
    client = token_client(assistant)
    etag = client.get(case_url(case))["ETag"]
    response = patch(
        client,
        case,
        {
            "judgements": {"2.2.1": {"answer": "yes", "rationale": "Good induction."}},
            "facts": {"home_visits": "made", "rosh_classified_correctly": "no"},
            "needs": {"drugs": {"linked_to_offending": True, "sufficiently_addressed": False}},
        },
        etag,
    )
    assert response.status_code == 200
    assert response["ETag"] == f'"{case.pk}-2"'
    body = response.json()
    assert body["status"] == "in_progress"
    assert body["facts"]["home_visits"] == "made"
    judgement = Judgement.objects.get(case=case)
    assert (judgement.answer, judgement.rationale, judgement.updated_by) == (
        "yes",
        "Good induction.",
        assistant,
    )
    assert judgement.history.first().history_user == assistant


def test_a_change_without_if_match_is_refused_with_428(case, assistant, token_client):
    response = patch(token_client(assistant), case, {"facts": {"home_visits": "made"}})
    assert response.status_code == 428
    assert response["Content-Type"] == "application/problem+json"
    assert not CaseFact.objects.filter(case=case, key="home_visits").exists()


def test_a_change_from_a_stale_etag_is_refused_with_412_and_nothing_is_overwritten(
    case, assistant, token_client
):
    client = token_client(assistant)
    stale = client.get(case_url(case))["ETag"]
    assert patch(client, case, {"facts": {"home_visits": "made"}}, stale).status_code == 200
    response = patch(client, case, {"facts": {"home_visits": "not_made"}}, stale)
    assert response.status_code == 412
    assert response["ETag"] == f'"{case.pk}-2"'
    assert response.json()["detail"].startswith("The case has changed since you read it")
    assert CaseFact.objects.get(case=case, key="home_visits").value == "made"


def test_an_etag_of_another_case_is_refused_with_412(case, assistant, inspection, token_client):
    other = InspectedCaseFactory(inspection=inspection, assistant_inspector=assistant)
    response = patch(token_client(assistant), case, {"facts": {"home_visits": "made"}}, f'"{other.pk}-1"')
    assert response.status_code == 412


def test_values_that_are_not_allowed_are_a_400_problem_naming_the_fields(case, assistant, token_client):
    response = patch(
        token_client(assistant),
        case,
        {
            "judgements": {"2.2.1": {"answer": "maybe"}},
            "facts": {"status": "approved", "home_visits": "often"},
        },
        f'"{case.pk}-1"',
    )
    assert response.status_code == 400
    assert response["Content-Type"] == "application/problem+json"
    fields = {error["field"] for error in response.json()["errors"]}
    assert fields == {"judgements.2.2.1.answer", "facts.status", "facts.home_visits"}


def test_a_key_question_the_framework_lacks_is_refused_by_the_service(case, assistant, token_client):
    response = patch(
        token_client(assistant), case, {"judgements": {"9.9.9": {"answer": "yes"}}}, f'"{case.pk}-1"'
    )
    assert response.status_code == 400
    assert response.json()["errors"] == [
        {"field": "judgements.9.9.9.answer", "message": answers.UNKNOWN_KEY_QUESTION.format(code="9.9.9")}
    ]


def test_a_submitted_case_cannot_be_changed(case, assistant, token_client):
    InspectedCase.objects.filter(pk=case.pk).update(status=InspectedCase.Status.SUBMITTED)
    response = patch(token_client(assistant), case, {"facts": {"home_visits": "made"}}, f'"{case.pk}-1"')
    assert response.status_code == 409
    assert response.json()["detail"] == errors.NOT_EDITABLE


def test_a_case_in_a_locked_inspection_cannot_be_changed(case, assistant, inspection, token_client):
    Inspection.objects.filter(pk=inspection.pk).update(status=Inspection.Status.LOCKED)
    response = patch(token_client(assistant), case, {"facts": {"home_visits": "made"}}, f'"{case.pk}-1"')
    assert response.status_code == 409


def test_a_body_that_is_not_json_is_a_problem(case, assistant, token_client):
    client = token_client(assistant)
    response = client.patch(
        case_url(case), "{not json", content_type="application/json", HTTP_IF_MATCH=f'"{case.pk}-1"'
    )
    assert response.status_code == 400
    assert response["Content-Type"] == "application/problem+json"


# Submitting


def test_submitting_an_incomplete_case_lists_the_missing_fields(case, assistant, token_client):
    response = token_client(assistant).post(case_url(case) + "submit/", HTTP_IF_MATCH=f'"{case.pk}-1"')
    assert response.status_code == 422
    errors = response.json()["errors"]
    assert errors[0] == {
        "field": "judgements.2.2.1.answer",
        "message": "Select whether the work was sufficient for 2.2.1",
    }
    assert {
        "field": "needs.drugs.linked_to_offending",
        "message": "Select yes if the drugs need is linked to offending",
    } in (errors)
    assert InspectedCase.objects.get(pk=case.pk).status == InspectedCase.Status.NOT_STARTED


def test_a_complete_case_is_submitted(case, assistant, complete_answers, token_client):
    judgements, facts, needs = complete_answers
    client = token_client(assistant)
    etag = patch(client, case, {"judgements": judgements, "facts": facts, "needs": needs}, f'"{case.pk}-1"')[
        "ETag"
    ]
    response = client.post(case_url(case) + "submit/", HTTP_IF_MATCH=etag)
    assert response.status_code == 200
    assert response.json()["status"] == "submitted"
    assert response.json()["editable"] is False


def test_submitting_without_if_match_is_refused_with_428(case, assistant, token_client):
    assert token_client(assistant).post(case_url(case) + "submit/").status_code == 428


def test_submitting_from_a_stale_etag_is_refused_with_412(case, assistant, complete_answers, token_client):
    judgements, facts, needs = complete_answers
    client = token_client(assistant)
    patch(client, case, {"judgements": judgements, "facts": facts, "needs": needs}, f'"{case.pk}-1"')
    response = client.post(case_url(case) + "submit/", HTTP_IF_MATCH=f'"{case.pk}-1"')
    assert response.status_code == 412
    assert InspectedCase.objects.get(pk=case.pk).status == InspectedCase.Status.IN_PROGRESS


def test_the_browser_session_works_too(case, assistant):
    client = APIClient()
    client.force_login(assistant)
    assert client.get(case_url(case)).status_code == 200


def test_a_weak_or_listed_etag_is_accepted(case, assistant, token_client):
    client = token_client(assistant)
    response = patch(client, case, {"facts": {"home_visits": "made"}}, f'"0-9", W/"{case.pk}-1"')
    assert response.status_code == 200
    assert response["ETag"] == f'"{case.pk}-2"'
