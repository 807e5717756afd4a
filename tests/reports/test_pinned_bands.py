"""An inspection is rated with the bands of the framework version it is pinned to, never the current file's: its
dashboard, its snapshot and the API agree, even when another version bands the same rates differently."""

import copy

import pytest
from django.urls import reverse

from cases.models import Answer, InspectedCase
from inspections.frameworks import framework_load
from inspections.models import Inspection, KeyQuestion, Role
from reports import services
from reports.models import InspectionSnapshot
from reports.selectors import dashboards
from tests.factories import (
    InspectedCaseFactory,
    InspectionFactory,
    JudgementFactory,
    MembershipFactory,
    OrganisationalRatingFactory,
    UserFactory,
)


@pytest.fixture
def stricter_version(framework):
    """The shipped framework's standards as another version whose key-question bands are far stricter."""
    data = copy.deepcopy(framework.document)
    data["version"] = framework.version + 1
    data["key_question_bands"] = {"outstanding": 95, "good": 90, "requires_improvement": 85}
    return framework_load(document=data)


@pytest.fixture
def pinned(stricter_version):
    """An approved sample where every key question is sufficient in 7 cases of 10 (70%: Good by the shipped bands,
    Inadequate by the stricter version's), and every organisational standard rated Good."""
    inspection = InspectionFactory(framework=stricter_version, status=Inspection.Status.QUALITY_ASSURANCE)
    lead = MembershipFactory(inspection=inspection, role=Role.LEAD).user
    key_questions = list(
        KeyQuestion.objects.of_framework(stricter_version.pk).filter(standard__case_kind="supervision")
    )
    for index in range(10):
        case = InspectedCaseFactory(inspection=inspection, status=InspectedCase.Status.APPROVED)
        for key_question in key_questions:
            answer = Answer.YES if index < 7 else Answer.NO
            JudgementFactory(case=case, key_question=key_question, answer=answer)
    for standard in stricter_version.standards.filter(rated_by="team_judgement", is_optional=False):
        OrganisationalRatingFactory(inspection=inspection, standard=standard, rating="good")
    return inspection, lead


def _key_question_ratings(results):
    return {kq["rating"] for standard in results["standards"] for kq in standard["key_questions"]}


def test_the_dashboard_rates_by_the_pinned_versions_bands(pinned, framework):
    inspection, _ = pinned
    assert framework.definition.key_question_bands["good"] == 65  # 70% would be Good by the shipped file
    dashboard = dashboards.inspection_dashboard(
        Inspection.objects.select_related("framework").get(pk=inspection.pk)
    )
    assert _key_question_ratings(dashboard.results) == {"inadequate"}
    assert {s["rating"] for s in dashboard.case_standards} == {"inadequate"}
    # Four organisational standards Good (8 points), four case standards Inadequate: 8 of 24, Requires improvement.
    assert (dashboard.results["composite_score"], dashboard.results["overall_rating"]) == (
        8,
        "requires_improvement",
    )


def test_the_snapshot_and_the_api_rate_by_the_pinned_versions_bands(pinned, client):
    inspection, lead = pinned
    snapshot = services.inspection_lock(inspection=inspection, user=lead)
    assert snapshot == InspectionSnapshot.objects.get(inspection=inspection)
    assert _key_question_ratings(snapshot.data) == {"inadequate"}
    client.force_login(lead)
    body = client.get(f"/api/v1/inspections/{inspection.pk}/results/").json()
    assert _key_question_ratings(body) == {"inadequate"}
    assert body["overall_rating"] == "requires_improvement"
    page = client.get(reverse("inspection_dashboard", args=[inspection.pk])).content.decode()
    assert "Good" not in page.split("Key questions by standard and criterion")[1].split("</table>")[0]


def test_a_national_viewer_sees_it_banded_the_same_way(pinned):
    inspection, lead = pinned
    services.inspection_lock(inspection=inspection, user=lead)
    dashboard = dashboards.national_dashboard(UserFactory(is_national_viewer=True))
    (row,) = dashboard.inspected
    assert row.overall_rating.value == "requires_improvement"
