"""Per-inspection breakdowns and case facts, national and regional aggregates: the dashboards' selectors."""

import csv
import io

import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext
from rest_framework.test import APIClient

from cases.models import InspectedCase
from inspections.models import Role
from reports.selectors import rates
from tests.factories import (
    CaseFactFactory,
    CaseNeedFactory,
    InspectedCaseFactory,
    InspectionFactory,
    JudgementFactory,
    PDUFactory,
    RegionFactory,
    UserFactory,
    lock_with_frozen_counts,
    team_member,
)


def add_case(inspection, *, answer="yes", rosh="high", case_type="licence", **facts):
    """A counted supervision case answering 2.2.1, with these attributes and case facts (key -> value)."""
    case = InspectedCaseFactory(inspection=inspection, status=InspectedCase.Status.SUBMITTED)
    case.attributes = {**case.attributes, "rosh_level": rosh, "case_type": case_type}
    case.save()
    key_question = inspection.framework.standards.get(code="2.2").key_questions.get(code="2.2.1")
    JudgementFactory(case=case, key_question=key_question, answer=answer)
    for key, value in facts.items():
        CaseFactFactory(case=case, key=key, value=value)
    return case


def _breakdown_values(framework) -> int:
    """How many groups a supervision key question's rates come in: all, and each value of each breakdown."""
    kind = framework.definition.case_kind("supervision")
    return 1 + sum(len(a.options) for a in kind.attributes if a.breakdown)


# Open inspections' provisional figures, which the national endpoints leave out unless asked for them.
OPEN_TOO = {"inspections": "include-provisional"}


def rows(response):
    return list(csv.DictReader(io.StringIO(response.content.decode("utf-8-sig"))))


@pytest.fixture
def national(token_client, national_viewer):
    return token_client(national_viewer)


def test_key_questions_are_broken_down_by_rosh_level_and_case_type(inspection, lead, token_client):
    add_case(inspection, answer="yes", rosh="high", case_type="licence")
    add_case(inspection, answer="no", rosh="low", case_type="licence")
    body = token_client(lead).get(f"/api/v1/inspections/{inspection.pk}/key-questions/").json()
    first = body["key_questions"][0]
    assert (first["code"], first["case_kind"]) == ("2.2.1", "supervision")
    assert (first["overall"]["sufficient"], first["overall"]["total"]) == (1, 2)
    assert first["breakdowns"]["rosh_level"]["high"]["rate"] == 100.0
    assert first["breakdowns"]["rosh_level"]["low"]["rate"] == 0.0
    assert first["breakdowns"]["rosh_level"]["medium"]["rate"] is None
    assert first["breakdowns"]["case_type"]["licence"]["total"] == 2
    assert len(body["key_questions"]) == 12
    rosh = next(b for b in body["breakdowns"] if b["key"] == "rosh_level")
    assert rosh["case_kind"] == "supervision"
    assert rosh["values"][0] == {"value": "low", "label": "Low"}


def test_key_question_breakdowns_as_csv_have_a_row_per_group(inspection, lead, token_client):
    add_case(inspection, answer="yes", rosh="high")
    response = token_client(lead).get(f"/api/v1/inspections/{inspection.pk}/key-questions/?format=csv")
    high = next(r for r in rows(response) if r["key_question"] == "2.2.1" and r["group"] == "high")
    assert (high["breakdown"], high["n"], high["sufficient"], high["rate"]) == (
        "rosh_level",
        "1",
        "1",
        "100.0",
    )
    assert len(rows(response)) == 12 * _breakdown_values(inspection.framework)


def test_case_facts_are_rates_with_n_and_confidence_intervals(inspection, lead, token_client):
    case = add_case(inspection, rosh_classified_correctly="yes", home_visits="made")
    add_case(inspection, rosh_classified_correctly="no", home_visits="not_needed")
    CaseNeedFactory(case=case, need="drugs", linked_to_offending=True, sufficiently_addressed=True)
    facts = token_client(lead).get(f"/api/v1/inspections/{inspection.pk}/case-facts/").json()["case_facts"]
    assert facts["cases"] == 2
    (supervision,) = facts["kinds"]  # no court-report cases, court work not rated
    assert (supervision["case_kind"], supervision["cases"]) == ("supervision", 2)
    by_key = {fact["key"]: fact["rate"] for fact in supervision["facts"]}
    assert by_key["rosh_classified_correctly"]["rate"] == 50.0
    assert by_key["home_visits"]["total"] == 1  # not needed is left out
    drugs = next(n for n in supervision["needs"] if n["need"] == "drugs")
    assert (drugs["linked"], drugs["met"]["sufficient"]) == (1, 1)


def test_case_facts_are_the_dashboards(inspection, lead, token_client):
    add_case(inspection, rosh_classified_correctly="yes")
    facts = rates.case_facts([inspection.pk], [inspection.framework.definition]).kind("supervision")
    expected = next(f for f in facts.facts if f.key == "rosh_classified_correctly").rate
    body = token_client(lead).get(f"/api/v1/inspections/{inspection.pk}/case-facts/?format=csv")
    row = next(r for r in rows(body) if r["fact"] == "rosh_classified_correctly")
    assert row["case_kind"] == "supervision"
    assert (int(row["sufficient"]), int(row["n"])) == (expected.sufficient, expected.total)


@pytest.mark.parametrize("endpoint", ["key-questions", "case-facts"])
def test_breakdowns_are_refused_as_results_are(
    inspection, other_inspection, lead, assistant, endpoint, token_client
):
    assert APIClient().get(f"/api/v1/inspections/{inspection.pk}/{endpoint}/").status_code == 401
    assert token_client(assistant).get(f"/api/v1/inspections/{inspection.pk}/{endpoint}/").status_code == 403
    assert token_client(lead).get(f"/api/v1/inspections/{other_inspection.pk}/{endpoint}/").status_code == 404


@pytest.mark.parametrize("endpoint", ["key-questions", "case-facts"])
def test_inspection_breakdowns_take_the_same_queries_for_many_cases(framework, lead, endpoint, token_client):
    small, large = InspectionFactory(framework=framework), InspectionFactory(framework=framework)
    for inspection in (small, large):
        team_member(inspection, Role.LEAD, lead)
    add_case(small)
    for index in range(30):
        add_case(large, answer="yes" if index % 3 else "no", rosh=["low", "medium", "high"][index % 3])
    client = token_client(lead)
    counts = []
    for inspection in (small, large):
        with CaptureQueriesContext(connection) as queries:
            assert client.get(f"/api/v1/inspections/{inspection.pk}/{endpoint}/").status_code == 200
        counts.append(len(queries))
    assert counts[0] == counts[1]


# National and regional


@pytest.fixture
def two_regions(framework):
    north, south = RegionFactory(name="North East"), RegionFactory(name="South West")
    gateshead = InspectionFactory(framework=framework, pdu=PDUFactory(name="Gateshead", region=north))
    bristol = InspectionFactory(framework=framework, pdu=PDUFactory(name="Bristol", region=south))
    add_case(gateshead, answer="yes")
    add_case(bristol, answer="no")
    return {"north": north, "south": south, "gateshead": gateshead, "bristol": bristol}


def test_national_key_questions_pool_every_inspection_and_regional_ones_their_region(
    two_regions, national, settings
):
    settings.SMALL_NUMBERS_MINIMUM_CASES = 1  # two cases: pooled, not suppressed
    everywhere = national.get("/api/v1/national/key-questions/", OPEN_TOO).json()
    assert everywhere["region"] is None
    assert everywhere["key_questions"][0]["overall"]["total"] == 2
    north = national.get(
        "/api/v1/national/key-questions/", {"region": two_regions["north"].pk, **OPEN_TOO}
    ).json()
    assert north["region"] == "North East"
    assert (
        north["key_questions"][0]["overall"]["sufficient"],
        north["key_questions"][0]["overall"]["total"],
    ) == (
        1,
        1,
    )


def test_national_pdus_list_every_pdu_filtered_and_sorted(two_regions, national):
    body = national.get("/api/v1/national/pdus/?ordering=-pdu").json()
    assert [row["pdu"] for row in body["results"]] == ["Gateshead", "Bristol"]
    south = national.get("/api/v1/national/pdus/", {"region": two_regions["south"].pk, **OPEN_TOO}).json()
    assert [row["pdu"] for row in south["results"]] == ["Bristol"]
    assert south["results"][0]["inspection_id"] == two_regions["bristol"].pk
    assert south["results"][0]["provisional"] is True


def test_national_pdus_filter_by_period(two_regions, national):
    assert national.get("/api/v1/national/pdus/?period=2026-27").json()["count"] == 2
    later = national.get("/api/v1/national/pdus/?period=2030-31").json()["results"]
    assert all(row["inspection_id"] is None for row in later)


def test_national_filters_that_are_not_allowed_are_problems(two_regions, national):
    response = national.get("/api/v1/national/case-facts/?period=2026&region=999999&ordering=sideways")
    assert response.status_code == 400
    assert {error["field"] for error in response.json()["errors"]} == {"period"}
    unknown = national.get("/api/v1/national/case-facts/?region=999999")
    assert unknown.json()["errors"] == [{"field": "region", "message": "There is no region with id 999999."}]
    for period in ("9999-00", "0000-01", "²⁰²⁶-27"):
        response = national.get(f"/api/v1/national/pdus/?period={period}")
        assert response.status_code == 400, period
        assert [error["field"] for error in response.json()["errors"]] == ["period"]
    bad_sort = national.get("/api/v1/national/pdus/?ordering=sideways")
    assert [error["field"] for error in bad_sort.json()["errors"]] == ["ordering"]


def test_the_distribution_counts_overall_ratings(two_regions, national):
    body = national.get("/api/v1/national/distribution/").json()
    assert list(body["distribution"]) == ["outstanding", "good", "requires_improvement", "inadequate"]
    csv_rows = rows(national.get("/api/v1/national/distribution/?format=csv"))
    assert [r["overall_rating"] for r in csv_rows] == [
        "outstanding",
        "good",
        "requires_improvement",
        "inadequate",
    ]


@pytest.mark.parametrize("endpoint", ["pdus", "distribution", "key-questions", "case-facts"])
def test_national_figures_are_refused_to_assistant_inspectors_and_people_on_no_team(
    two_regions, endpoint, inspection, token_client
):
    assistant = team_member(two_regions["gateshead"], Role.ASSISTANT_INSPECTOR)
    assert token_client(assistant).get(f"/api/v1/national/{endpoint}/").status_code == 403
    assert token_client(UserFactory()).get(f"/api/v1/national/{endpoint}/").status_code == 403
    assert APIClient().get(f"/api/v1/national/{endpoint}/").status_code == 401
    lead = team_member(two_regions["gateshead"], Role.LEAD)
    assert token_client(lead).get(f"/api/v1/national/{endpoint}/").status_code == 200


def test_an_open_inspection_is_shown_nationally_only_to_its_team(two_regions, token_client):
    lead = team_member(two_regions["gateshead"], Role.LEAD)
    body = token_client(lead).get("/api/v1/national/pdus/", OPEN_TOO).json()
    by_pdu = {row["pdu"]: row["inspection_id"] for row in body["results"]}
    assert by_pdu == {"Gateshead": two_regions["gateshead"].pk, "Bristol": None}


@pytest.mark.parametrize("endpoint", ["pdus", "key-questions", "case-facts"])
def test_national_figures_take_the_same_queries_however_many_inspections(framework, national, endpoint):
    def measure():
        with CaptureQueriesContext(connection) as queries:
            response = national.get(f"/api/v1/national/{endpoint}/", {"format": "csv", **OPEN_TOO})
            assert response.status_code == 200
        return len(queries)

    add_case(InspectionFactory(framework=framework))
    few = measure()
    for _ in range(5):
        inspection = InspectionFactory(framework=framework)
        for _ in range(4):
            add_case(inspection)
    assert measure() == few


@pytest.mark.parametrize("endpoint", ["pdus", "distribution", "key-questions", "case-facts"])
def test_national_figures_with_locked_and_open_inspections_take_at_most_ten_queries(
    framework, national, national_viewer, endpoint
):
    for number in range(6):
        inspection = InspectionFactory(framework=framework)
        add_case(inspection, answer="yes")
        add_case(inspection, answer="no")
        if number % 3:
            lock_with_frozen_counts(inspection, national_viewer)
    with CaptureQueriesContext(connection) as queries:
        assert national.get(f"/api/v1/national/{endpoint}/", OPEN_TOO).status_code == 200
    assert len(queries) <= 10


def test_national_figures_are_final_unless_open_inspections_are_asked_for_as_on_the_page(
    two_regions, national, national_viewer, settings
):
    settings.SMALL_NUMBERS_MINIMUM_CASES = 1
    lock_with_frozen_counts(two_regions["gateshead"], national_viewer)  # Bristol stays open
    final = national.get("/api/v1/national/pdus/").json()["results"]
    assert {row["pdu"]: row["inspection_id"] for row in final} == {
        "Bristol": None,
        "Gateshead": two_regions["gateshead"].pk,
    }
    assert national.get("/api/v1/national/key-questions/").json()["key_questions"][0]["overall"]["total"] == 1
    assert national.get("/api/v1/national/case-facts/").json()["case_facts"]["cases"] == 1
    both = national.get("/api/v1/national/pdus/", OPEN_TOO).json()["results"]
    assert {row["pdu"]: (row["inspection_id"], row["provisional"]) for row in both} == {
        "Bristol": (two_regions["bristol"].pk, True),
        "Gateshead": (two_regions["gateshead"].pk, False),
    }
    assert national.get("/api/v1/national/case-facts/", OPEN_TOO).json()["case_facts"]["cases"] == 2
    assert (
        national.get("/api/v1/national/pdus/?inspections=").json()["results"] == final
    )  # the page's "locked only"


def test_an_inspections_choice_the_page_does_not_offer_is_a_problem(two_regions, national):
    response = national.get("/api/v1/national/key-questions/?inspections=all")
    assert response.status_code == 400
    assert [error["field"] for error in response.json()["errors"]] == ["inspections"]
