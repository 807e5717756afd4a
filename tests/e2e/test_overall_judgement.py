"""Issue 14's gap: under a framework whose overall rule is the team's judgement, the lead records the overall rating
and its reasons, and the dashboard shows it beside the indicative composite."""

import pytest

from accounts.models import User
from cases.demo import DEMO_PASSWORD, seed_demo
from inspections.models import Framework, Role
from tests.factories import InspectionFactory, MembershipFactory, PDUFactory


@pytest.mark.parametrize("width", [1280, 375])
def test_the_lead_records_the_teams_overall_rating(
    browser, live_server, transactional_db, sign_in, assert_accessible, width
):
    seed_demo()
    inspection = InspectionFactory(
        framework=Framework.objects.get(slug="pdu-2023"), pdu=PDUFactory(name="Testshire")
    )
    MembershipFactory(inspection=inspection, user=User.objects.get(username="lead"), role=Role.LEAD)
    context = browser.new_context(base_url=live_server.url, viewport={"width": width, "height": 900})
    context.set_default_timeout(15_000)
    page = context.new_page()
    sign_in(page, "lead", DEMO_PASSWORD)
    page.wait_for_url(lambda url: "/sign-in/" not in url)

    page.goto(f"/inspections/{inspection.pk}/ratings/")
    page.get_by_role("heading", name="Overall rating").wait_for()
    assert_accessible(page)
    page.get_by_role("link", name="Rate the overall rating").click()
    page.get_by_role("heading", name="Record the overall rating").wait_for()
    page.get_by_label("Rationale").fill("Leaders know their services well.")
    page.get_by_role("button", name="Save rating").click()
    summary = page.locator(".govuk-error-summary")
    assert "Select a rating" in summary.inner_text()
    assert page.get_by_label("Rationale").input_value() == "Leaders know their services well."
    assert_accessible(page)
    page.get_by_label("Good").check()
    page.get_by_role("button", name="Save rating").click()
    page.get_by_text("Overall rating saved").wait_for()
    assert "Leaders know their services well." in page.locator("main").inner_text()
    assert page.evaluate("document.documentElement.scrollWidth") <= width

    page.goto(f"/dashboards/inspections/{inspection.pk}/")
    overall = page.locator(".govuk-summary-list__row", has_text="Overall rating").first.inner_text()
    assert "Good" in overall
    assert "The team’s judgement" in overall
    assert "Leaders know their services well." in overall
    assert page.evaluate("document.documentElement.scrollWidth") <= width
    assert_accessible(page)
    context.close()
