"""The inspection's page: counts that add up, labels that say what they do, a page for its inspectors, and one CSRF
field and one status colour wherever they appear."""

import re

import pytest
from django.template.loader import render_to_string
from django.urls import reverse

from cases.models import InspectedCase
from inspections.models import Inspection
from tests.factories import InspectedCaseFactory, InspectionFactory, team_member

Status = InspectedCase.Status


def detail(inspection):
    return reverse("inspections:detail", kwargs={"pk": inspection.pk})


def test_the_case_counts_include_cases_not_started_and_in_progress(client, inspection, lead):
    for status, count in ((Status.NOT_STARTED, 3), (Status.IN_PROGRESS, 2), (Status.SUBMITTED, 1)):
        InspectedCaseFactory.create_batch(count, inspection=inspection, status=status)
    client.force_login(lead)
    counts = re.search(r'id="case-counts">\s*(.*?)\s*</dd>', client.get(detail(inspection)).text, re.S)[1]
    assert counts == (
        "6 in the sample: 3 not started, 2 in progress, 1 awaiting quality assurance, 0 returned, 0 approved; "
        "6 not assigned"
    )


def test_assigning_is_not_completed_before_there_are_cases(client, inspection, lead):
    client.force_login(lead)
    status = re.search(r'id="task-assign-status">(.*?)</div>', client.get(detail(inspection)).text)[1]
    assert "Completed" not in status
    assert "Cannot start yet" in status
    InspectedCaseFactory(inspection=inspection, assistant_inspector=lead)
    status = re.search(r'id="task-assign-status">(.*?)</div>', client.get(detail(inspection)).text)[1]
    assert status == "Completed"


@pytest.mark.parametrize(
    ("status", "button", "says"),
    [
        (
            Inspection.Status.SETUP,
            "Start fieldwork",
            "changes the inspection's status from set-up to fieldwork",
        ),
        (
            Inspection.Status.FIELDWORK,
            "Start quality assurance",
            "changes the inspection's status from fieldwork to quality assurance",
        ),
    ],
)
def test_moving_the_inspection_on_says_what_it_changes(client, inspection, lead, status, button, says):
    inspection.status = status
    inspection.save()
    client.force_login(lead)
    page = client.get(detail(inspection)).text
    assert says in page
    assert 'aria-describedby="advance-hint">' + button in page


def test_an_inspector_reads_their_inspection_and_its_dashboard_but_changes_nothing(
    client, inspection, inspector, assistant, django_assert_max_num_queries
):
    path = detail(inspection)
    assert client.get(path)["Location"].startswith(reverse("login"))
    client.force_login(assistant)
    assert client.get(path).status_code == 404
    stranger = team_member(InspectionFactory(), "inspector")
    client.force_login(stranger)
    assert client.get(path).status_code == 404

    client.force_login(inspector)
    with django_assert_max_num_queries(20):
        response = client.get(path)
    assert response.status_code == 200
    page = response.text
    assert reverse("inspection_dashboard", kwargs={"pk": inspection.pk}) in page
    for lead_only in (
        "inspections:sample_import",
        "inspections:lock",
        "inspections:edit",
        "inspections:delete",
    ):
        assert reverse(lead_only, kwargs={"pk": inspection.pk}) not in page
    assert reverse("inspections:quality_assurance", kwargs={"pk": inspection.pk}) not in page
    assert client.get(reverse("inspection_dashboard", kwargs={"pk": inspection.pk})).status_code == 200
    assert detail(inspection) in client.get(reverse("inspections:list")).text


def test_returned_is_the_same_colour_for_a_case_and_in_every_table():
    on_the_case = render_to_string("cases/includes/status_tag.html", {"status": "returned"})
    in_tables = render_to_string(
        "inspections/includes/status_tag.html", {"status": "returned", "label": "Returned"}
    )
    assert re.search(r'class="([^"]+)"', on_the_case)[1] == re.search(r'class="([^"]+)"', in_tables)[1]
    assert ">Returned<" in on_the_case


def test_your_tokens_is_said_once(client, lead):
    client.force_login(lead)
    client.post(reverse("api_tokens"), {"name": "Spreadsheet"})
    page = client.get(reverse("api_tokens")).text
    assert page.count("Your tokens") == 1


@pytest.mark.parametrize(
    ("name", "kwargs"),
    [
        ("inspections:edit", {}),
        ("inspections:rating_edit", {"code": "1.1"}),
        ("inspections:sample_import", {}),
        ("inspections:moderation", {}),
        ("api_tokens", None),
    ],
)
def test_every_form_has_one_csrf_field(client, inspection, lead, name, kwargs):
    client.force_login(lead)
    path = reverse(name, kwargs={"pk": inspection.pk, **kwargs}) if kwargs is not None else reverse(name)
    forms = re.findall(r"<form\b.*?</form>", client.get(path).text, re.S)
    assert forms
    for form in forms:
        if 'method="post"' in form:
            assert form.count('name="csrfmiddlewaretoken"') == 1, form[:200]
