"""Reports benchmark: dashboards and exports against a hand-written SQL lower bound and pandas.

Run by `make bench` (tests/bench/__main__.py). On the 100,000-case dataset of tests/bench/dataset.py it times, in one
run: the national dashboard selector and page, the inspection dashboard selector and page, and the aggregate export
(the national XLSX); then the same aggregates as one hand-written SQL query each (the lower bound: what the database
itself needs) and as pandas over the same rows (the analyst's alternative). It prints each median time, its ratio
to the SQL lower bound, and the number of queries each page runs; a signed-in page with no data shows the fixed cost
every page pays. Method and results: docs/performance.md.
"""

from __future__ import annotations

import json
import os
import resource
import statistics
import subprocess
import sys
import time
import tracemalloc
from collections.abc import Callable
from pathlib import Path

from django.db import connection
from django.test import Client
from django.urls import reverse

REPEATS = int(os.environ.get("BENCH_REPEATS", "5"))
CASES = int(os.environ.get("BENCH_CASES", "100000"))

# The targets (issue 19): national pages and the aggregate API against the bare SQL lower bound, now that locked
# inspections are read from their frozen counts; a page about one inspection against the lower bound plus the fixed
# cost every signed-in page pays; a fixed number of queries.
NATIONAL_TARGET = 0.25
INSPECTION_TARGET = 1.5
MAX_QUERIES = 10
# A page about one inspection has its own fixed bound, the one tests/reports/test_dashboard_views.py asserts for an
# open inspection: beside its rates, what the lead needs to decide them (peer rates, rates by assistant inspector,
# moderation, staffing).
INSPECTION_MAX_QUERIES = 15


def verdict(ok: bool) -> str:
    return "PASS" if ok else "FAIL"


def print_targets(
    checks: list[tuple[str, float, float]], queries: dict[str, int], bounds: dict[str, int] | None = None
) -> bool:
    """Each ratio against its target and each query count against its bound (MAX_QUERIES unless `bounds` names
    one), PASS or FAIL; whether all passed."""
    passed = True
    print("\ntargets")
    for name, ratio, target in checks:
        passed &= ratio <= target
        print(f"  {name:66} {ratio:6.2f}× ≤ {target:4.2f}×  {verdict(ratio <= target)}")
    for name, count in queries.items():
        bound = (bounds or {}).get(name, MAX_QUERIES)
        passed &= count <= bound
        print(f"  {name + ': queries':66} {count:6d}  ≤ {bound:4d}   {verdict(count <= bound)}")
    return passed


# The lower bound: each aggregate the dashboards need as one hand-written SQL statement, no ORM. The judgements are
# grouped by the framework's breakdown attributes (read from the cases' JSON attributes), as the app groups them.
SQL_JUDGEMENTS = """
    SELECT c.inspection_id, k.code, {attributes},
           count(*) FILTER (WHERE j.answer = 'yes'),
           count(*) FILTER (WHERE j.answer IN ('yes', 'no'))
    FROM cases_judgement j JOIN cases_inspectedcase c ON c.id = j.case_id
         JOIN inspections_keyquestion k ON k.id = j.key_question_id
    WHERE c.inspection_id = ANY(%s) AND c.status IN ('submitted', 'approved')
    GROUP BY {groups}
"""
SQL_CASE_FACTS = """
    SELECT c.kind, f.key, f.value, count(*)
    FROM cases_casefact f JOIN cases_inspectedcase c ON c.id = f.case_id
    WHERE c.inspection_id = ANY(%s) AND c.status IN ('submitted', 'approved')
    GROUP BY 1, 2, 3
"""
SQL_NEEDS = """
    SELECT c.kind, n.need, count(*) FILTER (WHERE n.linked_to_offending),
           count(*) FILTER (WHERE n.linked_to_offending AND n.sufficiently_addressed),
           count(*) FILTER (WHERE n.linked_to_offending AND n.sufficiently_addressed IS NOT NULL)
    FROM cases_caseneed n JOIN cases_inspectedcase c ON c.id = n.case_id
    WHERE c.inspection_id = ANY(%s) AND c.status IN ('submitted', 'approved')
    GROUP BY 1, 2
"""


def _judgements_sql(attributes: list[str]) -> str:
    columns = ", ".join(f"c.attributes ->> '{key}'" for key in attributes)  # the framework's attribute keys
    groups = ", ".join(str(i) for i in range(1, len(attributes) + 3))
    return SQL_JUDGEMENTS.format(attributes=columns, groups=groups)


def _median(function: Callable[[], object], repeats: int = REPEATS) -> float:
    function()  # warm the caches: every variant is timed warm
    times = []
    for _ in range(repeats):
        started = time.perf_counter()
        function()
        times.append(time.perf_counter() - started)
    return statistics.median(times)


def _sql_lower_bound(inspection_ids: list[int], attributes: list[str]) -> None:
    with connection.cursor() as cursor:
        for sql in (_judgements_sql(attributes), SQL_CASE_FACTS, SQL_NEEDS):
            cursor.execute(sql, [inspection_ids])
            cursor.fetchall()


def _pandas(inspection_ids: list[int], attributes: list[str]) -> None:
    """The analyst's way: read the rows into pandas and aggregate there."""
    import json

    import pandas as pd

    with connection.cursor() as cursor:
        cursor.execute(
            "SELECT c.inspection_id, k.code, c.attributes::text, j.answer, c.status "
            "FROM cases_judgement j JOIN cases_inspectedcase c ON c.id = j.case_id "
            "JOIN inspections_keyquestion k ON k.id = j.key_question_id WHERE c.inspection_id = ANY(%s)",
            [inspection_ids],
        )
        judgements = pd.DataFrame(
            cursor.fetchall(), columns=["inspection", "key_question", "attributes", "answer", "status"]
        )
        cursor.execute(
            "SELECT c.id, c.kind, c.status, f.key, f.value FROM cases_casefact f "
            "JOIN cases_inspectedcase c ON c.id = f.case_id WHERE c.inspection_id = ANY(%s)",
            [inspection_ids],
        )
        facts = pd.DataFrame(cursor.fetchall(), columns=["id", "kind", "status", "key", "value"])
        cursor.execute(
            "SELECT n.case_id, c.kind, c.status, n.need, n.linked_to_offending, n.sufficiently_addressed "
            "FROM cases_caseneed n JOIN cases_inspectedcase c ON c.id = n.case_id WHERE c.inspection_id = ANY(%s)",
            [inspection_ids],
        )
        needs = pd.DataFrame(
            cursor.fetchall(), columns=["case", "kind", "status", "need", "linked", "addressed"]
        )
    counted = judgements[judgements["status"].isin(["submitted", "approved"])]
    parsed = counted["attributes"].map(json.loads)
    columns = {key: parsed.map(lambda values, key=key: values.get(key)) for key in attributes}
    counted.assign(
        sufficient=counted["answer"].eq("yes"), answered=counted["answer"].isin(["yes", "no"]), **columns
    ).groupby(["inspection", "key_question", *attributes], dropna=False)[["sufficient", "answered"]].sum()
    counted_facts = facts[facts["status"].isin(["submitted", "approved"])]
    counted_facts.groupby(["kind", "key", "value"]).size()
    counted_needs = needs[needs["status"].isin(["submitted", "approved"])]
    counted_needs.groupby(["kind", "need"]).agg(
        linked=("linked", "sum"),
        addressed=("addressed", lambda s: (s == True).sum()),  # noqa: E712
    )


# The national page and export are timed with the open inspections included (?inspections=include-provisional),
# the most work: their counts are kept current as cases are submitted, the locked ones' frozen at lock. The page's
# default, locked inspections only, is timed beside them.
WITH_OPEN = "?inspections=include-provisional"
NATIONAL_PAGE = "national dashboard page (open inspections included)"
NATIONAL_EXPORT = "national export (XLSX, every table, open included)"


def _round_robin(functions: dict[str, Callable[[], object]], repeats: int = REPEATS) -> dict[str, float]:
    """Median warm time of each function, running them in turn `repeats` times."""
    for function in functions.values():
        function()
    times: dict[str, list[float]] = {name: [] for name in functions}
    for _ in range(repeats):
        for name, function in functions.items():
            started = time.perf_counter()
            function()
            times[name].append(time.perf_counter() - started)
    return {name: statistics.median(values) for name, values in times.items()}


def _page(client: Client, url: str) -> int:
    """The number of SQL queries a page runs (counted at the database wrapper)."""
    queries = []

    def count(execute, sql, params, many, context):
        queries.append(sql)
        return execute(sql, params, many, context)

    with connection.execute_wrapper(count):
        response = client.get(url)
    assert response.status_code == 200, (url, response.status_code)
    return len(queries)


def run() -> None:
    from django.conf import settings
    from django.contrib.auth import get_user_model

    from cases.counts import breakdown_attributes
    from inspections.models import Inspection
    from reports.selectors import dashboards as selectors

    from .dataset import ensure_dataset

    settings.ALLOWED_HOSTS = ["*"]
    # Pages render as in production except the hashed static manifest, which exists only after collectstatic.
    settings.STORAGES = {
        **settings.STORAGES,
        "staticfiles": {"BACKEND": "django.contrib.staticfiles.storage.StaticFilesStorage"},
    }
    started = time.perf_counter()
    built = ensure_dataset(cases=CASES, rebuild=bool(os.environ.get("BENCH_REBUILD")))
    if built:
        print(
            f"dataset: built {built.cases:,} cases, {built.judgements:,} judgements, {built.facts:,} facts, "
            f"{built.needs:,} needs "
            f"in {built.inspections} inspections in {built.seconds:.1f} s"
        )
    else:
        print(f"dataset: reused ({time.perf_counter() - started:.1f} s to check)")

    User = get_user_model()
    national_viewer = User.objects.get(username="bench-national")
    lead = User.objects.get(username="bench-lead")
    client = Client()
    client.force_login(national_viewer)

    all_ids = list(Inspection.objects.values_list("pk", flat=True))
    frameworks = {i.framework_id: i.framework for i in Inspection.objects.select_related("framework")}
    attributes = breakdown_attributes(framework.definition for framework in frameworks.values())
    timed = (  # the latest open inspection: live results, the most work
        Inspection.objects.filter(status__in=["fieldwork", "quality_assurance"])
        .order_by("-pk")
        .values_list("pk", flat=True)
        .first()
    )

    lead_client = Client()
    lead_client.force_login(lead)
    national_queries = _page(client, reverse("national_dashboard") + WITH_OPEN)
    export_queries = _page(client, reverse("national_dashboard_xlsx") + WITH_OPEN)
    inspection_queries = _page(lead_client, reverse("inspection_dashboard", args=[timed]))

    def inspection_selector():
        selectors.inspection_dashboard(selectors.dashboard_inspection(lead, timed))

    # Each group runs round-robin (one of each, then again), so load from other processes falls on all alike.
    national = _round_robin(
        {
            "SQL lower bound, national (3 statements)": lambda: _sql_lower_bound(all_ids, attributes),
            "national dashboard selector": lambda: selectors.national_dashboard(national_viewer),
            NATIONAL_PAGE: lambda: client.get(reverse("national_dashboard") + WITH_OPEN),
            NATIONAL_EXPORT: lambda: client.get(reverse("national_dashboard_xlsx") + WITH_OPEN),
            "national dashboard page, locked only (the default)": lambda: client.get(
                reverse("national_dashboard")
            ),
        }
    )
    national["pandas, national (read rows + groupby)"] = _median(
        lambda: _pandas(all_ids, attributes), max(1, REPEATS // 3)
    )
    inspection = _round_robin(
        {
            "SQL lower bound, one inspection (3 statements)": lambda: _sql_lower_bound([timed], attributes),
            "inspection dashboard selector": inspection_selector,
            "inspection dashboard page": lambda: lead_client.get(
                reverse("inspection_dashboard", args=[timed])
            ),
            "pandas, one inspection (read rows + groupby)": lambda: _pandas([timed], attributes),
            # What any signed-in page costs before it reads anything: session, user, middleware, a small template.
            "signed-in page with no data (fixed cost)": lambda: lead_client.get(reverse("password_change")),
        }
    )
    queries = {
        NATIONAL_PAGE: national_queries,
        NATIONAL_EXPORT: export_queries,
        "inspection dashboard page": inspection_queries,
        "signed-in page with no data (fixed cost)": _page(lead_client, reverse("password_change")),
    }

    cases = Inspection.objects.get(pk=timed).cases.count()
    locked = Inspection.objects.filter(status=Inspection.Status.LOCKED).count()
    print(
        f"\n{len(all_ids)} inspections ({locked} locked, read from their frozen counts; the others from their kept "
        f"counts); the inspection timed has "
        f"{cases:,} cases; median of {REPEATS} warm runs\n"
    )
    print(f"{'what':48} {'time (ms)':>10} {'× SQL':>7} {'queries':>8}")
    for group in (national, inspection):
        lower = next(iter(group.values()))
        for name, seconds in group.items():
            print(f"{name:48} {seconds * 1000:10.1f} {seconds / lower:7.2f} {queries.get(name, ''):>8}")

    national_lower = national["SQL lower bound, national (3 statements)"]
    inspection_floor = (
        inspection["SQL lower bound, one inspection (3 statements)"]
        + inspection["signed-in page with no data (fixed cost)"]
    )
    checks = [
        (f"{name} / SQL lower bound", national[name] / national_lower, NATIONAL_TARGET)
        for name in (NATIONAL_PAGE, NATIONAL_EXPORT)
    ]
    checks.append(
        (
            "inspection dashboard page / (SQL lower bound + fixed cost)",
            inspection["inspection dashboard page"] / inspection_floor,
            INSPECTION_TARGET,
        )
    )
    pages = (NATIONAL_PAGE, NATIONAL_EXPORT, "inspection dashboard page")
    passed = print_targets(
        checks,
        {name: queries[name] for name in pages},
        {"inspection dashboard page": INSPECTION_MAX_QUERIES},
    )

    print(
        "\npeak memory of one request (a fresh process each: RSS before the request → its peak; Python's own"
    )
    print("allocations at their peak, traced in a second request)")
    for name, url, username in (
        ("national export (XLSX)", reverse("national_dashboard_xlsx"), national_viewer.username),
        ("inspection report (PDF)", reverse("inspection_report_pdf", args=[timed]), lead.username),
    ):
        memory = _memory(url, username)
        print(
            f"  {name:28} RSS {memory['before']:6.0f} → {memory['peak']:6.0f} MB (+{memory['peak'] - memory['before']:.0f})"
            f"  Python peak {memory['traced']:6.1f} MB  response {memory['bytes'] / 1024:,.0f} KiB"
        )
    if not passed:
        print("\nAt least one target was missed (FAIL above).")


def _memory(url: str, username: str) -> dict[str, float]:
    """Run one request in a fresh process (this module as a script) and read its memory."""
    output = subprocess.run(  # noqa: S603 (this module, with a URL of our own)
        [sys.executable, "-m", "tests.bench.bench_reports", url, username],
        capture_output=True,
        text=True,
        check=True,
        env=os.environ.copy(),
    ).stdout
    return json.loads(output.strip().splitlines()[-1])


def _resident(field: str) -> float:
    """The process's resident memory now (VmRSS) or at its peak since the last reset (VmHWM), in MB (Linux)."""
    for line in Path("/proc/self/status").read_text().splitlines():
        if line.startswith(f"{field}:"):
            return int(line.split()[1]) / 1024
    return resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024


def _reset_peak() -> None:
    """Start the peak (VmHWM) again from the current RSS, so that it is this request's, not the imports' (Linux)."""
    Path("/proc/self/clear_refs").write_text("5")


def child(url: str, username: str) -> None:
    """In the subprocess: RSS before and at the peak of one request, then Python's traced peak of a second
    (tracemalloc), as JSON."""
    import django

    django.setup()
    import openpyxl  # noqa: F401  (loaded before the baseline, as a worker has them)
    import weasyprint  # noqa: F401
    from django.conf import settings
    from django.contrib.auth import get_user_model

    settings.ALLOWED_HOSTS = ["*"]
    settings.STORAGES = {
        **settings.STORAGES,
        "staticfiles": {"BACKEND": "django.contrib.staticfiles.storage.StaticFilesStorage"},
    }
    client = Client()
    client.force_login(get_user_model().objects.get(username=username))
    client.get(reverse("password_change"))  # the session, middleware and templates loaded
    before = _resident("VmRSS")
    _reset_peak()
    response = client.get(url)
    assert response.status_code == 200, (url, response.status_code)
    peak = _resident("VmHWM")
    tracemalloc.start()
    client.get(url)
    traced = tracemalloc.get_traced_memory()[1] / 1024 / 1024
    tracemalloc.stop()
    print(json.dumps({"before": before, "peak": peak, "traced": traced, "bytes": len(response.content)}))


if __name__ == "__main__":
    child(sys.argv[1], sys.argv[2])
