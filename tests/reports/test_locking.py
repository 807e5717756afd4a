"""Locking waits for moderation and shows what it freezes; unlocking lets an approved case be corrected."""

import re

import pytest
from django.urls import reverse

from cases.models import Answer, InspectedCase, SecondJudgement, SecondMarking
from cases.services import answers, moderation, workflow
from inspections.services import InspectionLocked
from reports import services as lock
from reports.models import InspectionSnapshot
from reports.selectors import overview
from tests.factories import InspectedCaseFactory, JudgementFactory, OrganisationalRatingFactory


@pytest.fixture
def ready_to_lock(inspection, assistant, second_assistant, lead):
    """An inspection whose one case is approved and double-marked, the second marker disagreeing on one key
    question; every organisational standard rated. Returns the disagreeing second judgement."""
    case = InspectedCaseFactory(
        inspection=inspection, assistant_inspector=assistant, status=InspectedCase.Status.APPROVED
    )
    first = JudgementFactory(case=case, answer=Answer.YES)
    for code in ("1.1", "1.2", "1.3", "1.4"):
        OrganisationalRatingFactory(
            inspection=inspection, standard=inspection.framework.standards.get(code=code)
        )
    marking = SecondMarking.objects.create(case=case, marker=second_assistant, chosen_by=lead)
    return SecondJudgement.objects.create(marking=marking, key_question=first.key_question, answer=Answer.NO)


def test_lock_is_refused_while_a_second_marking_disagreement_is_unresolved(inspection, lead, ready_to_lock):
    with pytest.raises(lock.InspectionNotReady) as refused:
        lock.inspection_lock(inspection=inspection, user=lead)
    assert refused.value.problems == [overview.DISAGREEMENT_UNRESOLVED.format(count=1)]

    moderation.moderation_agree(
        second_judgement=ready_to_lock, answer=Answer.YES, reason="The notes support it.", user=lead
    )

    lock.inspection_lock(inspection=inspection, user=lead)
    inspection.refresh_from_db()
    assert inspection.is_locked


def test_lock_page_shows_the_results_it_will_freeze_before_the_lead_confirms(
    client, inspection, lead, ready_to_lock
):
    client.force_login(lead)
    path = reverse("inspections:lock", kwargs={"pk": inspection.pk})
    page = client.get(path).text
    assert "1 second-marking disagreement is not yet resolved" in page
    assert "results-to-lock" not in page

    moderation.moderation_agree(
        second_judgement=ready_to_lock, answer=Answer.NO, reason="The notes support it.", user=lead
    )
    page = client.get(path).text
    assert 'id="results-to-lock"' in page
    assert "1.1 " in page  # each standard with its rating
    assert "app-rating--good" in page
    assert "Overall rating" in page
    assert "Composite score" in page
    assert "Lock the inspection</button>" in page


def _lock_ready(inspection, submit_case, case, quality_assurer):
    """The case submitted and approved, every organisational standard rated: ready to lock."""
    workflow.case_approve(case=submit_case(case), user=quality_assurer)
    for code in ("1.1", "1.2", "1.3", "1.4"):
        OrganisationalRatingFactory(
            inspection=inspection, standard=inspection.framework.standards.get(code=code)
        )


def test_unlocking_lets_an_approved_case_be_returned_corrected_and_relocked_beside_the_old_snapshot(
    inspection, lead, quality_assurer, submit_case, case
):
    _lock_ready(inspection, submit_case, case, quality_assurer)
    first = lock.inspection_lock(inspection=inspection, user=lead)
    with pytest.raises(InspectionLocked):
        workflow.case_return(case=case, user=quality_assurer, text="Check 2.2.1", key_question_code="2.2.1")

    lock.inspection_unlock(inspection=inspection, reason="Case evidence misread", user=lead)
    query = workflow.case_return(
        case=case, user=quality_assurer, text="Check 2.2.1", key_question_code="2.2.1"
    )

    case.refresh_from_db()
    assert case.status == InspectedCase.Status.RETURNED
    latest = case.history.order_by("-history_date", "-history_id").first()
    assert (latest.status, latest.history_user) == (InspectedCase.Status.RETURNED, quality_assurer)
    assert latest.history_change_reason == workflow.RETURNED_AFTER_APPROVAL.format(text="Check 2.2.1")
    with pytest.raises(lock.InspectionNotReady):
        lock.inspection_lock(inspection=inspection, user=lead)

    workflow.case_query_answer(query=query, user=case.assistant_inspector, answer="Corrected")
    case = answers.case_submit(case=case, user=case.assistant_inspector, expected_version=case.version)
    workflow.case_approve(case=case, user=quality_assurer)
    second = lock.inspection_lock(inspection=inspection, user=lead)

    assert list(InspectionSnapshot.objects.of_inspection(inspection)) == [second, first]
    first.refresh_from_db()
    assert first.data == second.data  # the answers did not change; the first was kept as it was


def test_the_review_page_returns_an_approved_case_of_an_unlocked_inspection_and_shows_it_in_its_history(
    client, inspection, lead, quality_assurer, submit_case, case
):
    _lock_ready(inspection, submit_case, case, quality_assurer)
    lock.inspection_lock(inspection=inspection, user=lead)
    client.force_login(quality_assurer)
    path = reverse("inspections:case_review", kwargs={"pk": inspection.pk, "case_pk": case.pk})
    assert "Return this approved case with a query" not in client.get(path).text  # locked

    lock.inspection_unlock(inspection=inspection, reason="Case evidence misread", user=lead)
    assert "Return this approved case with a query" in client.get(path).text
    client.post(path, {"subject": "kq:2.2.1", "text": "Check the evidence"})
    case.refresh_from_db()
    assert case.status == InspectedCase.Status.RETURNED
    history = re.search(r'id="status-history">(.*?)</ul>', client.get(path).text, re.S)[1]
    assert "Approved by quinn" in history
    assert "Returned by quinn. Returned after approval with a query: Check the evidence" in history


def test_the_inspection_page_lists_every_snapshot_newest_first(
    client, inspection, lead, quality_assurer, submit_case, case
):
    _lock_ready(inspection, submit_case, case, quality_assurer)
    lock.inspection_lock(inspection=inspection, user=lead)
    lock.inspection_unlock(inspection=inspection, reason="Recheck", user=lead)
    lock.inspection_lock(inspection=inspection, user=lead)
    client.force_login(lead)
    page = client.get(reverse("inspections:detail", kwargs={"pk": inspection.pk})).text
    listed = re.search(r'id="snapshots">(.*?)</ul>', page, re.S)[1]
    assert listed.count("<li>") == 2
    assert listed.count("(current)") == 1
