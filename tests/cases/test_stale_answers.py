"""An answer to a key question that no longer applies to its case (the case's attributes changed since, e.g. a
licence case corrected to a community order): it is kept and shown on the case pages as no longer counting, and left
out of every rate; changed back, it counts again."""

import pytest
from django.urls import reverse

from cases.models import InspectedCase
from cases.selectors.sufficiency import key_question_counts
from cases.services.answers import case_save
from inspections.frameworks import framework_load
from inspections.models import Role
from reports.selectors import peer_rates, results
from tests.factories import InspectedCaseFactory, InspectionFactory, small_framework_document, team_member

RELEASE = "2.1.2"  # the small framework's key question for licence cases only


@pytest.fixture
def conditional_inspection(db):
    document = small_framework_document()
    # The assistant inspector confirms or corrects the case type on the case page.
    document["case_kinds"][0]["attributes"][0]["recorded_on_case"] = True
    return InspectionFactory(framework=framework_load(document=document))


@pytest.fixture
def licence_case(conditional_inspection):
    """A licence case whose assistant inspector has answered both key questions."""
    assistant = team_member(conditional_inspection, Role.ASSISTANT_INSPECTOR)
    case = InspectedCaseFactory(
        inspection=conditional_inspection,
        assistant_inspector=assistant,
        attributes={"case_type": "licence", "start_date": "2026-03-02"},
    )
    return case_save(
        case=case,
        user=assistant,
        expected_version=case.version,
        judgements={
            "2.1.1": {"answer": "yes", "rationale": "Engaged well."},
            RELEASE: {"answer": "no", "rationale": "No release plan on file."},
        },
    )


def _correct_case_type(case, value):
    return case_save(
        case=case, user=case.assistant_inspector, expected_version=case.version, facts={"case_type": value}
    )


def _count(case):
    InspectedCase.objects.filter(pk=case.pk).update(status=InspectedCase.Status.SUBMITTED)


def test_an_answer_to_a_key_question_that_no_longer_applies_is_not_counted(licence_case):
    inspection = licence_case.inspection
    _count(licence_case)
    assert key_question_counts(inspection)[RELEASE].total == 1
    InspectedCase.objects.filter(pk=licence_case.pk).update(status=InspectedCase.Status.IN_PROGRESS)
    licence_case.refresh_from_db()
    _correct_case_type(licence_case, "community")
    _count(licence_case)

    assert RELEASE not in key_question_counts(inspection)
    assert key_question_counts(inspection)["2.1.1"].total == 1
    result = results.inspection_results([inspection])[inspection.pk]
    assert result.sufficiency[RELEASE].total == 0
    assert result.sufficiency["2.1.1"].total == 1
    assert result.sufficiency["2.1.1"].sufficient == 1
    [rates] = peer_rates.assistant_inspector_rates(inspection)
    assert (rates.overall.sufficient, rates.overall.total) == (1, 1)


def test_an_answer_counts_again_when_its_key_question_applies_again(licence_case):
    changed = _correct_case_type(licence_case, "community")
    _correct_case_type(changed, "licence")
    _count(licence_case)
    assert key_question_counts(licence_case.inspection)[RELEASE].total == 1


def test_the_case_pages_show_answers_that_no_longer_count(client, licence_case):
    changed = _correct_case_type(licence_case, "community")
    client.force_login(changed.assistant_inspector)
    for url in (
        reverse("case_detail", args=[changed.pk]),
        reverse("case_section", args=[changed.pk, "2-1"]),
        reverse("case_check", args=[changed.pk]),
    ):
        page = client.get(url).content.decode()
        assert "1 answer no longer counts" in page, url
        stale = page.split('id="stale-answers"')[1].split("</table>")[0]
        assert RELEASE in stale
        assert "No release plan on file." in stale
        assert "Only where Case type is Licence" in stale
        assert "2.1.1" not in stale

    _count(changed)
    lead = team_member(changed.inspection, Role.LEAD)
    client.force_login(lead)
    review = client.get(reverse("inspections:case_review", args=[changed.inspection.pk, changed.pk]))
    assert review.status_code == 200
    assert "1 answer no longer counts" in review.content.decode()


def test_a_case_whose_answers_all_apply_shows_no_warning(client, licence_case):
    client.force_login(licence_case.assistant_inspector)
    assert (
        'id="stale-answers"'
        not in client.get(reverse("case_detail", args=[licence_case.pk])).content.decode()
    )


def test_your_cases_counts_only_the_answers_that_still_apply(client, licence_case):
    client.force_login(licence_case.assistant_inspector)
    assert "2 of 2 key questions answered" in client.get(reverse("case_list")).content.decode()
    _correct_case_type(licence_case, "community")
    assert "1 of 1 key questions answered" in client.get(reverse("case_list")).content.decode()


def test_frozen_counts_leave_out_an_answer_that_no_longer_applies(licence_case):
    """The counts frozen at lock (what the national figures read) count what the live rates count."""
    from reports.models import FrozenCount, InspectionSnapshot
    from reports.services import frozen_counts_create

    changed = _correct_case_type(licence_case, "community")
    _count(changed)
    inspection = changed.inspection
    snapshot = InspectionSnapshot.objects.create(
        inspection=inspection,
        data={},
        framework_version=inspection.framework.version,
        created_by=changed.assistant_inspector,
    )
    frozen_counts_create(snapshots=[snapshot])
    judged = FrozenCount.objects.filter(snapshot=snapshot, measure=FrozenCount.Measure.JUDGEMENTS)
    assert set(judged.values_list("key", flat=True)) == {"2.1.1"}
