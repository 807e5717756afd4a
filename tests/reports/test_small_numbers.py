"""Small numbers: a rate over fewer cases than the minimum is not shown to anyone without case-level access to every
case behind it, on the national dashboard, in its exports and in the API, and each says so."""

import csv
import io

import pytest
from django.urls import reverse
from hypothesis import given
from hypothesis import strategies as st

from cases.models import Answer, InspectedCase
from inspections import statistics
from inspections.models import Role
from reports.disclosure import SuppressedRate, is_small, not_shown, suppress_rate, suppressed_counts
from reports.selectors.small_numbers import small_numbers_minimum
from tests.factories import InspectedCaseFactory, InspectionFactory, JudgementFactory, team_member

NOTE = "fewer than 3 cases: not shown"

# The inspections here are open: the national pages show them only when asked to.
OPEN_TOO = {"inspections": "include-provisional"}


@pytest.mark.parametrize(
    ("total", "minimum", "small"),
    [(0, 3, False), (1, 3, True), (2, 3, True), (3, 3, False), (2, 0, False), (4, 5, True)],
)
def test_a_rate_is_small_when_over_some_cases_but_fewer_than_the_minimum(total, minimum, small):
    assert is_small(total, minimum) is small


def test_a_small_rate_keeps_no_figure_not_even_its_n():
    hidden = suppress_rate(statistics.sufficiency(1, 2), 3)
    assert isinstance(hidden, SuppressedRate)
    assert (hidden.rate, hidden.lower, hidden.upper) == (None, None, None)
    assert hidden.note == NOTE == not_shown(3)
    shown = statistics.sufficiency(2, 3)
    assert suppress_rate(shown, 3) is shown


@pytest.mark.parametrize(
    ("counts", "hidden"),
    [
        ([40, 30, 20], [False, False, False]),
        ([40, 30, 2], [False, True, True]),  # one hidden: the smallest other goes too, or n gives it away
        ([40, 3, 2], [False, True, True]),
        ([4], [True]),
        ([0, 12, 9], [True, False, True]),
    ],
)
def test_survey_counts_below_the_minimum_are_hidden_and_never_alone(counts, hidden):
    assert suppressed_counts(counts, 5) == hidden


@given(st.lists(st.integers(min_value=0, max_value=60), min_size=2, max_size=8))
def test_a_hidden_survey_count_can_never_be_worked_out_from_the_total(counts):
    hidden = suppressed_counts(counts, 5)
    assert sum(hidden) != 1
    assert all(hide for count, hide in zip(counts, hidden, strict=True) if count < 5)


def _inspection_with_cases(framework, cases):
    inspection = InspectionFactory()
    key_questions = list(
        framework.standards.filter(case_kind="supervision").values_list("key_questions", flat=True)
    )
    for number in range(cases):
        case = InspectedCaseFactory(inspection=inspection, status=InspectedCase.Status.SUBMITTED)
        for pk in key_questions:
            JudgementFactory(case=case, key_question_id=pk, answer=Answer.YES if number % 2 else Answer.NO)
    return inspection


@pytest.fixture
def two_cases(framework):
    return _inspection_with_cases(framework, 2)


def test_a_national_viewer_sees_no_rate_over_two_cases_and_is_told_why(client, two_cases, national_viewer):
    client.force_login(national_viewer)
    page = client.get(reverse("national_dashboard"), OPEN_TOO).content.decode()
    assert NOTE.capitalize() in page
    assert "1 of 2" not in page


def test_the_inspection_lead_sees_the_rates_of_their_own_cases(client, two_cases):
    lead = team_member(two_cases, Role.LEAD)
    client.force_login(lead)
    page = client.get(reverse("national_dashboard"), OPEN_TOO).content.decode()
    assert "1 of 2" in page
    assert NOTE.capitalize() not in page


def test_only_reading_every_case_pooled_lifts_the_minimum(framework, two_cases, superuser, national_viewer):
    other = _inspection_with_cases(framework, 1)
    lead = team_member(two_cases, Role.LEAD)
    team_member(other, Role.ASSISTANT_INSPECTOR, lead)  # reads only their own cases there, not every one
    assert small_numbers_minimum(lead, [two_cases.pk]) == 0
    assert small_numbers_minimum(lead, [two_cases.pk, other.pk]) == 3
    assert small_numbers_minimum(national_viewer, [two_cases.pk]) == 3
    assert small_numbers_minimum(superuser, [two_cases.pk, other.pk]) == 0


def test_three_cases_are_enough_to_show_a_rate_to_a_national_viewer(client, framework, national_viewer):
    _inspection_with_cases(framework, 3)
    client.force_login(national_viewer)
    page = client.get(reverse("national_dashboard"), OPEN_TOO).content.decode()
    assert "1 of 3" in page


def test_the_minimum_is_a_setting(client, two_cases, national_viewer, settings):
    settings.SMALL_NUMBERS_MINIMUM_CASES = 2
    client.force_login(national_viewer)
    assert "1 of 2" in client.get(reverse("national_dashboard"), OPEN_TOO).content.decode()


def test_the_national_export_has_the_note_in_place_of_the_figures(client, two_cases, national_viewer):
    client.force_login(national_viewer)
    response = client.get(reverse("national_dashboard_csv", args=["key-questions"]), OPEN_TOO)
    rows = list(csv.DictReader(io.StringIO(response.content.decode("utf-8-sig"))))
    assert rows
    for row in rows:
        assert row["Sufficiency: rate %"] == NOTE
        assert row["Sufficiency: n"] == row["Sufficiency: sufficient"] == ""


def test_the_national_workbook_has_the_note_in_place_of_the_figures(client, two_cases, national_viewer):
    from openpyxl import load_workbook

    client.force_login(national_viewer)
    response = client.get(reverse("national_dashboard_xlsx"), OPEN_TOO)
    workbook = load_workbook(io.BytesIO(response.content), read_only=True)
    values = [
        cell for sheet in workbook.worksheets for row in sheet.iter_rows(values_only=True) for cell in row
    ]
    assert NOTE in values


def test_the_api_gives_null_figures_and_says_why(client, two_cases, national_viewer):
    client.force_login(national_viewer)
    data = client.get("/api/v1/national/key-questions/", OPEN_TOO).json()
    overall = data["key_questions"][0]["overall"]
    assert overall == {
        "sufficient": None,
        "total": None,
        "rate": None,
        "ci_lower": None,
        "ci_upper": None,
        "suppressed": NOTE,
    }
    facts = client.get("/api/v1/national/key-questions/", {"format": "csv", **OPEN_TOO}).content.decode()
    assert NOTE in facts


def test_a_national_viewer_sees_no_small_rate_on_an_inspection_dashboard(client, two_cases, national_viewer):
    client.force_login(national_viewer)
    response = client.get(reverse("inspection_dashboard", args=[two_cases.pk]))
    assert response.status_code == 200
    assert all(
        isinstance(kq.rates.overall, SuppressedRate) for kq in response.context["dashboard"].key_questions
    )
    api = client.get(f"/api/v1/inspections/{two_cases.pk}/key-questions/").json()
    assert api["key_questions"][0]["overall"]["suppressed"] == NOTE


def test_suppression_costs_one_query_at_most(
    client, framework, national_viewer, django_assert_max_num_queries
):
    for _ in range(3):
        _inspection_with_cases(framework, 2)
    lead = team_member(InspectionFactory(), Role.LEAD)
    client.force_login(lead)
    # The dashboard (11), the lead's roles (1), the survey summary (1 without results), staffing by region (2) and
    # the regions' locked inspections (1).
    with django_assert_max_num_queries(16):
        assert client.get(reverse("national_dashboard"), OPEN_TOO).status_code == 200


def test_an_inspections_key_questions_and_band_changes_are_hidden_too(client, two_cases, national_viewer):
    client.force_login(national_viewer)
    dashboard = client.get(reverse("inspection_dashboard", args=[two_cases.pk])).context["dashboard"]
    assert any(standard["key_questions"] for standard in dashboard.case_standards)
    for standard in dashboard.case_standards:
        for kq in standard["key_questions"]:
            assert (kq["sufficient"], kq["total"], kq["rate"], kq["rating"], kq["suppressed"]) == (
                None,
                None,
                None,
                None,
                NOTE,
            )
    assert all(change.driving_up is None and change.standard_up is None for change in dashboard.band_changes)
    results = client.get(f"/api/v1/inspections/{two_cases.pk}/results/").json()
    key_questions = [kq for standard in results["standards"] for kq in standard["key_questions"]]
    assert key_questions
    assert all((kq["total"], kq["suppressed"]) == (None, NOTE) for kq in key_questions)


def test_the_lead_sees_every_figure_of_their_own_inspection(client, two_cases):
    client.force_login(team_member(two_cases, Role.LEAD))
    dashboard = client.get(reverse("inspection_dashboard", args=[two_cases.pk])).context["dashboard"]
    key_questions = [kq for standard in dashboard.case_standards for kq in standard["key_questions"]]
    assert key_questions
    assert all(kq["total"] == 2 and "suppressed" not in kq for kq in key_questions)
