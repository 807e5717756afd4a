"""Frozen counts: locking stores the counts of an inspection's cases with its snapshot, and the national figures read
them for locked inspections and count only the open ones live, with the same results."""

import dataclasses
from collections import Counter

import pytest
from django.db import transaction
from django.urls import reverse
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from cases.count_models import Measure
from cases.counts import breakdown_attributes
from cases.models import Answer, CaseFact, CaseNeed, InspectedCase, Judgement
from cases.services import workflow
from inspections.models import Inspection, KeyQuestion
from pdus.loading import published_ratings_load
from reports import services
from reports.models import FrozenCount, InspectionSnapshot
from reports.selectors import dashboards, rates, results
from tests.factories import (
    CaseFactFactory,
    CaseNeedFactory,
    InspectedCaseFactory,
    InspectionFactory,
    JudgementFactory,
    OrganisationalRatingFactory,
    PDUFactory,
    UserFactory,
    lock_with_frozen_counts,
)

SUBMITTED = InspectedCase.Status.SUBMITTED


def _case(inspection, framework, answers, status=SUBMITTED, **attributes):
    case = InspectedCaseFactory(inspection=inspection, status=status)
    case.attributes = {**case.attributes, **attributes}
    case.save()
    for code, answer in answers.items():
        JudgementFactory(
            case=case,
            key_question=KeyQuestion.objects.get(standard__framework=framework, code=code),
            answer=answer,
        )
    return case


def _figures_of(dashboard):
    """Every figure a dashboard sums from counts: key question rates, breakdowns, case facts and needs."""
    return (
        [dataclasses.asdict(kq) for kq in dashboard.key_questions],
        [dataclasses.asdict(part) for part in dashboard.breakdowns],
        dataclasses.asdict(dashboard.case_facts),
    )


def _figures(dashboard):
    """Everything the national dashboard shows: its figures and its PDU rows."""
    return (*_figures_of(dashboard), [dataclasses.asdict(row) for row in dashboard.rows])


def test_locking_freezes_the_counts_of_the_counted_cases_with_the_snapshot(inspection, framework, lead):
    high = _case(inspection, framework, {"2.2.1": Answer.YES, "2.2.2": Answer.NO}, rosh_level="high")
    _case(inspection, framework, {"2.2.1": Answer.YES, "2.2.2": Answer.NOT_APPLICABLE}, rosh_level="high")
    _case(inspection, framework, {"2.2.1": Answer.NO}, rosh_level="low")
    _case(inspection, framework, {"2.2.1": Answer.NO}, status=InspectedCase.Status.IN_PROGRESS)  # not counted
    CaseFactFactory(case=high, key="home_visits", value="made")
    CaseNeedFactory(case=high, need="accommodation", linked_to_offending=True, sufficiently_addressed=False)

    snapshot = lock_with_frozen_counts(inspection, lead)

    frozen = FrozenCount.objects.filter(snapshot=snapshot)
    yes_high = frozen.get(measure=Measure.JUDGEMENTS, key="2.2.1", value=Answer.YES)
    assert yes_high.count == 2
    assert yes_high.case_kind == "supervision"
    assert yes_high.attributes == {
        "case_type": "community_order",
        "rosh_level": "high",
        "report_type": None,
        "court": None,
    }
    assert (
        frozen.get(measure=Measure.JUDGEMENTS, key="2.2.1", value=Answer.NO).attributes["rosh_level"] == "low"
    )
    assert frozen.get(measure=Measure.CASES).count == 3
    assert frozen.get(measure=Measure.FACTS).count == 1
    assert frozen.get(measure=Measure.NEEDS).value == "linked_not_met"


def test_locking_writes_the_counts_in_one_query_and_one_insert(
    inspection, framework, lead, django_assert_num_queries
):
    for number in range(5):
        _case(inspection, framework, {"2.2.1": Answer.YES if number % 2 else Answer.NO}, rosh_level="medium")
    Inspection.objects.filter(pk=inspection.pk).update(status=Inspection.Status.LOCKED)
    snapshot = InspectionSnapshot.objects.create(
        inspection=inspection, data={}, framework_version=1, created_by=lead
    )
    snapshot = InspectionSnapshot.objects.select_related("inspection__framework").get(pk=snapshot.pk)
    with django_assert_num_queries(2):
        services.frozen_counts_create(snapshots=[snapshot])


def test_the_lock_service_freezes_counts_and_relocking_freezes_new_ones_beside_the_old(
    inspection, framework, lead, quality_assurer, submit_case, case
):
    workflow.case_approve(case=submit_case(case), user=quality_assurer)
    for code in ("1.1", "1.2", "1.3", "1.4"):
        OrganisationalRatingFactory(
            inspection=inspection, standard=inspection.framework.standards.get(code=code)
        )
    first = services.inspection_lock(inspection=inspection, user=lead)
    first_counts = list(first.counts.values_list("measure", "key", "value", "count"))
    assert (Measure.CASES, "", "", 1) in first_counts

    services.inspection_unlock(inspection=inspection, reason="A case to add", user=lead)
    _case(inspection, framework, {"2.2.1": Answer.YES}, status=InspectedCase.Status.APPROVED)
    second = services.inspection_lock(inspection=inspection, user=lead)

    assert list(first.counts.values_list("measure", "key", "value", "count")) == first_counts  # kept
    assert second.counts.get(measure=Measure.CASES).count == 2
    assert (
        dashboards.national_dashboard(UserFactory(is_national_viewer=True))
        .case_facts.kind("supervision")
        .cases
        == 2
    )


def test_the_national_figures_read_a_locked_inspections_frozen_counts_and_count_open_ones_live(
    framework, national_viewer
):
    locked, open_ = InspectionFactory(framework=framework), InspectionFactory(framework=framework)
    for inspection in (locked, open_):
        _case(inspection, framework, {"2.2.1": Answer.YES}, rosh_level="high")
    lock_with_frozen_counts(locked, national_viewer)
    # Cases never change once locked; changing them behind the services' back shows where each figure comes from.
    Judgement.objects.update(answer=Answer.NO)

    dashboard = dashboards.national_dashboard(national_viewer)

    rate = next(kq for kq in dashboard.key_questions if kq.code == "2.2.1").rates
    assert (rate.overall.sufficient, rate.overall.total) == (1, 2)  # the locked one's yes, the open one's no
    assert rate.by_attribute["rosh_level"]["high"].sufficient == 1


def test_a_locked_inspections_dashboard_reads_its_frozen_counts_in_one_query(
    inspection, framework, lead, django_assert_num_queries
):
    _case(inspection, framework, {"2.2.1": Answer.YES}, rosh_level="high")
    CaseNeedFactory(case=_case(inspection, framework, {"2.2.1": Answer.NO}))
    lock_with_frozen_counts(inspection, lead)
    before = dashboards.inspection_dashboard(dashboards.dashboard_inspection(lead, inspection.pk))
    Judgement.objects.update(answer=Answer.YES)  # behind the services' back: the counts were frozen at lock
    CaseNeed.objects.update(linked_to_offending=False, sufficiently_addressed=None)

    shown = dashboards.dashboard_inspection(lead, inspection.pk)
    with django_assert_num_queries(2):  # the snapshot and its counts
        after = dashboards.inspection_dashboard(shown)

    assert _figures_of(after) == _figures_of(before)
    rate = next(kq for kq in after.key_questions if kq.code == "2.2.1").rates
    assert (rate.overall.sufficient, rate.overall.total) == (1, 2)
    assert rate.by_attribute["rosh_level"]["high"].sufficient == 1


def test_a_snapshot_locked_before_counts_were_frozen_is_counted_live(framework, national_viewer):
    inspection = InspectionFactory(framework=framework)
    _case(inspection, framework, {"2.2.1": Answer.YES})
    lock_with_frozen_counts(inspection, national_viewer).counts.all().delete()
    Judgement.objects.update(answer=Answer.NO)

    rate = next(
        kq for kq in dashboards.national_dashboard(national_viewer).key_questions if kq.code == "2.2.1"
    )
    assert (rate.rates.overall.sufficient, rate.rates.overall.total) == (0, 1)


def _mixed_inspections(framework, user, count):
    published_ratings_load()
    for number in range(count):
        inspection = InspectionFactory(framework=framework)
        for answer in (Answer.YES, Answer.NO):
            case = _case(inspection, framework, {"2.2.1": answer, "2.3.1": answer})
            CaseFactFactory(case=case)
            CaseNeedFactory(case=case)
        if number % 3:
            lock_with_frozen_counts(inspection, user)


@pytest.mark.parametrize("inspections", [1, 6])
def test_the_national_dashboard_page_runs_at_most_ten_queries_with_locked_and_open_inspections(
    client, framework, national_viewer, django_assert_max_num_queries, inspections
):
    _mixed_inspections(framework, national_viewer, inspections)
    client.force_login(national_viewer)
    # Session, user, PDUs, framework versions, inspections (of PDUs and of regions, with their snapshots), the
    # counts (frozen, kept and live in one statement); the survey (1) and staffing by region (2). Locked inspections
    # only, the page's default: 9. With the open ones: 10, their optional standards and team judgements (one).
    with django_assert_max_num_queries(9):
        response = client.get(reverse("national_dashboard"))
    assert response.status_code == 200
    with django_assert_max_num_queries(10):
        response = client.get(reverse("national_dashboard"), {"inspections": "include-provisional"})
    assert response.status_code == 200
    assert response.context["dashboard"].include_provisional
    with django_assert_max_num_queries(10):
        assert client.get(reverse("national_dashboard_xlsx")).status_code == 200


# The property: over random cases, every national figure from frozen counts equals the live count of the same cases.

ANSWERS = ["yes", "no", "not_applicable", ""]
NEEDS = [(True, True), (True, False), (True, None), (False, None), (None, None)]
case_strategy = st.fixed_dictionaries(
    {
        "inspection": st.integers(0, 2),
        "court_report": st.booleans(),
        "status": st.sampled_from(InspectedCase.Status.values),
        "choices": st.lists(st.integers(0, 3), min_size=3, max_size=3),
        "answers": st.lists(st.sampled_from(ANSWERS), min_size=14, max_size=14),
        "facts": st.lists(st.integers(-1, 2), min_size=5, max_size=5),
        "needs": st.lists(st.sampled_from(NEEDS), min_size=10, max_size=10),
    }
)


def _pick(options, index):
    """An attribute value: one of its options, or (index 3) left out of the case."""
    return options[index % len(options)].value if index < 3 else None


def _create(framework, inspections, cases):
    definition = framework.definition
    key_questions = dict(KeyQuestion.objects.filter(standard__framework=framework).values_list("code", "pk"))
    created = []
    for number, drawn in enumerate(cases):
        kind = definition.case_kinds[1 if drawn["court_report"] else 0]
        attributes = {
            attribute.key: _pick(attribute.options, drawn["choices"][i])
            for i, attribute in enumerate(a for a in kind.attributes if a.options)
        }
        created.append(
            InspectedCase(
                inspection=inspections[drawn["inspection"]],
                reference=f"P{number}",
                kind=kind.slug,
                status=drawn["status"],
                attributes={key: value for key, value in attributes.items() if value is not None},
            )
        )
    InspectedCase.objects.bulk_create(created)
    judgements, facts, needs = [], [], []
    for case, drawn in zip(created, cases, strict=True):
        kind = definition.case_kind(case.kind)
        for (_, kq), answer in zip(definition.key_questions(kind.slug), drawn["answers"], strict=False):
            judgements.append(Judgement(case=case, key_question_id=key_questions[kq.code], answer=answer))
        for fact, index in zip(kind.facts, drawn["facts"], strict=False):
            if index >= 0:
                facts.append(
                    CaseFact(case=case, key=fact.key, value=fact.options[index % len(fact.options)].value)
                )
        for need, (linked, addressed) in zip(kind.needs, drawn["needs"], strict=False):
            needs.append(
                CaseNeed(
                    case=case, need=need.key, linked_to_offending=linked, sufficiently_addressed=addressed
                )
            )
    Judgement.objects.bulk_create(judgements)
    CaseFact.objects.bulk_create(facts)
    CaseNeed.objects.bulk_create(needs)


def _case_facts_by_hand(ids, definition, shown):
    """(kind, cases, [(fact, sufficient, answered)], [(need, linked, met, answered)]) counted case by case."""
    counted = InspectedCase.objects.filter(inspection_id__in=ids, status__in=InspectedCase.COUNTED_STATUSES)
    cases = Counter(counted.values_list("kind", flat=True))
    answers = Counter(CaseFact.objects.filter(case__in=counted).values_list("case__kind", "key", "value"))
    needs = Counter()
    for kind, need, linked, addressed in CaseNeed.objects.filter(case__in=counted).values_list(
        "case__kind", "need", "linked_to_offending", "sufficiently_addressed"
    ):
        if linked:
            needs[(kind, need, "linked")] += 1
            needs[(kind, need, "met")] += addressed is True
            needs[(kind, need, "answered")] += addressed is not None
    return [
        (
            kind.slug,
            cases[kind.slug],
            [
                (
                    fact.key,
                    sum(answers[(kind.slug, fact.key, value)] for value in fact.sufficient),
                    sum(answers[(kind.slug, fact.key, value)] for value in fact.counted),
                )
                for fact in kind.facts
            ],
            [
                (need.key, *(needs[(kind.slug, need.key, part)] for part in ("linked", "met", "answered")))
                for need in kind.needs
            ],
        )
        for kind in definition.case_kinds
        if kind.slug in shown
    ]


def _case_facts_shown(facts):
    return [
        (
            kind.case_kind,
            kind.cases,
            [(fact.key, fact.rate.sufficient, fact.rate.total) for fact in kind.facts],
            [(need.need, need.linked, need.met.sufficient, need.met.total) for need in kind.needs],
        )
        for kind in facts.kinds
    ]


@settings(max_examples=25, deadline=None, suppress_health_check=[HealthCheck.function_scoped_fixture])
@given(cases=st.lists(case_strategy, max_size=30), locked=st.lists(st.booleans(), min_size=3, max_size=3))
def test_every_national_figure_from_frozen_counts_equals_the_live_count_of_the_same_cases(
    framework, national_viewer, cases, locked
):
    with transaction.atomic():
        inspections = [InspectionFactory(framework=framework, pdu=PDUFactory()) for _ in range(3)]
        _create(framework, inspections, cases)
        for inspection, lock in zip(inspections, locked, strict=True):
            if lock:
                lock_with_frozen_counts(inspection, national_viewer)

        frozen = dashboards.national_dashboard(national_viewer)
        ids = [inspection.pk for inspection in inspections]
        definitions = [framework.definition]
        attributes = breakdown_attributes(definitions)
        # The live count, independently: judgement_breakdown's grouped query for the rates, and case facts by hand.
        breakdown = results.judgement_breakdown(ids, attributes)
        key_questions, breakdowns = rates.key_question_rates(breakdown, definitions, attributes)
        # The dashboard shows the case kinds its inspections rate or have counted cases of.
        shown = {kind.case_kind for kind in frozen.case_facts.kinds}
        assert frozen.key_questions == [kq for kq in key_questions if kq.case_kind in shown]
        assert frozen.breakdowns == [part for part in breakdowns if part.case_kind in shown]
        assert _case_facts_by_hand(ids, framework.definition, shown) == _case_facts_shown(frozen.case_facts)

        # And the whole dashboard, and each locked inspection's, with the frozen counts removed so that every
        # inspection is counted live.
        locked_pages = {
            i.pk: _figures_of(dashboards.inspection_dashboard(i)) for i in inspections if i.is_locked
        }
        FrozenCount.objects.all().delete()
        assert _figures(dashboards.national_dashboard(national_viewer)) == _figures(frozen)
        for inspection in inspections:
            if inspection.is_locked:
                assert _figures_of(dashboards.inspection_dashboard(inspection)) == locked_pages[inspection.pk]
        transaction.set_rollback(True)
