"""API benchmark: the aggregate endpoints on the 100,000-case dataset, with a token, as JSON and CSV.

Run by `make bench` (tests/bench/__main__.py) after the reports benchmark, on the same dataset
(tests/bench/dataset.py). Prints each endpoint's median time over warm runs, its ratio to the reports bench's SQL
lower bound for the same figures, and the number of SQL queries it runs (which must not grow with the data).
Results: docs/api.md, "Performance".
"""

from __future__ import annotations

import os

from django.db import connection
from django.test import Client

from .bench_reports import REPEATS, _median, _sql_lower_bound

CASES = int(os.environ.get("BENCH_CASES", "100000"))


def _call(client: Client, url: str, token: str) -> tuple[float, int]:
    queries = []

    def count(execute, sql, params, many, context):
        queries.append(sql)
        return execute(sql, params, many, context)

    headers = {"HTTP_AUTHORIZATION": f"Token {token}"}
    with connection.execute_wrapper(count):
        response = client.get(url, **headers)
    assert response.status_code == 200, (url, response.status_code, response.content[:200])
    return _median(lambda: client.get(url, **headers)), len(queries)


def run() -> None:
    from django.conf import settings
    from django.contrib.auth import get_user_model
    from rest_framework.settings import api_settings

    from accounts.services import api_token_create
    from inspections.models import Inspection
    from reports.selectors.results import breakdown_attributes

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
    national_sql = _median(lambda: _sql_lower_bound(all_ids, attributes))
    inspection_sql = _median(lambda: _sql_lower_bound([largest], attributes))

    endpoints = [
        ("national key questions (JSON)", "/api/v1/national/key-questions/", national_token, national_sql),
        (
            "national key questions (CSV)",
            "/api/v1/national/key-questions/?format=csv",
            national_token,
            national_sql,
        ),
        ("national case facts (JSON)", "/api/v1/national/case-facts/", national_token, national_sql),
        ("national PDUs (JSON, first page)", "/api/v1/national/pdus/", national_token, national_sql),
        (
            "national PDUs (CSV, first page)",
            "/api/v1/national/pdus/?format=csv",
            national_token,
            national_sql,
        ),
        ("national distribution (JSON)", "/api/v1/national/distribution/", national_token, national_sql),
        ("inspection results (JSON)", f"/api/v1/inspections/{largest}/results/", lead_token, inspection_sql),
        (
            "inspection results (CSV)",
            f"/api/v1/inspections/{largest}/results/?format=csv",
            lead_token,
            inspection_sql,
        ),
        (
            "inspection key questions (JSON)",
            f"/api/v1/inspections/{largest}/key-questions/",
            lead_token,
            inspection_sql,
        ),
        (
            "inspection case facts (JSON)",
            f"/api/v1/inspections/{largest}/case-facts/",
            lead_token,
            inspection_sql,
        ),
        ("inspection cases (first page of 50)", f"/api/v1/inspections/{largest}/cases/", lead_token, None),
    ]
    rows = []
    for name, url, token, lower in endpoints:
        seconds, queries = _call(client, url, token)
        rows.append((name, seconds, lower, queries))

    cases = Inspection.objects.get(pk=largest).cases.count()
    print(f"\nAPI, with a token: {len(all_ids)} inspections; the inspection timed has {cases:,} cases")
    print(f"median of {REPEATS} warm runs; × SQL is the ratio to the reports bench's SQL lower bound\n")
    print(f"{'endpoint':48} {'time (ms)':>10} {'× SQL':>7} {'queries':>8}")
    for name, seconds, lower, queries in rows:
        ratio = f"{seconds / lower:.2f}" if lower else ""
        print(f"{name:48} {seconds * 1000:10.1f} {ratio:>7} {queries:>8}")
