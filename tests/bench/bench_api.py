"""API benchmark: the aggregate endpoints on the 100,000-case dataset, with a token, as JSON and CSV.

Run by `make bench` (tests/bench/__main__.py) after the reports benchmark, on the same dataset
(tests/bench/dataset.py). Prints each endpoint's median time over warm runs (round-robin with
its SQL lower bound), its ratio to that lower bound, the number of SQL queries it runs, and each against its target
(PASS or FAIL): national endpoints ≤ 0.25× the lower bound and ≤ 10 queries, an inspection's ≤ 1.5× (the lower bound
+ the fixed cost of a request with a token). Results: docs/performance.md.
"""

from __future__ import annotations

import os

from django.db import connection
from django.test import Client

from .bench_reports import (
    INSPECTION_TARGET,
    NATIONAL_TARGET,
    REPEATS,
    _round_robin,
    _sql_lower_bound,
    print_targets,
)

CASES = int(os.environ.get("BENCH_CASES", "100000"))


def _queries(client: Client, url: str, token: str) -> int:
    """The number of SQL queries one request runs, token and user included."""
    queries = []

    def count(execute, sql, params, many, context):
        queries.append(sql)
        return execute(sql, params, many, context)

    with connection.execute_wrapper(count):
        response = client.get(url, HTTP_AUTHORIZATION=f"Token {token}")
    assert response.status_code == 200, (url, response.status_code, response.content[:200])
    return len(queries)


def run() -> None:
    from django.conf import settings
    from django.contrib.auth import get_user_model
    from rest_framework.settings import api_settings

    from accounts.services import api_token_create
    from cases.counts import breakdown_attributes
    from inspections.models import Inspection

    from .dataset import ensure_dataset

    settings.ALLOWED_HOSTS = ["*"]
    # The bench makes thousands of requests with one token: lift the throttles for this process only.
    api_settings.DEFAULT_THROTTLE_RATES.update({"user": "1000000/hour", "token": "1000000/hour"})
    ensure_dataset(cases=CASES)

    User = get_user_model()
    national = User.objects.get(username="bench-national")
    lead = User.objects.get(username="bench-lead")
    _, national_token = api_token_create(user=national, name="bench")
    _, lead_token = api_token_create(user=lead, name="bench")
    client = Client()

    all_ids = list(Inspection.objects.values_list("pk", flat=True))
    largest = (
        Inspection.objects.filter(status__in=["fieldwork", "quality_assurance"])
        .order_by("-pk")
        .values_list("pk", flat=True)
        .first()
    )
    frameworks = {i.framework_id: i.framework for i in Inspection.objects.select_related("framework")}
    attributes = breakdown_attributes(framework.definition for framework in frameworks.values())
    national_endpoints = [
        ("national key questions (JSON)", "/api/v1/national/key-questions/?inspections=include-provisional"),
        (
            "national key questions (CSV)",
            "/api/v1/national/key-questions/?format=csv&inspections=include-provisional",
        ),
        ("national case facts (JSON)", "/api/v1/national/case-facts/?inspections=include-provisional"),
        ("national PDUs (JSON, first page)", "/api/v1/national/pdus/?inspections=include-provisional"),
        (
            "national PDUs (CSV, first page)",
            "/api/v1/national/pdus/?format=csv&inspections=include-provisional",
        ),
        ("national distribution (JSON)", "/api/v1/national/distribution/?inspections=include-provisional"),
    ]
    inspection_endpoints = [
        ("inspection results (JSON)", f"/api/v1/inspections/{largest}/results/"),
        ("inspection results (CSV)", f"/api/v1/inspections/{largest}/results/?format=csv"),
        ("inspection key questions (JSON)", f"/api/v1/inspections/{largest}/key-questions/"),
        ("inspection case facts (JSON)", f"/api/v1/inspections/{largest}/case-facts/"),
        ("inspection cases (first page of 50)", f"/api/v1/inspections/{largest}/cases/"),
    ]
    # What any request with a token pays before it reads anything much: the token, the user, DRF, a tiny list.
    fixed = ("token request with almost no data (regions, the fixed cost)", "/api/v1/regions/")

    def get(url: str, token: str):
        return lambda: client.get(url, HTTP_AUTHORIZATION=f"Token {token}")

    queries = {name: _queries(client, url, national_token) for name, url in national_endpoints}
    queries |= {name: _queries(client, url, lead_token) for name, url in [*inspection_endpoints, fixed]}
    # Each group round-robin with its lower bound, so that load from other processes falls on all alike.
    national = _round_robin(
        {
            "SQL lower bound, national (3 statements)": lambda: _sql_lower_bound(all_ids, attributes),
            **{name: get(url, national_token) for name, url in national_endpoints},
        }
    )
    inspection = _round_robin(
        {
            "SQL lower bound, one inspection (3 statements)": lambda: _sql_lower_bound([largest], attributes),
            fixed[0]: get(fixed[1], lead_token),
            **{name: get(url, lead_token) for name, url in inspection_endpoints},
        }
    )

    cases = Inspection.objects.get(pk=largest).cases.count()
    print(f"\nAPI, with a token: {len(all_ids)} inspections; the inspection timed has {cases:,} cases")
    print(f"median of {REPEATS} warm runs; × SQL is the ratio to the SQL lower bound\n")
    print(f"{'endpoint':62} {'time (ms)':>10} {'× SQL':>7} {'queries':>8}")
    for group in (national, inspection):
        lower = next(iter(group.values()))
        for name, seconds in group.items():
            print(f"{name:62} {seconds * 1000:10.1f} {seconds / lower:7.2f} {queries.get(name, ''):>8}")

    national_lower = national["SQL lower bound, national (3 statements)"]
    floor = inspection["SQL lower bound, one inspection (3 statements)"] + inspection[fixed[0]]
    checks = [
        (f"{name} / SQL lower bound", national[name] / national_lower, NATIONAL_TARGET)
        for name, _ in national_endpoints
    ]
    checks += [
        (f"{name} / (SQL lower bound + fixed cost)", inspection[name] / floor, INSPECTION_TARGET)
        for name, _ in inspection_endpoints
        if name != "inspection cases (first page of 50)"  # a page of a list, not an aggregate
    ]
    if not print_targets(
        checks, {name: queries[name] for name, _ in [*national_endpoints, *inspection_endpoints]}
    ):
        print("\nAt least one target was missed (FAIL above).")
