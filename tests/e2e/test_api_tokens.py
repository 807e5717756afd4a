import httpx

from tests.factories import DEFAULT_PASSWORD, UserFactory


def test_a_user_creates_uses_and_revokes_an_api_token(
    page, live_server, transactional_db, sign_in, assert_accessible
):
    UserFactory(username="analyst")
    sign_in(page, "analyst", DEFAULT_PASSWORD)
    page.get_by_role("link", name="API tokens").click()
    page.get_by_role("heading", name="API tokens", level=1).wait_for()
    assert "You have no tokens." in page.content()
    assert_accessible(page)

    # No name: the error summary, the form re-rendered
    page.get_by_role("button", name="Create token").click()
    summary = page.locator(".govuk-error-summary")
    summary.wait_for()
    assert "Enter a name for the token" in summary.inner_text()
    assert_accessible(page)

    # By keyboard: type the name, press Enter
    page.get_by_label("Token name").fill("Ratings spreadsheet")
    page.get_by_label("Token name").press("Enter")
    secret = page.get_by_test_id("new-token").inner_text().strip()
    assert len(secret) == 64
    assert_accessible(page)

    response = httpx.get(f"{live_server.url}/api/v1/regions/", headers={"Authorization": f"Token {secret}"})
    assert response.status_code == 200

    # Shown once: a reload lists the token by name only
    page.reload()
    assert secret not in page.content()
    page.get_by_role("row", name="Ratings spreadsheet").wait_for()

    revoke = page.get_by_role("button", name="Revoke Ratings spreadsheet")
    revoke.focus()
    page.keyboard.press("Enter")
    page.get_by_text("Token revoked").wait_for()
    assert "You have no tokens." in page.content()
    assert_accessible(page)
    response = httpx.get(f"{live_server.url}/api/v1/regions/", headers={"Authorization": f"Token {secret}"})
    assert response.status_code == 401
    assert response.headers["content-type"] == "application/problem+json"


def test_the_api_documentation_page_is_accessible_without_javascript(
    browser, live_server, transactional_db, assert_accessible
):
    context = browser.new_context(base_url=live_server.url, java_script_enabled=False)
    page = context.new_page()
    page.goto("/api/docs/")
    page.get_by_role("heading", name="Case Assessment API", level=1).wait_for()
    page.get_by_role("link", name="PATCH /api/v1/cases/{id}/").click()
    assert page.url.endswith("#v1_cases_partial_update")
    context.close()
    page = browser.new_context(base_url=live_server.url).new_page()
    page.goto("/api/docs/")
    assert_accessible(page)
    page.context.close()
