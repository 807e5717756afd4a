"""Schemathesis against the live schema: every operation, with a token, a bounded number of examples.

Fails on any 5xx, any undocumented status code, content type or header, and any body that breaks the schema.
Runs in `make test` (and so in CI); about a minute.
"""

import os
import random

import pytest
import schemathesis
from hypothesis import HealthCheck, settings
from knox.models import AuthToken
from schemathesis.checks import not_a_server_error
from schemathesis.specs.openapi import checks as openapi_checks

from api.throttling import PerTokenThrottle, PerUserThrottle
from cases.models import InspectedCase
from inspections.models import KeyQuestion, Role
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
def dataset(transactional_db, framework):
    """A superuser who is also the assistant inspector of a few cases, so every operation can succeed; the ids of
    what exists, by the collection a path names."""
    user = UserFactory(is_superuser=True)
    inspection = InspectionFactory(framework=framework)
    MembershipFactory(inspection=inspection, user=user, role=Role.ASSISTANT_INSPECTOR)
    cases = []
    for status in (
        InspectedCase.Status.NOT_STARTED,
        InspectedCase.Status.IN_PROGRESS,
        InspectedCase.Status.SUBMITTED,
    ):
        case = InspectedCaseFactory(inspection=inspection, assistant_inspector=user, status=status)
        JudgementFactory(case=case)
        cases.append(case.pk)
    OrganisationalRatingFactory(inspection=inspection)
    PublishedRatingFactory(pdu=inspection.pdu)
    return {
        "token": AuthToken.objects.create(user=user)[1],
        "ids": {
            "cases": cases,
            "inspections": [inspection.pk],
            "pdus": [inspection.pdu_id],
            "regions": [inspection.pdu.region_id],
            "frameworks": [framework.pk],
            "key-questions": list(KeyQuestion.objects.values_list("pk", flat=True)[:3]),
        },
    }


def aim_at_real_objects(case, ids: dict) -> None:
    """Half the generated cases get ids that exist (and a current If-Match), so success paths are exercised too,
    not only 404s; which half is decided by the generated values, so runs stay reproducible."""
    chooser = random.Random(repr((case.operation.label, case.path_parameters, case.query)))
    if not case.path_parameters or chooser.random() < 0.5:
        return
    collection = case.operation.path.split("/")[3]
    for name in case.path_parameters:
        case.path_parameters[name] = chooser.choice(ids[collection])
    if collection == "cases" and case.headers and "If-Match" in case.headers and chooser.random() < 0.5:
        current = InspectedCase.objects.get(pk=case.path_parameters["id"])
        case.headers["If-Match"] = f'"{current.pk}-{current.version}"'


@pytest.fixture
def _no_throttling(monkeypatch):
    """Thousands of requests with one token: without this, later operations would only ever see 429."""
    monkeypatch.setitem(PerUserThrottle.THROTTLE_RATES, "user", "1000000/hour")
    monkeypatch.setitem(PerTokenThrottle.THROTTLE_RATES, "token", "1000000/hour")


@pytest.fixture
def api_schema(live_server, dataset, _no_throttling):
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
def test_every_operation_keeps_to_the_schema(case, dataset):
    aim_at_real_objects(case, dataset["ids"])
    case.call_and_validate(headers={"Authorization": f"Token {dataset['token']}"}, checks=CHECKS)
