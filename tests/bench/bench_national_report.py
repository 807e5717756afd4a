"""National report benchmark: the report and a year-on-year comparison over the locked inspections of the
100,000-case dataset (tests/bench/dataset.py), against the hand-written SQL lower bound over the same inspections.

The report reads locked inspections only (a third of the dataset's, about 33,000 cases): its lower bound is
bench_reports' three statements over those inspections. It also runs the two comparisons' aggregates (one per group)
(two years, or where the locked inspections are of one year, a region against the rest). Method and results: docs/performance.md.
"""

from __future__ import annotations

from django.test import Client
from django.urls import reverse

from .bench_reports import REPEATS, _page, _round_robin, _sql_lower_bound


def run() -> None:
    from django.conf import settings
    from django.contrib.auth import get_user_model

    from cases.counts import breakdown_attributes
    from reports.selectors import comparisons
    from reports.selectors import national_report as selectors
    from reports.selectors.dashboards import Period
    from reports.selectors.locked import locked_inspections

    from .dataset import ensure_dataset

    settings.ALLOWED_HOSTS = ["*"]
    settings.STORAGES = {
        **settings.STORAGES,
        "staticfiles": {"BACKEND": "django.contrib.staticfiles.storage.StaticFilesStorage"},
    }
    ensure_dataset()
    national_viewer = get_user_model().objects.get(username="bench-national")
    client = Client()
    client.force_login(national_viewer)

    locked = locked_inspections()
    ids = [inspection.pk for inspection in locked]
    attributes = breakdown_attributes({i.definition.slug: i.definition for i in locked}.values())
    periods = sorted({Period.of(i.fieldwork_start) for i in locked}, key=lambda p: p.start)
    if len(periods) > 1:
        first, second = comparisons.years(periods[-1], periods[-2])
    else:  # the dataset's locked inspections are of one year: a region against the rest instead
        region = next(r for r in comparisons.comparison_choices().regions if r.pk == locked[0].region_id)
        first, second = comparisons.region_and_rest(region, None)
    report = selectors.national_report()
    cases = sum(statement.n or 0 for statement in report.statements if statement.slug == "cases")
    queries = {
        "national report page": _page(client, reverse("national_report")),
        "national report PDF": _page(client, reverse("national_report_pdf")),
    }
    timings = _round_robin(
        {
            "SQL lower bound, locked inspections (3 statements)": lambda: _sql_lower_bound(ids, attributes),
            "national report selector": lambda: selectors.national_report(),
            "national report page": lambda: client.get(reverse("national_report")),
            f"comparison: {first.short} against {second.short} (selector)": lambda: comparisons.compare(
                first, second
            ),
        }
    )
    timings["national report PDF"] = _round_robin(
        {"pdf": lambda: client.get(reverse("national_report_pdf"))}, max(1, REPEATS // 3)
    )["pdf"]
    print(f"\n{len(ids)} locked inspections, {cases:,} cases in the report; median of {REPEATS} warm runs\n")
    print(f"{'what':56} {'time (ms)':>10} {'× SQL':>7} {'queries':>8}")
    lower = next(iter(timings.values()))
    for name, seconds in timings.items():
        print(f"{name:56} {seconds * 1000:10.1f} {seconds / lower:7.2f} {queries.get(name, ''):>8}")
