"""A region inspected under a framework whose standards pool its PDUs' cases (methodology 2b): a pooled standard is
rated by the lowest of its key questions, each pooled over the counted cases of the region's PDU inspections."""

import pytest
from django.urls import reverse

from cases.models import Answer, InspectedCase
from inspections.frameworks import framework_load
from inspections.models import Framework, Inspection, KeyQuestion
from reports import tables
from reports.selectors import dashboards
from tests.factories import (
    InspectedCaseFactory,
    InspectionFactory,
    JudgementFactory,
    OrganisationalRatingFactory,
    PDUFactory,
    RegionFactory,
)


@pytest.fixture
def regional_framework(framework):
    """A regional framework: leadership by the team's judgement, and assessment pooled from the PDU framework's
    assessment key questions (2.2.1-2.2.3) over the region's PDUs' cases."""
    pooled_from = framework.definition.standard("2.2")
    document = {
        "format": 2,
        "slug": "region-test",
        "version": 1,
        "name": "Regional inspections (test)",
        "unit": "region",
        "effective_from": "2024-01-01",
        "key_question_bands": {"outstanding": 80, "good": 65, "requires_improvement": 50},
        "overall": {
            "rule": "composite",
            "bands": {"6": {"outstanding": 6, "good": 4, "requires_improvement": 2}},
        },
        "domains": [{"code": "R1", "title": "Leadership"}, {"code": "R2", "title": "Pooled case work"}],
        "case_kinds": [],
        "standards": [
            {"code": "R1.1", "domain": "R1", "title": "Regional leadership", "rated_by": "team_judgement"},
            {
                "code": "R2.1",
                "domain": "R2",
                "title": "Assessment across the region",
                "rated_by": "pooled",
                "pool_from": framework.slug,
                "key_questions": [
                    {
                        "code": f"R{kq.code}",
                        "criterion": kq.criterion,
                        "wording": kq.wording,
                        "pools": [kq.code],
                    }
                    for kq in pooled_from.key_questions
                ],
            },
        ],
    }
    return framework_load(document=document)


def _pdu_cases(framework, pdu, answers):
    inspection = InspectionFactory(framework=framework, pdu=pdu)
    key_questions = KeyQuestion.objects.filter(standard__framework=framework, standard__code="2.2")
    for answer in answers:
        case = InspectedCaseFactory(inspection=inspection, status=InspectedCase.Status.SUBMITTED)
        for kq in key_questions:
            JudgementFactory(case=case, key_question=kq, answer=answer)
    return inspection


def test_a_regional_standard_is_rated_from_its_pdus_pooled_cases(framework, regional_framework):
    north, south = RegionFactory(name="North"), RegionFactory(name="South")
    _pdu_cases(framework, PDUFactory(region=north), [Answer.YES, Answer.YES, Answer.NO])
    _pdu_cases(framework, PDUFactory(region=north), [Answer.YES])
    _pdu_cases(framework, PDUFactory(region=south), [Answer.NO] * 10)  # another region: not pooled
    regional = InspectionFactory(framework=regional_framework, pdu=None, region=north)
    OrganisationalRatingFactory(
        inspection=regional, standard=regional_framework.standards.get(code="R1.1"), rating="good"
    )
    dashboard = dashboards.inspection_dashboard(
        Inspection.objects.select_related("framework").get(pk=regional.pk)
    )
    pooled = next(s for s in dashboard.results["standards"] if s["code"] == "R2.1")
    # 3 of 4 cases over the North's two PDU inspections: 75%, Good.
    assert [(kq["sufficient"], kq["total"]) for kq in pooled["key_questions"]] == [(3, 4)] * 3
    assert (pooled["rated_by"], pooled["rating"]) == ("pooled", "good")
    assert (dashboard.results["composite_score"], dashboard.results["max_score"]) == (4, 6)
    assert dashboard.overall_rating.value == "good"
    shown = {t.slug: t.export_rows() for t in tables.inspection_tables(dashboard)}
    assert shown["standards"][1][:4] == [
        "R2.1",
        "Assessment across the region",
        pooled["rated_by_label"],
        "Good",
    ]
    assert dashboard.inspection.unit == north


def test_the_regional_inspections_dashboard_and_report_name_the_region(
    client, framework, regional_framework, national_viewer
):
    north = RegionFactory(name="North")
    _pdu_cases(framework, PDUFactory(region=north), [Answer.YES, Answer.NO])
    regional = InspectionFactory(framework=regional_framework, pdu=None, region=north)
    client.force_login(national_viewer)
    response = client.get(reverse("inspection_dashboard", args=[regional.pk]))
    assert response.status_code == 200
    page = response.content.decode()
    assert "North: inspection dashboard" in page
    assert "Assessment across the region" in page
    pdf = client.get(reverse("inspection_report_pdf", args=[regional.pk]))
    assert pdf.status_code == 200
    assert 'filename="north-' in pdf["Content-Disposition"]


def test_the_shipped_regional_framework_pools_its_pdus_second_programme_cases(framework):
    """region-2023 rates desistance, public protection, resettlement and court work from the cases of its PDUs'
    pdu-2023 inspections: each regional key question pools the PDU key question it names, resettlement only the
    licence cases its PDU questions apply to, court work the court-report cases."""
    pdu_framework = Framework.objects.get(slug="pdu-2023")
    regional_framework = Framework.objects.get(slug="region-2023")
    north = RegionFactory(name="North")
    rows = {kq.code: kq for kq in KeyQuestion.objects.filter(standard__framework=pdu_framework)}
    for pdu, answers in ((PDUFactory(region=north), "yyn"), (PDUFactory(region=north), "n")):
        inspection = InspectionFactory(framework=pdu_framework, pdu=pdu)
        for number, answer in enumerate(answers):
            yes_or_no = Answer.YES if answer == "y" else Answer.NO
            case = InspectedCaseFactory(
                inspection=inspection,
                status=InspectedCase.Status.SUBMITTED,
                attributes={
                    "case_type": "licence" if number == 0 else "community_order",
                    "rosh_level": "low",
                },
            )
            for code in ("2.1.2", "2.4.2", "2.1.3", "R.2.1"):
                JudgementFactory(case=case, key_question=rows[code], answer=yes_or_no)
            court = InspectedCaseFactory(
                inspection=inspection,
                kind="court_report",
                status=InspectedCase.Status.SUBMITTED,
                attributes={"report_type": "oral"},
            )
            JudgementFactory(case=court, key_question=rows["R.1.1"], answer=yes_or_no)
    regional = InspectionFactory(framework=regional_framework, pdu=None, region=north)
    results = dashboards.inspection_dashboard(
        Inspection.objects.select_related("framework").get(pk=regional.pk)
    ).results
    pooled = {
        kq["code"]: (kq["sufficient"], kq["total"]) for s in results["standards"] for kq in s["key_questions"]
    }
    assert pooled["2.1.1"] == pooled["2.1.4"] == (2, 4)  # desistance: the PDUs' 2.1.2 and 2.4.2
    assert pooled["2.1.2"] == (0, 0)  # 2.2.2 was not answered
    assert pooled["2.2.1"] == (2, 4)  # public protection: the PDUs' 2.1.3
    # Resettlement's question applies to licence cases only: the answers to community orders do not count.
    assert pooled["2.3.1"] == (1, 2)
    assert pooled["2.5.1"] == (2, 4)  # court work: the court-report cases
    rated_by = {s["code"]: s["rated_by"] for s in results["standards"]}
    assert [code for code, how in rated_by.items() if how == "pooled"] == ["2.1", "2.2", "2.3", "2.5"]
