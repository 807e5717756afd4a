"""The exception handler turns every refusal into a problem document, whatever raised it."""

from django.core.exceptions import ValidationError
from rest_framework.test import APIRequestFactory
from rest_framework.views import APIView

from api.problems import exception_handler
from cases.errors import CaseError, CaseIncomplete, Problem


def handle(exc):
    request = APIView().initialize_request(APIRequestFactory().get("/api/v1/cases/1/"))
    return exception_handler(exc, {"request": request})


def test_a_case_services_refusal_is_a_409_with_its_message():
    response = handle(CaseError("Only a submitted case can be approved or returned."))
    assert response.status_code == 409
    assert response.data["detail"] == "Only a submitted case can be approved or returned."
    assert response.content_type == "application/problem+json"


def test_an_incomplete_case_lists_each_missing_item_by_the_apis_field_names():
    response = handle(
        CaseIncomplete(
            [Problem("kq_2_1_1_rationale", "Enter the evidence"), Problem("fact_home_visits", "x")]
        )
    )
    assert response.status_code == 422
    assert [e["field"] for e in response.data["errors"]] == [
        "judgements.2.1.1.rationale",
        "facts.home_visits",
    ]


def test_a_models_validation_error_is_a_400_naming_the_fields():
    response = handle(ValidationError({"reason": ["Enter the reason"]}))
    assert response.status_code == 400
    assert response.data["errors"] == [{"field": "reason", "message": "Enter the reason"}]


class _Refused(Exception):
    """An error of an app the API has never heard of, declaring its own problem."""

    http_status = 423
    problem_type = "made-up"
    problem_title = "Made up for this test"

    def problem_headers(self):
        return {"Retry-After": "5"}


def test_any_error_declaring_its_problem_is_answered_as_it_declares():
    response = handle(_Refused("Not now."))
    assert (response.status_code, response.data["title"], response.data["detail"]) == (
        423,
        "Made up for this test",
        "Not now.",
    )
    assert response.data["type"].endswith("#problem-made-up")
    assert response["Retry-After"] == "5"


def test_an_unexpected_error_is_a_500_problem_that_says_nothing_was_saved():
    response = handle(RuntimeError("boom"))
    assert response.status_code == 500
    assert "boom" not in str(response.data)
    assert response.data["detail"] == "Something went wrong on our side. Nothing has been saved."
