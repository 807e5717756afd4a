"""Findings 7 and 8 in a browser: drafts left in localStorage never reach another user and expire; every page
works under the Content-Security-Policy with no violation reported."""

import pytest
from django.contrib.sessions.models import Session

from accounts.models import User
from cases.demo import DEMO_PASSWORD, seed_demo
from cases.models import InspectedCase
from inspections.models import Inspection

DRAFTS = "Object.keys(localStorage).filter((key) => key.startsWith('case-draft'))"


@pytest.fixture
def demo_case(transactional_db):
    """One of amira's supervision cases, not started: its first key question is 2.2.1 (court reports answer 2.1.x)."""
    seed_demo()
    return InspectedCase.objects.filter(
        assistant_inspector__username="amira", status="not_started", kind="supervision"
    ).first()


def type_evidence(page, case, text):
    page.goto(f"/cases/{case.pk}/sections/2-2/")
    page.fill("#kq_2_2_1_rationale", text)
    page.wait_for_function(f"{DRAFTS}.length > 0")


def sign_out(page):
    page.get_by_role("button", name="Sign out").click()
    page.get_by_label("Username").wait_for()


def test_signing_out_clears_the_drafts_and_the_next_user_on_the_browser_sees_none(
    page, demo_case, sign_in, assert_accessible
):
    shared = InspectedCase.objects.filter(
        assistant_inspector__username="amira",
        status="not_started",
        kind="supervision",
        inspection__pdu__name="Derby City",  # chloe's inspection too
    ).first()
    sign_in(page, "amira", DEMO_PASSWORD)
    type_evidence(page, shared, "Amira's unsaved evidence.")
    sign_out(page)
    assert page.evaluate(DRAFTS) == []

    InspectedCase.objects.filter(pk=shared.pk).update(assistant_inspector=User.objects.get(username="chloe"))
    sign_in(page, "chloe", DEMO_PASSWORD)
    page.goto(f"/cases/{shared.pk}/sections/2-2/")
    page.get_by_role("heading", name="2.2 Assessment", level=1).wait_for()
    assert page.locator("#restore-draft").is_hidden()
    assert page.input_value("#kq_2_2_1_rationale") == ""
    assert "Amira's unsaved evidence." not in page.content()
    assert_accessible(page)


def test_another_user_signing_in_after_a_session_expired_never_gets_the_draft(page, demo_case, sign_in):
    sign_in(page, "amira", DEMO_PASSWORD)
    type_evidence(page, demo_case, "Left behind when the session expired.")
    Session.objects.all().delete()  # amira walks away; her session expires

    sign_in(page, "ben", DEMO_PASSWORD)
    page.get_by_role("button", name="Sign out").wait_for()
    stored = page.evaluate(f"{DRAFTS}.map((key) => localStorage.getItem(key)).join(' ')")
    assert "Left behind" not in stored


def test_the_same_user_signing_in_again_is_still_offered_the_draft(page, demo_case, sign_in):
    sign_in(page, "amira", DEMO_PASSWORD)
    type_evidence(page, demo_case, "Typed before the session expired.")
    Session.objects.all().delete()
    sign_in(page, "amira", DEMO_PASSWORD)
    page.goto(f"/cases/{demo_case.pk}/sections/2-2/")
    page.locator("#restore-draft").wait_for()


def test_a_draft_older_than_seven_days_is_not_offered_and_is_removed(page, demo_case, sign_in):
    sign_in(page, "amira", DEMO_PASSWORD)
    type_evidence(page, demo_case, "Typed last month.")
    page.evaluate(
        f"""{DRAFTS}.forEach((key) => {{
            const draft = JSON.parse(localStorage.getItem(key));
            draft.savedAt = new Date(Date.now() - 8 * 24 * 3600 * 1000).toISOString();
            localStorage.setItem(key, JSON.stringify(draft));
        }})"""
    )
    page.goto(f"/cases/{demo_case.pk}/sections/2-2/")
    page.get_by_role("heading", name="2.2 Assessment", level=1).wait_for()
    assert page.locator("#restore-draft").is_hidden()
    assert page.evaluate(DRAFTS) == []


RECORD_VIOLATIONS = """
window.__cspViolations = [];
document.addEventListener("securitypolicyviolation", (event) => {
  window.__cspViolations.push(event.violatedDirective + " " + event.blockedURI);
});
"""


def test_every_page_works_under_the_content_security_policy(page, demo_case, sign_in):
    console = []
    page.on("console", lambda message: console.append(message.text))
    page.on("pageerror", lambda error: console.append(str(error)))
    page.context.add_init_script(RECORD_VIOLATIONS)
    inspection = Inspection.objects.get(pdu__name="Gateshead and South Tyneside")

    def visit(url):
        response = page.goto(url)
        assert "script-src 'self'" in response.headers["content-security-policy"], url
        assert "no-store" in response.headers["cache-control"], url
        assert page.evaluate("document.body.classList.contains('js-enabled')"), url
        assert page.evaluate("window.__cspViolations") == [], url

    sign_in(page, "amira", DEMO_PASSWORD)
    for url in [
        "/cases/",
        f"/cases/{demo_case.pk}/",
        f"/cases/{demo_case.pk}/check/",
        "/account/api-tokens/",
    ]:
        visit(url)
    page.goto(f"/cases/{demo_case.pk}/sections/2-2/")
    page.check("#kq_2_2_1_answer")
    page.fill("#kq_2_2_1_rationale", "Typed under the policy.")
    page.get_by_role("button", name="Save draft").first.click()
    page.get_by_text("have been saved").wait_for()
    sign_out(page)

    sign_in(page, "lead", DEMO_PASSWORD)
    for url in [
        "/",
        f"/dashboards/inspections/{inspection.pk}/",
        "/dashboards/national/",
        f"/inspections/{inspection.pk}/",
        "/api/docs/",
    ]:
        visit(url)
    violations = [
        text for text in console if "Content Security Policy" in text or "Permissions-Policy" in text
    ]
    assert violations == []
