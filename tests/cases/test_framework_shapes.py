"""The case side follows the framework: court work is rated from court-report cases, 27 points with it and 24
without; a court-report case asks its own questions; and a new fact or key question is a change to a framework
document only."""

import copy
import re

import pytest
from django.core.exceptions import ValidationError
from django.urls import reverse

from cases import imports
from cases.forms.case_page import CaseForm
from cases.models import Answer, CaseFact, InspectedCase, Judgement
from cases.selectors.case_pages import case_page
from cases.selectors.sufficiency import fact_counts, key_question_counts
from cases.services import answers
from inspections.frameworks import framework_load
from inspections.models import Inspection, OrganisationalRating
from reports import rating
from reports.selectors.results import inspection_results
from tests.factories import InspectedCaseFactory, InspectionFactory, JudgementFactory, team_member

# Sufficient cases of 10 for each standard's key questions: the lowest decides the standard (methodology 3.2).
GATESHEAD_LIKE = {
    "2.1": [7, 8],  # court work: 70% → Good
    "2.2": [9, 8, 7],  # assessment: Good
    "2.3": [8, 6, 7],  # planning: 60% → Requires improvement
    "2.4": [6, 7, 8],  # implementation and delivery: Requires improvement
    "2.5": [7, 7, 9],  # reviewing: Good
}
DOMAIN_ONE = {"1.1": "good", "1.2": "good", "1.3": "requires_improvement", "1.4": "good"}  # 7 points


def _inspection_with_results(framework, *, court_work: bool) -> Inspection:
    inspection = InspectionFactory(framework=framework)
    if court_work:
        inspection.optional_standards.set(framework.standards.filter(code="2.1"))
    for code, value in DOMAIN_ONE.items():
        OrganisationalRating.objects.create(
            inspection=inspection, standard=framework.standards.get(code=code), rating=value, rationale="x"
        )
    definition = framework.definition
    rows = {kq.code: kq for standard in framework.standards.all() for kq in standard.key_questions.all()}
    for code, sufficient in GATESHEAD_LIKE.items():
        standard = definition.standard(code)
        if not court_work and code == "2.1":
            continue
        cases = [
            InspectedCaseFactory(
                inspection=inspection, kind=standard.case_kind, status=InspectedCase.Status.SUBMITTED
            )
            for _ in range(10)
        ]
        for key_question, yes in zip(standard.key_questions, sufficient, strict=True):
            for number, case in enumerate(cases):
                JudgementFactory(
                    case=case,
                    key_question=rows[key_question.code],
                    answer=Answer.YES if number < yes else Answer.NO,
                )
    # A case not yet submitted counts for nothing.
    unfinished = InspectedCaseFactory(inspection=inspection, status=InspectedCase.Status.IN_PROGRESS)
    JudgementFactory(case=unfinished, key_question=rows["2.3.2"], answer=Answer.NO)
    return inspection


def _composite(inspection: Inspection) -> tuple[int | None, int, rating.Rating | None]:
    """The composite, its maximum and the overall rating, as the dashboards, exports and API compute them."""
    result = inspection_results([Inspection.objects.select_related("framework").get(pk=inspection.pk)])
    value = result[inspection.pk]
    return value.composite_score, value.max_score, value.overall_rating


def test_a_27_point_inspection_rates_court_work_from_court_report_cases(framework):
    inspection = _inspection_with_results(framework, court_work=True)
    counts = key_question_counts(inspection)
    assert (counts["2.1.1"].sufficient, counts["2.1.1"].total) == (7, 10)
    assert (counts["2.3.2"].sufficient, counts["2.3.2"].total) == (
        6,
        10,
    )  # the unfinished case is not counted
    assert _composite(inspection) == (15, 27, rating.Rating.GOOD)  # Gateshead and South Tyneside, 2022-23


def test_a_24_point_inspection_leaves_court_work_out(framework):
    inspection = _inspection_with_results(framework, court_work=False)
    assert "2.1.1" not in key_question_counts(inspection)
    assert _composite(inspection) == (13, 24, rating.Rating.GOOD)  # 13 of 24 is just Good


def test_court_work_with_a_weak_key_question_costs_the_27_point_inspection_its_good(framework):
    inspection = _inspection_with_results(framework, court_work=True)
    court_report = inspection.cases.filter(kind="court_report").first()
    court_report.judgements.filter(key_question__code="2.1.1").update(answer=Answer.NO)
    # 2.1.1 is now 6 of 10: court work Requires improvement, 14 of 27, still Good by one point
    assert _composite(inspection) == (14, 27, rating.Rating.GOOD)


def test_a_court_report_case_asks_the_court_work_questions_and_its_own_facts(client, inspection, assistant):
    case = InspectedCaseFactory(inspection=inspection, kind="court_report", assistant_inspector=assistant)
    client.force_login(assistant)
    html = client.get(reverse("case_detail", args=[case.pk])).content.decode()
    # its task list is its kind's, from the framework: court work and its facts, no assessment, no needs
    assert re.findall(r'aria-describedby="task-[^"]+">([^<]+)</a>', html) == ["2.1 Court work", "Case facts"]
    assert "Criminogenic needs" not in html  # a court-report case has none
    assert "Report type" in html
    html = client.get(reverse("case_section", args=[case.pk, "2-1"])).content.decode()
    assert 'id="kq_2_1_1_answer"' in html
    assert client.get(reverse("case_section", args=[case.pk, "2-2"])).status_code == 404
    html = client.get(reverse("case_section", args=[case.pk, "case-facts"])).content.decode()
    assert 'id="fact_domestic_abuse_enquiries"' in html
    assert 'id="fact_home_visits"' not in html
    assert client.get(reverse("case_section", args=[case.pk, "needs"])).status_code == 404


def test_a_court_report_case_is_submitted_with_its_own_answers(inspection, assistant, complete_case):
    case = InspectedCaseFactory(inspection=inspection, kind="court_report", assistant_inspector=assistant)
    case = complete_case(case)
    submitted = answers.case_submit(case=case, user=assistant, expected_version=case.version)
    assert submitted.status == InspectedCase.Status.SUBMITTED
    assert set(submitted.judgements.values_list("key_question__code", flat=True)) == {"2.1.1", "2.1.2"}
    assert fact_counts(inspection)[("court_report", "child_safeguarding_enquiries")].total == 1


def test_a_supervision_case_cannot_answer_court_work(case, assistant):
    with pytest.raises(ValidationError) as refused:
        answers.case_save(
            case=case, user=assistant, expected_version=1, judgements={"2.1.1": {"answer": "yes"}}
        )
    assert refused.value.message_dict == {
        "kq_2_1_1_answer": [answers.UNKNOWN_KEY_QUESTION.format(code="2.1.1")]
    }


def _with_a_new_fact_and_key_question(framework) -> dict:
    """The shipped document as version 2, with a case fact and a key question added: nothing else changes."""
    document = copy.deepcopy(framework.document)
    document["version"] = 2
    supervision = next(kind for kind in document["case_kinds"] if kind["slug"] == "supervision")
    supervision["facts"].append(
        {
            "key": "victim_contact",
            "label": "Victim contact offered where needed",
            "question": "Was the victim offered contact where needed?",
            "options": [
                {"value": "offered", "label": "Offered"},
                {"value": "not_offered", "label": "Not offered"},
                {"value": "not_needed", "label": "Not needed"},
            ],
            "sufficient": ["offered"],
            "counted": ["offered", "not_offered"],
        }
    )
    assessment = next(standard for standard in document["standards"] if standard["code"] == "2.2")
    assessment["key_questions"].append(
        {
            "code": "2.2.4",
            "criterion": "Licence conditions",
            "wording": "Does assessment consider the licence conditions?",
            "prompts": ["Are the conditions necessary?", "Are they proportionate?"],
            "record_prompts": True,
            "applies_when": {"attribute": "case_type", "in": ["licence"]},
        }
    )
    return document


def test_a_new_fact_and_key_question_need_only_a_framework_document(client, framework):
    changed = framework_load(document=_with_a_new_fact_and_key_question(framework))
    inspection = InspectionFactory(framework=changed)
    assistant = team_member(inspection, username="amira")
    licence = InspectedCaseFactory(
        inspection=inspection,
        assistant_inspector=assistant,
        attributes={"case_type": "licence", "rosh_level": "high", "start_date": "2026-03-02"},
    )
    community = InspectedCaseFactory(inspection=inspection, assistant_inspector=assistant)
    client.force_login(assistant)

    # The case page asks them, of the cases they apply to.
    assert 'id="kq_2_2_4_answer"' in client.get(reverse("case_section", args=[licence.pk, "2-2"])).text
    assert 'id="kq_2_2_4_answer"' not in client.get(reverse("case_section", args=[community.pk, "2-2"])).text
    data = dict(CaseForm(page=case_page(licence)).initial)
    data.update(
        fact_victim_contact="offered",
        kq_2_2_4_answer="no",
        kq_2_2_4_rationale="The curfew is not explained.",
        kq_2_2_4_prompt_0="yes",
        kq_2_2_4_prompt_1="no",
        action="save",
    )
    assert client.post(reverse("case_detail", args=[licence.pk]), data).status_code == 302

    assert CaseFact.objects.get(case=licence, key="victim_contact").value == "offered"
    judgement = Judgement.objects.get(case=licence, key_question__code="2.2.4")
    assert (judgement.answer, judgement.prompt_answers) == ("no", {"0": "yes", "1": "no"})
    problems = {p.field for p in answers.case_problems(InspectedCase.objects.get(pk=licence.pk))}
    assert "fact_victim_contact" not in problems
    assert "kq_2_2_4_answer" not in problems
    assert "kq_2_2_4_answer" not in {p.field for p in answers.case_problems(community)}


def test_a_sample_of_several_kinds_names_each_rows_kind(inspection, assistant):
    header = (
        "Case reference,Kind of case,Case type,RoSH level,Supervision start date,Report type,Report date\n"
    )
    rows = (
        "S1,supervision case,licence,high,2026-03-02,,\n"
        "C1,Court-report case,,,,oral,2026-02-01\n"
        "C2,court report,,,,a letter,2026-02-01\n"
        "X1,victim case,,,,,\n"
    )
    result = imports.sample_preview(inspection=inspection, name="s.csv", data=(header + rows).encode())
    assert [(r.reference, r.kind.slug if r.kind else None) for r in result.rows] == [
        ("S1", "supervision"),
        ("C1", "court_report"),
        ("C2", "court_report"),
        ("X1", None),
    ]
    assert result.rows[1].attributes == {"report_type": "oral", "report_date": "2026-02-01"}
    assert [(p.line, p.column, p.message) for p in result.problems] == [
        (
            4,
            "Report type",
            imports.UNKNOWN_CHOICE.format(
                column="Report type",
                options="oral report, short-format written report or standard written report",
            ),
        ),
        (5, "Kind of case", imports.UNKNOWN_KIND.format(options="supervision case or court-report case")),
    ]


def test_a_chosen_kind_needs_only_its_own_columns(inspection, lead):
    data = "Case reference,Report type,Court,Report date\nC1,standard,crown court,01/02/2026\n"
    result = imports.sample_preview(
        inspection=inspection, name="s.csv", data=data.encode(), kind="court_report"
    )
    assert result.is_clean
    imports.sample_import(inspection=inspection, rows=result.raw_rows, user=lead, kind="court_report")
    case = InspectedCase.objects.get(reference="C1")
    assert (case.kind, case.attributes) == (
        "court_report",
        {"report_type": "standard", "court": "crown", "report_date": "2026-02-01"},
    )
