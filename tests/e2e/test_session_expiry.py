"""Issue 16, defect 11 in a browser: after the session expires the sign-in page says so and that typed answers are
kept; "Restore" leaves nothing more to choose; "Discard" puts back what the server had and deletes the stored copy."""

import pytest
from django.contrib.sessions.models import Session

from cases.demo import DEMO_PASSWORD, seed_demo
from cases.models import InspectedCase

DRAFTS = "Object.keys(localStorage).filter((key) => key.startsWith('case-draft'))"
TYPED = "Typed before the session expired."


@pytest.fixture
def demo_case(transactional_db):
    """One of amira's supervision cases, not started: its first key question is 2.2.1 (court reports answer 2.1.x)."""
    seed_demo()
    return InspectedCase.objects.filter(
        assistant_inspector__username="amira", status="not_started", kind="supervision"
    ).first()


def expire_while_typing(page, case, sign_in):
    """amira types evidence, her session expires, and "Save draft" takes her to the sign-in page."""
    sign_in(page, "amira", DEMO_PASSWORD)
    page.wait_for_url(lambda url: "/sign-in/" not in url)
    page.goto(f"/cases/{case.pk}/sections/2-2/")
    page.fill("#kq_2_2_1_rationale", TYPED)
    page.wait_for_function(f"{DRAFTS}.length > 0")
    Session.objects.all().delete()
    page.get_by_role("button", name="Save draft").click()
    page.get_by_label("Username").wait_for()


def sign_in_again(page, case):
    page.get_by_label("Username").fill("amira")
    page.get_by_label("Password").fill(DEMO_PASSWORD)
    page.get_by_role("button", name="Sign in").click()
    page.get_by_role("heading", name="2.2 Assessment", level=1).wait_for()


def test_the_sign_in_page_says_the_session_expired_and_the_answers_are_kept(
    page, demo_case, sign_in, assert_accessible
):
    expire_while_typing(page, demo_case, sign_in)
    banner = page.get_by_role("region", name="Important")
    assert "You were signed out because your session expired." in banner.inner_text()
    assert "Answers you typed but had not saved are kept in this browser." in banner.inner_text()
    assert_accessible(page)

    sign_in_again(page, demo_case)
    page.get_by_role("button", name="Sign out").click()
    page.get_by_label("Username").wait_for()
    assert "session expired" not in page.locator("main").inner_text()  # signing out is not an expiry


def test_after_restoring_the_banner_offers_nothing_more(page, demo_case, sign_in, assert_accessible):
    expire_while_typing(page, demo_case, sign_in)
    sign_in_again(page, demo_case)
    banner = page.locator("#restore-draft")
    banner.wait_for()
    banner.get_by_role("button", name="Restore my unsaved answers").click()
    assert page.input_value("#kq_2_2_1_rationale") == TYPED
    assert "have been restored" in banner.inner_text()
    assert banner.get_by_role("button", name="Restore my unsaved answers").is_hidden()
    assert banner.get_by_role("button", name="Discard them").is_hidden()
    assert_accessible(page)


def test_discarding_puts_back_the_saved_answers_and_deletes_the_draft(page, demo_case, sign_in):
    expire_while_typing(page, demo_case, sign_in)
    sign_in_again(page, demo_case)
    banner = page.locator("#restore-draft")
    banner.wait_for()
    page.fill("#kq_2_2_1_rationale", "Started again before choosing.")  # the draft's field, typed over
    page.fill("#kq_2_2_2_rationale", "Typed elsewhere after signing in.")
    banner.get_by_role("button", name="Discard them").click()

    assert banner.is_hidden()
    assert page.input_value("#kq_2_2_1_rationale") == ""  # what the server had
    assert page.input_value("#kq_2_2_2_rationale") == "Typed elsewhere after signing in."
    stored = page.evaluate(f"{DRAFTS}.map((key) => JSON.parse(localStorage.getItem(key)).values)")
    assert stored == [{"kq_2_2_2_rationale": "Typed elsewhere after signing in."}]
