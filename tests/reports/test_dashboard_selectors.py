"""Dashboard selectors against hand-computed expectations on small factory data."""

import datetime

import pytest

from cases.models import Answer, InspectedCase
from inspections.models import Inspection, KeyQuestion, Role, Standard
from reports import rating as rules
from reports.models import InspectionSnapshot
from reports.selectors import dashboards, results
from tests.factories import (
    CaseFactFactory,
    CaseNeedFactory,
    InspectedCaseFactory,
    InspectionFactory,
    JudgementFactory,
    MembershipFactory,
    OrganisationalRatingFactory,
    PDUFactory,
    PublishedRatingFactory,
    RegionFactory,
    UserFactory,
)

SUBMITTED = InspectedCase.Status.SUBMITTED


def _kq(framework, code):
    return KeyQuestion.objects.get(standard__framework=framework, code=code)


def _answers(inspection, framework, answers_by_code, status=SUBMITTED, kind="supervision", **attributes):
    """One counted case of `kind` answering the given key questions, with these attributes changed."""
    case = InspectedCaseFactory(inspection=inspection, status=status, kind=kind)
    if attributes:
        case.attributes = {**case.attributes, **attributes}
        case.save()
    for code, answer in answers_by_code.items():
        JudgementFactory(case=case, key_question=_kq(framework, code), answer=answer)
    return case


def _dashboard(inspection):
    return dashboards.inspection_dashboard(
        Inspection.objects.select_related("framework").get(pk=inspection.pk)
    )


def _standard(dashboard, code):
    return next(change for change in dashboard.band_changes if change.standard_code == code)


def test_an_inspection_with_no_cases_has_no_rates_and_no_ratings(framework):
    dashboard = _dashboard(InspectionFactory())
    assert dashboard.provisional
    assert dashboard.overall_rating is None
    assert dashboard.results["composite_score"] is None
    # Court work is not rated and there are no court-report cases: only supervision cases' key questions show.
    assert len(dashboard.key_questions) == len(framework.definition.key_questions("supervision")) == 12
    assert all(
        kq.rates.overall.total == 0 and kq.rates.overall.rate is None for kq in dashboard.key_questions
    )
    # Court work (2.1) is optional and not chosen: the inspection rates 2.2-2.5 from cases, out of 24.
    assert [c.standard_code for c in dashboard.band_changes] == ["2.2", "2.3", "2.4", "2.5"]
    assert dashboard.results["max_score"] == 24
    assert all(
        c.rating is None and c.standard_up is None and c.driving_key_question is None
        for c in dashboard.band_changes
    )
    assert dashboard.case_facts.cases == 0
    assert [kind.case_kind for kind in dashboard.case_facts.kinds] == ["supervision"]
    assert {part.case_kind for part in dashboard.breakdowns} == {"supervision"}
    assert all(fact.rate.rate is None for kind in dashboard.case_facts.kinds for fact in kind.facts)
    assert all(
        need.linked == 0 and need.met.rate is None
        for kind in dashboard.case_facts.kinds
        for need in kind.needs
    )


def test_a_key_question_with_no_applicable_cases_leaves_its_standard_unrated(framework):
    inspection = InspectionFactory()
    for _ in range(2):
        _answers(
            inspection,
            framework,
            {"2.2.1": Answer.YES, "2.2.2": Answer.NO, "2.2.3": Answer.NOT_APPLICABLE},
        )
    dashboard = _dashboard(inspection)
    rates = {kq.code: kq.rates.overall for kq in dashboard.key_questions}
    assert (rates["2.2.1"].sufficient, rates["2.2.1"].total, rates["2.2.1"].rate) == (2, 2, 100.0)
    assert (rates["2.2.2"].sufficient, rates["2.2.2"].total, rates["2.2.2"].rate) == (0, 2, 0.0)
    assert (rates["2.2.3"].total, rates["2.2.3"].rate, rates["2.2.3"].lower) == (0, None, None)
    assessment = _standard(dashboard, "2.2")
    assert assessment.rating is None
    assert (assessment.standard_up, assessment.standard_down) == (None, None)


def test_ties_at_a_band_edge_rate_the_higher_band_and_count_cases_to_move(framework):
    inspection = InspectionFactory()
    # 2.2.1 and 2.2.2: 13 of 20 sufficient (65% exactly: Good); 2.2.3: 20 of 20.
    for number in range(20):
        answer = Answer.YES if number < 13 else Answer.NO
        _answers(inspection, framework, {"2.2.1": answer, "2.2.2": answer, "2.2.3": Answer.YES})
    assessment = _standard(_dashboard(inspection), "2.2")
    assert assessment.rating is rules.Rating.GOOD
    assert assessment.driving_key_question["code"] == "2.2.1"  # the first of the tied lowest
    assert assessment.driving_key_question["rate"] == 65.0
    # Outstanding needs 80%: 16 of 20, three more; one fewer (12 of 20, 60%) drops it to Requires improvement.
    assert (assessment.driving_up, assessment.driving_down) == (3, 1)
    # The standard moves up only if both tied key questions reach 16: six more sufficient cases in all.
    assert (assessment.standard_up, assessment.standard_down) == (6, 1)


def test_breakdowns_by_every_breakdown_attribute_count_only_counted_cases(framework):
    inspection = InspectionFactory()
    _answers(inspection, framework, {"2.2.1": Answer.YES}, rosh_level="high", case_type="licence")
    _answers(inspection, framework, {"2.2.1": Answer.NO}, rosh_level="low", case_type="licence")
    _answers(
        inspection,
        framework,
        {"2.2.1": Answer.YES},
        rosh_level="low",
        case_type="community_order",
        status=InspectedCase.Status.APPROVED,
    )
    _answers(inspection, framework, {"2.2.1": Answer.NO}, status=InspectedCase.Status.IN_PROGRESS)
    dashboard = _dashboard(inspection)
    planning = next(kq for kq in dashboard.key_questions if kq.code == "2.2.1").rates
    assert (planning.overall.sufficient, planning.overall.total) == (2, 3)
    by_rosh = planning.by_attribute["rosh_level"]
    assert (by_rosh["high"].sufficient, by_rosh["high"].total) == (1, 1)
    assert (by_rosh["low"].sufficient, by_rosh["low"].total) == (1, 2)
    assert by_rosh["very_high"].total == 0
    by_type = planning.by_attribute["case_type"]
    assert (by_type["licence"].sufficient, by_type["licence"].total) == (1, 2)
    assert (by_type["community_order"].sufficient, by_type["community_order"].total) == (1, 1)
    # The breakdowns are the framework's: the attributes of supervision cases (the only kind rated here) marked
    # breakdown, their values in its order.
    expected = [
        ("supervision", attribute.key, [option.value for option in attribute.options])
        for attribute in framework.definition.case_kind("supervision").attributes
        if attribute.breakdown
    ]
    assert [(b.case_kind, b.key, [v for v, _ in b.values]) for b in dashboard.breakdowns] == expected
    assert set(planning.by_attribute) == {key for kind, key, _ in expected if kind == "supervision"}


def test_court_work_is_rated_from_court_report_cases_out_of_27(framework):
    inspection = InspectionFactory()
    inspection.optional_standards.add(Standard.objects.get(framework=framework, code="2.1"))
    court = {kq.code for _, kq in framework.definition.key_questions("court_report")}
    for answer in (Answer.YES, Answer.YES, Answer.NO):
        _answers(inspection, framework, dict.fromkeys(court, answer), kind="court_report", court="crown")
    _answers(inspection, framework, {"2.2.1": Answer.NO})  # a supervision case: not in court work's rates
    dashboard = _dashboard(inspection)
    assert dashboard.results["max_score"] == 27
    assert [kind.case_kind for kind in dashboard.case_facts.kinds] == ["supervision", "court_report"]
    court_work = next(s for s in dashboard.results["standards"] if s["code"] == "2.1")
    assert court_work["case_kind"] == "court_report"
    assert [(kq["sufficient"], kq["total"]) for kq in court_work["key_questions"]] == [(2, 3)] * len(court)
    assert court_work["rating"] == "good"  # 66.7%
    rates = {kq.code: kq for kq in dashboard.key_questions}
    assert {rates[code].case_kind for code in court} == {"court_report"}
    assert rates[min(court)].rates.by_attribute["court"]["crown"].total == 3
    assert "rosh_level" not in rates[min(court)].rates.by_attribute


def test_case_facts_count_each_kinds_sufficient_answers_of_its_counted_ones(framework):
    """Fact rates read which answers are sufficient and which count from the framework, per case kind."""
    inspection = InspectionFactory()
    supervision = framework.definition.case_kind("supervision")
    # A fact with an answer that is not counted (e.g. enquiries not needed).
    fact = next(f for f in supervision.facts if any(o.value not in f.counted for o in f.options))
    sufficient, *_ = fact.sufficient
    not_sufficient = next(value for value in fact.counted if value not in fact.sufficient)
    not_counted = next(o.value for o in fact.options if o.value not in fact.counted)
    cases = []
    for value in (sufficient, not_sufficient, not_counted):
        case = InspectedCaseFactory(inspection=inspection, status=SUBMITTED)
        CaseFactFactory(case=case, key=fact.key, value=value)
        cases.append(case)
    in_progress = InspectedCaseFactory(inspection=inspection, status=InspectedCase.Status.IN_PROGRESS)
    CaseFactFactory(case=in_progress, key=fact.key, value=sufficient)
    court = InspectedCaseFactory(inspection=inspection, status=SUBMITTED, kind="court_report")
    court_fact = framework.definition.case_kind("court_report").facts[0]
    CaseFactFactory(case=court, key=court_fact.key, value=court_fact.sufficient[0])
    need = supervision.needs[0].key
    CaseNeedFactory(case=cases[0], need=need, linked_to_offending=True, sufficiently_addressed=True)
    CaseNeedFactory(case=cases[1], need=need, linked_to_offending=True, sufficiently_addressed=False)
    CaseNeedFactory(case=cases[2], need=need, linked_to_offending=False, sufficiently_addressed=None)

    result = _dashboard(inspection).case_facts
    assert result.cases == 4
    kind = result.kind("supervision")
    assert kind.cases == 3
    assert [f.key for f in kind.facts] == [f.key for f in supervision.facts]
    rates = {f.key: f.rate for f in kind.facts}
    assert (rates[fact.key].sufficient, rates[fact.key].total) == (1, 2)
    assert all(rate.total == 0 for key, rate in rates.items() if key != fact.key)
    first_need = kind.needs[0]
    assert (first_need.need, first_need.linked, first_need.met.sufficient, first_need.met.total) == (
        need,
        2,
        1,
        2,
    )
    assert kind.needs[1].met.rate is None
    court_kind = result.kind("court_report")
    assert court_kind.cases == 1
    assert court_kind.needs == []
    court_rate = next(f for f in court_kind.facts if f.key == court_fact.key).rate
    assert (court_rate.sufficient, court_rate.total) == (1, 1)


def test_a_locked_inspection_shows_its_latest_snapshot_not_live_figures(framework):
    inspection = InspectionFactory(status=Inspection.Status.LOCKED)
    _answers(inspection, framework, {"2.2.1": Answer.NO})
    user = UserFactory()
    MembershipFactory(inspection=inspection, user=user, role=Role.LEAD)
    live = results.inspection_result_data(results.inspection_results([inspection])[inspection.pk])
    older = {**live, "composite_score": 3, "overall_rating": "inadequate"}
    newer = {**live, "composite_score": 20, "overall_rating": "good"}
    InspectionSnapshot.objects.create(inspection=inspection, data=older, framework_version=1, created_by=user)
    InspectionSnapshot.objects.create(inspection=inspection, data=newer, framework_version=1, created_by=user)
    dashboard = dashboards.inspection_dashboard(dashboards.dashboard_inspection(user, inspection.pk))
    assert not dashboard.provisional
    assert dashboard.snapshot_taken_at is not None
    assert dashboard.results["composite_score"] == 20
    assert dashboard.overall_rating is rules.Rating.GOOD


def test_dashboard_inspection_is_none_for_users_who_may_not_see_it(
    inspection, assistant, lead, national_viewer
):
    assert dashboards.dashboard_inspection(assistant, inspection.pk) is None
    assert dashboards.dashboard_inspection(UserFactory(), inspection.pk) is None
    assert dashboards.dashboard_inspection(lead, inspection.pk) == inspection
    assert dashboards.dashboard_inspection(national_viewer, inspection.pk) == inspection


# --- National and regional ---------------------------------------------------------------------------------------


@pytest.fixture
def two_regions(framework):
    north, south = RegionFactory(name="North"), RegionFactory(name="South")
    a, b = PDUFactory(name="Alpha", region=north), PDUFactory(name="Beta", region=south)
    PDUFactory(name="Gamma", region=south)  # never inspected
    PublishedRatingFactory(pdu=a, composite_score=15, composite_max=27)
    inspection_a = InspectionFactory(pdu=a, fieldwork_start=datetime.date(2026, 9, 7))
    inspection_b = InspectionFactory(
        pdu=b, fieldwork_start=datetime.date(2026, 10, 5), fieldwork_end=datetime.date(2026, 10, 16)
    )
    # An older inspection of Alpha, in the previous year: only the latest counts.
    old_a = InspectionFactory(
        pdu=a, fieldwork_start=datetime.date(2025, 6, 2), fieldwork_end=datetime.date(2025, 6, 13)
    )
    _answers(inspection_a, framework, {"2.2.1": Answer.YES}, rosh_level="high")
    for answer in (Answer.YES, Answer.NO, Answer.NO):
        _answers(inspection_b, framework, {"2.2.1": answer}, rosh_level="low")
    for _ in range(5):
        _answers(old_a, framework, {"2.2.1": Answer.NO})
    return {"north": north, "south": south, "a": inspection_a, "b": inspection_b, "old_a": old_a}


def _rate(dashboard, code):
    return next(kq for kq in dashboard.key_questions if kq.code == code).rates


def test_national_rates_are_pooled_over_cases_of_each_pdus_latest_inspection(two_regions, national_viewer):
    dashboard = dashboards.national_dashboard(national_viewer)
    rows = {row.pdu: row for row in dashboard.rows}
    assert [row.pdu for row in dashboard.rows] == ["Alpha", "Beta", "Gamma"]
    assert rows["Alpha"].inspection_id == two_regions["a"].pk
    assert rows["Gamma"].inspection_id is None
    # Alpha 1 of 1 and Beta 1 of 3: pooled 2 of 4 (50%), not the mean of 100% and 33%.
    overall = _rate(dashboard, "2.2.1").overall
    assert (overall.sufficient, overall.total, overall.rate) == (2, 4, 50.0)
    assert _rate(dashboard, "2.2.1").by_attribute["rosh_level"]["low"].total == 3
    assert rows["Alpha"].published_composite == 15
    assert rows["Alpha"].published_overall is rules.Rating.GOOD
    assert rows["Beta"].published_composite is None
    assert [period.slug for period in dashboard.periods] == ["2026-27", "2025-26"]


def test_the_region_filter_limits_rows_and_pooled_rates(two_regions, national_viewer):
    dashboard = dashboards.national_dashboard(national_viewer, region=two_regions["south"].pk)
    assert dashboard.region == two_regions["south"]
    assert [row.pdu for row in dashboard.rows] == ["Beta", "Gamma"]
    overall = _rate(dashboard, "2.2.1").overall
    assert (overall.sufficient, overall.total) == (1, 3)


def test_the_period_filter_picks_each_pdus_latest_inspection_in_that_year(two_regions, national_viewer):
    dashboard = dashboards.national_dashboard(national_viewer, period="2025-26")
    assert [row.inspection_id for row in dashboard.rows if row.inspection_id] == [two_regions["old_a"].pk]
    overall = _rate(dashboard, "2.2.1").overall
    assert (overall.sufficient, overall.total) == (0, 5)
    assert dashboards.national_dashboard(national_viewer, period="nonsense").period is None


def test_a_year_with_no_inspections_stays_a_choice_when_it_is_chosen(two_regions, national_viewer):
    empty_year = dashboards.national_dashboard(national_viewer, period="2022-23")
    assert empty_year.inspected == []
    assert empty_year.period in empty_year.periods


def test_a_lead_sees_provisional_results_only_of_their_own_open_inspections(two_regions):
    lead = UserFactory()
    MembershipFactory(inspection=two_regions["b"], user=lead, role=Role.LEAD)
    dashboard = dashboards.national_dashboard(lead)
    assert [row.inspection_id for row in dashboard.inspected] == [two_regions["b"].pk]
    assert dashboard.inspected[0].provisional
    overall = _rate(dashboard, "2.2.1").overall
    assert (overall.sufficient, overall.total) == (1, 3)


def test_locked_inspections_show_their_snapshot_to_every_dashboard_viewer(two_regions, framework):
    locked = two_regions["a"]
    for standard in locked.rated_standards().filter(rated_by="team_judgement"):
        OrganisationalRatingFactory(inspection=locked, standard=standard, rating="good")
    data = results.inspection_result_data(results.inspection_results([locked])[locked.pk])
    locked.status = Inspection.Status.LOCKED
    locked.save()
    InspectionSnapshot.objects.create(
        inspection=locked,
        data={**data, "composite_score": 9, "overall_rating": "requires_improvement"},
        framework_version=1,
        created_by=UserFactory(),
    )
    lead_elsewhere = UserFactory()
    MembershipFactory(
        user=lead_elsewhere, role=Role.LEAD, inspection__pdu=PDUFactory(region=two_regions["north"])
    )
    dashboard = dashboards.national_dashboard(lead_elsewhere, region=two_regions["north"].pk)
    alpha = next(row for row in dashboard.inspected if row.pdu == "Alpha")
    assert (alpha.pdu, alpha.provisional, alpha.composite_score) == ("Alpha", False, 9)
    assert alpha.overall_rating is rules.Rating.REQUIRES_IMPROVEMENT
    assert alpha.judgements == dict.fromkeys(["1.1", "1.2", "1.3", "1.4"], rules.Rating.GOOD)
    assert dashboard.distribution == {
        rules.Rating.OUTSTANDING: 0,
        rules.Rating.GOOD: 0,
        rules.Rating.REQUIRES_IMPROVEMENT: 1,  # the other inspection has no overall rating yet
        rules.Rating.INADEQUATE: 0,
    }


def test_rows_sort_by_composite_best_first_with_unrated_last(two_regions):
    rows = [
        dashboards.PDUResult(
            i, name, 1, "R", None, None, None, False, score, 24, None, {}, {}, None, None, None, ""
        )
        for i, (name, score) in enumerate([("A", 10), ("B", None), ("C", 20)])
    ]
    assert [row.pdu for row in dashboards.sort_pdu_results(rows, "composite")] == ["C", "A", "B"]
    assert [row.pdu for row in dashboards.sort_pdu_results(rows, "-pdu")] == ["C", "B", "A"]
    assert [row.pdu for row in dashboards.sort_pdu_results(rows, "unknown")] == ["A", "B", "C"]


def test_reversed_sorts_put_lowest_first_unrated_still_last_and_ties_by_name(two_regions):
    rows = [
        dashboards.PDUResult(
            i, name, 1, "R", None, None, None, False, score, 24, None, {}, {}, None, None, None, ""
        )
        for i, (name, score) in enumerate([("D", 20), ("A", 10), ("E", None), ("B", None), ("C", 10)])
    ]
    assert [row.pdu for row in dashboards.sort_pdu_results(rows, "-composite")] == ["A", "C", "D", "B", "E"]
    assert [row.pdu for row in dashboards.sort_pdu_results(rows, "composite")] == ["D", "A", "C", "B", "E"]


def test_the_national_dashboard_with_no_inspections_lists_pdus_and_counts_nothing(framework, national_viewer):
    PublishedRatingFactory(pdu=PDUFactory(name="Only"), composite_score=4, composite_max=24)
    dashboard = dashboards.national_dashboard(national_viewer)
    assert [(row.pdu, row.inspection_id, row.published_overall) for row in dashboard.rows] == [
        ("Only", None, rules.Rating.INADEQUATE)
    ]
    assert dashboard.inspected == []
    assert set(dashboard.distribution.values()) == {0}
    assert dashboard.key_questions == []
    assert dashboard.case_facts.cases == 0
    assert dashboard.periods == []


@pytest.mark.parametrize(
    ("slug", "start"),
    [
        ("2026-27", datetime.date(2026, 4, 1)),
        ("1999-00", datetime.date(1999, 4, 1)),
        ("2026-28", None),
        ("9999-00", None),  # would end in the year 10000
        ("0000-01", None),  # there is no year 0
        ("²⁰²⁶-27", None),  # digits, but not ASCII ones
        ("2026-27 ", None),
    ],
)
def test_a_period_is_read_only_from_a_real_inspection_year(slug, start):
    period = dashboards.Period.from_slug(slug)
    assert (period.start if period else None) == start
