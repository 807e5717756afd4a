"""Comparisons of two groups of locked inspections' cases against hand-computed expectations."""

import datetime

import pytest

from cases.models import Answer, InspectedCase
from inspections.models import Inspection, KeyQuestion
from reports.models import InspectionSnapshot
from reports.selectors import comparisons
from reports.selectors.dashboards import Period
from tests.factories import (
    CaseFactFactory,
    InspectedCaseFactory,
    InspectionFactory,
    JudgementFactory,
    PDUFactory,
    RegionFactory,
    UserFactory,
)

Y, N = Answer.YES, Answer.NO


def _locked(pdu, start, answers, locked=True):
    """An inspection of the PDU with one counted case per (answer to 2.2.1, attributes)."""
    inspection = InspectionFactory(pdu=pdu, fieldwork_start=start, fieldwork_end=start)
    key_question = KeyQuestion.objects.get(standard__framework=inspection.framework, code="2.2.1")
    for answer, attributes in answers:
        case = InspectedCaseFactory(inspection=inspection, status=InspectedCase.Status.SUBMITTED)
        case.attributes = {**case.attributes, **attributes}
        case.save()
        JudgementFactory(case=case, key_question=key_question, answer=answer)
    if locked:
        inspection.status = Inspection.Status.LOCKED
        inspection.save()
        InspectionSnapshot.objects.create(
            inspection=inspection, data={}, framework_version=1, created_by=UserFactory()
        )
    return inspection


@pytest.fixture
def two_years(framework):
    north, south = RegionFactory(name="North"), RegionFactory(name="South")
    # 2025-26: 8 of 10 sufficient on 2.2.1 (North); 2026-27: 3 of 10 (South), licence cases 1 of 4.
    _locked(PDUFactory(region=north), datetime.date(2025, 6, 2), [(Y, {})] * 8 + [(N, {})] * 2)
    _locked(
        PDUFactory(region=south),
        datetime.date(2026, 6, 1),
        [(Y, {"case_type": "licence"})] + [(N, {"case_type": "licence"})] * 3 + [(Y, {})] * 2 + [(N, {})] * 4,
    )
    # Open: not in any group.
    _locked(PDUFactory(region=south), datetime.date(2026, 7, 1), [(Y, {})] * 20, locked=False)
    return north, south


def _row(comparison, code):
    return next(row for row in comparison.rows if row.code == code)


def test_year_on_year_gives_the_difference_with_newcombes_interval(two_years):
    first, second = comparisons.years(Period.from_slug("2025-26"), Period.from_slug("2026-27"))
    comparison = comparisons.compare(first, second)
    row = _row(comparison, "2.2.1")
    assert (row.first.sufficient, row.first.total, row.second.sufficient, row.second.total) == (8, 10, 3, 10)
    # Wilson: 80% (49.02 to 94.33), 30% (10.78 to 60.32). Newcombe: 50 - sqrt(30.98² + 30.32²) = 6.65,
    # 50 + sqrt(14.33² + 19.22²) = 73.98.
    assert row.difference.difference == pytest.approx(50.0)
    assert row.difference.lower == pytest.approx(6.65, abs=0.01)
    assert row.difference.upper == pytest.approx(73.98, abs=0.01)
    assert row.difference.excludes_zero
    assert comparison.differing == [row]
    assert (comparison.first_inspections, comparison.second_inspections) == (1, 1)
    assert (comparison.first_cases, comparison.second_cases) == (10, 10)
    # Key questions nobody answered are left out.
    assert [r.code for r in comparison.rows if r.section == "Key questions"] == ["2.2.1"]


def test_before_and_after_a_date(two_years):
    after, before = comparisons.before_and_after(datetime.date(2026, 1, 1))
    assert (after.label, before.label) == ("From 1 January 2026", "Before 1 January 2026")
    row = _row(comparisons.compare(after, before), "2.2.1")
    assert (row.first.sufficient, row.first.total, row.second.sufficient, row.second.total) == (3, 10, 8, 10)
    assert row.difference.difference == pytest.approx(-50.0)


def test_a_region_against_the_rest(two_years):
    north, _ = two_years
    first, second = comparisons.region_and_rest(north, None)
    row = _row(comparisons.compare(first, second), "2.2.1")
    assert (row.first.total, row.second.total) == (10, 10)
    assert row.first.sufficient == 8


def test_licence_against_community_cases_and_an_interval_including_zero(two_years):
    choices = comparisons.comparison_choices()
    licence = next(g for g in choices.case_groups if g.slug == "case_type:licence")
    community = next(g for g in choices.case_groups if g.slug == "case_type:community_order")
    assert licence.label == "Case type: Licence"
    first, second = comparisons.case_groups(licence, community, Period.from_slug("2026-27"))
    comparison = comparisons.compare(first, second)
    row = _row(comparison, "2.2.1")
    # Licence 1 of 4 against community orders 2 of 6: -8.3 points, an interval well either side of zero.
    assert (row.first.sufficient, row.first.total, row.second.sufficient, row.second.total) == (1, 4, 2, 6)
    assert row.difference.lower < 0 < row.difference.upper
    assert not row.difference.excludes_zero
    assert (comparison.first_cases, comparison.second_cases) == (4, 6)


def test_case_facts_are_compared_only_over_the_groups_cases(two_years):
    for case in InspectedCase.objects.filter(attributes__case_type="licence"):
        CaseFactFactory(case=case, key="rosh_classified_correctly", value="yes")
    licence, community = comparisons.case_groups(
        comparisons.CaseGroup("case_type", "licence", "Case type: Licence"),
        comparisons.CaseGroup("case_type", "community_order", "Case type: Community order"),
        None,
    )
    row = _row(comparisons.compare(licence, community), "rosh_classified_correctly")
    assert (row.first.sufficient, row.first.total, row.second.total) == (4, 4, 0)
    assert row.difference.difference is None
    assert row.difference.excludes_zero is None


def test_an_empty_group_has_no_rates_and_no_difference(two_years):
    first, second = comparisons.years(Period.from_slug("2019-20"), Period.from_slug("2026-27"))
    comparison = comparisons.compare(first, second)
    row = _row(comparison, "2.2.1")
    assert row.first.total == 0
    assert row.difference.difference is None
    assert comparison.first_inspections == 0


def test_a_comparison_runs_a_fixed_number_of_queries(two_years, django_assert_max_num_queries):
    first, second = comparisons.years(Period.from_slug("2025-26"), Period.from_slug("2026-27"))
    with django_assert_max_num_queries(9):
        comparisons.compare(first, second)
    for index in range(3):
        _locked(PDUFactory(), datetime.date(2026, 8, 3 + index), [(Y, {"case_type": "licence"})] * 4)
    with django_assert_max_num_queries(9):
        comparison = comparisons.compare(first, second)
    assert comparison.second_inspections == 4
