"""The national report's statements against hand-computed expectations on small factory data."""

import datetime

import pytest

from cases.models import Answer, InspectedCase
from inspections.models import Inspection, KeyQuestion
from pdus.loading import published_ratings_load
from reports import rating as rules
from reports.models import InspectionSnapshot
from reports.selectors import national_report as selectors
from reports.selectors.results import inspection_result_data, inspection_results
from reports.selectors.statements import lower_first
from tests.factories import (
    CaseFactFactory,
    CaseNeedFactory,
    InspectedCaseFactory,
    InspectionFactory,
    JudgementFactory,
    PDUFactory,
    RegionFactory,
    UserFactory,
)

Y, N = Answer.YES, Answer.NO


def _case(inspection, answers, **attributes):
    case = InspectedCaseFactory(inspection=inspection, status=InspectedCase.Status.SUBMITTED)
    if attributes:
        case.attributes = {**case.attributes, **attributes}
        case.save()
    for code, answer in answers.items():
        key_question = KeyQuestion.objects.get(standard__framework=inspection.framework, code=code)
        JudgementFactory(case=case, key_question=key_question, answer=answer)
    return case


def _lock(inspection):
    inspection.status = Inspection.Status.LOCKED
    inspection.save()
    data = inspection_result_data(inspection_results([inspection])[inspection.pk])
    InspectionSnapshot.objects.create(
        inspection=inspection, data=data, framework_version=1, created_by=UserFactory()
    )
    return inspection


def _pdu(name, region, cases, locked=True, start=datetime.date(2026, 9, 7)):
    inspection = InspectionFactory(pdu=PDUFactory(name=name, region=region), fieldwork_start=start)
    for answers, attributes in cases:
        _case(inspection, answers, **attributes)
    return _lock(inspection) if locked else inspection


@pytest.fixture
def three_pdus(framework):
    north, south = RegionFactory(name="North"), RegionFactory(name="South")
    _pdu(
        "Alpha",
        north,
        [({"2.2.1": Y, "2.2.3": Y, "2.3.3": Y}, {})] * 3 + [({"2.2.1": Y, "2.2.3": N, "2.3.3": Y}, {})],
    )
    _pdu(
        "Bravo",
        north,
        [
            ({"2.2.1": Y, "2.2.3": N, "2.3.3": N}, {"case_type": "licence"}),
            ({"2.2.1": N, "2.2.3": N, "2.3.3": N}, {}),
        ],
    )
    _pdu(
        "Charlie",
        south,
        [
            ({"2.2.1": Y, "2.2.3": Y, "2.3.3": Y}, {"rosh_level": "high"}),
            ({"2.2.1": Y, "2.2.3": N, "2.3.3": N}, {}),
        ],
    )
    # An open inspection's cases are not in the national figures.
    _pdu("Delta", south, [({"2.2.1": N, "2.2.3": N}, {})] * 5, locked=False)
    return north, south


def _statement(report, slug):
    return next(s for s in report.statements if s.slug == slug)


def test_the_report_counts_locked_inspections_cases_and_samples(three_pdus):
    report = selectors.national_report(period="2026-27")
    assert [i.pdu for i in report.inspections] == ["Alpha", "Bravo", "Charlie"]
    assert _statement(report, "inspections").text == (
        "3 PDUs were inspected in England and Wales in April 2026 to March 2027, in 2 regions."
    )
    assert _statement(report, "cases").text == "8 cases were inspected, in samples of 2 to 4 per PDU."
    # No inspection rated every standard, so there is no overall rating to count: no statement rather than zeros.
    assert "ratings" not in [s.slug for s in report.statements]


def test_overall_ratings_are_counted_from_the_locked_snapshots(three_pdus):
    for name, rating in [("Alpha", "good"), ("Bravo", "inadequate"), ("Charlie", "inadequate")]:
        snapshot = InspectionSnapshot.objects.get(inspection__pdu__name=name)
        snapshot.data = {**snapshot.data, "overall_rating": rating}
        snapshot.save()
    statement = _statement(selectors.national_report(period="2026-27"), "ratings")
    assert statement.text == "Of the 3 PDUs rated, 1 Good and 2 Inadequate."


def test_no_element_was_sufficient_in_more_than_the_highest_key_question(three_pdus):
    statement = _statement(selectors.national_report(period="2026-27"), "supervision-highest")
    # 2.2.1: 7 of 8 sufficient, 87.5%: Wilson 95% interval 52.9% to 97.8%.
    assert statement.figure.sufficient == 7
    assert statement.figure.total == 8
    assert statement.text == (
        "No element of supervision cases was sufficient in more than 88% of the 8 cases inspected: the highest was "
        "Assessment: engagement (2.2.1), sufficient in 7 of 8 cases (95% CI 53% to 98%)."
    )


def test_only_k_pdus_were_above_half_on_the_worst_key_question_and_exactly_half_is_not_above(three_pdus):
    statement = _statement(selectors.national_report(period="2026-27"), "supervision-worst-pdus")
    # 2.2.3: 4 of 8 (50%, Wilson 21.5% to 78.5%). Alpha 3 of 4 is above half; Bravo 0 of 2 and Charlie 1 of 2 are not.
    assert statement.text == (
        "In only 1 of the 3 PDUs were more than half the supervision cases sufficient on the worst key question, "
        "Assessment: keeping other people safe (2.2.3) (50% sufficient, 95% CI 22% to 78%)."
    )
    assert statement.n == 3
    assert [(row[0], row[2].sufficient, row[2].total) for row in statement.rows] == [
        ("Alpha", 3, 4),
        ("Bravo", 0, 2),
        ("Charlie", 1, 2),
    ]


def test_a_criterion_shared_by_standards_is_reported_at_its_worst_with_the_group_that_did_worst(three_pdus):
    report = selectors.national_report(period="2026-27")
    statement = _statement(report, "supervision-keeping-other-people-safe")
    # Insufficient: 2.2.3 4 of 8 (50%), 2.3.3 3 of 8 (38%).
    assert statement.text == (
        "Keeping other people safe was insufficient in 50% of supervision cases at worst, in assessment "
        "(4 of 8, 95% CI 22% to 78%) (elsewhere: planning 38%)."
    )
    by_rosh = _statement(report, "supervision-keeping-other-people-safe-by-rosh-level")
    # On 2.2.3: medium 3 of 7 (43%), high 1 of 1.
    assert by_rosh.text.startswith(
        "By RoSH level, medium cases did worst on keeping other people safe in assessment: 43% sufficient (3 of 7,"
    )
    assert by_rosh.text.endswith("against high 100%.")


def test_a_group_of_cases_on_its_own(three_pdus):
    statement = _statement(selectors.national_report(period="2026-27"), "supervision-case-type-licence")
    assert statement.n == 1
    assert statement.text.startswith("1 of the 8 supervision cases had case type “Licence”; on their own")


def test_tied_worst_key_questions_are_each_named_with_their_pdus(framework):
    region = RegionFactory()
    _pdu(
        "Alpha",
        region,
        [({"2.2.1": Y, "2.2.2": N}, {}), ({"2.2.1": N, "2.2.2": Y}, {}), ({"2.2.1": Y, "2.2.2": Y}, {})],
    )
    _pdu("Bravo", region, [({"2.2.1": N, "2.2.2": N}, {}), ({"2.2.1": N, "2.2.2": N}, {})])
    statement = _statement(selectors.national_report(period="2026-27"), "supervision-worst-pdus")
    # Both 2 of 5 (40%); Alpha 2 of 3 on each is above half, Bravo 0 of 2 is not.
    assert statement.text == (
        "The worst key questions tied at 40% sufficient (Assessment: engagement (2.2.1) and Assessment: desistance "
        "(2.2.2)); more than half the supervision cases were sufficient in 1 of 2 PDUs on 2.2.1 and 1 of 2 PDUs on "
        "2.2.2."
    )


def test_an_empty_period_says_nothing_rather_than_inventing(three_pdus):
    report = selectors.national_report(period="2019-20")
    assert report.inspections == []
    assert report.statements == []
    assert report.period.slug == "2019-20"


def test_a_period_with_one_pdu(framework):
    _pdu("Alpha", RegionFactory(), [({"2.2.1": Y}, {})] * 2, start=datetime.date(2025, 5, 1))
    snapshot = InspectionSnapshot.objects.get()
    snapshot.data = {**snapshot.data, "overall_rating": "good"}
    snapshot.save()
    report = selectors.national_report(period="2025-26")
    assert _statement(report, "ratings").text == "The one PDU rated was rated Good."
    assert _statement(report, "inspections").text == (
        "1 PDU was inspected in England and Wales in April 2025 to March 2026."
    )
    assert _statement(report, "cases").text == "2 cases were inspected, in one sample of 2."
    assert _statement(report, "supervision-worst-pdus").text.startswith(
        "In the one PDU, more than half the supervision cases were sufficient"
    )


def test_a_region_keeps_to_its_pdus(three_pdus):
    north, _ = three_pdus
    report = selectors.national_report(period="2026-27", region=north.pk)
    assert [i.pdu for i in report.inspections] == ["Alpha", "Bravo"]
    assert _statement(report, "inspections").text.startswith("2 PDUs were inspected in North")


def test_case_facts_and_needs_are_rates_of_the_cases_where_recorded(three_pdus):
    case = InspectedCase.objects.filter(inspection__pdu__name="Alpha").first()
    CaseFactFactory(case=case, key="rosh_classified_correctly", value="no")
    CaseNeedFactory(case=case, need="accommodation", linked_to_offending=True, sufficiently_addressed=True)
    report = selectors.national_report(period="2026-27")
    fact = _statement(report, "supervision-fact-rosh-classified-correctly")
    assert fact.text == (
        "RoSH classified correctly: yes in 0% of the 1 supervision cases where it was recorded, not in 100% "
        "(95% CI 0% to 79%)."
    )
    need = _statement(report, "supervision-need-accommodation")
    assert need.figure.sufficient == 1
    assert need.figure.total == 1


def test_the_published_composites_band_as_the_annual_report_31_pdus(framework):
    published_ratings_load()
    report = selectors.national_report(period="2022-23")
    annual = next(
        p for p in report.published if p.source == "HM Inspectorate of Probation, Annual Report 2023"
    )
    assert annual.pdus == 31
    assert annual.regions == 10
    assert annual.distribution == {
        rules.Rating.OUTSTANDING: 0,
        rules.Rating.GOOD: 1,
        rules.Rating.REQUIRES_IMPROVEMENT: 15,
        rules.Rating.INADEQUATE: 15,
    }


def test_the_report_runs_a_fixed_number_of_queries(three_pdus, django_assert_max_num_queries):
    # Every statement: a year before and inspections on both sides of unification.
    _pdu("Echo", three_pdus[0], [({"2.2.1": N}, {})], start=datetime.date(2025, 5, 5))
    _pdu("Foxtrot", three_pdus[0], [({"2.2.1": N}, {})], start=datetime.date(2021, 5, 3))
    # +5 for the survey and staffing statements: the survey's periods, its counts, its PDUs, staffing by region and
    # vacancies by region (reports.evidence.selectors).
    with django_assert_max_num_queries(35):
        small = selectors.national_report(period="2026-27")
    assert {"previous-year", "unification"} <= {s.slug for s in small.statements}
    for index in range(4):
        _pdu(f"Extra {index}", three_pdus[1], [({"2.2.1": Y, "2.2.3": N}, {"case_type": "licence"})] * 3)
        _pdu(f"Earlier {index}", three_pdus[1], [({"2.2.1": Y}, {})] * 2, start=datetime.date(2025, 6, 2))
    with django_assert_max_num_queries(35):
        large = selectors.national_report(period="2026-27")
    assert len(large.inspections) == len(small.inspections) + 4


def test_no_pdu_above_half_and_samples_of_one_size(framework):
    region = RegionFactory()
    _pdu("Alpha", region, [({"2.2.1": Y}, {}), ({"2.2.1": N}, {})])
    _pdu("Bravo", region, [({"2.2.1": N}, {}), ({"2.2.1": N}, {})])
    report = selectors.national_report(period="2026-27")
    assert _statement(report, "supervision-worst-pdus").text.startswith(
        "In none of the 2 PDUs were more than half the supervision cases sufficient"
    )
    assert _statement(report, "cases").text == "4 cases were inspected, in samples of 2 per PDU."


def test_the_year_before_and_unification_are_compared_where_both_sides_have_inspections(framework):
    region = RegionFactory()
    # 2020-21 (before unification): 2.2.1 9 of 10; 2021-22 (after): 3 of 10.
    _pdu("Alpha", region, [({"2.2.1": Y}, {})] * 9 + [({"2.2.1": N}, {})], start=datetime.date(2021, 1, 11))
    _pdu(
        "Bravo", region, [({"2.2.1": Y}, {})] * 3 + [({"2.2.1": N}, {})] * 7, start=datetime.date(2021, 9, 6)
    )
    report = selectors.national_report(period="2021-22")
    unification = _statement(report, "unification")
    # 30% - 90% = -60 points; Newcombe's interval -78 to -24 leaves out zero.
    assert unification.text == (
        "Comparing “From 26 June 2021” with “Before 26 June 2021”, over every locked inspection of each: of the 1 "
        "key questions answered in both, 1 was sufficient less often and none more often; the 95% interval of the difference excludes zero for 2.2.1 -60 points."
    )
    assert unification.comparison == {"compare": "date", "day_0": "26", "day_1": "6", "day_2": "2021"}
    previous = _statement(report, "previous-year")
    assert previous.text.startswith("Comparing “April 2021 to March 2022” with “April 2020 to March 2021”")
    assert previous.rows[0][0] == "2.2.1"
    # The first year has no year before it, and nothing before unification is after it.
    first_year = selectors.national_report(period="2020-21")
    assert [s.slug for s in first_year.statements if s.section.startswith(("Compared", "Since"))] == [
        "unification"
    ]


def test_no_change_statements_without_a_year_before(three_pdus):
    slugs = [s.slug for s in selectors.national_report(period="2026-27").statements]
    assert "previous-year" not in slugs
    assert "unification" not in slugs


def test_one_rating_for_every_pdu_reads_as_all(three_pdus):
    for snapshot in InspectionSnapshot.objects.all():
        snapshot.data = {**snapshot.data, "overall_rating": "requires_improvement"}
        snapshot.save()
    statement = _statement(selectors.national_report(period="2026-27"), "ratings")
    assert statement.text == "All 3 PDUs rated were rated Requires improvement."


@pytest.mark.parametrize(
    ("label", "in_a_sentence"),
    [
        ("Case type", "case type"),
        ("RoSH level", "RoSH level"),
        ("Crown Court", "Crown Court"),
        ("Licence", "licence"),
    ],
)
def test_a_label_inside_a_sentence_keeps_the_capitals_of_a_name(label, in_a_sentence):
    assert lower_first(label) == in_a_sentence


def test_tied_worst_key_questions_in_one_pdu_name_those_above_half(framework):
    # 2.2.1 and 2.2.2 both 1 of 3 (33%): in the one PDU, neither is above half.
    _pdu(
        "Alpha",
        RegionFactory(),
        [({"2.2.1": Y, "2.2.2": N}, {}), ({"2.2.1": N, "2.2.2": Y}, {}), ({"2.2.1": N, "2.2.2": N}, {})],
    )
    statement = _statement(selectors.national_report(period="2026-27"), "supervision-worst-pdus")
    assert statement.text.endswith(
        "; in the one PDU, more than half the supervision cases were sufficient on none of them."
    )
