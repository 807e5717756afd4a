"""Kept counts: the services that change whether or how a case counts keep its inspection's counts current, so the
national figures read an open inspection's counts instead of its judgements, and they always equal a live count."""

import threading
from collections import Counter

import pytest
from django.db import connection, transaction
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from cases.count_models import KeptCount, KeptCounts, Measure
from cases.counts import counted_rows
from cases.models import Answer, CaseFact, CaseNeed, InspectedCase, Judgement, SecondJudgement
from cases.services import answers, counts, moderation, workflow
from inspections.models import KeyQuestion
from reports.selectors import dashboards
from tests.factories import InspectedCaseFactory, InspectionFactory, PDUFactory, UserFactory

FIELDS = ("measure", "case_kind", "key", "value", "attributes", "count")


def _counted(rows):
    """Rows of counts ({field: value}) as {(measure, kind, key, value, attributes): count}."""
    return Counter(
        {
            (
                row["measure"],
                row["case_kind"],
                row["key"],
                row["value"],
                tuple(sorted(row["attributes"].items())),
            ): row["count"]
            for row in rows
        }
    )


def _kept(inspection):
    """The inspection's kept counts, as _live gives the live ones."""
    return _counted(KeptCount.objects.filter(counts_id=inspection.pk).values(*FIELDS))


def _live(inspection):
    return _counted(counted_rows([inspection.pk], inspection.framework.definition).get(inspection.pk, []))


def _rate(dashboard, code):
    rates = next(kq for kq in dashboard.key_questions if kq.code == code).rates.overall
    return rates.sufficient, rates.total


def test_an_inspections_first_submission_counts_it_and_later_ones_add_their_case(inspection, submit_case):
    first, second = InspectedCaseFactory.create_batch(
        2, inspection=inspection, assistant_inspector=UserFactory()
    )
    assert not KeptCounts.objects.filter(inspection=inspection).exists()

    submit_case(first)
    assert KeptCounts.objects.filter(inspection=inspection).exists()
    assert _kept(inspection)[(Measure.CASES, "supervision", "", "", ())] == 1

    submit_case(second)
    assert _kept(inspection)[(Measure.CASES, "supervision", "", "", ())] == 2
    assert _kept(inspection) == _live(inspection)


def test_returning_a_case_takes_its_counts_away(inspection, submit_case, quality_assurer):
    kept, returned = (
        submit_case(InspectedCaseFactory(inspection=inspection, assistant_inspector=UserFactory()))
        for _ in range(2)
    )
    workflow.case_return(case=returned, user=quality_assurer, text="Check this.", key_question_code="2.2.1")

    assert _kept(inspection)[(Measure.CASES, "supervision", "", "", ())] == 1
    assert _kept(inspection) == _live(inspection)
    assert kept.status == InspectedCase.Status.SUBMITTED


def test_the_leads_agreed_judgement_moves_the_count_to_its_answer(
    inspection, submit_case, assistant, second_assistant, lead
):
    marker = second_assistant
    case = submit_case(InspectedCaseFactory(inspection=inspection, assistant_inspector=assistant))
    answer = Judgement.objects.get(case=case, key_question__code="2.2.1").answer
    other = Answer.NO if answer == Answer.YES else Answer.YES
    marking = moderation.second_marking_choose(case=case, marker=marker, user=lead)
    codes = Judgement.objects.filter(case=case).values_list("key_question__code", flat=True)
    moderation.second_marking_save(
        marking=marking, user=marker, judgements={c: {"answer": other} for c in codes}
    )
    before = _kept(inspection)

    moderation.moderation_agree(
        second_judgement=SecondJudgement.objects.get(marking=marking, key_question__code="2.2.1"),
        answer=other,
        reason="The second marker is right.",
        user=lead,
    )

    after = _kept(inspection)
    assert after != before
    assert after == _live(inspection)


def test_the_national_figures_read_an_open_inspections_kept_counts(inspection, submit_case, national_viewer):
    case = submit_case(InspectedCaseFactory(inspection=inspection, assistant_inspector=UserFactory()))
    shown = dashboards.national_dashboard(national_viewer)
    sufficient, total = _rate(shown, "2.2.1")
    # Cases never change while they count; changing them behind the services' back shows where the figures come
    # from: the kept counts, not the judgements.
    Judgement.objects.filter(case=case).update(answer=Answer.NOT_APPLICABLE)

    again = dashboards.national_dashboard(national_viewer)

    assert total == 1
    assert _rate(again, "2.2.1") == (sufficient, total)
    KeptCounts.objects.all().delete()  # without kept counts, the inspection is counted live
    live = dashboards.national_dashboard(national_viewer)
    assert _rate(live, "2.2.1") == (0, 0)


def test_counts_that_no_longer_match_the_cases_are_counted_again(inspection, submit_case, quality_assurer):
    first = submit_case(InspectedCaseFactory(inspection=inspection, assistant_inspector=UserFactory()))
    # Behind the services' back:
    KeptCount.objects.filter(counts_id=inspection.pk, measure=Measure.CASES).delete()

    workflow.case_return(case=first, user=quality_assurer, text="Check this.", key_question_code="2.2.1")

    assert _kept(inspection) == _live(inspection)


@pytest.mark.parametrize("counted", [0, 3])
def test_a_submission_keeps_the_counts_in_a_fixed_number_of_queries(
    inspection, submit_case, complete_case, django_assert_max_num_queries, counted
):
    for _ in range(counted):
        submit_case(InspectedCaseFactory(inspection=inspection, assistant_inspector=UserFactory()))
    counts.kept_counts_recount(inspection=inspection)
    case = complete_case(InspectedCaseFactory(inspection=inspection, assistant_inspector=UserFactory()))
    user = case.assistant_inspector
    # The submission's own 10 (savepoint and release, its answers, facts and needs, open queries, claim the
    # version, read the case back, record it and its history); keeping the counts: lock the case and count it
    # after the change (not before: it did not count), lock the kept counts, read the rows the change touches,
    # then update and insert them.
    with django_assert_max_num_queries(16):
        answers.case_submit(case=case, user=user, expected_version=case.version)
    assert _kept(inspection) == _live(inspection)


# The property: whatever changes are made to cases inside counts_kept, the kept counts equal a live count.

change = st.fixed_dictionaries(
    {
        "case": st.integers(0, 5),
        "status": st.sampled_from(InspectedCase.Status.values),
        "answer": st.sampled_from(["yes", "no", "not_applicable", ""]),
        "key_question": st.integers(0, 3),
        "rosh_level": st.sampled_from(["low", "medium", "high", None]),
        "fact": st.sampled_from(["made", "not_made", "not_needed", None]),
        "need": st.sampled_from([(True, True), (True, False), (True, None), (False, None), None]),
    }
)


@settings(max_examples=25, deadline=None, suppress_health_check=[HealthCheck.function_scoped_fixture])
@given(changes=st.lists(change, max_size=25), kept_from=st.integers(0, 25))
def test_kept_counts_equal_a_live_count_whatever_changes_the_cases(
    framework, national_viewer, changes, kept_from
):
    with transaction.atomic():
        inspection = InspectionFactory(framework=framework, pdu=PDUFactory())
        cases = InspectedCaseFactory.create_batch(6, inspection=inspection)
        key_questions = list(KeyQuestion.objects.filter(standard__framework=framework).order_by("pk")[:4])
        for number, drawn in enumerate(changes):
            if number == kept_from:
                counts.kept_counts_recount(inspection=inspection)
            case = cases[drawn["case"]]
            with counts.counts_kept(case):
                InspectedCase.objects.filter(pk=case.pk).update(
                    status=drawn["status"],
                    attributes={**case.attributes, "rosh_level": drawn["rosh_level"]}
                    if drawn["rosh_level"]
                    else {k: v for k, v in case.attributes.items() if k != "rosh_level"},
                )
                Judgement.objects.update_or_create(
                    case=case,
                    key_question=key_questions[drawn["key_question"]],
                    defaults={"answer": drawn["answer"]},
                )
                if drawn["fact"] is None:
                    CaseFact.objects.filter(case=case, key="home_visits").delete()
                else:
                    CaseFact.objects.update_or_create(
                        case=case, key="home_visits", defaults={"value": drawn["fact"]}
                    )
                if drawn["need"] is None:
                    CaseNeed.objects.filter(case=case, need="accommodation").delete()
                else:
                    linked, addressed = drawn["need"]
                    CaseNeed.objects.update_or_create(
                        case=case,
                        need="accommodation",
                        defaults={"linked_to_offending": linked, "sufficiently_addressed": addressed},
                    )
            case.refresh_from_db()

        if KeptCounts.objects.filter(inspection=inspection).exists():
            assert _kept(inspection) == _live(inspection)
            kept = dashboards.national_dashboard(national_viewer)
            KeptCounts.objects.all().delete()
            live = dashboards.national_dashboard(national_viewer)
            assert kept.key_questions == live.key_questions
            assert kept.breakdowns == live.breakdowns
            assert kept.case_facts == live.case_facts
        transaction.set_rollback(True)


@pytest.mark.skipif("connection.vendor != 'postgresql'")
@pytest.mark.django_db(transaction=True)
def test_two_first_submissions_at_once_both_count(framework, complete_case):
    inspection = InspectionFactory(framework=framework)
    cases = [
        complete_case(InspectedCaseFactory(inspection=inspection, assistant_inspector=UserFactory()))
        for _ in range(2)
    ]
    start = threading.Barrier(2)
    failures = []

    def submit(case):
        try:
            start.wait()
            answers.case_submit(case=case, user=case.assistant_inspector, expected_version=case.version)
        except Exception as error:
            failures.append(error)
        finally:
            connection.close()

    threads = [threading.Thread(target=submit, args=(case,)) for case in cases]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join()

    assert failures == []
    assert _kept(inspection)[(Measure.CASES, "supervision", "", "", ())] == 2
    assert _kept(inspection) == _live(inspection)
