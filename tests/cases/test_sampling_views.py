"""The sample designer's pages: lead-only (three steps), the upload, design, draw, replacement and reproduction."""

import datetime

import pytest
from django.urls import reverse

from cases.sample_models import SampleDesign, SampleRole
from cases.selectors.sampling import case_kinds
from cases.services import sampling
from tests.factories import caseload_csv, caseload_row

KIND = "supervision"


def caseload_file(rows=None):
    from django.core.files.uploadedfile import SimpleUploadedFile

    data = caseload_csv(rows if rows is not None else [caseload_row(i) for i in range(1, 201)])
    return SimpleUploadedFile("caseload.csv", data, content_type="text/csv")


def upload_data(rows=None, **changes):
    data = {
        "file": caseload_file(rows),
        "window_start_0": "1",
        "window_start_1": "10",
        "window_start_2": "2025",
        "window_end_0": "31",
        "window_end_1": "5",
        "window_end_2": "2026",
    }
    data.update(changes)
    return data


@pytest.fixture
def design(inspection, lead):
    data = caseload_csv([caseload_row(i) for i in range(1, 201)])
    return sampling.caseload_upload(
        inspection=inspection,
        kind=case_kinds(inspection)[0],
        name="caseload.csv",
        data=data,
        window_start=datetime.date(2025, 10, 1),
        window_end=datetime.date(2026, 5, 31),
        case_types=[],
        user=lead,
        seed=11,
    )


@pytest.fixture
def drawn(design, lead):
    sampling.sample_draw(design=design, kind=case_kinds(design.inspection)[0], user=lead)
    design.refresh_from_db()
    return design


def pages(inspection, design=None):
    pk = inspection.pk
    urls = [
        reverse("inspections:sample_designer", args=[pk]),
        reverse("inspections:caseload_upload", args=[pk, KIND]),
    ]
    if design is not None:
        urls += [
            reverse("inspections:sample_design", args=[pk, KIND]),
            reverse("inspections:sample_exclusions", args=[pk, KIND]),
            reverse("inspections:sample_reproduce", args=[pk, KIND]),
        ]
    return urls


def test_every_designer_page_sends_an_anonymous_user_to_sign_in(client, inspection, design):
    for url in pages(inspection, design):
        response = client.get(url)
        assert response.status_code == 302
        assert response.url.startswith(reverse("login"))


@pytest.mark.parametrize("who", ["inspector", "assistant", "quality_assurer"])
def test_every_designer_page_is_hidden_from_the_rest_of_the_team(client, inspection, design, who, request):
    client.force_login(request.getfixturevalue(who))
    for url in pages(inspection, design):
        assert client.get(url).status_code == 404, url


def test_every_designer_page_is_hidden_from_the_lead_of_another_inspection(
    client, inspection, other_inspection, design
):
    from inspections.models import Role
    from tests.factories import team_member

    client.force_login(team_member(other_inspection, Role.LEAD))
    for url in pages(inspection, design):
        assert client.get(url).status_code == 404, url


def test_the_lead_sees_every_designer_page(client, inspection, lead, design):
    client.force_login(lead)
    for url in pages(inspection, design):
        assert client.get(url).status_code == 200, url


def test_the_draw_and_replacement_are_refused_to_the_rest_of_the_team(client, inspection, drawn, inspector):
    client.force_login(inspector)
    row = drawn.caseload.filter(role=SampleRole.SELECTED).first()
    assert client.post(reverse("inspections:sample_draw", args=[inspection.pk, KIND])).status_code == 404
    assert client.post(reverse("inspections:sample_discard", args=[inspection.pk, KIND])).status_code == 404
    url = reverse("inspections:sample_replace", args=[inspection.pk, KIND, row.pk])
    assert client.post(url, {"reason": "x"}).status_code == 404


def test_an_unknown_case_kind_is_not_found(client, inspection, lead):
    client.force_login(lead)
    assert client.get(reverse("inspections:caseload_upload", args=[inspection.pk, "tea"])).status_code == 404
    assert client.get(reverse("inspections:sample_design", args=[inspection.pk, KIND])).status_code == 404


def test_uploading_a_caseload_leads_to_its_design(client, inspection, lead):
    client.force_login(lead)
    response = client.post(reverse("inspections:caseload_upload", args=[inspection.pk, KIND]), upload_data())
    assert response.status_code == 302
    assert response.url == reverse("inspections:sample_design", args=[inspection.pk, KIND])
    design = SampleDesign.objects.get()
    assert design.window_start == datetime.date(2025, 10, 1)
    assert design.eligible.count() == 200 - len(design.exclusions)


def test_a_bad_caseload_shows_every_problem_with_line_and_column_and_saves_nothing(client, inspection, lead):
    rows = [caseload_row(i) for i in range(1, 4)]
    rows[0][6], rows[2][4] = "?", "soon"
    client.force_login(lead)
    response = client.post(
        reverse("inspections:caseload_upload", args=[inspection.pk, KIND]), upload_data(rows)
    )
    html = response.content.decode()
    assert "The file has two problems" in html
    assert "Line 2, Gender: Gender must be female or male" in html
    assert "Line 4, Supervision start date: Supervision start date must be a real date" in html
    assert not SampleDesign.objects.exists()


def test_an_upload_without_a_file_or_window_shows_the_errors(client, inspection, lead):
    client.force_login(lead)
    response = client.post(
        reverse("inspections:caseload_upload", args=[inspection.pk, KIND]),
        {"window_end_0": "1", "window_end_1": "1", "window_end_2": "2025"},
    )
    html = response.content.decode()
    assert "There is a problem" in html
    assert "Select a CSV or Excel file" in html
    assert "Enter the date the window starts" in html


def test_the_design_page_shows_size_margin_allocation_and_shares(client, inspection, lead, design):
    client.force_login(lead)
    html = client.get(reverse("inspections:sample_design", args=[inspection.pk, KIND])).content.decode()
    assert "Needed for 80% confidence, ±10 points" in html
    assert "Margin the sample achieves" in html
    for heading in ("female", "Ethnicity group", "Team", "Case type", "RoSH level"):
        assert heading in html
    assert "Draw the sample" in html


def test_changing_the_design_changes_the_size(client, inspection, lead, design):
    client.force_login(lead)
    url = reverse("inspections:sample_design", args=[inspection.pk, KIND])
    data = {
        "confidence": "90",
        "margin": "5",
        "minimum": "",
        "maximum": "",
        "strata": ["gender", "ethnicity"],
        "practitioner_cap": "6",
        "reserve_per_stratum": "2",
        "method": "systematic",
        "seed": "99",
    }
    assert client.post(url, data).status_code == 302
    design.refresh_from_db()
    assert (design.confidence, design.margin, design.strata) == (0.9, 0.05, ["gender", "ethnicity"])
    assert design.method == "systematic"


def test_a_bad_design_re_renders_with_what_was_typed(client, inspection, lead, design):
    client.force_login(lead)
    url = reverse("inspections:sample_design", args=[inspection.pk, KIND])
    data = {"confidence": "100", "margin": "ten", "minimum": "50", "maximum": "10", "practitioner_cap": "6"}
    response = client.post(url, data)
    assert response.status_code == 400
    html = response.content.decode()
    assert "Confidence must be a whole number from 50 to 99" in html
    assert "Margin must be a whole number of points from 1 to 50" in html
    assert 'value="ten"' in html
    assert "The minimum sample size must not be more than the maximum" in html


def test_drawing_adds_the_cases_and_a_replacement_uses_the_reserve(client, inspection, lead, design):
    client.force_login(lead)
    response = client.post(reverse("inspections:sample_draw", args=[inspection.pk, KIND]))
    assert response.status_code == 302
    design.refresh_from_db()
    assert design.is_drawn
    selected = design.caseload.filter(role=SampleRole.SELECTED)
    assert inspection.cases.count() == selected.count()
    row = selected.first()
    url = reverse("inspections:sample_replace", args=[inspection.pk, KIND, row.pk])
    assert "Replace case" in client.get(url).content.decode()
    assert client.post(url, {"reason": ""}).status_code == 400
    assert client.post(url, {"reason": "Transferred to another PDU"}).status_code == 302
    row.refresh_from_db()
    assert row.role == SampleRole.REPLACED
    html = client.get(reverse("inspections:sample_design", args=[inspection.pk, KIND])).content.decode()
    assert f"Replaced by {row.replaced_by.reference}: Transferred to another PDU" in html


def test_the_reproduction_page_shows_the_seed_hash_parameters_and_algorithm(client, inspection, lead, drawn):
    client.force_login(lead)
    html = client.get(reverse("inspections:sample_reproduce", args=[inspection.pk, KIND])).content.decode()
    assert drawn.file_sha256 in html
    assert "<code>11</code>" in html
    assert "stratified-random-v1" in html
    assert "80%, ±10 percentage points" in html


def test_starting_again_removes_the_drawn_cases(client, inspection, lead, drawn):
    client.force_login(lead)
    assert client.post(reverse("inspections:sample_discard", args=[inspection.pk, KIND])).status_code == 302
    assert not inspection.cases.exists()
    assert not SampleDesign.objects.exists()


def test_the_design_page_runs_a_fixed_number_of_queries(
    client, inspection, lead, design, django_assert_max_num_queries
):
    client.force_login(lead)
    url = reverse("inspections:sample_design", args=[inspection.pk, KIND])
    with django_assert_max_num_queries(8) as before:
        client.get(url)
    for i in range(300, 400):
        design.eligible.create(
            line=i,
            reference=f"Y{i}",
            start_date=datetime.date(2026, 1, 1),
            gender="male",
            ethnicity="White",
            team=f"Team {i}",
            practitioner=f"P{i}",
            attributes={"case_type": "licence", "rosh_level": "low"},
        )
    with django_assert_max_num_queries(len(before.captured_queries)):
        client.get(url)


def test_the_drawn_design_page_runs_a_fixed_number_of_queries(
    client, inspection, lead, drawn, assistant, django_assert_max_num_queries
):
    client.force_login(lead)
    url = reverse("inspections:sample_design", args=[inspection.pk, KIND])
    with django_assert_max_num_queries(9) as before:
        client.get(url)
    inspection.cases.update(assistant_inspector=assistant)  # as the assignment page does
    with django_assert_max_num_queries(len(before.captured_queries)):
        assert "assigned to Amira Hussain" in client.get(url).content.decode()


def test_the_task_list_links_to_the_designer(client, inspection, lead):
    client.force_login(lead)
    html = client.get(reverse("inspections:detail", args=[inspection.pk])).content.decode()
    assert reverse("inspections:sample_designer", args=[inspection.pk]) in html


def test_the_upload_page_lists_the_columns_of_its_case_kind(client, inspection, lead):
    client.force_login(lead)
    court = client.get(reverse("inspections:caseload_upload", args=[inspection.pk, "court_report"]))
    html = court.content.decode()
    assert "Report type" in html
    assert "Report date" in html
    assert "RoSH level" not in html
    supervision = client.get(
        reverse("inspections:caseload_upload", args=[inspection.pk, KIND])
    ).content.decode()
    assert "RoSH level" in supervision
    assert "Case types to sample" in supervision
    assert "Case types to sample" not in html


def test_the_drawn_sample_shows_the_case_kinds_attributes(client, inspection, lead, drawn):
    client.force_login(lead)
    html = client.get(reverse("inspections:sample_design", args=[inspection.pk, KIND])).content.decode()
    row = drawn.caseload.filter(role=SampleRole.SELECTED).first()
    sample = html[html.index('id="sample"') :]
    assert '<th scope="col" class="govuk-table__header">RoSH level</th>' in sample
    rosh = {"low": "Low", "medium": "Medium", "high": "High", "very_high": "Very high"}[
        row.attributes["rosh_level"]
    ]
    assert f'<td class="govuk-table__cell">{rosh}</td>' in sample
