"""The lead inspector's journey: create an inspection, import a sample (fixing a bad file), assign, quality-assure,
rate the organisational standards and lock. The assistant inspectors' first submissions go through the services the
case page calls (the case page's own journey is tests/e2e/test_cases.py); answering a query and resubmitting is done
on the case page."""

import datetime
import re

import pytest
from playwright.sync_api import expect

from cases.demo import DEMO_PASSWORD, demo_users_create
from cases.models import InspectedCase
from inspections import services
from inspections.frameworks import frameworks_load_all
from inspections.models import Inspection
from pdus.loading import published_ratings_load
from pdus.models import PDU
from reports.models import InspectionSnapshot
from tests.factories import SAMPLE_HEADER

BAD_CSV = (
    SAMPLE_HEADER
    + "E2E1,community order,low,2026-03-02,amira\nE2E2,caution,high,2026-03-09,\nE2E1,licence,medium,31/02/2026,zed\n"
)
GOOD_CSV = (
    SAMPLE_HEADER
    + "E2E1,community order,low,2026-03-02,amira\nE2E2,licence,high,2026-03-09,\nE2E3,post-sentence supervision,very high,09/03/2026,\n"
)


def csv_file(text):
    return {"name": "sample.csv", "mimeType": "text/csv", "buffer": text.encode()}


@pytest.mark.usefixtures("framework")
def test_lead_runs_an_inspection_from_creation_to_lock(
    page, new_page, transactional_db, sign_in, assert_accessible, submit_case
):
    published_ratings_load()
    demo_users_create()

    sign_in(page, "lead", DEMO_PASSWORD)
    page.get_by_role("link", name="Inspections").click()
    page.get_by_role("heading", name="Inspections").wait_for()
    assert_accessible(page)

    # Create the inspection.
    page.get_by_role("link", name="Create an inspection").click()
    page.get_by_role("button", name="Create inspection").wait_for()
    assert_accessible(page)
    page.get_by_label("Probation Delivery Unit (PDU)").select_option(label="Gwent")
    start = page.get_by_role("group", name="Fieldwork start date")
    start.get_by_label("Day").fill("4")
    start.get_by_label("Month").fill("1")
    start.get_by_label("Year").fill("2027")
    end = page.get_by_role("group", name="Fieldwork end date")
    end.get_by_label("Day").fill("15")
    end.get_by_label("Month").fill("1")
    end.get_by_label("Year").fill("2027")
    page.get_by_role("group", name="Assistant inspectors").get_by_label("Amira Hussain (amira)").check()
    page.get_by_role("group", name="Assistant inspectors").get_by_label("Ben Clarke (ben)").check()
    page.get_by_role("group", name="Quality assurers").get_by_label("Quinn Adeyemi (quality)").check()
    page.get_by_role("button", name="Create inspection").click()
    page.get_by_role("heading", name="Inspection of Gwent").wait_for()
    assert_accessible(page)
    inspection = Inspection.objects.get(pdu__name="Gwent")

    # A file with errors: every problem listed, nothing saved.
    page.get_by_role("link", name="Import the case sample").click()
    page.get_by_label("Upload the case sample").set_input_files(csv_file(BAD_CSV))
    page.get_by_role("button", name="Check the file").click()
    summary = page.locator(".govuk-error-summary")
    expect(summary).to_contain_text("The file has four problems")
    problems = page.get_by_role("table", name=re.compile("problems? on"))
    expect(problems).to_contain_text(
        "Case type must be community order, licence or post-sentence supervision"
    )
    expect(problems).to_contain_text(
        "Case reference E2E1 appears more than once in the file (first on line 2)"
    )
    expect(problems).to_contain_text("Supervision start date must be a real date")
    expect(problems).to_contain_text("There is no assistant inspector with the username zed")
    # Each summary link goes to its own problem, which shows the value read.
    summary.get_by_role("link", name=re.compile("^Line 3, Case type")).click()
    assert page.url.endswith("#problem-1")
    expect(page.locator("#problem-1")).to_contain_text("caution")
    summary.get_by_role("link", name=re.compile("^Line 4, Supervision start date")).click()
    assert page.url.endswith("#problem-3")
    expect(page.locator("#problem-3")).to_contain_text("31/02/2026")
    expect(page.get_by_role("link", name=re.compile("Download a template")).first).to_be_visible()
    assert_accessible(page)
    assert not InspectedCase.objects.exists()

    # The corrected file, saved by a European Excel (semicolons): previewed, then imported on confirmation.
    page.get_by_label("Upload the case sample").set_input_files(csv_file(GOOD_CSV.replace(",", ";")))
    page.get_by_role("button", name="Check the file").click()
    page.get_by_role("button", name="Import 3 cases").click()
    page.get_by_role("heading", name="Sample summary").wait_for()
    expect(page.get_by_text("3 cases in the sample")).to_be_visible()
    expect(page.get_by_role("row", name="Very high 1")).to_be_visible()
    assert_accessible(page)

    # Assign the two unassigned cases to Ben in one go.
    page.get_by_role("link", name="Assign cases").click()
    page.get_by_label("Select E2E2").check()
    page.get_by_label("Select E2E3").check()
    page.get_by_label("Assign the selected cases to").select_option(label="Ben Clarke")
    page.get_by_role("button", name="Assign selected cases").click()
    expect(page.get_by_text("2 cases assigned to Ben Clarke")).to_be_visible()
    expect(page.get_by_role("row", name="Ben Clarke 2 0")).to_be_visible()
    assert_accessible(page)

    # The assistant inspectors complete and submit their cases (the case page's journey is in test_cases.py).
    cases = {case.reference: case for case in inspection.cases.select_related("assistant_inspector")}
    for reference, username in (("E2E1", "amira"), ("E2E2", "ben"), ("E2E3", "ben")):
        assert cases[reference].assistant_inspector.username == username
        submit_case(cases[reference])

    # Quality assurance, by the quality assurer: return one case with a query, approve the others.
    qa = new_page()
    sign_in(qa, "quality", DEMO_PASSWORD)
    qa.goto(f"/inspections/{inspection.pk}/quality-assurance/")
    assert_accessible(qa)
    qa.get_by_role("link", name="E2E1").click()
    qa.get_by_role("heading", name="Case E2E1").wait_for()
    assert_accessible(qa)
    qa.get_by_label("What is the query about?").select_option(value="kq:2.2.3")
    qa.get_by_label("Query", exact=True).fill("The rationale does not mention the domestic abuse history")
    qa.get_by_role("button", name="Return case with this query").click()
    expect(qa.get_by_text("Case E2E1 returned to its assistant inspector")).to_be_visible()
    for reference in ("E2E2", "E2E3"):
        qa.get_by_role("link", name=reference).click()
        qa.get_by_role("button", name=f"Approve case {reference}").click()
        expect(qa.get_by_text(f"Case {reference} approved")).to_be_visible()

    # Amira sees the query on her case page, answers it and resubmits; the quality assurer sees the thread.
    assistant = new_page()
    sign_in(assistant, "amira", DEMO_PASSWORD)
    assistant.goto("/cases/")
    assistant.get_by_role("link", name="E2E1").click()
    expect(assistant.get_by_text("The rationale does not mention the domestic abuse history")).to_be_visible()
    assert_accessible(assistant)
    assistant.get_by_role(
        "link", name="Answer this query in 2.2 Assessment"
    ).click()  # with that task's answers
    assistant.get_by_label("Your answer").fill("Added the police call-out history.")
    assistant.get_by_role("button", name="Send answer").click()
    expect(assistant.get_by_text("Answer sent.")).to_be_visible()
    assistant.get_by_role("link", name="Back to case E2E1").click()
    assistant.get_by_role("link", name="Check your answers").click()
    assistant.get_by_role("button", name="Submit case").click()
    expect(assistant.get_by_text("E2E1 has been submitted for quality assurance.")).to_be_visible()
    assert InspectedCase.objects.get(reference="E2E1").status == InspectedCase.Status.SUBMITTED
    qa.get_by_role("link", name="E2E1").click()
    expect(qa.get_by_text("Added the police call-out history.")).to_be_visible()
    assert_accessible(qa)
    qa.get_by_role("button", name="Approve case E2E1").click()
    expect(qa.get_by_text("Case E2E1 approved")).to_be_visible()

    # Locking is refused until the organisational standards are rated.
    page.goto(f"/inspections/{inspection.pk}/lock/")
    expect(page.get_by_text("Organisational standards not yet rated: 1.1, 1.2, 1.3, 1.4.")).to_be_visible()
    assert_accessible(page)
    page.goto(f"/inspections/{inspection.pk}/ratings/")
    assert_accessible(page)
    for code, rating in (("1.1", "Good"), ("1.2", "Requires improvement"), ("1.3", "Good"), ("1.4", "Good")):
        page.get_by_role("link", name=re.compile(rf"^Rate {re.escape(code)} ")).click()
        if code == "1.1":
            page.get_by_role("button", name="Save rating").click()
            expect(page.locator(".govuk-error-summary")).to_contain_text("Select a rating")
            assert_accessible(page)
        page.get_by_label(rating, exact=True).check()
        page.get_by_label("Rationale").fill(f"Evidence for {code} from interviews and documents.")
        page.get_by_role("button", name="Save rating").click()
        page.get_by_role("heading", name="Organisational standards").wait_for()

    page.goto(f"/inspections/{inspection.pk}/lock/")
    page.get_by_role("button", name="Lock the inspection").click()
    expect(page.get_by_text("Inspection locked and its results saved")).to_be_visible()
    expect(page.get_by_role("heading", name="Locked results")).to_be_visible()
    assert_accessible(page)
    inspection.refresh_from_db()
    assert inspection.is_locked
    snapshot = InspectionSnapshot.objects.get(inspection=inspection)
    assert [s["rating"] for s in snapshot.data["standards"] if s["code"].startswith("1.")] == [
        "good",
        "requires_improvement",
        "good",
        "good",
    ]

    # Unlocking needs a reason, which the overview then shows.
    page.get_by_role("link", name="Unlock the inspection").click()
    page.get_by_role("button", name="Unlock inspection").click()
    expect(page.locator(".govuk-error-summary")).to_contain_text(
        "Enter the reason for unlocking the inspection"
    )
    assert_accessible(page)
    page.get_by_label("Why are you unlocking this inspection?").fill("Case E2E3 belongs to another PDU")
    page.get_by_role("button", name="Unlock inspection").click()
    expect(page.get_by_text("Case E2E3 belongs to another PDU")).to_be_visible()


def test_moderation_and_blind_second_marking_pages(
    page, new_page, transactional_db, framework, sign_in, assert_accessible, submit_case
):
    published_ratings_load()
    users = demo_users_create()
    lead, amira, ben = users["lead"], users["amira"], users["ben"]
    inspection = services.inspection_create(
        pdu=PDU.objects.get(name="Gwent"),
        framework=framework,
        fieldwork_start=datetime.date(2027, 1, 4),
        fieldwork_end=datetime.date(2027, 1, 15),
        lead=lead,
        assistant_inspectors=[amira, ben],
        user=lead,
    )
    case = InspectedCase.objects.create(
        inspection=inspection,
        reference="MOD1",
        kind="supervision",
        attributes={"case_type": "licence", "rosh_level": "high", "start_date": "2026-03-02"},
        assistant_inspector=amira,
    )
    submit_case(case)

    sign_in(page, "lead", DEMO_PASSWORD)
    page.goto(f"/inspections/{inspection.pk}/moderation/")
    assert_accessible(page)
    page.get_by_label("Case", exact=True).select_option(label="MOD1 (Submitted)")
    page.get_by_label("Second marker").select_option(label="Ben Clarke")
    page.get_by_role("button", name="Choose for second marking").click()
    expect(page.get_by_text("Case chosen for second marking")).to_be_visible()

    marker = new_page()
    sign_in(marker, "ben", DEMO_PASSWORD)
    marker.goto(f"/inspections/{inspection.pk}/second-marking/{case.second_marking.pk}/")
    expect(marker.get_by_text("Evidence in the notes.")).to_have_count(0)
    marker.get_by_role("button", name="Record second marking").click()
    expect(marker.locator(".govuk-error-summary")).to_contain_text(
        "Select whether the work was sufficient for 2.2.1"
    )
    assert_accessible(marker)
    for group in marker.locator("fieldset").all():
        group.get_by_label("Yes", exact=True).check()
    marker.get_by_role("group", name=re.compile(r"^2\.2\.1 ")).get_by_label("No", exact=True).check()
    marker.get_by_role("button", name="Record second marking").click()
    expect(marker.get_by_text("Your second marking of this case is recorded.")).to_be_visible()

    page.reload()
    expect(page.get_by_role("heading", name="MOD1, 2.2.1")).to_be_visible()
    assert_accessible(page)
    page.get_by_role("group", name="Agreed judgement for MOD1 2.2.1").get_by_label(
        "No, the second marking (B)"
    ).check()
    page.get_by_label("Why is this the agreed judgement?").fill("No contact was recorded.")
    page.get_by_role("button", name="Record agreed judgement for MOD1 2.2.1").click()
    expect(page.get_by_text("Agreed judgement recorded for MOD1 2.2.1")).to_be_visible()
    assert case.judgements.get(key_question__code="2.2.1").answer == "no"


def inspection_with_two_unassigned_cases():
    """An inspection led by the demo lead, Amira on its team, cases KEY1 and KEY2 unassigned; and the users."""
    published_ratings_load()
    framework = next(f for f in frameworks_load_all() if f.slug == "pdu-2021")
    users = demo_users_create()
    inspection = services.inspection_create(
        pdu=PDU.objects.get(name="Gwent"),
        framework=framework,
        fieldwork_start=datetime.date(2027, 1, 4),
        fieldwork_end=datetime.date(2027, 1, 15),
        lead=users["lead"],
        assistant_inspectors=[users["amira"]],
        user=users["lead"],
    )
    for reference in ("KEY1", "KEY2"):
        InspectedCase.objects.create(
            inspection=inspection,
            reference=reference,
            kind="supervision",
            attributes={"case_type": "licence", "rosh_level": "low", "start_date": "2026-03-02"},
        )
    return inspection, users


def test_assignment_errors_are_announced_with_their_fields_and_lead_to_them(
    page, transactional_db, sign_in, assert_accessible
):
    inspection, _ = inspection_with_two_unassigned_cases()
    sign_in(page, "lead", DEMO_PASSWORD)
    page.goto(f"/inspections/{inspection.pk}/assignment/")
    page.get_by_role("button", name="Assign selected cases").click()

    links = page.locator(".govuk-error-summary").get_by_role("link")
    expect(links).to_have_text(["Select an assistant inspector", "Select at least one case"])
    expect(page.get_by_label("Assign the selected cases to")).to_have_accessible_description(
        "Error: Select an assistant inspector"
    )
    expect(page.get_by_role("group", name="Cases")).to_have_accessible_description(
        "Select the cases to assign or reassign. Error: Select at least one case"
    )
    assert_accessible(page)
    links.nth(1).click()
    expect(page.get_by_label("Select KEY1")).to_be_focused()
    links.nth(0).click()
    expect(page.get_by_label("Assign the selected cases to")).to_be_focused()


def test_assignment_works_by_keyboard_without_javascript(browser, live_server, transactional_db, sign_in):
    inspection, users = inspection_with_two_unassigned_cases()
    context = browser.new_context(base_url=live_server.url, java_script_enabled=False)
    context.set_default_timeout(15_000)
    page = context.new_page()
    try:
        sign_in(page, "lead", DEMO_PASSWORD)
        page.goto(f"/inspections/{inspection.pk}/assignment/")
        page.get_by_label("Assign the selected cases to").focus()
        page.keyboard.press("ArrowDown")  # the first assistant inspector
        page.get_by_label("Select KEY2").focus()
        page.keyboard.press("Space")
        page.get_by_role("button", name="Assign selected cases").focus()
        page.keyboard.press("Enter")
        expect(
            page.get_by_text("1 case assigned to Amira Hussain")
        ).to_be_visible()  # axe needs JS: see the journey
    finally:
        context.close()
    assert InspectedCase.objects.get(reference="KEY2").assistant_inspector == users["amira"]
    assert InspectedCase.objects.get(reference="KEY1").assistant_inspector is None
