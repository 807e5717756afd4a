"""Locking waits for moderation and shows what it freezes; unlocking lets an approved case be corrected."""

import pytest
from django.urls import reverse

from cases.models import Answer, InspectedCase, SecondJudgement, SecondMarking
from cases.services import moderation
from reports import services as lock
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

    moderation.moderation_agree(second_judgement=ready_to_lock, answer=Answer.YES, user=lead)

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

    moderation.moderation_agree(second_judgement=ready_to_lock, answer=Answer.NO, user=lead)
    page = client.get(path).text
    assert 'id="results-to-lock"' in page
    assert "1.1 " in page  # each standard with its rating
    assert "app-rating--good" in page
    assert "Overall rating" in page
    assert "Composite score" in page
    assert "Lock the inspection</button>" in page
