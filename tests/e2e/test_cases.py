"""The assistant inspector's day: Your cases, the case page, submission, history, conflicts and lost sessions.

Set UPDATE_SCREENSHOTS=1 to rewrite docs/screenshots/case-page.png (the task list), case-section.png,
case-check-answers.png and error-summary.png from the journey.
"""

import os
from pathlib import Path

import pytest
from django.contrib.sessions.models import Session
from playwright.sync_api import expect

from cases.demo import DEMO_PASSWORD, seed_demo
from cases.models import InspectedCase, Judgement
from cases.questions import case_fact_questions, case_key_questions
from cases.services import answers
from cases.services.workflow import case_return
from cases.views.case_tasks import DRAFT_ANSWER_KEPT
from inspections.models import Inspection, Role

SCREENSHOTS = Path(__file__).resolve().parents[2] / "docs" / "screenshots"
KEY_QUESTIONS = [f"2.{standard}.{number}" for standard in range(2, 6) for number in range(1, 4)]


def complete_the_rest(case):
    """Answer every question of a case not answered yet, as its assistant inspector: Yes with evidence, each fact's
    first option, each need not linked to offending."""
    case.refresh_from_db()
    answered = set(case.judgements.exclude(answer="").values_list("key_question__code", flat=True))
    linked = set(case.needs.exclude(linked_to_offending=None).values_list("need", flat=True))
    return answers.case_save(
        case=case,
        user=case.assistant_inspector,
        expected_version=case.version,
        judgements={
            kq.code: {"answer": "yes", "rationale": f"The case record supports {kq.code}."}
            for kq in case_key_questions(case)
            if kq.code not in answered
        },
        facts={fact.key: fact.options[0][0] for fact in case_fact_questions(case)},
        needs={
            need.key: {"linked_to_offending": False}
            for need in case.case_kind.needs
            if need.key not in linked
        },
    )


@pytest.fixture
def demo_case(transactional_db):
    """The demo data, and one of amira's cases she has not started."""
    seed_demo()
    return InspectedCase.objects.filter(
        assistant_inspector__username="amira", status="not_started", kind="supervision"
    ).first()


def field(code, part):
    return f"#kq_{code.replace('.', '_')}_{part}"


def answer(page, code, rationale, choice=1):
    """Answer a key question: choice 1 is Yes, 2 is No."""
    page.check(field(code, "answer") + ("" if choice == 1 else f"-{choice}"))
    page.fill(field(code, "rationale"), rationale)


def screenshot(page, name, **options):
    if os.environ.get("UPDATE_SCREENSHOTS"):
        SCREENSHOTS.mkdir(parents=True, exist_ok=True)
        page.screenshot(path=str(SCREENSHOTS / name), **options)


def open_task(page, case, title):
    """From the case's task list, open one of its tasks by its title."""
    page.goto(f"/cases/{case.pk}/")
    page.get_by_role("link", name=title, exact=True).click()
    page.get_by_role("heading", name=title, level=1).wait_for()


def task_status(page, title):
    """A task's status as the case's task list shows it."""
    item = page.locator(".govuk-task-list__item").filter(has=page.get_by_role("link", name=title, exact=True))
    return item.locator(".govuk-task-list__status").inner_text().strip()


def test_assistant_inspector_answers_saves_submits_and_sees_the_case_read_only(
    page, demo_case, assert_accessible
):
    page.goto("/cases/")
    assert "/sign-in/" in page.url
    page.get_by_label("Username").fill("amira")
    page.get_by_label("Password").fill(DEMO_PASSWORD)
    page.get_by_role("button", name="Sign in").click()

    page.get_by_role("heading", name="Your cases").wait_for()  # back where they were going
    assert_accessible(page)
    page.get_by_role("link", name=demo_case.reference, exact=True).click()
    page.get_by_role("heading", name=f"Case {demo_case.reference}").wait_for()
    assert task_status(page, "2.2 Assessment") == "Not started"
    assert_accessible(page)

    page.get_by_role("link", name="2.2 Assessment", exact=True).click()
    answer(page, "2.2.1", "Motivation explored at induction.")
    answer(page, "2.2.2", "Offending-related factors not analysed.", choice=2)
    page.get_by_role("button", name="Save draft").click()
    page.get_by_text(f"Your answers for {demo_case.reference} have been saved.").wait_for()
    page.reload()
    assert page.is_checked(field("2.2.1", "answer"))
    assert page.is_checked(field("2.2.2", "answer") + "-2")
    assert_accessible(page)
    page.get_by_role("link", name=f"Back to case {demo_case.reference}").click()
    assert task_status(page, "2.2 Assessment") == "In progress"
    assert "2 of 12 key questions answered" in page.locator(".govuk-summary-list").first.inner_text()

    page.get_by_role("link", name="Check your answers").click()
    page.get_by_role("button", name="Submit case").click()
    summary = page.locator(".govuk-error-summary")
    summary.wait_for()
    assert page.title().startswith("Error:")
    assert_accessible(page)
    if os.environ.get("UPDATE_SCREENSHOTS"):
        page.evaluate("window.scrollTo(0, 0)")
        screenshot(
            page, "error-summary.png", full_page=True, clip={"x": 0, "y": 0, "width": 1280, "height": 1300}
        )
    summary.get_by_role("link", name="Enter the evidence for your judgement on 2.4.2").click()
    page.get_by_role("heading", name="2.4 Implementation and delivery", level=1).wait_for()
    assert page.evaluate("document.activeElement.id") == "kq_2_4_2_rationale"

    # Every task in turn, "Save and continue" going on to the next and, after the last, to checking the answers.
    open_task(page, demo_case, "2.2 Assessment")
    answer(page, "2.2.3", "Risk of harm analysed with police information.")
    for standard in range(3, 6):
        page.get_by_role("button", name="Save and continue").click()
        page.get_by_role("heading", name=f"2.{standard} ", level=1).wait_for()
        for number in range(1, 4):
            answer(page, f"2.{standard}.{number}", f"Evidence for 2.{standard}.{number}.")
    page.get_by_role("button", name="Save and continue").click()
    page.get_by_role("heading", name="Case facts", level=1).wait_for()
    supervision = demo_case.case_kind
    for fact in supervision.facts:
        page.check(f"#fact_{fact.key}")
    page.get_by_role("button", name="Save and continue").click()
    page.get_by_role("heading", name="Criminogenic needs", level=1).wait_for()
    for need in supervision.needs:
        page.check(f"#need_{need.key}_linked-2")  # not linked to offending
    page.get_by_role("button", name="Save and continue").click()

    page.get_by_role("heading", name="Check your answers before submitting the case").wait_for()
    assert "Offending-related factors not analysed." in page.content()
    assert "Not answered" not in page.locator("main").inner_text()
    assert_accessible(page)
    page.get_by_role("button", name="Submit case").click()

    page.get_by_text(f"{demo_case.reference} has been submitted for quality assurance.").wait_for()
    assert page.locator("textarea").count() == 0
    assert "Offending-related factors not analysed." in page.content()
    assert_accessible(page)
    assert InspectedCase.objects.get(pk=demo_case.pk).status == InspectedCase.Status.SUBMITTED

    history = page.get_by_role("link", name="history of 2.2.2")
    assert history.inner_text().startswith("Changed 1 time")
    history.click()
    page.get_by_role("heading", name="History of 2.2.2").wait_for()
    assert "Offending-related factors not analysed." in page.locator("table").inner_text()
    assert_accessible(page)
    page.get_by_role("link", name=f"Back to case {demo_case.reference}").click()
    page.get_by_role("link", name="history of home visits").click()
    page.get_by_role("heading", name="History of home visits").wait_for()
    assert_accessible(page)
    page.go_back()
    page.get_by_role("link", name="history of Drugs").click()
    page.get_by_role("heading", name="History of the drugs need").wait_for()
    assert "Not linked to offending" in page.locator("table").inner_text()
    assert_accessible(page)


def test_the_case_pages_in_screenshots(page, demo_case, sign_in, assert_accessible):
    """The task list, a task's page part-answered and check your answers, as docs/screenshots/ shows them."""
    sign_in(page, "amira", DEMO_PASSWORD)
    open_task(page, demo_case, "2.2 Assessment")
    answer(page, "2.2.1", "The practitioner explored motivation and barriers at induction.")
    answer(page, "2.2.2", "The plan lists needs but sets no actions or timescales.", choice=2)
    page.get_by_role("button", name="Save draft").click()
    page.get_by_text("have been saved").wait_for()
    screenshot(page, "case-section.png", full_page=True, clip={"x": 0, "y": 0, "width": 1280, "height": 1600})
    open_task(page, demo_case, "Criminogenic needs")
    assert page.locator("#need_drugs_addressed").is_hidden()
    page.check("#need_drugs_linked")
    assert page.locator("#need_drugs_addressed").is_visible()  # asked only when linked to offending
    page.check("#need_drugs_addressed-2")
    page.get_by_role("button", name="Save draft").click()
    page.get_by_text("have been saved").wait_for()
    assert page.is_checked("#need_drugs_addressed-2")
    assert_accessible(page)
    page.goto(f"/cases/{demo_case.pk}/")
    screenshot(page, "case-page.png", full_page=True, clip={"x": 0, "y": 0, "width": 1280, "height": 1500})
    complete_the_rest(demo_case)
    page.goto(f"/cases/{demo_case.pk}/check/")
    assert_accessible(page)
    screenshot(
        page, "case-check-answers.png", full_page=True, clip={"x": 0, "y": 0, "width": 1280, "height": 2000}
    )


def tab_to(page, selector, limit=300):
    """Press Tab until the element matching selector has the focus, as a keyboard user would."""
    for _ in range(limit):
        page.keyboard.press("Tab")
        if page.evaluate("selector => document.activeElement.matches(selector)", selector):
            return
    raise AssertionError(f"{selector} cannot be reached with the Tab key")


def test_the_journey_works_by_keyboard_alone(page, demo_case):
    page.goto("/cases/")
    tab_to(page, "#id_username")
    page.keyboard.type("amira")
    page.keyboard.press("Tab")
    page.keyboard.type(DEMO_PASSWORD)
    page.keyboard.press("Enter")
    page.get_by_role("heading", name="Your cases").wait_for()

    tab_to(page, f'a[href="/cases/{demo_case.pk}/"]')
    page.keyboard.press("Enter")
    page.get_by_role("heading", name=f"Case {demo_case.reference}").wait_for()
    tab_to(page, f'a[href="/cases/{demo_case.pk}/sections/2-2/"]')
    page.keyboard.press("Enter")
    page.get_by_role("heading", name="2.2 Assessment", level=1).wait_for()
    tab_to(page, "#kq_2_2_1_answer")
    page.keyboard.press("Space")
    tab_to(page, "#kq_2_2_1_rationale")
    page.keyboard.type("Typed without a mouse.")
    tab_to(page, 'button[value="save"]')
    page.keyboard.press("Enter")
    page.get_by_text("have been saved").wait_for()
    judgement = Judgement.objects.get(case=demo_case, key_question__code="2.2.1")
    assert (judgement.answer, judgement.rationale) == ("yes", "Typed without a mouse.")

    tab_to(page, f'a[href="/cases/{demo_case.pk}/"]')  # the back link
    page.keyboard.press("Enter")
    page.get_by_role("heading", name=f"Case {demo_case.reference}").wait_for()
    tab_to(page, f'a[href="/cases/{demo_case.pk}/check/"]')
    page.keyboard.press("Enter")
    page.get_by_role("heading", name="Check your answers before submitting the case").wait_for()
    tab_to(page, "main form button")
    page.keyboard.press("Enter")
    page.locator(".govuk-error-summary").wait_for()
    tab_to(page, f'.govuk-error-summary a[href="/cases/{demo_case.pk}/sections/2-2/#kq_2_2_2_answer"]')
    page.keyboard.press("Enter")
    page.get_by_role("heading", name="2.2 Assessment", level=1).wait_for()
    assert page.evaluate("document.activeElement.id") == "kq_2_2_2_answer"


def test_a_save_after_someone_else_saved_shows_both_versions_and_keeps_mine(
    page, new_page, demo_case, sign_in, assert_accessible
):
    sign_in(page, "amira", DEMO_PASSWORD)
    page.goto(f"/cases/{demo_case.pk}/sections/2-2/")
    other = new_page()  # the same inspector on another device
    sign_in(other, "amira", DEMO_PASSWORD)
    other.goto(f"/cases/{demo_case.pk}/sections/2-2/")

    answer(other, "2.2.1", "Saved first, on the laptop.")
    other.get_by_role("button", name="Save draft").first.click()
    other.get_by_text("have been saved").wait_for()

    answer(page, "2.2.1", "Typed on the tablet.", choice=2)
    response = None
    with page.expect_response(lambda r: r.request.method == "POST") as posted:
        page.get_by_role("button", name="Save draft").first.click()
    response = posted.value
    assert response.status == 409
    page.get_by_role("heading", name="This case was saved after you opened it").wait_for()
    page.get_by_text("You saved it at").wait_for()  # the other device was theirs too
    row = page.locator('tr[data-field="kq_2_2_1_rationale"]')
    assert "Typed on the tablet." in row.inner_text()
    assert "Saved first, on the laptop." in row.inner_text()
    assert_accessible(page)
    assert Judgement.objects.get(case=demo_case).rationale == "Saved first, on the laptop."

    page.get_by_role("button", name="Keep my version").click()
    page.get_by_text("have been saved").wait_for()
    judgement = Judgement.objects.get(case=demo_case)
    assert (judgement.answer, judgement.rationale) == ("no", "Typed on the tablet.")


def test_taking_the_other_version_shows_it_and_forgets_the_typed_copy(page, new_page, demo_case, sign_in):
    sign_in(page, "amira", DEMO_PASSWORD)
    page.goto(f"/cases/{demo_case.pk}/sections/2-2/")
    other = new_page()
    sign_in(other, "amira", DEMO_PASSWORD)
    other.goto(f"/cases/{demo_case.pk}/sections/2-2/")
    answer(other, "2.2.1", "Theirs.")
    other.get_by_role("button", name="Save draft").first.click()
    other.get_by_text("have been saved").wait_for()

    answer(page, "2.2.1", "Mine.")
    page.get_by_role("button", name="Save draft").first.click()
    page.get_by_role("link", name="Take the saved version").click()
    page.get_by_role("heading", name="2.2 Assessment", level=1).wait_for()
    assert page.input_value(field("2.2.1", "rationale")) == "Theirs."
    assert page.locator("#restore-draft").is_hidden()


def test_an_empty_query_answer_is_shown_against_the_answer_box(page, demo_case, sign_in, assert_accessible):
    submitted = (
        InspectedCase.objects.filter(assistant_inspector__username="amira", status="submitted")
        .exclude(inspection__status=Inspection.Status.LOCKED)
        .first()
    )
    quality_assurer = submitted.inspection.memberships.filter(role=Role.QUALITY_ASSURER).first().user
    query = case_return(
        case=submitted, user=quality_assurer, text="Were home visits made?", fact="home_visits"
    )
    sign_in(page, "amira", DEMO_PASSWORD)
    page.goto(f"/cases/{submitted.pk}/")
    page.get_by_role("link", name="Answer this query in Case facts").click()
    page.get_by_role("heading", name="Case facts", level=1).wait_for()

    page.get_by_role("button", name="Send answer").click()
    summary = page.locator(".govuk-error-summary")
    summary.wait_for()
    assert page.title().startswith("Error:")
    assert "Enter your answer to the query" in page.locator(f"#query-answer-{query.pk}-error").inner_text()
    assert_accessible(page)
    summary.get_by_role("link", name="Enter your answer to the query").click()
    assert page.evaluate("document.activeElement.id") == f"query-answer-{query.pk}"

    # Issue 16, defect 1: the answer changed on the page before "Send answer" is saved with the query's answer.
    made = page.locator("#fact_home_visits")
    changed_to = "#fact_home_visits-2" if made.is_checked() else "#fact_home_visits"
    page.check(changed_to)
    page.fill(f"#query-answer-{query.pk}", "Yes, twice: see the contact log.")
    page.get_by_role("button", name="Send answer").click()
    page.get_by_text("Answer sent").wait_for()
    assert page.url.endswith(f"/cases/{submitted.pk}/sections/case-facts/")
    assert page.is_checked(changed_to)
    expected = page.locator(changed_to).get_attribute("value")
    assert submitted.facts.get(key="home_visits").value == expected


def returned_with_a_query(text):
    """One of amira's submitted demo cases in an open inspection, returned by its quality assurer with a query on
    its home visits (answered on its Case facts page); returns the query."""
    submitted = (
        InspectedCase.objects.filter(assistant_inspector__username="amira", status="submitted")
        .exclude(inspection__status=Inspection.Status.LOCKED)
        .first()
    )
    quality_assurer = submitted.inspection.memberships.filter(role=Role.QUALITY_ASSURER).first().user
    return case_return(case=submitted, user=quality_assurer, text=text, fact="home_visits")


def test_save_draft_keeps_a_query_answer_unsent_until_send_answer(
    page, demo_case, sign_in, assert_accessible
):
    query = returned_with_a_query("Were home visits made?")
    sign_in(page, "amira", DEMO_PASSWORD)
    page.goto(f"/cases/{query.case_id}/")
    page.get_by_role("link", name="Answer this query in Case facts").click()
    box = page.get_by_label("Your answer")
    box.fill("Half written: one visit so far, checking the contact log.")
    page.get_by_role("button", name="Save draft").click()

    expect(page.get_by_text(DRAFT_ANSWER_KEPT)).to_be_visible()
    expect(box).to_have_value("Half written: one visit so far, checking the contact log.")
    assert_accessible(page)
    query.refresh_from_db()
    assert query.is_open
    assert query.draft_answer == "Half written: one visit so far, checking the contact log."

    page.get_by_role("link", name=f"Back to case {query.case.reference}").click()
    expect(page.get_by_text("Your draft answer, not sent")).to_be_visible()
    assert_accessible(page)
    page.get_by_role("link", name="Answer this query in Case facts").click()
    box.fill("Two visits, both in the contact log.")
    page.get_by_role("button", name="Send answer").click()
    expect(page.get_by_text("Answer sent")).to_be_visible()
    query.refresh_from_db()
    assert (query.answer, query.draft_answer) == ("Two visits, both in the contact log.", "")


def test_a_conflict_shows_the_typed_query_answer_and_keeping_my_version_keeps_it(
    page, new_page, demo_case, sign_in, assert_accessible
):
    query = returned_with_a_query("Were home visits made?")
    section = f"/cases/{query.case_id}/sections/case-facts/"
    sign_in(page, "amira", DEMO_PASSWORD)
    page.goto(section)
    other = new_page()  # the same inspector on another device
    sign_in(other, "amira", DEMO_PASSWORD)
    other.goto(section)
    made = other.locator("#fact_home_visits")
    other.check("#fact_home_visits-2" if made.is_checked() else "#fact_home_visits")
    other.get_by_role("button", name="Save draft").click()
    expect(other.get_by_text("have been saved")).to_be_visible()

    page.get_by_label("Your answer").fill("Typed on the tablet: two visits.")
    page.get_by_role("button", name="Save draft").click()
    expect(page.get_by_role("heading", name="This case was saved after you opened it")).to_be_visible()
    expect(page.locator(f'[data-query="{query.pk}"]')).to_contain_text("Typed on the tablet: two visits.")
    assert_accessible(page)
    query.refresh_from_db()
    assert query.draft_answer == ""

    page.get_by_role("button", name="Keep my version").click()
    expect(page.get_by_text(DRAFT_ANSWER_KEPT)).to_be_visible()
    expect(page.get_by_label("Your answer")).to_have_value("Typed on the tablet: two visits.")
    query.refresh_from_db()
    assert (query.answer, query.draft_answer) == ("", "Typed on the tablet: two visits.")


def test_typed_answers_survive_an_expired_session(page, demo_case, sign_in, assert_accessible):
    sign_in(page, "amira", DEMO_PASSWORD)
    page.goto(f"/cases/{demo_case.pk}/sections/2-3/")
    answer(page, "2.3.1", "Typed before the session expired.")
    Session.objects.all().delete()  # the session expires on the server while they type

    page.get_by_role("button", name="Save draft").click()
    page.get_by_label("Username").fill("amira")
    page.get_by_label("Password").fill(DEMO_PASSWORD)
    page.get_by_role("button", name="Sign in").click()

    page.get_by_role("heading", name="2.3 Planning", level=1).wait_for()
    banner = page.locator("#restore-draft")
    banner.wait_for()
    assert page.input_value(field("2.3.1", "rationale")) == ""
    assert_accessible(page)
    page.fill(field("2.3.2", "rationale"), "Typed after signing in again.")
    banner.get_by_role("button", name="Restore my unsaved answers").click()
    assert page.input_value(field("2.3.1", "rationale")) == "Typed before the session expired."
    assert page.is_checked(field("2.3.1", "answer"))
    assert page.input_value(field("2.3.2", "rationale")) == "Typed after signing in again."

    page.get_by_role("button", name="Save draft").click()
    page.get_by_text("have been saved").wait_for()
    assert page.locator("#restore-draft").is_hidden()
    assert Judgement.objects.get(case=demo_case, key_question__code="2.3.1").rationale == (
        "Typed before the session expired."
    )


def test_the_case_page_works_without_javascript(browser, live_server, demo_case, sign_in):
    context = browser.new_context(base_url=live_server.url, java_script_enabled=False)
    context.set_default_timeout(15_000)
    page = context.new_page()
    try:
        sign_in(page, "amira", DEMO_PASSWORD)
        page.goto(f"/cases/{demo_case.pk}/sections/needs/")
        assert page.locator("#need_drugs_addressed").is_visible()  # every question shows without JavaScript
        page.goto(f"/cases/{demo_case.pk}/sections/2-5/")
        answer(page, "2.5.1", "Reviewed after the further arrest.", choice=2)
        page.get_by_role("button", name="Save and continue").click()
        page.get_by_text("have been saved").wait_for()
        assert page.url.endswith(f"/cases/{demo_case.pk}/sections/case-facts/")
        page.goto(f"/cases/{demo_case.pk}/sections/2-5/")
        assert page.is_checked(field("2.5.1", "answer") + "-2")

        page.goto(f"/cases/{demo_case.pk}/check/")
        page.get_by_role("button", name="Submit case").click()
        page.locator(".govuk-error-summary").wait_for()
        page.locator(".govuk-error-summary").get_by_role("link").first.click()
        assert page.url.endswith(
            "/sections/2-2/#kq_2_2_1_answer"
        )  # axe needs JavaScript: the other tests check these pages
    finally:
        context.close()


def test_assistant_inspector_records_a_court_report_case(page, transactional_db, sign_in, assert_accessible):
    """A court-report case asks the court-work key questions and its own facts, and nothing of supervision."""
    seed_demo()
    case = (
        InspectedCase.objects.filter(kind="court_report", status="not_started").order_by("reference").first()
    )
    sign_in(page, case.assistant_inspector.username, DEMO_PASSWORD)
    page.goto(f"/cases/{case.pk}/")
    page.get_by_role("heading", name=f"Case {case.reference}").wait_for()
    tasks = page.locator(".govuk-task-list__link").all_inner_texts()
    assert tasks == ["2.1 Court work", "Case facts"]  # its kind's tasks: no assessment, no needs
    assert_accessible(page)

    page.get_by_role("link", name="2.1 Court work").click()
    answer(page, "2.1.1", "Police domestic-abuse information was requested and used.")
    answer(page, "2.1.2", "The proposal did not explain why a curfew was suitable.", choice=2)
    page.get_by_role("button", name="Save and continue").click()
    page.get_by_role("heading", name="Case facts", level=1).wait_for()
    page.check("#fact_domestic_abuse_enquiries")  # made
    page.check("#fact_child_safeguarding_enquiries-3")  # not needed
    page.get_by_role("button", name="Save and continue").click()
    page.get_by_role("heading", name="Check your answers before submitting the case").wait_for()
    assert_accessible(page)
    page.get_by_role("button", name="Submit case").click()

    page.get_by_text(f"{case.reference} has been submitted for quality assurance.").wait_for()
    assert_accessible(page)
    case.refresh_from_db()
    assert case.status == InspectedCase.Status.SUBMITTED
    assert dict(case.judgements.values_list("key_question__code", "answer")) == {
        "2.1.1": "yes",
        "2.1.2": "no",
    }
    assert dict(case.facts.values_list("key", "value")) == {
        "domestic_abuse_enquiries": "made",
        "child_safeguarding_enquiries": "not_needed",
    }
