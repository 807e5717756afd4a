"""The lead's set-up and correction journeys in the browser: GOV.UK date errors, a duplicate refused, the team changed
after creating, an inspection deleted; locking waiting for moderation and showing what it freezes; unlocking to
return an approved case and relocking beside the old snapshot; and an inspector's read-only page. Axe on each page."""

import datetime
import re

import pytest
from playwright.sync_api import expect

from cases.demo import DEMO_PASSWORD, demo_users_create
from cases.models import Answer, InspectedCase, SecondJudgement, SecondMarking
from cases.services import answers, moderation, workflow
from inspections import services
from inspections.models import Inspection, InspectionMembership, OrganisationalRating, Role
from pdus.loading import published_ratings_load
from pdus.models import PDU
from reports.models import InspectionSnapshot


def fill_date(page, group, day, month, year):
    box = page.get_by_role("group", name=group)
    box.get_by_label("Day").fill(day)
    box.get_by_label("Month").fill(month)
    box.get_by_label("Year").fill(year)


@pytest.mark.usefixtures("framework")
def test_lead_sets_up_an_inspection_with_govuk_dates_then_changes_its_team_and_deletes_a_mistake(
    page, transactional_db, sign_in, assert_accessible
):
    published_ratings_load()
    users = demo_users_create()
    sign_in(page, "lead", DEMO_PASSWORD)
    page.goto("/inspections/new/")
    page.get_by_label("Probation Delivery Unit (PDU)").select_option(label="Gwent")
    fill_date(page, "Fieldwork start date", "4", "1", "27")
    fill_date(page, "Fieldwork end date", "31", "11", "2026")
    page.get_by_role("button", name="Create inspection").click()
    summary = page.locator(".govuk-error-summary")
    expect(summary).to_contain_text("Year must include 4 numbers")
    expect(summary).to_contain_text("The fieldwork end date must be a real date")
    expect(summary).not_to_contain_text("day is out of range")
    assert_accessible(page)
    summary.get_by_role("link", name="Year must include 4 numbers").click()
    expect(
        page.get_by_role("group", name=re.compile("Fieldwork start date")).get_by_label("Year")
    ).to_be_focused()

    fill_date(page, "Fieldwork start date", "4", "1", "2027")
    fill_date(page, "Fieldwork end date", "15", "1", "2027")
    page.get_by_role("button", name="Create inspection").click()  # no assistant inspectors yet
    page.get_by_role("heading", name="Inspection of Gwent").wait_for()
    inspection = Inspection.objects.get(pdu__name="Gwent")

    # The same PDU and fieldwork again: refused, saying which inspection exists.
    page.goto("/inspections/new/")
    page.get_by_label("Probation Delivery Unit (PDU)").select_option(label="Gwent")
    fill_date(page, "Fieldwork start date", "4", "1", "2027")
    fill_date(page, "Fieldwork end date", "15", "1", "2027")
    page.get_by_role("button", name="Create inspection").click()
    expect(page.locator(".govuk-error-summary")).to_contain_text(
        "There is already an inspection of Gwent with fieldwork from 4 January 2027 to 15 January 2027"
    )
    assert Inspection.objects.filter(pdu__name="Gwent").count() == 1

    # The team is completed afterwards.
    page.goto(f"/inspections/{inspection.pk}/")
    page.get_by_role("link", name=re.compile("^Change")).click()
    page.get_by_role("heading", name="Change the inspection").wait_for()
    assert_accessible(page)
    page.get_by_role("group", name=re.compile("^Assistant inspectors")).get_by_label(
        "Amira Hussain (amira)"
    ).check()
    page.get_by_role("button", name="Save changes").click()
    expect(page.get_by_text("Inspection changed")).to_be_visible()
    assert InspectionMembership.objects.filter(
        inspection=inspection, user=users["amira"], role=Role.ASSISTANT_INSPECTOR
    ).exists()

    # Nothing judged yet: it can be deleted, after confirming.
    page.get_by_role("link", name="Delete the inspection").click()
    assert_accessible(page)
    page.get_by_role("button", name="Delete the inspection").click()
    expect(
        page.get_by_text("Inspection of Gwent (4 January 2027 to 15 January 2027) deleted")
    ).to_be_visible()
    assert not Inspection.objects.filter(pk=inspection.pk).exists()


def assert_no_sideways_scroll(page, width):
    page.wait_for_load_state("load")
    assert page.evaluate("document.documentElement.scrollWidth") <= width, page.url


@pytest.mark.parametrize("width", [1280, 375])
def test_lock_waits_for_moderation_then_an_unlock_corrects_a_case_and_relocks(
    page, new_page, transactional_db, framework, sign_in, assert_accessible, submit_case, width
):
    published_ratings_load()
    users = demo_users_create()
    lead, amira, ben, quality = users["lead"], users["amira"], users["ben"], users["quality"]
    inspection = services.inspection_create(
        pdu=PDU.objects.get(name="Gwent"),
        framework=framework,
        fieldwork_start=datetime.date(2027, 1, 4),
        fieldwork_end=datetime.date(2027, 1, 15),
        lead=lead,
        inspectors=[users["inspector"]],
        assistant_inspectors=[amira, ben],
        quality_assurers=[quality],
        user=lead,
    )
    case = InspectedCase.objects.create(
        inspection=inspection,
        reference="FIX1",
        kind="supervision",
        attributes={"case_type": "licence", "rosh_level": "high", "start_date": "2026-03-02"},
        assistant_inspector=amira,
    )
    workflow.case_approve(case=submit_case(case), user=quality)
    for standard in inspection.framework.standards.filter(code__in=["1.1", "1.2", "1.3", "1.4"]):
        OrganisationalRating.objects.create(
            inspection=inspection, standard=standard, rating="good", rationale="Seen in interviews."
        )
    marking = SecondMarking.objects.create(case=case, marker=ben, chosen_by=lead)
    disagreement = SecondJudgement.objects.create(
        marking=marking,
        key_question=framework.standards.get(code="2.2").key_questions.first(),
        answer=Answer.NO,
    )

    page.set_viewport_size({"width": width, "height": 900})
    sign_in(page, "lead", DEMO_PASSWORD)
    page.goto(f"/inspections/{inspection.pk}/lock/")
    expect(
        page.get_by_text("1 second-marking disagreement is not yet resolved in moderation.")
    ).to_be_visible()
    expect(page.get_by_role("button", name="Lock the inspection")).to_have_count(0)
    assert_accessible(page)
    assert_no_sideways_scroll(page, width)

    moderation.moderation_agree(
        second_judgement=disagreement, answer=Answer.YES, reason="The notes support it.", user=lead
    )
    page.reload()
    results = page.locator("#results-to-lock")
    expect(results).to_contain_text("Overall rating")
    expect(page.get_by_role("table", name="Standard ratings")).to_contain_text("1.1")
    assert_accessible(page)
    page.get_by_role("button", name="Lock the inspection").click()
    expect(page.get_by_text("Inspection locked and its results saved")).to_be_visible()

    page.get_by_role("link", name="Unlock the inspection").click()
    assert_accessible(page)
    assert_no_sideways_scroll(page, width)
    page.get_by_label("Why are you unlocking this inspection?").fill("FIX1's evidence was misread")
    page.get_by_role("button", name="Unlock inspection").click()
    expect(page.get_by_text("FIX1's evidence was misread")).to_be_visible()

    # The quality assurer returns the approved case with a query; its history says so.
    qa = new_page()
    qa.set_viewport_size({"width": width, "height": 900})
    sign_in(qa, "quality", DEMO_PASSWORD)
    qa.goto(f"/inspections/{inspection.pk}/quality-assurance/{case.pk}/")
    qa.get_by_role("heading", name="Return this approved case with a query").wait_for()
    assert_accessible(qa)
    assert_no_sideways_scroll(qa, width)
    qa.get_by_label("What is the query about?").select_option(value="kq:2.2.1")
    qa.get_by_label("Query", exact=True).fill("Recheck the engagement evidence")
    qa.get_by_role("button", name="Return case with this query").click()
    expect(qa.get_by_text("Case FIX1 returned to its assistant inspector")).to_be_visible()
    qa.goto(f"/inspections/{inspection.pk}/quality-assurance/{case.pk}/")
    expect(qa.locator("#status-history")).to_contain_text(
        "Returned after approval with a query: Recheck the engagement evidence"
    )
    # The case as corrected: the review shows what changed since the query.
    case.refresh_from_db()
    answers.case_save(
        case=case,
        user=amira,
        expected_version=case.version,
        judgements={"2.2.1": {"answer": Answer.YES, "rationale": "Engagement shown in the weekly contacts."}},
    )

    # Corrected, resubmitted and approved again; relocking saves a second snapshot beside the first.
    case.refresh_from_db()
    workflow.case_query_answer(query=case.queries.get(), user=amira, answer="Rechecked")
    case = answers.case_submit(case=case, user=amira, expected_version=case.version)
    qa.goto(f"/inspections/{inspection.pk}/quality-assurance/{case.pk}/")
    changed = qa.get_by_role("table", name="Answers changed since the query, before and after")
    expect(changed).to_contain_text("Engagement shown in the weekly contacts.")
    assert_accessible(qa)
    assert_no_sideways_scroll(qa, width)
    qa.get_by_role("button", name="Approve case FIX1").click()
    expect(qa.get_by_text("Case FIX1 approved")).to_be_visible()
    page.goto(f"/inspections/{inspection.pk}/lock/")
    page.get_by_role("button", name="Lock the inspection").click()
    expect(page.locator("#snapshots li")).to_have_count(2)
    assert_accessible(page)
    assert_no_sideways_scroll(page, width)
    assert InspectionSnapshot.objects.filter(inspection=inspection).count() == 2


def test_an_inspector_reads_their_inspection_and_opens_its_dashboard(
    page, transactional_db, framework, sign_in, assert_accessible
):
    published_ratings_load()
    users = demo_users_create()
    inspection = services.inspection_create(
        pdu=PDU.objects.get(name="Gwent"),
        framework=framework,
        fieldwork_start=datetime.date(2027, 1, 4),
        fieldwork_end=datetime.date(2027, 1, 15),
        lead=users["lead"],
        inspectors=[users["inspector"]],
        user=users["lead"],
    )
    sign_in(page, "inspector", DEMO_PASSWORD)
    page.get_by_role("link", name="Inspections").click()
    page.get_by_role("link", name="Gwent").click()
    page.get_by_role("heading", name="Inspection of Gwent").wait_for()
    expect(page.get_by_role("link", name="Lock the inspection")).to_have_count(0)
    assert_accessible(page)
    page.get_by_role("link", name="View the dashboard").click()
    assert page.url.endswith(f"/dashboards/inspections/{inspection.pk}/")
