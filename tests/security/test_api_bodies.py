"""Finding 5: API bodies are refused before they are read when over the limit (413), and as a 400 problem when
they are not JSON or nest too deeply, never a 500 or a parsed 200 MB body."""

import io

import pytest
from rest_framework.exceptions import ParseError
from rest_framework.test import APIRequestFactory

from api.parsers import MAX_DEPTH, MULTIPART_ALLOWANCE, TOO_DEEP, JSONParser, MultiPartParser, RequestTooLarge
from reports.evidence.api import SurveyImports


def patch_raw(client, case, body: bytes):
    return client.generic(
        "PATCH",
        f"/api/v1/cases/{case.pk}/",
        body,
        content_type="application/json",
        HTTP_IF_MATCH=case.etag,
    )


def test_a_body_over_the_limit_is_a_413_problem_and_nothing_is_saved(
    case, assistant, api_client_for, settings
):
    settings.API_MAX_BODY_BYTES = 1000
    body = b'{"judgements": {"2.2.1": {"rationale": "' + b"x" * 2000 + b'"}}}'
    response = patch_raw(api_client_for(assistant), case, body)
    assert response.status_code == 413
    assert response["Content-Type"] == "application/problem+json"
    assert response.json()["type"].endswith("#problem-too-large")
    assert "1,000 bytes" in response.json()["detail"]
    case.refresh_from_db()
    assert case.version == 1


def test_a_body_under_the_limit_is_read_as_before(case, assistant, api_client_for, settings):
    settings.API_MAX_BODY_BYTES = 1000
    response = patch_raw(api_client_for(assistant), case, b'{"judgements": {"2.2.1": {"answer": "yes"}}}')
    assert response.status_code == 200


def test_the_limit_holds_when_the_length_is_not_declared():
    """A chunked body has no Content-Length: the parser still reads no more than the limit (plus one byte)."""
    request = APIRequestFactory().post("/api/v1/cases/1/submit/")
    request.META.pop("CONTENT_LENGTH", None)
    stream = io.BytesIO(b"[" + b"1," * 2_000_000 + b"1]")
    with pytest.raises(RequestTooLarge):
        JSONParser().parse(stream, "application/json", {"request": request})
    assert stream.tell() <= 2_621_441


def test_942_nested_brackets_are_a_400_problem_not_a_500(case, assistant, api_client_for):
    response = patch_raw(api_client_for(assistant), case, b"[" * 942 + b"]" * 942)
    assert response.status_code == 400
    assert response["Content-Type"] == "application/problem+json"
    assert response.json()["detail"] == TOO_DEEP


def test_nesting_beyond_the_documented_depth_is_refused_even_when_python_could_parse_it(
    case, assistant, api_client_for
):
    body = b'{"facts": ' + b'{"a": ' * MAX_DEPTH + b"1" + b"}" * MAX_DEPTH + b"}"
    response = patch_raw(api_client_for(assistant), case, body)
    assert response.status_code == 400
    assert response.json()["detail"] == TOO_DEEP


@pytest.mark.parametrize(
    "body",
    [b'{"judgements": ', b"\xff\xfe not utf-8", b'{"facts": NaN}', b"{'single': 'quotes'}"],
    ids=["truncated", "not-utf8", "nan", "single-quotes"],
)
def test_malformed_json_is_a_400_problem(case, assistant, api_client_for, body):
    response = patch_raw(api_client_for(assistant), case, body)
    assert response.status_code == 400
    assert response["Content-Type"] == "application/problem+json"
    assert response.json()["detail"].startswith("The body is not valid JSON")


def test_a_form_encoded_body_is_refused_as_unsupported(case, assistant, api_client_for):
    response = api_client_for(assistant).generic(
        "PATCH",
        f"/api/v1/cases/{case.pk}/",
        "facts=1",
        content_type="application/x-www-form-urlencoded",
        HTTP_IF_MATCH=case.etag,
    )
    assert response.status_code == 415


def test_the_parser_refuses_deep_nesting_directly():
    with pytest.raises(ParseError):
        JSONParser().parse(io.BytesIO(b"[" * 50 + b"]" * 50), "application/json", {})


class Unreadable(io.BytesIO):
    def read(self, *args):
        raise AssertionError("the body was read")


def test_an_upload_over_the_views_limit_is_refused_before_it_is_read():
    request = APIRequestFactory().post("/api/v1/survey-imports/")
    request.META["CONTENT_LENGTH"] = str(SurveyImports.max_upload_bytes + MULTIPART_ALLOWANCE + 1)
    context = {"request": request, "view": SurveyImports()}
    with pytest.raises(RequestTooLarge):
        MultiPartParser().parse(Unreadable(), "multipart/form-data; boundary=x", context)


def test_an_upload_over_the_limit_is_a_413_problem_not_a_file_written_to_disk(
    national_viewer, api_client_for, monkeypatch
):
    """Django's multipart reader writes a file of any size to disk before the view sees it: 200 MB once was."""
    monkeypatch.setattr(SurveyImports, "max_upload_bytes", 1000)
    upload = io.BytesIO(b"PDU,Period,Question,Answer,Count\n" + b"x" * (MULTIPART_ALLOWANCE + 1000))
    upload.name = "survey.csv"
    response = api_client_for(national_viewer).post(
        "/api/v1/survey-imports/", {"file": upload}, format="multipart"
    )
    assert response.status_code == 413
    assert response["Content-Type"] == "application/problem+json"
    assert response.json()["type"].endswith("#problem-too-large")
