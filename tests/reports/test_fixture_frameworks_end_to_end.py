"""The fixture frameworks that prove the format general run end to end without a code change (issue 14, point 5):
tests/inspections/data/youth-justice.json (a youth-justice-shaped framework: 13 standards in three domains, other
criteria, two kinds of case, a resettlement standard rated but not counted, a 36-point scale) and conditional.json
(key questions, prompts recorded per case and a fact that apply to some case types only). Each is loaded with
load_framework, its sample imported with the columns its case kinds define, every case answered and submitted
through the API by its assistant inspector, the team's judgements recorded by the service, and the results read from
the dashboard and the API."""

import csv
import io
from pathlib import Path

from django.core.management import call_command
from django.urls import reverse
from rest_framework.test import APIClient

from cases import imports
from cases.models import InspectedCase
from inspections.models import Framework, Inspection, Role
from inspections.services import organisational_rating_save
from reports.selectors import dashboards
from tests.factories import InspectionFactory, team_member

FIXTURES = Path(__file__).resolve().parents[1] / "inspections" / "data"
EVIDENCE = "Read in the case record."


def _loaded(name: str, slug: str) -> Framework:
    call_command("load_framework", str(FIXTURES / name), stdout=io.StringIO())
    return Framework.objects.get(slug=slug)


def _imported(
    inspection: Inspection, lead, assistant, rows: list[dict[str, str]]
) -> dict[str, InspectedCase]:
    """The cases of a sample file with exactly the columns the framework's case kinds define, all assigned."""
    headings = [heading for heading, _ in imports.sample_columns(inspection.framework.definition)]
    out = io.StringIO()
    writer = csv.DictWriter(out, headings)
    writer.writeheader()
    writer.writerows({imports.ASSISTANT: assistant.username, **row} for row in rows)
    preview = imports.sample_preview(inspection=inspection, name="sample.csv", data=out.getvalue().encode())
    assert preview.is_clean, [(p.line, p.column, p.message) for p in preview.problems]
    imports.sample_import(inspection=inspection, rows=preview.raw_rows, user=lead)
    return {case.reference: case for case in inspection.cases.all()}


def _api(user) -> APIClient:
    client = APIClient()
    client.force_login(user)
    return client


def _patched(client: APIClient, case: InspectedCase, body: dict):
    url = f"/api/v1/cases/{case.pk}/"
    return client.patch(url, body, format="json", HTTP_IF_MATCH=client.get(url)["ETag"])


def _submitted(client: APIClient, case: InspectedCase, body: dict) -> None:
    saved = _patched(client, case, body)
    assert saved.status_code == 200, saved.json()
    submitted = client.post(f"/api/v1/cases/{case.pk}/submit/", HTTP_IF_MATCH=saved["ETag"])
    assert submitted.status_code == 200, submitted.json()


def _judged(inspection: Inspection, lead, ratings: dict[str, str]) -> None:
    for code, rating in ratings.items():
        standard = inspection.framework.standards.get(code=code)
        organisational_rating_save(
            inspection=inspection, standard=standard, rating=rating, rationale=EVIDENCE, user=lead
        )


def test_a_youth_justice_shaped_framework_runs_from_import_to_dashboard_and_api(db):
    youth = _loaded("youth-justice.json", "yj-test")
    inspection = InspectionFactory(framework=youth)
    lead = team_member(inspection, Role.LEAD)
    assistant = team_member(inspection, username="amira")
    court = [
        {"Case reference": f"CD{n}", "Kind of case": "Court disposal case", "Disposal": disposal, "Age": age,
         "Start date": "2026-03-02"}
        for n, (disposal, age) in enumerate(
            [("Referral order", "10 to 14"), ("Youth rehabilitation order", "15 to 17"),
             ("Custodial sentence", "15 to 17"), ("Referral order", "")]
        )
    ]  # fmt: skip
    out_of_court = [
        {"Case reference": f"OC{n}", "Kind of case": "Out-of-court disposal case", "Disposal": "Youth caution",
         "Age": "10 to 14", "Start date": "2026-03-02"}
        for n in range(4)
    ]  # fmt: skip
    cases = _imported(inspection, lead, assistant, court + out_of_court)
    assert cases["CD1"].attributes == {
        "disposal": "youth_rehabilitation_order",
        "age_band": "age_15_to_17",
        "start_date": "2026-03-02",
    }
    assert cases["CD3"].attributes.get("age_band") is None  # an attribute that is not required may be blank

    client = _api(assistant)
    definition = youth.definition
    for reference, case in cases.items():
        kind = definition.case_kind(case.kind)
        # Court disposals: every key question sufficient in 3 of 4 cases (75%, Good); out of court, in all 4.
        answer = "no" if reference == "CD0" else "yes"
        _submitted(
            client,
            case,
            {
                "judgements": {
                    kq.code: {"answer": answer, "rationale": EVIDENCE}
                    for _, kq in definition.key_questions(case.kind)
                },
                "facts": {"safeguarding_referral": "made" if reference != "OC0" else "not_made"},
                "needs": {need.key: {"linked_to_offending": False} for need in kind.needs},
            },
        )
    _judged(
        inspection,
        lead,
        {"1.1": "good", "1.2": "good", "1.3": "good", "1.4": "good", "3.4": "good", "3.5": "outstanding"},
    )

    dashboard = dashboards.inspection_dashboard(
        Inspection.objects.select_related("framework").get(pk=inspection.pk)
    )
    results = dashboard.results
    ratings = {s["code"]: (s["rating"], s["counts_in_composite"]) for s in results["standards"]}
    assert len(ratings) == 13
    assert {ratings[code] for code in ("2.1", "2.2", "2.3", "2.4")} == {("good", True)}
    assert {ratings[code] for code in ("3.1", "3.2", "3.3")} == {("outstanding", True)}
    # Resettlement is rated and shown, but not counted: 4 x 2 + 4 x 2 + 3 x 3 + 2 = 27 out of 12 x 3.
    assert ratings["3.5"] == ("outstanding", False)
    assert (results["composite_score"], results["max_score"], results["overall_rating"]) == (27, 36, "good")
    criteria = {kq["criterion"] for s in results["standards"] for kq in s["key_questions"]}
    assert criteria == {"Desistance", "Safety and wellbeing", "Risk of harm to others", "Involvement"}
    facts = {kind.case_kind: kind.facts[0].rate for kind in dashboard.case_facts.kinds}
    assert {kind: (rate.sufficient, rate.total) for kind, rate in facts.items()} == {
        "court_disposal": (4, 4),
        "out_of_court": (3, 4),
    }

    lead_client = _api(lead)
    page = lead_client.get(reverse("inspection_dashboard", args=[inspection.pk])).content.decode()
    for words in (
        "27 out of 36",
        "Safety and wellbeing",
        "Out-of-court disposal cases",
        "Custodial sentence",
    ):
        assert words in page
    body = lead_client.get(f"/api/v1/inspections/{inspection.pk}/results/").json()
    assert (body["composite_score"], body["max_score"], body["framework"]["slug"]) == (27, 36, "yj-test")
    breakdowns = lead_client.get(f"/api/v1/inspections/{inspection.pk}/key-questions/").json()["breakdowns"]
    assert {b["key"] for b in breakdowns} == {"disposal", "age_band"}


def test_questions_that_apply_to_some_case_types_are_asked_answered_and_counted_only_there(db):
    conditional = _loaded("conditional.json", "conditional-test")
    inspection = InspectionFactory(framework=conditional)
    inspection.optional_standards.set(conditional.standards.filter(code="2.2"))  # licence conditions rated
    lead = team_member(inspection, Role.LEAD)
    assistant = team_member(inspection, username="amira")
    cases = _imported(
        inspection,
        lead,
        assistant,
        [
            {"Case reference": reference, "Case type": case_type, "Start date": "2026-03-02"}
            for reference, case_type in [
                ("C1", "Community order"),
                ("L1", "Licence"),
                ("L2", "Licence"),
                ("P1", "Post-sentence supervision"),
            ]
        ],
    )
    client = _api(assistant)

    # A community order is not asked the release question, nor the fact about the address on release.
    refused = _patched(
        client,
        cases["C1"],
        {"judgements": {"2.1.2": {"answer": "yes"}}, "facts": {"release_address": "yes"}},
    )
    assert refused.status_code == 400
    assert {error["field"] for error in refused.json()["errors"]} == {
        "judgements.2.1.2.answer",
        "facts.release_address",
    }
    _submitted(
        client,
        cases["C1"],
        {"judgements": {"2.1.1": {"answer": "yes", "rationale": EVIDENCE}}, "facts": {"oversight": "yes"}},
    )

    # A licence case answers each prompt of the release question as well as the question.
    licence = {
        "judgements": {
            "2.1.1": {"answer": "yes", "rationale": EVIDENCE},
            "2.1.2": {"answer": "yes", "rationale": EVIDENCE},
            "2.2.1": {"answer": "yes", "rationale": EVIDENCE},
        },
        "facts": {"oversight": "yes", "release_address": "no"},
    }
    assert _patched(client, cases["L1"], licence).status_code == 200
    incomplete = client.post(
        f"/api/v1/cases/{cases['L1'].pk}/submit/",
        HTTP_IF_MATCH=client.get(f"/api/v1/cases/{cases['L1'].pk}/")["ETag"],
    )
    assert incomplete.status_code == 422
    assert [error["message"] for error in incomplete.json()["errors"]] == [
        "Select yes, no or not applicable for prompt 1 of 2.1.2",
        "Select yes, no or not applicable for prompt 2 of 2.1.2",
    ]
    licence["judgements"]["2.1.2"]["prompts"] = {"0": "yes", "1": "no"}
    _submitted(client, cases["L1"], licence)
    licence["judgements"]["2.1.2"] = {
        "answer": "no",
        "rationale": EVIDENCE,
        "prompts": {"0": "no", "1": "no"},
    }
    _submitted(client, cases["L2"], licence)
    # Post-sentence supervision: the licence-conditions question and the address on release, not the release one.
    _submitted(
        client,
        cases["P1"],
        {
            "judgements": {
                "2.1.1": {"answer": "no", "rationale": EVIDENCE},
                "2.2.1": {"answer": "no", "rationale": EVIDENCE},
            },
            "facts": {"oversight": "no", "release_address": "yes"},
        },
    )
    assert cases["L1"].judgements.get(key_question__code="2.1.2").prompt_answers == {"0": "yes", "1": "no"}
    _judged(inspection, lead, {"1.1": "good"})

    results = dashboards.inspection_dashboard(
        Inspection.objects.select_related("framework").get(pk=inspection.pk)
    ).results
    rates = {
        kq["code"]: (kq["sufficient"], kq["total"]) for s in results["standards"] for kq in s["key_questions"]
    }
    # Each rate counts only the cases its question applies to.
    assert rates == {"2.1.1": (3, 4), "2.1.2": (1, 2), "2.2.1": (2, 3)}
    ratings = {s["code"]: s["rating"] for s in results["standards"]}
    # Assessment's lowest is 2.1.2 at 50%; licence conditions 66.7%: Good; leadership Good. 1 + 2 + 2 = 5 of 9.
    assert ratings == {"1.1": "good", "2.1": "requires_improvement", "2.2": "good"}
    assert (results["composite_score"], results["max_score"], results["overall_rating"]) == (5, 9, "good")
    facts = _api(lead).get(f"/api/v1/inspections/{inspection.pk}/case-facts/").json()["case_facts"]
    (supervision,) = facts["kinds"]
    counted = {
        fact["key"]: (fact["rate"]["sufficient"], fact["rate"]["total"]) for fact in supervision["facts"]
    }
    assert counted == {"release_address": (1, 3), "oversight": (3, 4)}
