"""Issue 16: the case as a task list, check your answers and submit, on a desktop and on a phone (375 px, where no
page may scroll sideways), axe clean on every page; and a case reassigned while its assistant inspector types."""

import pytest

from cases.demo import DEMO_PASSWORD, seed_demo
from cases.models import InspectedCase
from cases.services.workflow import cases_assign
from inspections.models import Role

PHONE = 375


@pytest.fixture
def demo_case(transactional_db):
    """The demo data, and one of amira's supervision cases she has not started."""
    seed_demo()
    return InspectedCase.objects.filter(
        assistant_inspector__username="amira", status="not_started", kind="supervision"
    ).first()


def browser_page(browser, live_server, width):
    context = browser.new_context(base_url=live_server.url, viewport={"width": width, "height": 900})
    context.set_default_timeout(15_000)
    return context, context.new_page()


def assert_no_sideways_scroll(page, width):
    if width == PHONE:
        page.wait_for_load_state("load")
        scroll_width = page.evaluate("document.documentElement.scrollWidth")
        assert scroll_width <= width, f"{page.url} is {scroll_width} px wide at {width} px"


@pytest.mark.parametrize("width", [1280, PHONE])
def test_the_case_is_answered_task_by_task_checked_and_submitted(
    browser, live_server, demo_case, sign_in, assert_accessible, width
):
    context, page = browser_page(browser, live_server, width)
    try:

        def check(page):
            assert_accessible(page)
            assert_no_sideways_scroll(page, width)

        sign_in(page, "amira", DEMO_PASSWORD)
        page.get_by_role("heading", name="Your cases").wait_for()
        page.get_by_label("Status").select_option(label="Not started")
        page.get_by_role("button", name="Apply filters").click()
        page.get_by_role("link", name="Clear filters").wait_for()
        assert all(tag == "Not started" for tag in page.locator(".govuk-task-list__status").all_inner_texts())
        check(page)
        page.get_by_role("link", name=demo_case.reference, exact=True).click()

        page.get_by_role("heading", name=f"Case {demo_case.reference}").wait_for()
        titles = page.locator(".govuk-task-list__link").all_inner_texts()
        assert titles == [
            "2.2 Assessment",
            "2.3 Planning",
            "2.4 Implementation and delivery",
            "2.5 Reviewing",
            "Case facts",
            "Criminogenic needs",
        ]
        check(page)

        page.get_by_role("link", name="2.2 Assessment", exact=True).click()
        for title in titles[:4]:
            page.get_by_role("heading", name=title, level=1).wait_for()
            check(page)
            code = title.split()[0]
            for number in range(1, 4):
                page.check(f"#kq_{code.replace('.', '_')}_{number}_answer")
                page.fill(
                    f"#kq_{code.replace('.', '_')}_{number}_rationale", f"Evidence for {code}.{number}."
                )
            page.get_by_role("button", name="Save and continue").click()
        page.get_by_role("heading", name="Case facts", level=1).wait_for()
        check(page)
        for fact in demo_case.case_kind.facts:
            page.check(f"#fact_{fact.key}")
        page.get_by_role("button", name="Save and continue").click()
        page.get_by_role("heading", name="Criminogenic needs", level=1).wait_for()
        page.check("#need_drugs_linked")
        page.check("#need_drugs_addressed")
        for need in demo_case.case_kind.needs:
            if need.key != "drugs":
                page.check(f"#need_{need.key}_linked-2")
        check(page)
        page.get_by_role("button", name="Save and continue").click()

        page.get_by_role("heading", name="Check your answers before submitting the case").wait_for()
        check(page)
        page.get_by_role("link", name="Change the answer to 2.3.2").click()
        page.get_by_role("heading", name="2.3 Planning", level=1).wait_for()
        assert page.evaluate("location.hash") == "#kq_2_3_2_answer"
        page.check("#kq_2_3_2_answer-2")  # No
        page.get_by_role("button", name="Save draft").click()
        page.get_by_text("have been saved").wait_for()
        page.get_by_role("link", name=f"Back to case {demo_case.reference}").click()
        assert page.locator(".govuk-task-list__status").all_inner_texts() == ["Completed"] * 6
        page.get_by_role("link", name="Check your answers").click()
        row = page.locator(".govuk-summary-list__row").filter(has_text="2.3.2")
        assert "No" in row.locator(".govuk-summary-list__value").inner_text()

        page.get_by_role("button", name="Submit case").click()
        page.get_by_text(f"{demo_case.reference} has been submitted for quality assurance.").wait_for()
        check(page)
        assert InspectedCase.objects.get(pk=demo_case.pk).status == InspectedCase.Status.SUBMITTED
    finally:
        context.close()


@pytest.mark.parametrize("width", [1280, PHONE])
def test_a_case_reassigned_while_typing_says_so_and_keeps_the_text_to_copy(
    browser, live_server, demo_case, sign_in, assert_accessible, width
):
    context, page = browser_page(browser, live_server, width)
    try:
        sign_in(page, "amira", DEMO_PASSWORD)
        page.goto(f"/cases/{demo_case.pk}/sections/2-2/")
        page.check("#kq_2_2_1_answer")
        page.fill("#kq_2_2_1_rationale", "Typed while the lead moved the case.")
        inspection = demo_case.inspection
        lead = inspection.memberships.get(role=Role.LEAD).user
        other = (
            inspection.memberships.filter(role=Role.ASSISTANT_INSPECTOR)
            .exclude(user__username="amira")
            .first()
        )
        cases_assign(
            inspection=inspection, case_ids=[demo_case.pk], assistant_inspector=other.user, user=lead
        )

        with page.expect_response(lambda response: response.request.method == "POST") as posted:
            page.get_by_role("button", name="Save draft").click()
        assert posted.value.status == 403
        page.get_by_role("heading", name="This case has been reassigned").wait_for()
        assert other.user.get_full_name() in page.locator("main").inner_text()
        assert "Typed while the lead moved the case." in page.locator("[data-typed]").all_inner_texts()
        assert_accessible(page)
        assert_no_sideways_scroll(page, width)
    finally:
        context.close()
