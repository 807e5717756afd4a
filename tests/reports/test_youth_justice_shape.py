"""A youth-justice-shaped framework (tests/reports/data/youth-justice-shape.json: 12 standards in three domains,
other criteria, two case kinds, a 36-point scale) runs through the results, the dashboard, its exports and the API
without a code change."""

import json
from pathlib import Path

import pytest
from django.urls import reverse

from cases.models import Answer, InspectedCase
from inspections.frameworks import framework_load
from inspections.models import Inspection, KeyQuestion, Role
from reports import tables
from reports.selectors import dashboards
from tests.factories import (
    CaseFactFactory,
    InspectedCaseFactory,
    InspectionFactory,
    JudgementFactory,
    OrganisationalRatingFactory,
    team_member,
)

FRAMEWORK_FILE = Path(__file__).parent / "data" / "youth-justice-shape.json"


@pytest.fixture
def youth(db):
    return framework_load(document=json.loads(FRAMEWORK_FILE.read_text(encoding="utf-8")))


@pytest.fixture
def inspection(youth):
    """Four counted cases of each kind: every key question sufficient in 3 of 4 (75%, Good); the team rates its four
    standards Good; each kind's fact made in 3 of 4."""
    inspection = InspectionFactory(framework=youth)
    for kind in youth.definition.case_kinds:
        key_questions = list(
            KeyQuestion.objects.filter(standard__framework=youth, standard__case_kind=kind.slug)
        )
        disposal = kind.attributes[0].options[-1].value
        for number in range(4):
            case = InspectedCaseFactory(
                inspection=inspection,
                kind=kind.slug,
                status=InspectedCase.Status.SUBMITTED,
                attributes={"disposal_type": disposal, "start_date": "2026-03-02"},
            )
            for kq in key_questions:
                JudgementFactory(case=case, key_question=kq, answer=Answer.YES if number else Answer.NO)
            CaseFactFactory(case=case, key=kind.facts[0].key, value="made" if number else "not_made")
    for standard in inspection.rated_standards().filter(rated_by="team_judgement"):
        OrganisationalRatingFactory(inspection=inspection, standard=standard, rating="good")
    return inspection


def test_twelve_standards_rate_out_of_36_from_two_kinds_of_case(inspection):
    dashboard = dashboards.inspection_dashboard(
        Inspection.objects.select_related("framework").get(pk=inspection.pk)
    )
    results = dashboard.results
    assert len(results["standards"]) == 12
    assert (results["composite_score"], results["max_score"], results["overall_rating"]) == (24, 36, "good")
    assert {s["rating"] for s in results["standards"]} == {"good"}
    criteria = {kq.criterion for _, kq in inspection.framework.definition.key_questions()}
    assert {kq["criterion"] for s in dashboard.case_standards for kq in s["key_questions"]} == criteria
    # One fact chart and table per case kind, and a breakdown by each kind's disposal type.
    slugs = [t.slug for t in tables.inspection_tables(dashboard)]
    assert {"case-facts-court-disposal", "case-facts-out-of-court"} <= set(slugs)
    assert {"by-court-disposal-disposal-type", "by-out-of-court-disposal-type"} <= set(slugs)
    assert [kind.cases for kind in dashboard.case_facts.kinds] == [4, 4]
    assert all(kind.facts[0].rate.rate == 75.0 for kind in dashboard.case_facts.kinds)


def test_the_dashboard_and_api_serve_it(inspection, client):
    lead = team_member(inspection, Role.LEAD)
    client.force_login(lead)
    page = client.get(reverse("inspection_dashboard", args=[inspection.pk]))
    assert page.status_code == 200
    text = page.content.decode()
    for words in ("24 out of 36", "Safety and wellbeing", "Risk of harm to others", "Out-of-court disposals"):
        assert words in text
    body = client.get(f"/api/v1/inspections/{inspection.pk}/results/").json()
    assert (body["max_score"], body["framework"]["slug"]) == (36, "youth-test")
    key_questions = client.get(f"/api/v1/inspections/{inspection.pk}/key-questions/").json()
    assert {b["key"] for b in key_questions["breakdowns"]} == {"disposal_type"}
    facts = client.get(f"/api/v1/inspections/{inspection.pk}/case-facts/").json()["case_facts"]
    assert [kind["case_kind"] for kind in facts["kinds"]] == ["court_disposal", "out_of_court"]
    assert client.get(reverse("inspection_dashboard_xlsx", args=[inspection.pk])).status_code == 200
