"""An inspection's set-up after creating it: no duplicate of a PDU's fieldwork, changing its dates, team and optional
standards, deleting it before anything is judged, and importing a sample once its team is complete."""

import datetime
import re

import pytest
from django.contrib.auth.models import Group
from django.core.exceptions import ValidationError
from django.db import IntegrityError, transaction
from django.urls import reverse

from cases import imports
from cases.models import InspectedCase
from cases.services import setup
from inspections import services
from inspections.models import Inspection, InspectionMembership, Role
from inspections.permissions import LEAD_INSPECTORS_GROUP
from inspections.services import InspectionError, InspectionLocked
from tests.factories import (
    SAMPLE_HEADER,
    InspectedCaseFactory,
    InspectionFactory,
    JudgementFactory,
    OrganisationalRatingFactory,
    UserFactory,
)

START, END = datetime.date(2027, 1, 4), datetime.date(2027, 1, 15)


def create(framework, pdu, lead, start=START, end=END, **team):
    return services.inspection_create(
        pdu=pdu, framework=framework, fieldwork_start=start, fieldwork_end=end, lead=lead, user=lead, **team
    )


def update(inspection, user, **changes):
    values = {
        "fieldwork_start": inspection.fieldwork_start,
        "fieldwork_end": inspection.fieldwork_end,
        "inspectors": [],
        "assistant_inspectors": [],
        "quality_assurers": [],
    }
    values.update(changes)
    return setup.inspection_update(inspection=inspection, user=user, **values)


# --- No duplicates ------------------------------------------------------------------------------------------------


def test_the_same_pdu_and_fieldwork_cannot_be_created_twice(framework, inspection, lead):
    with pytest.raises(ValidationError) as refused:
        create(framework, inspection.pdu, lead, inspection.fieldwork_start, inspection.fieldwork_end)
    assert refused.value.message_dict["fieldwork_start"] == [
        services.DUPLICATE_INSPECTION.format(
            unit=inspection.pdu.name, start="7 September 2026", end="18 September 2026"
        )
    ]
    with pytest.raises(ValidationError):  # overlapping fieldwork is the same inspection too
        create(framework, inspection.pdu, lead, datetime.date(2026, 9, 14), datetime.date(2026, 9, 25))
    assert Inspection.objects.filter(pdu=inspection.pdu).count() == 1
    create(
        framework, inspection.pdu, lead, datetime.date(2027, 9, 6), datetime.date(2027, 9, 17)
    )  # next year


def test_the_database_refuses_a_second_inspection_of_a_pdu_starting_the_same_day(inspection):
    with pytest.raises(IntegrityError), transaction.atomic():
        InspectionFactory(pdu=inspection.pdu, fieldwork_start=inspection.fieldwork_start)


def test_the_create_page_says_the_inspection_exists_with_the_input_kept(client, framework, inspection):
    lead = UserFactory()
    lead.groups.add(Group.objects.get_or_create(name=LEAD_INSPECTORS_GROUP)[0])
    client.force_login(lead)
    data = {
        "pdu": inspection.pdu.pk,
        "framework": framework.pk,
        **{f"fieldwork_start_{i}": v for i, v in enumerate(("7", "9", "2026"))},
        **{f"fieldwork_end_{i}": v for i, v in enumerate(("18", "9", "2026"))},
    }
    page = client.post(reverse("inspections:create"), data).text
    assert f"There is already an inspection of {inspection.pdu.name}" in page
    assert '<a href="#id_fieldwork_start_0">' in page
    assert Inspection.objects.filter(pdu=inspection.pdu).count() == 1


# --- Changing the set-up --------------------------------------------------------------------------------------------


def test_the_lead_changes_dates_team_and_optional_standards_recorded_in_history(inspection, lead, assistant):
    newcomer, quality = UserFactory(), UserFactory()
    court_work = inspection.framework.standards.get(code="2.1")
    update(
        inspection,
        lead,
        fieldwork_start=datetime.date(2026, 9, 14),
        fieldwork_end=datetime.date(2026, 9, 25),
        assistant_inspectors=[assistant, newcomer],
        quality_assurers=[quality],
        optional_standards=[court_work],
    )
    inspection.refresh_from_db()
    assert (inspection.fieldwork_start, inspection.fieldwork_end) == (
        datetime.date(2026, 9, 14),
        datetime.date(2026, 9, 25),
    )
    assert set(InspectionMembership.objects.team(inspection).values_list("user", "role")) == {
        (lead.pk, Role.LEAD),
        (assistant.pk, Role.ASSISTANT_INSPECTOR),
        (newcomer.pk, Role.ASSISTANT_INSPECTOR),
        (quality.pk, Role.QUALITY_ASSURER),
    }
    assert list(inspection.optional_standards.all()) == [court_work]
    assert inspection.history.first().history_user == lead

    update(inspection, lead, assistant_inspectors=[assistant], optional_standards=[])
    assert not InspectionMembership.objects.filter(inspection=inspection, user=newcomer).exists()
    assert not inspection.optional_standards.exists()


def test_changing_the_set_up_keeps_whoever_has_cases_and_any_rated_optional_standard(
    inspection, lead, assistant
):
    InspectedCaseFactory(inspection=inspection, assistant_inspector=assistant)
    with pytest.raises(ValidationError) as refused:
        update(inspection, lead, assistant_inspectors=[])
    assert refused.value.message_dict["assistant_inspectors"] == [
        setup.HAS_CASES.format(names=assistant.get_full_name())
    ]
    court_work = inspection.framework.standards.get(code="2.1")
    inspection.optional_standards.add(court_work)
    court_report = InspectedCaseFactory(
        inspection=inspection, assistant_inspector=assistant, kind="court_report"
    )
    JudgementFactory(case=court_report, key_question=court_work.key_questions.first(), answer="yes")
    with pytest.raises(ValidationError, match=r"Standard 2\.1 has been judged"):
        update(inspection, lead, assistant_inspectors=[assistant], optional_standards=[])
    other = InspectionFactory(
        pdu=inspection.pdu,
        fieldwork_start=datetime.date(2026, 10, 5),
        fieldwork_end=datetime.date(2026, 10, 16),
    )
    with pytest.raises(ValidationError, match="There is already an inspection"):
        update(inspection, lead, assistant_inspectors=[assistant], fieldwork_end=other.fieldwork_start)
    assert InspectionMembership.objects.filter(inspection=inspection, user=assistant).exists()


def test_a_locked_inspection_cannot_be_changed_or_deleted(inspection, lead):
    inspection.status = Inspection.Status.LOCKED
    inspection.save()
    with pytest.raises(InspectionLocked):
        update(inspection, lead)
    with pytest.raises(InspectionLocked):
        setup.inspection_delete(inspection=inspection, user=lead)


# --- Deleting ------------------------------------------------------------------------------------------------------


def test_an_inspection_without_judgements_is_deleted_with_its_sample(inspection, lead):
    InspectedCaseFactory(inspection=inspection)
    message = setup.inspection_delete(inspection=inspection, user=lead)
    assert message == f"Inspection of {inspection.pdu.name} (7 September 2026 to 18 September 2026) deleted"
    assert not Inspection.objects.filter(pk=inspection.pk).exists()
    assert not InspectedCase.objects.exists()
    assert Inspection.history.filter(id=inspection.pk, history_type="-").get().history_user == lead


def test_an_inspection_with_a_judgement_is_not_deleted(inspection, lead):
    JudgementFactory(case=InspectedCaseFactory(inspection=inspection))
    OrganisationalRatingFactory(inspection=inspection)
    with pytest.raises(InspectionError, match="it has 2 judgements"):
        setup.inspection_delete(inspection=inspection, user=lead)
    assert Inspection.objects.filter(pk=inspection.pk).exists()


# --- Importing once the team is complete ----------------------------------------------------------------------------


def test_an_inspection_created_without_assistant_inspectors_imports_once_they_are_added(framework, lead):
    inspection = create(
        framework, InspectionFactory().pdu, lead, datetime.date(2027, 3, 1), datetime.date(2027, 3, 12)
    )
    amira = UserFactory(username="amira")
    sample = (SAMPLE_HEADER + "A1,community order,low,2026-03-02,amira\n").encode()
    refused = imports.sample_preview(inspection=inspection, name="sample.csv", data=sample)
    assert [p.message for p in refused.problems] == [imports.UNKNOWN_USER.format(username="amira")]
    assert "Add them on the inspection's page" in refused.problems[0].message

    update(inspection, lead, assistant_inspectors=[amira])

    assert imports.sample_preview(inspection=inspection, name="sample.csv", data=sample).is_clean


# --- Pages: three steps, and what they do ----------------------------------------------------------------------------


@pytest.mark.parametrize("name", ["inspections:edit", "inspections:delete"])
def test_only_the_lead_opens_the_set_up_pages(
    client, inspection, lead, inspector, quality_assurer, assistant, name
):
    path = reverse(name, kwargs={"pk": inspection.pk})
    assert client.get(path)["Location"].startswith(reverse("login"))
    for other in (inspector, quality_assurer, assistant):
        client.force_login(other)
        assert client.get(path).status_code == 404
        assert client.post(path).status_code == 404
    client.force_login(lead)
    assert client.get(path).status_code == 200
    assert Inspection.objects.filter(pk=inspection.pk).exists()


def test_the_edit_page_shows_the_team_and_saves_changes(
    client, inspection, lead, assistant, django_assert_max_num_queries
):
    newcomer = UserFactory(username="newcomer")
    client.force_login(lead)
    path = reverse("inspections:edit", kwargs={"pk": inspection.pk})
    with django_assert_max_num_queries(15):  # fixed: not one per user or team member
        page = client.get(path).text
    checked = re.findall(r'<input[^>]*name="(\w+)"[^>]*value="(\d+)"[^>]*checked', page)
    assert checked == [("assistant_inspectors", str(assistant.pk))]
    assert 'name="fieldwork_start_2" value="2026"' in page
    data = {
        **{f"fieldwork_start_{i}": v for i, v in enumerate(("8", "9", "2026"))},
        **{f"fieldwork_end_{i}": v for i, v in enumerate(("19", "9", "2026"))},
        "assistant_inspectors": [assistant.pk, newcomer.pk],
    }
    assert client.post(path, data)["Location"] == reverse("inspections:detail", kwargs={"pk": inspection.pk})
    inspection.refresh_from_db()
    assert inspection.fieldwork_start == datetime.date(2026, 9, 8)
    assert InspectionMembership.objects.filter(inspection=inspection, user=newcomer).exists()

    data["fieldwork_start_2"] = "26"
    page = client.post(path, data).text
    assert '<a href="#id_fieldwork_start_2">Year must include 4 numbers</a>' in page


def test_the_delete_page_confirms_then_deletes_or_says_why_not(client, inspection, lead):
    client.force_login(lead)
    path = reverse("inspections:delete", kwargs={"pk": inspection.pk})
    case = InspectedCaseFactory(inspection=inspection)
    JudgementFactory(case=case)
    page = client.get(path).text
    assert "cannot be deleted: it has 1 judgement." in page
    response = client.post(path, follow=True)
    assert "it has 1 judgement." in response.text
    assert Inspection.objects.filter(pk=inspection.pk).exists()

    case.judgements.all().delete()
    assert "Delete the inspection</button>" in client.get(path).text
    response = client.post(path, follow=True)
    assert response.redirect_chain[-1][0] == reverse("inspections:list")
    assert "deleted" in response.text
    assert not Inspection.objects.filter(pk=inspection.pk).exists()
