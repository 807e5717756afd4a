"""Lists run a fixed number of queries whatever their length."""

import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext

from inspections.models import Role
from tests.factories import (
    InspectedCaseFactory,
    InspectionFactory,
    PDUFactory,
    PublishedRatingFactory,
    UserFactory,
    team_member,
)


def count(client, url):
    with CaptureQueriesContext(connection) as queries:
        assert client.get(url).status_code == 200
    return len(queries)


def test_the_case_list_runs_the_same_queries_for_one_case_or_many(inspection, lead, token_client):
    InspectedCaseFactory(inspection=inspection)
    client = token_client(lead)
    url = f"/api/v1/inspections/{inspection.pk}/cases/"
    few = count(client, url)
    for _ in range(25):
        InspectedCaseFactory(inspection=inspection, assistant_inspector=team_member(inspection))
    assert count(client, url) == few


@pytest.mark.parametrize("url", ["/api/v1/inspections/", "/api/v1/pdus/", "/api/v1/frameworks/"])
def test_reference_and_inspection_lists_run_the_same_queries_for_one_or_many(framework, url, token_client):
    user = UserFactory()
    team_member(InspectionFactory(framework=framework), Role.LEAD, user)
    PublishedRatingFactory(pdu=PDUFactory())
    client = token_client(user)
    few = count(client, url)
    for _ in range(10):
        team_member(InspectionFactory(framework=framework), Role.LEAD, user)
        PublishedRatingFactory(pdu=PDUFactory())
    assert count(client, url) == few


def test_a_save_runs_a_fixed_number_of_queries(case, assistant, token_client, django_assert_num_queries):
    """A PATCH reads the case without its answers (the service reads what it changes) and skips full_clean's
    existence query per foreign key; the answer reads the case again with its answers."""
    client = token_client(assistant)
    url = f"/api/v1/cases/{case.pk}/"
    body = {"judgements": {"2.2.1": {"answer": "yes", "rationale": "Evidence."}}}
    etag = client.patch(url, body, format="json", HTTP_IF_MATCH=case.etag).headers["ETag"]
    body["judgements"]["2.2.1"]["answer"] = "no"
    with django_assert_num_queries(19):
        assert client.patch(url, body, format="json", HTTP_IF_MATCH=etag).status_code == 200
