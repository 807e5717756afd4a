"""The national report and comparisons read the counts frozen with each locked inspection's snapshot, with the same
figures as counting its cases live (which they still do for a snapshot taken before counts were frozen)."""

import datetime

from django.db import connection, transaction
from django.test.utils import CaptureQueriesContext
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from cases.models import Answer, Judgement
from reports.models import FrozenCount
from reports.selectors import comparisons, national_report
from reports.selectors.dashboards import Period
from tests.factories import (
    CaseFactFactory,
    CaseNeedFactory,
    InspectionFactory,
    PDUFactory,
    RegionFactory,
    lock_with_frozen_counts,
)
from tests.reports.test_frozen_counts import _case, _create, case_strategy

EARLIER, LATER = Period.from_slug("2025-26"), Period.from_slug("2026-27")
STARTS = [datetime.date(2025, 6, 2), datetime.date(2025, 9, 1), datetime.date(2026, 6, 1)]


def _inspections(framework, regions):
    """Three inspections of PDUs in two regions, two in 2025-26 and one in 2026-27."""
    return [
        InspectionFactory(
            framework=framework,
            pdu=PDUFactory(region=regions[min(n, 1)]),
            fieldwork_start=start,
            fieldwork_end=start,
        )
        for n, start in enumerate(STARTS)
    ]


def _figures(report):
    return report.statements, report.key_questions, report.case_facts, report.not_computed


def _everything(regions):
    """Every report and comparison these inspections give: nationally, by period and by region; each pair of groups."""
    choices = comparisons.comparison_choices()
    assert len(choices.case_groups) > 1  # so cases of one group are compared with another's
    pairs = [
        comparisons.years(LATER, EARLIER),
        comparisons.before_and_after(STARTS[1]),
        comparisons.region_and_rest(regions[0], None),
        comparisons.region_and_rest(regions[1], LATER),
        *(
            comparisons.case_groups(first, second, period)
            for first, second in zip(choices.case_groups, choices.case_groups[1:], strict=False)
            for period in (None, EARLIER)
        ),
    ]
    reports = [
        national_report.national_report(period=period, region=region)
        for period in (None, EARLIER.slug, LATER.slug)
        for region in (None, regions[0].pk, regions[1].pk)
    ]
    return [_figures(report) for report in reports], [comparisons.compare(*pair) for pair in pairs]


@settings(max_examples=15, deadline=None, suppress_health_check=[HealthCheck.function_scoped_fixture])
@given(cases=st.lists(case_strategy, max_size=30), frozen=st.lists(st.booleans(), min_size=3, max_size=3))
def test_the_report_and_comparisons_from_frozen_counts_equal_counting_the_same_cases_live(
    framework, national_viewer, cases, frozen
):
    with transaction.atomic():
        regions = [RegionFactory(name="North"), RegionFactory(name="South")]
        inspections = _inspections(framework, regions)
        _create(framework, inspections, cases)
        for inspection, keep in zip(inspections, frozen, strict=True):
            snapshot = lock_with_frozen_counts(inspection, national_viewer)
            if not keep:  # a snapshot taken before counts were frozen: counted live
                FrozenCount.objects.filter(snapshot=snapshot).delete()

        from_frozen = _everything(regions)
        FrozenCount.objects.all().delete()
        assert _everything(regions) == from_frozen
        transaction.set_rollback(True)


def _add_locked(framework, user, regions, count):
    for n in range(count):  # in turn in each period and region
        inspection = InspectionFactory(
            framework=framework,
            pdu=PDUFactory(region=regions[n % 2]),
            fieldwork_start=STARTS[n % 3],
            fieldwork_end=STARTS[n % 3],
        )
        for answer, case_type in ((Answer.YES, "licence"), (Answer.NO, "community")):
            case = _case(inspection, framework, {"2.2.1": answer, "2.3.1": answer}, case_type=case_type)
            CaseFactFactory(case=case)
            CaseNeedFactory(case=case)
        lock_with_frozen_counts(inspection, user)


def _queries(regions):
    """The statements run by the report and by each kind of comparison."""
    with CaptureQueriesContext(connection) as queries:
        national_report.national_report()
        national_report.national_report(period=LATER.slug, region=regions[0].pk)
        comparisons.compare(*comparisons.years(LATER, EARLIER))
        comparisons.compare(*comparisons.region_and_rest(regions[0], None))
        group = comparisons.comparison_choices().case_groups
        comparisons.compare(*comparisons.case_groups(group[0], group[1], None))
    return [query["sql"] for query in queries.captured_queries]


def test_the_report_and_comparisons_run_as_many_queries_for_twelve_locked_inspections_as_for_three_reading_no_judgement(
    framework, national_viewer
):
    regions = [RegionFactory(name="North"), RegionFactory(name="South")]
    _add_locked(
        framework, national_viewer, regions, 3
    )  # each period and region has one: every statement is made
    three = _queries(regions)
    _add_locked(framework, national_viewer, regions, 9)
    twelve = _queries(regions)
    assert len(twelve) == len(three)
    # Every inspection's snapshot has its counts: no judgement is read, only the frozen counts.
    assert not [sql for sql in twelve if Judgement._meta.db_table in sql]
