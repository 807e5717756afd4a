"""Adding a case fact or a key question is a change to a framework document only: the results, dashboards, exports,
API and the lock's snapshot pick them up without a code change."""

import copy
import csv
import io

import pytest
from django.urls import reverse

from cases.models import Answer, InspectedCase
from inspections.frameworks import framework_load
from inspections.models import Inspection, KeyQuestion, Role
from reports import services, tables
from reports.selectors import dashboards
from tests.factories import (
    CaseFactFactory,
    InspectedCaseFactory,
    InspectionFactory,
    JudgementFactory,
    OrganisationalRatingFactory,
    team_member,
)

NEW_FACT = {
    "key": "accommodation_checked",
    "label": "Accommodation checked at the start",
    "question": "Was the person's accommodation checked at the start of the order?",
    "options": [
        {"value": "checked", "label": "Checked"},
        {"value": "not_checked", "label": "Not checked"},
        {"value": "not_needed", "label": "Not needed"},
    ],
    "sufficient": ["checked"],
    "counted": ["checked", "not_checked"],
}
NEW_KEY_QUESTION = {
    "code": "2.2.4",
    "criterion": "Diversity",
    "wording": "Does assessment take account of the person's diversity?",
    "prompts": [],
    "record_prompts": False,
}


@pytest.fixture
def extended(framework):
    """The shipped framework with one more supervision case fact and one more assessment key question."""
    document = copy.deepcopy(framework.document)
    document["slug"] = "pdu-extended"
    supervision = next(kind for kind in document["case_kinds"] if kind["slug"] == "supervision")
    supervision["facts"].append(NEW_FACT)
    assessment = next(s for s in document["standards"] if s["code"] == "2.2")
    assessment["key_questions"].append(NEW_KEY_QUESTION)
    return framework_load(document=document)


@pytest.fixture
def inspection(extended):
    """An inspection under the extended framework: three supervision cases answering every key question yes, the
    new one yes, no and no; the new fact checked, not checked and not needed; every judged standard Good."""
    inspection = InspectionFactory(framework=extended, status=Inspection.Status.QUALITY_ASSURANCE)
    key_questions = list(
        KeyQuestion.objects.filter(standard__framework=extended, standard__case_kind="supervision")
    )
    for answer, fact in [(Answer.YES, "checked"), (Answer.NO, "not_checked"), (Answer.NO, "not_needed")]:
        case = InspectedCaseFactory(inspection=inspection, status=InspectedCase.Status.APPROVED)
        for kq in key_questions:
            JudgementFactory(case=case, key_question=kq, answer=answer if kq.code == "2.2.4" else Answer.YES)
        CaseFactFactory(case=case, key=NEW_FACT["key"], value=fact)
    for standard in inspection.rated_standards().filter(rated_by="team_judgement"):
        OrganisationalRatingFactory(inspection=inspection, standard=standard, rating="good")
    return inspection


def test_a_new_key_question_rates_its_standard_and_a_new_fact_has_its_rate(inspection):
    dashboard = dashboards.inspection_dashboard(
        Inspection.objects.select_related("framework").get(pk=inspection.pk)
    )
    assessment = next(s for s in dashboard.results["standards"] if s["code"] == "2.2")
    new = assessment["key_questions"][-1]
    assert (new["code"], new["criterion"], new["sufficient"], new["total"]) == ("2.2.4", "Diversity", 1, 3)
    # The new key question is the lowest (33%): it drives assessment down to Inadequate.
    assert (assessment["driving_key_question"], assessment["rating"]) == ("2.2.4", "inadequate")
    fact = next(f for f in dashboard.case_facts.kind("supervision").facts if f.key == NEW_FACT["key"])
    assert (fact.label, fact.rate.sufficient, fact.rate.total) == (NEW_FACT["label"], 1, 2)
    shown = {t.slug: t for t in tables.inspection_tables(dashboard)}
    assert ["Accommodation checked at the start", fact.rate] in shown["case-facts"].rows
    assert any(row[1] == "2.2.4" and row[2] == "Diversity" for row in shown["key-questions"].rows)


def test_the_api_exports_and_snapshot_carry_them(inspection, client):
    lead = team_member(inspection, Role.LEAD)
    client.force_login(lead)
    facts = client.get(f"/api/v1/inspections/{inspection.pk}/case-facts/").json()["case_facts"]
    (supervision,) = facts["kinds"]
    assert NEW_FACT["key"] in [fact["key"] for fact in supervision["facts"]]
    csv_rows = list(
        csv.reader(
            io.StringIO(
                client.get(
                    reverse("inspection_dashboard_csv", args=[inspection.pk, "key-questions"])
                ).content.decode("utf-8-sig")
            )
        )
    )
    assert any(row[1] == "2.2.4" for row in csv_rows)
    snapshot = services.inspection_lock(inspection=inspection, user=lead)
    codes = [kq["code"] for s in snapshot.data["standards"] for kq in s["key_questions"]]
    assert "2.2.4" in codes
    assert snapshot.data["framework"]["slug"] == "pdu-extended"
