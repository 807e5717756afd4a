from cases.demo import DEMO_PASSWORD, seed_demo


def test_lead_signs_in_and_sees_pdus_with_provisional_ratings(
    page, transactional_db, sign_in, assert_accessible
):
    seed_demo()
    page.goto("/")
    assert "/sign-in/" in page.url
    assert_accessible(page)

    sign_in(page, "lead", DEMO_PASSWORD)

    page.get_by_role("heading", name="PDUs and their ratings").wait_for()
    assert_accessible(page)
    gateshead = page.get_by_role("row", name="Gateshead and South Tyneside")
    assert "15 out of 27" in gateshead.inner_text()
    assert "out of 27" in gateshead.get_by_role("cell").nth(3).inner_text()


def test_wrong_password_shows_error_summary_and_keeps_username(
    page, transactional_db, sign_in, assert_accessible
):
    seed_demo()
    sign_in(page, "lead", "not-the-password")
    summary = page.locator(".govuk-error-summary")
    summary.wait_for()
    assert "Enter a correct username and password" in summary.inner_text()
    assert page.get_by_label("Username").input_value() == "lead"
    assert_accessible(page)
