"""The lead's tools in the browser, at desktop width and on a 375 px phone: sharing cases evenly, bulk approval with
its confirmation (a case changed meanwhile is refused by name), and resolving a second-marking disagreement with
both markers' evidence side by side (and taking an unmarked case off second marking). Axe on every page; no page
scrolls sideways on the phone."""

import datetime
import re

import pytest
from playwright.sync_api import expect

from cases.demo import DEMO_PASSWORD, demo_users_create
from cases.models import InspectedCase, SecondJudgement, SecondMarking
from cases.services import moderation, workflow
from inspections import services
from pdus.loading import published_ratings_load
from pdus.models import PDU

WIDTHS = [1280, 375]


def assert_no_sideways_scroll(page, width):
    page.wait_for_load_state("load")
    assert page.evaluate("document.documentElement.scrollWidth") <= width, page.url


@pytest.fixture
def team(transactional_db, framework):
    """An inspection led by the demo lead, with Amira and Ben as assistant inspectors and Quinn as quality assurer."""
    published_ratings_load()
    users = demo_users_create()
    inspection = services.inspection_create(
        pdu=PDU.objects.get(name="Gwent"),
        framework=framework,
        fieldwork_start=datetime.date(2027, 1, 4),
        fieldwork_end=datetime.date(2027, 1, 15),
        lead=users["lead"],
        assistant_inspectors=[users["amira"], users["ben"]],
        quality_assurers=[users["quality"]],
        user=users["lead"],
    )
    return inspection, users


def new_case(inspection, reference, assistant=None):
    return InspectedCase.objects.create(
        inspection=inspection,
        reference=reference,
        kind="supervision",
        attributes={"case_type": "licence", "rosh_level": "high", "start_date": "2026-03-02"},
        assistant_inspector=assistant,
    )


@pytest.mark.parametrize("width", WIDTHS)
def test_lead_shares_unassigned_cases_evenly_after_checking_the_share(
    page, team, sign_in, assert_accessible, width
):
    inspection, users = team
    for n in range(5):
        new_case(inspection, f"SHARE{n}")
    page.set_viewport_size({"width": width, "height": 900})
    sign_in(page, "lead", DEMO_PASSWORD)
    page.goto(f"/inspections/{inspection.pk}/assignment/")
    page.get_by_role("button", name="Share evenly among assistant inspectors").click()
    plan = page.get_by_role("table", name="What will change")
    expect(plan).to_contain_text("SHARE0, SHARE1, SHARE2")
    expect(plan).to_contain_text("SHARE3, SHARE4")
    assert_accessible(page)
    assert_no_sideways_scroll(page, width)
    page.get_by_role("button", name="Confirm and assign").click()
    expect(page.get_by_text("5 cases shared among 2 assistant inspectors")).to_be_visible()
    assert inspection.cases.filter(assistant_inspector=users["amira"]).count() == 3

    # Select all, then deselect all, by the button the script shows.
    select_all = page.get_by_role("button", name="Select all cases")
    select_all.click()
    expect(page.locator('input[name="cases"]:checked')).to_have_count(5)
    page.get_by_role("button", name="Deselect all cases").click()
    expect(page.locator('input[name="cases"]:checked')).to_have_count(0)


@pytest.mark.parametrize("width", WIDTHS)
def test_lead_approves_several_cases_at_once_and_is_told_which_changed_meanwhile(
    page, team, sign_in, assert_accessible, submit_case, width
):
    inspection, users = team
    cases = [submit_case(new_case(inspection, f"BULK{n}", users["amira"])) for n in range(3)]
    new_case(inspection, "DRAFT1", users["ben"])
    page.set_viewport_size({"width": width, "height": 900})
    sign_in(page, "lead", DEMO_PASSWORD)
    page.goto(f"/inspections/{inspection.pk}/quality-assurance/")
    page.get_by_role("group", name="Show cases that are").get_by_label("Submitted").check()
    page.get_by_role("button", name="Apply filter").click()
    expect(page.get_by_role("table", name=re.compile("3 cases: submitted"))).to_be_visible()
    assert_accessible(page)
    assert_no_sideways_scroll(page, width)

    page.get_by_role("button", name="Select all submitted cases").click()
    page.get_by_role("button", name="Approve selected cases").click()
    expect(page.get_by_role("heading", name="Approve 3 cases")).to_be_visible()
    expect(page.get_by_role("table", name="Cases to approve")).to_contain_text("BULK2")
    assert_accessible(page)
    assert_no_sideways_scroll(page, width)

    # Meanwhile the quality assurer returns BULK1 with a query.
    workflow.case_return(case=cases[1], user=users["quality"], text="Check 2.2.1", key_question_code="2.2.1")
    page.get_by_role("button", name="Approve 3 cases").click()
    expect(page.get_by_text("2 cases approved")).to_be_visible()
    expect(
        page.get_by_text("Case BULK1 was not approved. It changed after the list was shown")
    ).to_be_visible()
    assert_accessible(page)
    statuses = dict(inspection.cases.values_list("reference", "status"))
    assert statuses == {
        "BULK0": "approved",
        "BULK1": "returned",
        "BULK2": "approved",
        "DRAFT1": "not_started",
    }


@pytest.mark.parametrize("width", WIDTHS)
def test_lead_resolves_a_disagreement_seeing_both_markings_and_it_stays_listed(
    page, team, sign_in, assert_accessible, submit_case, width
):
    inspection, users = team
    lead, amira, ben = users["lead"], users["amira"], users["ben"]
    case = submit_case(new_case(inspection, "MOD1", amira))
    marking = moderation.second_marking_choose(case=case, marker=ben, user=lead)
    codes = case.judgements.values_list("key_question__code", flat=True)
    judgements = {code: {"answer": "yes"} for code in codes}
    judgements["2.2.1"] = {"answer": "no", "rationale": "No engagement in the first six weeks."}
    moderation.second_marking_save(marking=marking, user=ben, judgements=judgements)
    waiting = moderation.second_marking_choose(
        case=submit_case(new_case(inspection, "MOD2", amira)), marker=ben, user=lead
    )

    page.set_viewport_size({"width": width, "height": 900})
    sign_in(page, "lead", DEMO_PASSWORD)
    page.goto(f"/inspections/{inspection.pk}/moderation/")
    agreement = page.get_by_role("table", name=re.compile("Agreement between first and second markers"))
    expect(agreement).to_contain_text("Gwet's AC1")
    card = page.locator(f"#disagreement-{SecondJudgement.objects.get(answer='no').pk}")
    expect(card).to_contain_text("First marking (A), Amira Hussain")
    expect(card).to_contain_text("Evidence in the notes.")
    expect(card).to_contain_text("Second marking (B), Ben Clarke")
    expect(card).to_contain_text("No engagement in the first six weeks.")
    assert_accessible(page)
    assert_no_sideways_scroll(page, width)

    # MOD2 has not been marked yet: it can be taken off second marking.
    page.get_by_role("button", name="Remove MOD2 from second marking").click()
    expect(page.get_by_text("Case MOD2 is no longer chosen for second marking")).to_be_visible()
    assert not SecondMarking.objects.filter(pk=waiting.pk).exists()

    group = page.get_by_role("group", name="Agreed judgement for MOD1 2.2.1")
    group.get_by_label("No, the second marking (B)").check()
    page.get_by_role("button", name="Record agreed judgement for MOD1 2.2.1").click()
    summary = page.locator(".govuk-error-summary")
    expect(summary).to_contain_text("Enter why this is the agreed judgement")
    assert_accessible(page)
    summary.get_by_role("link", name="Enter why this is the agreed judgement").click()
    expect(page.get_by_label("Why is this the agreed judgement?")).to_be_focused()
    expect(group.get_by_label("No, the second marking (B)")).to_be_checked()  # kept as chosen
    page.get_by_label("Why is this the agreed judgement?").fill("The contact log shows no appointments kept.")
    page.get_by_role("button", name="Record agreed judgement for MOD1 2.2.1").click()
    expect(page.get_by_text("Agreed judgement recorded for MOD1 2.2.1")).to_be_visible()

    expect(page.locator("#no-unresolved")).to_be_visible()
    resolved = page.locator(".govuk-summary-card", has_text="MOD1, 2.2.1")
    expect(resolved).to_contain_text("Agreed: No")
    expect(resolved).to_contain_text("No: the second marking (B)")
    expect(resolved).to_contain_text("The contact log shows no appointments kept.")
    expect(resolved).to_contain_text("Evidence in the notes.")  # the first marker's evidence as it was
    assert_accessible(page)
    assert_no_sideways_scroll(page, width)
    assert case.judgements.get(key_question__code="2.2.1").answer == "no"
