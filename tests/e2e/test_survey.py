"""A national viewer imports the survey of people on probation: a file with a mistake, the error read and fixed,
then the PDU's results with small counts hidden and saying so; the national dashboard's summary. Axe-checked."""

import re

import pytest
from playwright.sync_api import expect

from tests.factories import DEFAULT_PASSWORD, PDUFactory, UserFactory

pytestmark = pytest.mark.e2e

QUESTION = "Were you involved in planning your sentence?"


def survey_file(pdu: str) -> bytes:
    rows = [("Yes", 30), ("No", 12), ("Don't know", 3)]
    lines = ["PDU,Period,Question,Response,Count", *(f"{pdu},2026-27,{QUESTION},{r},{n}" for r, n in rows)]
    return ("\n".join(lines) + "\n").encode()


@pytest.mark.usefixtures("transactional_db")
def test_a_national_viewer_fixes_a_survey_file_and_reads_the_results(page, sign_in, assert_accessible):
    pdu = PDUFactory(name="Gateshead and South Tyneside")
    UserFactory(username="nadia", first_name="Nadia", last_name="Rahman", is_national_viewer=True)
    sign_in(page, "nadia", DEFAULT_PASSWORD)
    page.goto("/dashboards/national/")
    page.get_by_role("link", name="Import survey results").click()
    page.get_by_role("heading", name="Import survey results").wait_for()
    assert_accessible(page)

    page.get_by_label("Upload the survey results").set_input_files(
        {"name": "survey.csv", "mimeType": "text/csv", "buffer": survey_file("Gateshead and S Tyneside")}
    )
    page.get_by_role("button", name="Import the results").click()
    summary = page.locator(".govuk-error-summary")
    expect(summary).to_contain_text("The file has three problems")
    summary.get_by_role("link", name=re.compile("^Line 2, PDU: There is no PDU called")).click()
    assert page.url.endswith("#problem-1")
    expect(page.locator("#problem-1")).to_contain_text("Gateshead and S Tyneside")
    assert_accessible(page)

    page.get_by_label("Upload the survey results").set_input_files(
        {"name": "survey.csv", "mimeType": "text/csv", "buffer": survey_file(pdu.name)}
    )
    page.get_by_role("button", name="Import the results").click()
    expect(page.get_by_text("3 survey results imported from survey.csv")).to_be_visible()

    page.goto(f"/pdus/{pdu.pk}/survey/")
    table = page.get_by_role("table", name=re.compile(QUESTION))
    expect(table).to_contain_text("n = 45")
    expect(table.get_by_role("row", name=re.compile("^Yes"))).to_contain_text("66.7%")
    expect(table.get_by_role("row", name=re.compile("^No"))).to_contain_text(
        "Fewer than 5 responses: not shown"
    )
    expect(page.get_by_text("Counts of fewer than 5 people are not shown")).to_be_visible()
    assert_accessible(page)

    page.goto("/dashboards/national/")
    expect(page.get_by_role("heading", name="National: views of people on probation")).to_be_visible()
    assert_accessible(page)
