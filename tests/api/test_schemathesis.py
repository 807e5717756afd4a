"""Schemathesis against the live schema: every operation, with a token, a bounded number of examples.

Fails on any 5xx, any undocumented status code, content type or header, and any body that breaks the schema.
Runs in `make test` (and so in CI); about a minute.
"""

import os

import pytest
import schemathesis
from hypothesis import HealthCheck, settings
from knox.models import AuthToken
from schemathesis.checks import not_a_server_error
from schemathesis.specs.openapi import checks as openapi_checks

from api.throttling import PerTokenThrottle, PerUserThrottle
from cases.models import InspectedCase
from inspections.models import Role
from tests.factories import (
    InspectedCaseFactory,
    InspectionFactory,
    JudgementFactory,
    MembershipFactory,
    OrganisationalRatingFactory,
    PublishedRatingFactory,
    UserFactory,
)

# Bounded so `make test` stays quick; raise it for a deeper search: SCHEMATHESIS_MAX_EXAMPLES=300 pytest ...
MAX_EXAMPLES = int(os.environ.get("SCHEMATHESIS_MAX_EXAMPLES", "30"))


@pytest.fixture
def api_token(transactional_db, framework):
    """A superuser who is also the assistant inspector of a few cases: every operation can succeed."""
    user = UserFactory(is_superuser=True)
    inspection = InspectionFactory(framework=framework)
    MembershipFactory(inspection=inspection, user=user, role=Role.ASSISTANT_INSPECTOR)
    for status in (InspectedCase.Status.NOT_STARTED, InspectedCase.Status.SUBMITTED):
        case = InspectedCaseFactory(inspection=inspection, assistant_inspector=user, status=status)
        JudgementFactory(case=case)
    OrganisationalRatingFactory(inspection=inspection)
    PublishedRatingFactory(pdu=inspection.pdu)
    return AuthToken.objects.create(user=user)[1]


@pytest.fixture
def _no_throttling(monkeypatch):
    """Thousands of requests with one token: without this, later operations would only ever see 429."""
    monkeypatch.setitem(PerUserThrottle.THROTTLE_RATES, "user", "1000000/hour")
    monkeypatch.setitem(PerTokenThrottle.THROTTLE_RATES, "token", "1000000/hour")


@pytest.fixture
def api_schema(live_server, api_token, _no_throttling):
    return schemathesis.openapi.from_url(f"{live_server.url}/api/schema/")


schema = schemathesis.pytest.from_fixture("api_schema")

# Named explicitly: the Python API's defaults leave out the conformance checks.
CHECKS = [
    not_a_server_error,
    openapi_checks.status_code_conformance,
    openapi_checks.content_type_conformance,
    openapi_checks.response_headers_conformance,
    openapi_checks.response_schema_conformance,
]


@schema.parametrize()
@settings(
    max_examples=MAX_EXAMPLES,
    deadline=None,
    suppress_health_check=list(HealthCheck),
    derandomize=True,
)
def test_every_operation_keeps_to_the_schema(case, api_token):
    case.call_and_validate(headers={"Authorization": f"Token {api_token}"}, checks=CHECKS)
