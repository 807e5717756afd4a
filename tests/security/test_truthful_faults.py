"""Finding 6: a 500 says only what is known, and a write retried with the same If-Match is safe (answered 200 when
the change is already saved, 412 showing the saved version otherwise). With the low findings on versions: an
empty PATCH saves nothing and a weak ETag never matches."""

from django.db import OperationalError
from rest_framework.test import APIRequestFactory
from rest_framework.views import APIView

from api.problems import LENGTH_REQUIRED, SERVER_ERROR_WRITE, exception_handler
from cases import api as cases_api
from cases.models import InspectedCase, Judgement
from cases.services import answers

CHANGE = {"judgements": {"2.2.1": {"answer": "yes", "rationale": "Seen in the notes."}}}


def patch(client, case, body, etag):
    return client.patch(f"/api/v1/cases/{case.pk}/", body, format="json", HTTP_IF_MATCH=etag)


def fail_reading_back(monkeypatch):
    """The database fails on the second read of the case in a request: after the service has committed."""
    real = cases_api._case_queryset
    calls = []

    def flaky(user, **kwargs):
        calls.append(user)
        if len(calls) % 2 == 0:
            raise OperationalError("server closed the connection unexpectedly")
        return real(user, **kwargs)

    monkeypatch.setattr(cases_api, "_case_queryset", flaky)


def test_a_failed_write_is_never_told_nothing_has_been_saved():
    request = APIView().initialize_request(APIRequestFactory().patch("/api/v1/cases/1/"))
    response = exception_handler(RuntimeError("connection lost at COMMIT"), {"request": request})
    assert response.status_code == 500
    assert response.data["detail"] == SERVER_ERROR_WRITE
    assert "nothing" not in response.data["detail"].lower()


def test_a_fault_after_the_commit_says_the_change_was_saved_and_its_version(
    case, assistant, api_client_for, monkeypatch
):
    fail_reading_back(monkeypatch)
    response = patch(api_client_for(assistant), case, CHANGE, case.etag)
    assert response.status_code == 500
    body = response.json()
    assert body["type"].endswith("#problem-saved-not-read-back")
    assert "Your change was saved" in body["detail"]
    assert "Nothing" not in body["detail"]
    assert response["ETag"] == f'"{case.pk}-2"'
    assert f'"{case.pk}-2"' in body["detail"]
    assert Judgement.objects.get(case=case).rationale == "Seen in the notes."


def test_retrying_a_saved_change_with_the_same_if_match_is_answered_200_and_saves_nothing_more(
    case, assistant, api_client_for, monkeypatch
):
    client = api_client_for(assistant)
    with monkeypatch.context() as patched:
        fail_reading_back(patched)
        assert patch(client, case, CHANGE, case.etag).status_code == 500
    retry = patch(client, case, CHANGE, case.etag)
    assert retry.status_code == 200
    assert retry["ETag"] == f'"{case.pk}-2"'
    assert retry.json()["judgements"][0]["rationale"] == "Seen in the notes."
    assert InspectedCase.objects.get(pk=case.pk).version == 2


def test_a_different_change_with_a_stale_if_match_is_a_412_that_shows_the_saved_version(
    case, assistant, api_client_for
):
    stale = case.etag
    answers.case_save(case=case, user=assistant, expected_version=1, judgements=CHANGE["judgements"])
    response = patch(
        api_client_for(assistant), case, {"judgements": {"2.2.1": {"rationale": "Mine."}}}, stale
    )
    assert response.status_code == 412
    assert response["ETag"] == f'"{case.pk}-2"'
    assert f'"{case.pk}-2"' in response.json()["detail"]
    assert Judgement.objects.get(case=case).rationale == "Seen in the notes."


def test_a_retried_submit_of_a_submitted_case_is_answered_200(case, assistant, api_client_for, complete_case):
    complete_case(case)
    case.refresh_from_db()
    etag = case.etag
    client = api_client_for(assistant)
    assert client.post(f"/api/v1/cases/{case.pk}/submit/", HTTP_IF_MATCH=etag).status_code == 200
    retry = client.post(f"/api/v1/cases/{case.pk}/submit/", HTTP_IF_MATCH=etag)
    assert retry.status_code == 200
    assert retry.json()["status"] == "submitted"


def test_an_empty_patch_does_not_bump_the_version(case, assistant, api_client_for):
    client = api_client_for(assistant)
    for body in ({}, {"judgements": {}, "facts": {}, "needs": {}}):
        response = patch(client, case, body, case.etag)
        assert response.status_code == 200
        assert response["ETag"] == case.etag
    assert InspectedCase.objects.get(pk=case.pk).version == 1


def test_an_empty_patch_with_a_stale_if_match_is_still_a_412(case, assistant, api_client_for):
    answers.case_save(case=case, user=assistant, expected_version=1, judgements=CHANGE["judgements"])
    response = patch(api_client_for(assistant), case, {}, f'"{case.pk}-1"')
    assert response.status_code == 412
    assert InspectedCase.objects.get(pk=case.pk).version == 2


def test_a_weak_etag_in_if_match_is_refused_with_a_412_that_says_why(case, assistant, api_client_for):
    response = patch(api_client_for(assistant), case, CHANGE, f"W/{case.etag}")
    assert response.status_code == 412
    assert response.json()["detail"] == cases_api.WEAK_ETAG.format(etag=case.etag)
    assert InspectedCase.objects.get(pk=case.pk).version == 1
    assert not Judgement.objects.filter(case=case).exists()


def test_a_change_sent_in_chunks_without_a_length_is_refused_not_answered_200_unsaved(
    case, assistant, api_client_for
):
    """Django reads a body without Content-Length as empty: a chunked PATCH was answered 200 as an empty change."""
    response = api_client_for(assistant).generic(
        "PATCH",
        f"/api/v1/cases/{case.pk}/",
        HTTP_IF_MATCH=case.etag,
        HTTP_TRANSFER_ENCODING="chunked",
        content_type="application/json",
    )
    assert response.status_code == 411
    assert response["Content-Type"] == "application/problem+json"
    assert response.json()["detail"] == LENGTH_REQUIRED
    assert InspectedCase.objects.get(pk=case.pk).version == 1


def test_a_form_sent_in_chunks_without_a_length_is_refused(client, case, assistant):
    client.force_login(assistant)
    response = client.generic("POST", f"/cases/{case.pk}/", HTTP_TRANSFER_ENCODING="chunked")
    assert response.status_code == 411
