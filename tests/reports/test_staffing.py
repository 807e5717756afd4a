"""Staffing evidence for domain one: the lead records the PDU's vacancies by grade, workloads and sickness absence;
the inspection dashboard shows them beside the organisational ratings and the national dashboard rolls them up by
region. The share of staff saying their workload is manageable is hidden where few staff gave an answer, as the
survey's small counts are."""

import csv
import io
from decimal import Decimal

import pytest
from django.urls import reverse

from inspections.models import Inspection, Role
from inspections.services import InspectionLocked
from reports.disclosure import SuppressedRate
from reports.evidence.models import StaffingEvidence
from reports.evidence.selectors import inspection_staffing, staffing_by_region
from reports.evidence.services import (
    MANAGEABLE_MORE_THAN_SURVEYED,
    VACANT_MORE_THAN_POSTS,
    StaffingInvalid,
    staffing_record,
)
from tests.factories import InspectionFactory, PDUFactory, team_member

FORM = {
    "po_posts": "40",
    "po_vacant": "8.5",
    "pso_posts": "30",
    "pso_vacant": "3",
    "staff_in_post": "80",
    "sickness_days": "720",
    "staff_surveyed": "50",
    "workloads_manageable": "20",
}


def record(inspection, user, **changes):
    figures = {
        "staff_in_post": 80,
        "sickness_days": Decimal("720"),
        "staff_surveyed": 50,
        "workloads_manageable": 20,
        "vacancies": {"po": (Decimal("40"), Decimal("8.5")), "pso": (Decimal("30"), Decimal("3"))},
    }
    return staffing_record(inspection=inspection, user=user, **(figures | changes))


def test_the_lead_records_staffing_and_the_dashboard_shows_it(inspection, lead):
    record(inspection, lead)
    staffing = inspection_staffing(inspection)
    assert staffing.sickness_days_per_person == 9.0
    assert (staffing.workloads.rate, staffing.workloads.total) == (40.0, 50)
    assert [(v.grade, v.rate) for v in staffing.vacancies] == [
        ("Probation officer", 21.25),
        ("Probation services officer", 10.0),
    ]


def test_recording_again_replaces_the_figures(inspection, lead):
    record(inspection, lead)
    record(inspection, lead, vacancies={"admin": (Decimal("10"), Decimal("1"))})
    assert [v.grade for v in inspection_staffing(inspection).vacancies] == ["Administrative staff"]
    assert StaffingEvidence.objects.count() == 1


@pytest.mark.parametrize(
    ("changes", "field", "message"),
    [
        ({"workloads_manageable": 51}, "workloads_manageable", MANAGEABLE_MORE_THAN_SURVEYED),
        (
            {"vacancies": {"po": (Decimal("4"), Decimal("5"))}},
            "po_vacant",
            VACANT_MORE_THAN_POSTS.format(grade="probation officer"),
        ),
    ],
)
def test_figures_that_cannot_be_true_are_refused(inspection, lead, changes, field, message):
    with pytest.raises(StaffingInvalid) as refused:
        record(inspection, lead, **changes)
    assert (refused.value.field, str(refused.value)) == (field, message)
    assert not StaffingEvidence.objects.exists()


def test_a_locked_inspection_refuses_staffing(inspection, lead):
    Inspection.objects.filter(pk=inspection.pk).update(status=Inspection.Status.LOCKED)
    with pytest.raises(InspectionLocked):
        record(inspection, lead)


def test_staffing_rolls_up_by_region_from_the_sums_not_the_averages(framework, lead):
    north = PDUFactory().region
    first = InspectionFactory(pdu=PDUFactory(region=north))
    second = InspectionFactory(pdu=PDUFactory(region=north))
    elsewhere = InspectionFactory()
    record(first, lead)
    record(
        second,
        lead,
        staff_in_post=20,
        sickness_days=Decimal("280"),
        staff_surveyed=10,
        workloads_manageable=9,
        vacancies={"po": (Decimal("10"), Decimal("0"))},
    )
    record(elsewhere, lead)
    regions = {r.label: r for r in staffing_by_region([first.pk, second.pk])}
    assert list(regions) == [north.name]
    pooled = regions[north.name]
    assert pooled.inspections == 2
    assert pooled.sickness_days_per_person == 10.0  # (720 + 280) / (80 + 20)
    assert (pooled.workloads.sufficient, pooled.workloads.total) == (29, 60)
    assert [(v.grade, v.posts, v.vacant) for v in pooled.vacancies] == [
        ("Probation officer", Decimal("50"), Decimal("8.5")),
        ("Probation services officer", Decimal("30"), Decimal("3")),
    ]


def test_anonymous_users_are_sent_to_sign_in(client, inspection):
    response = client.get(reverse("inspections:staffing", args=[inspection.pk]))
    assert response["Location"].startswith(reverse("login"))


def test_only_the_lead_records_staffing(client, inspection, inspector, national_viewer, other_inspection):
    other_lead = team_member(other_inspection, Role.LEAD)
    for user in (inspector, national_viewer, other_lead):
        client.force_login(user)
        assert client.get(reverse("inspections:staffing", args=[inspection.pk])).status_code == 404
        assert client.post(reverse("inspections:staffing", args=[inspection.pk]), FORM).status_code == 404
    assert not StaffingEvidence.objects.exists()


def test_the_lead_saves_the_form_and_sees_it_on_the_dashboard(client, inspection, lead):
    client.force_login(lead)
    assert client.get(reverse("inspections:staffing", args=[inspection.pk])).status_code == 200
    response = client.post(reverse("inspections:staffing", args=[inspection.pk]), FORM, follow=True)
    page = response.content.decode()
    assert "Staffing saved" in page
    assert "40% (28% to 54%), 20 of 50 asked" in page
    assert "9.0 days per person" in page
    assert "21.3%" in page
    assert "Change the staffing evidence" in page


def test_the_form_keeps_what_was_typed_and_says_what_is_wrong(client, inspection, lead):
    client.force_login(lead)
    wrong = FORM | {"po_vacant": "", "staff_in_post": "eighty", "workloads_manageable": "60"}
    page = client.post(reverse("inspections:staffing", args=[inspection.pk]), wrong).content.decode()
    assert "There is a problem" in page
    assert "Enter the probation officer posts vacant, or 0 if none are" in page
    assert "Staff in post must be a whole number, 0 or more" in page
    assert 'value="eighty"' in page
    assert not StaffingEvidence.objects.exists()


def test_the_service_refusal_shows_on_the_form(client, inspection, lead):
    client.force_login(lead)
    page = client.post(
        reverse("inspections:staffing", args=[inspection.pk]), FORM | {"workloads_manageable": "60"}
    ).content.decode()
    assert MANAGEABLE_MORE_THAN_SURVEYED in page


def test_inspectors_see_staffing_on_the_dashboard_without_the_change_link(
    client, inspection, lead, inspector
):
    record(inspection, lead)
    client.force_login(inspector)
    page = client.get(reverse("inspection_dashboard", args=[inspection.pk])).content.decode()
    assert "Vacancies by grade" in page
    assert "Change the staffing evidence" not in page


def test_the_national_dashboard_shows_staffing_by_region(
    client, inspection, lead, national_viewer, django_assert_max_num_queries
):
    record(inspection, lead)
    client.force_login(national_viewer)
    # The dashboard (12), the survey summary (3 at most: its periods, counts and PDUs), staffing by region (2), the
    # regions' locked inspections (1). The inspection is open (staffing is recorded before locking), so the page is
    # asked to show open ones too.
    with django_assert_max_num_queries(18):
        page = client.get(
            reverse("national_dashboard"), {"inspections": "include-provisional"}
        ).content.decode()
    assert "Staffing by region" in page
    assert inspection.pdu.region.name in page


def test_the_sections_show_nothing_where_a_template_has_no_user(inspection, lead):
    from django.template import Context, Template

    record(inspection, lead)
    html = Template(
        "{% load evidence %}{% survey_summary dashboard %}{% staffing_evidence dashboard %}"
    ).render(
        Context({"dashboard": type("D", (), {"inspection": inspection, "region": None, "period": None})()})
    )
    assert "views of people on probation" not in html
    assert "Change the staffing evidence" not in html


HIDDEN = "fewer than 5 staff gave one of the answers: not shown"


@pytest.mark.parametrize(
    ("asked", "manageable", "shown"),
    [
        (4, 3, False),  # fewer than 5 asked
        (50, 2, False),  # 2 said manageable: a few people's answer
        (50, 48, False),  # 2 said not manageable
        (10, 5, True),
        (0, 0, True),  # nobody asked: nothing to hide, no rate
    ],
)
def test_the_workload_share_hides_answers_of_fewer_than_the_survey_minimum_staff(
    inspection, lead, asked, manageable, shown
):
    record(inspection, lead, staff_surveyed=asked, workloads_manageable=manageable)
    staffing = inspection_staffing(inspection)
    if shown:
        assert (staffing.workloads.sufficient, staffing.workloads.total) == (manageable, asked)
        assert staffing.workloads_not_shown == ""
    else:
        assert isinstance(staffing.workloads, SuppressedRate)
        assert (staffing.workloads.sufficient, staffing.workloads.total, staffing.workloads.rate) == (
            0,
            0,
            None,
        )
        assert staffing.workloads_not_shown == HIDDEN


def test_the_workload_minimum_is_the_surveys_setting(inspection, lead, settings):
    record(inspection, lead, staff_surveyed=4, workloads_manageable=3)
    settings.SURVEY_MINIMUM_COUNT = 1
    assert inspection_staffing(inspection).workloads.rate == 75.0


def test_a_region_pools_the_answers_before_hiding_small_ones(framework, lead):
    north = PDUFactory().region
    few = InspectionFactory(pdu=PDUFactory(region=north))
    more = InspectionFactory(pdu=PDUFactory(region=north))
    record(few, lead, staff_surveyed=3, workloads_manageable=2)
    record(more, lead, staff_surveyed=9, workloads_manageable=4)
    assert inspection_staffing(few).workloads_not_shown == HIDDEN
    [region] = staffing_by_region([few.pk, more.pk])
    assert (region.workloads.sufficient, region.workloads.total) == (6, 12)  # 6 and 6: both shown


def test_the_pages_and_api_show_why_a_workload_share_is_hidden(client, inspection, lead, national_viewer):
    record(inspection, lead, staff_surveyed=4, workloads_manageable=3)
    client.force_login(lead)
    page = client.get(reverse("inspection_dashboard", args=[inspection.pk])).content.decode()
    assert "Fewer than 5 staff gave one of the answers: not shown (4 asked)" in page
    assert "3 of 4" not in page
    api = client.get(f"/api/v1/inspections/{inspection.pk}/staffing/").json()["workloads_manageable"]
    assert (api["sufficient"], api["total"], api["rate"], api["suppressed"]) == (None, None, None, HIDDEN)
    client.force_login(national_viewer)
    open_too = {"inspections": "include-provisional"}
    national = client.get(reverse("national_dashboard"), open_too).content.decode()
    staffing_table = national.split('id="staffing-regions-caption"')[1].split("</table>")[0]
    assert "Fewer than 5 staff gave one of the answers: not shown" in staffing_table
    assert "3 of 4" not in staffing_table
    response = client.get("/api/v1/national/staffing/", {"format": "csv", **open_too})
    rows = csv.DictReader(io.StringIO(response.content.decode("utf-8-sig")))
    assert {
        (row["workloads_asked"], row["workloads_manageable"], row["workloads_suppressed"]) for row in rows
    } == {("", "", HIDDEN)}
