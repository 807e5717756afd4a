import pytest
from django.urls import reverse

from cases.models import Answer, InspectedCase
from pdus.loading import published_ratings_load
from tests.factories import (
    InspectedCaseFactory,
    InspectionFactory,
    JudgementFactory,
    OrganisationalRatingFactory,
    UserFactory,
)


@pytest.fixture
def published(framework):
    """The published composites, and the framework they were published under (which bands them)."""
    published_ratings_load()


def test_anonymous_users_are_sent_to_sign_in(client, db):
    response = client.get(reverse("home"))
    assert response.status_code == 302
    assert response.url == f"{reverse('login')}?next=/"


def test_the_pdu_list_shows_every_pdu_with_its_published_composite_and_band(client, published):
    client.force_login(UserFactory())
    response = client.get(reverse("home"))
    assert response.status_code == 200
    rows = {row.pdu.name: row for row in response.context["rows"]}
    assert len(rows) == 36
    assert rows["Gateshead and South Tyneside"].published_overall.label == "Good"
    assert rows["West Kent"].published_overall.label == "Inadequate"
    assert "15 out of 27" in response.content.decode()


def test_members_see_provisional_ratings_of_their_inspections_only(
    client, inspection, other_inspection, lead, published
):
    client.force_login(lead)
    response = client.get(reverse("home"))
    shown = [result.inspection for row in response.context["rows"] for result in row.inspections]
    assert shown == [inspection]
    assert other_inspection not in shown


def test_assistant_inspectors_do_not_see_inspection_ratings(client, assistant, published):
    client.force_login(assistant)
    response = client.get(reverse("home"))
    assert not any(row.inspections for row in response.context["rows"])


def test_national_viewers_see_every_inspection(
    client, inspection, other_inspection, national_viewer, published
):
    client.force_login(national_viewer)
    response = client.get(reverse("home"))
    assert sum(len(row.inspections) for row in response.context["rows"]) == 2


def _inspection_with_cases(framework, cases):
    inspection = InspectionFactory()
    for standard in inspection.rated_standards().filter(rated_by="team_judgement"):
        OrganisationalRatingFactory(inspection=inspection, standard=standard)
    key_questions = list(
        framework.standards.filter(code__startswith="2.").values_list("key_questions", flat=True)
    )
    for _ in range(cases):
        case = InspectedCaseFactory(inspection=inspection, status=InspectedCase.Status.SUBMITTED)
        for pk in key_questions:
            JudgementFactory(case=case, key_question_id=pk, answer=Answer.YES)
    return inspection


@pytest.mark.parametrize("cases", [1, 6])
def test_the_pdu_list_runs_a_fixed_number_of_queries(
    client, framework, published, superuser, django_assert_max_num_queries, cases
):
    for _ in range(2):
        _inspection_with_cases(framework, cases)
    client.force_login(superuser)
    with django_assert_max_num_queries(11):
        response = client.get(reverse("home"))
    results = [result for row in response.context["rows"] for result in row.inspections]
    # Four organisational standards rated Good (2 each) and four case standards at 100% (3 each): 20 of 24.
    assert [result.composite_score for result in results] == [20, 20]
    assert {result.overall_rating.label for result in results} == {"Good"}
