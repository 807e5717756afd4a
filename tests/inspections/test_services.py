import copy
import datetime

import pytest
from django.core.exceptions import ValidationError

from cases.models import InspectedCase
from cases.services import workflow
from inspections import services
from inspections.frameworks import framework_load
from inspections.models import Inspection, OrganisationalRating, Role
from reports import services as lock
from reports.models import InspectionSnapshot
from reports.selectors import overview
from tests.factories import (
    InspectedCaseFactory,
    JudgementFactory,
    OrganisationalRatingFactory,
    PDUFactory,
    RegionFactory,
    UserFactory,
)


def rate_all_organisational(inspection):
    for code in ("1.1", "1.2", "1.3", "1.4"):
        OrganisationalRatingFactory(
            inspection=inspection, standard=inspection.framework.standards.get(code=code)
        )


def test_creating_an_inspection_starts_in_set_up_with_its_team(framework, lead):
    ai, qa, inspector = UserFactory(), UserFactory(), UserFactory()
    inspection = services.inspection_create(
        pdu=PDUFactory(),
        framework=framework,
        fieldwork_start=datetime.date(2027, 1, 4),
        fieldwork_end=datetime.date(2027, 1, 15),
        lead=lead,
        inspectors=[inspector],
        assistant_inspectors=[ai],
        quality_assurers=[qa],
        user=lead,
    )
    assert inspection.status == Inspection.Status.SETUP
    team = set(inspection.memberships.values_list("user__username", "role"))
    assert team == {
        (lead.username, Role.LEAD),
        (inspector.username, Role.INSPECTOR),
        (ai.username, Role.ASSISTANT_INSPECTOR),
        (qa.username, Role.QUALITY_ASSURER),
    }
    assert inspection.history.first().history_user == lead


def test_an_inspection_rates_the_optional_standards_its_framework_rates_by_default_unless_told(
    framework, lead
):
    dates = {"fieldwork_start": datetime.date(2027, 1, 4), "fieldwork_end": datetime.date(2027, 1, 15)}
    default = services.inspection_create(pdu=PDUFactory(), framework=framework, lead=lead, user=lead, **dates)
    assert list(default.optional_standards.values_list("code", flat=True)) == ["2.1"]
    none = services.inspection_create(
        pdu=PDUFactory(), framework=framework, lead=lead, user=lead, optional_standards=[], **dates
    )
    assert not none.optional_standards.exists()
    with pytest.raises(ValidationError) as refused:
        services.inspection_create(
            pdu=PDUFactory(),
            framework=framework,
            lead=lead,
            user=lead,
            optional_standards=[framework.standards.get(code="2.2")],
            **dates,
        )
    assert refused.value.message_dict == {"optional_standards": [services.NOT_OPTIONAL.format(code="2.2")]}


def test_an_inspection_inspects_the_unit_its_framework_inspects(framework, lead):
    dates = {"fieldwork_start": datetime.date(2027, 1, 4), "fieldwork_end": datetime.date(2027, 1, 15)}
    region = RegionFactory()
    with pytest.raises(ValidationError) as refused:
        services.inspection_create(region=region, framework=framework, lead=lead, user=lead, **dates)
    assert list(refused.value.message_dict) == ["pdu"]
    document = copy.deepcopy(framework.document)
    document.update(slug="regional-test", unit="region")
    regional = framework_load(document=document)
    inspection = services.inspection_create(region=region, framework=regional, lead=lead, user=lead, **dates)
    assert (inspection.unit, inspection.pdu) == (region, None)
    draft = framework_load(document={**document, "version": 2}, publish=False)
    with pytest.raises(ValidationError) as refused:
        services.inspection_create(region=region, framework=draft, lead=lead, user=lead, **dates)
    assert refused.value.message_dict == {"framework": [services.NOT_PUBLISHED]}


def test_creating_an_inspection_refuses_fieldwork_ending_before_it_starts(framework):
    lead = UserFactory()  # not the shared lead, whose inspection would exist already
    with pytest.raises(ValidationError) as error:
        services.inspection_create(
            pdu=PDUFactory(),
            framework=framework,
            fieldwork_start=datetime.date(2027, 1, 15),
            fieldwork_end=datetime.date(2027, 1, 4),
            lead=lead,
            user=lead,
        )
    assert error.value.message_dict == {"fieldwork_end": [services.DATES_OUT_OF_ORDER]}
    assert not Inspection.objects.exists()


def test_fieldwork_cannot_start_without_a_sample(inspection, lead):
    inspection.status = Inspection.Status.SETUP
    inspection.save()
    with pytest.raises(services.InspectionError, match=workflow.NO_CASES):
        workflow.inspection_advance(inspection=inspection, user=lead)
    InspectedCaseFactory(inspection=inspection)
    assert workflow.inspection_advance(inspection=inspection, user=lead).status == "fieldwork"
    assert workflow.inspection_advance(inspection=inspection, user=lead).status == "quality_assurance"
    with pytest.raises(services.InspectionError):
        workflow.inspection_advance(inspection=inspection, user=lead)


def test_lead_rates_an_organisational_standard_with_a_rationale_and_can_change_it(inspection, lead):
    standard = inspection.framework.standards.get(code="1.2")
    services.organisational_rating_save(
        inspection=inspection,
        standard=standard,
        rating="good",
        rationale=" Staff feel supported. ",
        user=lead,
    )
    services.organisational_rating_save(
        inspection=inspection,
        standard=standard,
        rating="inadequate",
        rationale="Caseloads too high.",
        user=lead,
    )
    row = OrganisationalRating.objects.get(inspection=inspection, standard=standard)
    assert (row.rating, row.rationale, row.rated_by) == ("inadequate", "Caseloads too high.", lead)


def test_organisational_rating_refuses_a_case_sample_standard_and_a_blank_rationale(inspection, lead):
    with pytest.raises(services.InspectionError, match=r"2\.1"):
        services.organisational_rating_save(
            inspection=inspection,
            standard=inspection.framework.standards.get(code="2.1"),
            rating="good",
            rationale="x",
            user=lead,
        )
    with pytest.raises(ValidationError):
        services.organisational_rating_save(
            inspection=inspection,
            standard=inspection.framework.standards.get(code="1.1"),
            rating="good",
            rationale="   ",
            user=lead,
        )
    assert not OrganisationalRating.objects.exists()


def test_lock_is_refused_while_cases_are_unapproved_or_standards_unrated(inspection, lead):
    InspectedCaseFactory(inspection=inspection, status=InspectedCase.Status.APPROVED)
    InspectedCaseFactory(inspection=inspection, status=InspectedCase.Status.SUBMITTED)
    OrganisationalRatingFactory(inspection=inspection)
    with pytest.raises(lock.InspectionNotReady) as refused:
        lock.inspection_lock(inspection=inspection, user=lead)
    assert refused.value.problems == [
        overview.CASE_NOT_APPROVED.format(count=1),
        overview.STANDARDS_NOT_RATED.format(codes="1.2, 1.3, 1.4"),
    ]
    inspection.refresh_from_db()
    assert not inspection.is_locked
    assert not InspectionSnapshot.objects.exists()


def test_lock_is_refused_for_an_inspection_without_cases(inspection, lead):
    rate_all_organisational(inspection)
    with pytest.raises(lock.InspectionNotReady, match=overview.NO_CASES_TO_LOCK):
        lock.inspection_lock(inspection=inspection, user=lead)


def test_locking_freezes_the_results_in_a_snapshot_that_later_changes_do_not_touch(inspection, lead):
    case = InspectedCaseFactory(inspection=inspection, status=InspectedCase.Status.APPROVED)
    judgement = JudgementFactory(case=case, answer="yes")
    rate_all_organisational(inspection)

    snapshot = lock.inspection_lock(inspection=inspection, user=lead)

    inspection.refresh_from_db()
    assert inspection.is_locked
    assert snapshot.framework_version == inspection.framework.version
    assert snapshot.data["framework"]["version"] == inspection.framework.version
    standard = next(s for s in snapshot.data["standards"] if s["code"] == "1.1")
    assert standard["rating"] == "good"
    kq = next(s for s in snapshot.data["standards"] if s["code"] == "2.2")["key_questions"][0]
    assert (kq["sufficient"], kq["total"]) == (1, 1)

    judgement.answer = "no"
    judgement.save()
    OrganisationalRating.objects.filter(inspection=inspection).update(rating="inadequate")
    snapshot.refresh_from_db()
    assert next(s for s in snapshot.data["standards"] if s["code"] == "1.1")["rating"] == "good"


def test_a_locked_inspection_refuses_ratings_and_a_second_lock(inspection, lead):
    inspection.status = Inspection.Status.LOCKED
    inspection.save()
    with pytest.raises(services.InspectionLocked):
        lock.inspection_lock(inspection=inspection, user=lead)
    with pytest.raises(services.InspectionLocked):
        services.organisational_rating_save(
            inspection=inspection,
            standard=inspection.framework.standards.get(code="1.1"),
            rating="good",
            rationale="Clear vision.",
            user=lead,
        )


def test_unlocking_needs_a_reason_and_records_it(inspection, lead):
    with pytest.raises(services.InspectionError, match=lock.NOT_LOCKED):
        lock.inspection_unlock(inspection=inspection, reason="Typo", user=lead)
    inspection.status = Inspection.Status.LOCKED
    inspection.save()
    with pytest.raises(ValidationError):
        lock.inspection_unlock(inspection=inspection, reason="  ", user=lead)

    unlock = lock.inspection_unlock(inspection=inspection, reason="Case 12 was misfiled", user=lead)

    inspection.refresh_from_db()
    assert inspection.status == Inspection.Status.QUALITY_ASSURANCE
    assert (unlock.reason, unlock.unlocked_by) == ("Case 12 was misfiled", lead)
    assert inspection.history.first().history_change_reason == "Case 12 was misfiled"
