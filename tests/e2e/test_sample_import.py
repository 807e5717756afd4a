"""The sample import as a lead tries it (issue 16, defect 7), straight from the import page: a bad file's problems
each linked from the error summary to their own row with the value read, the template for the case kind, and a
semicolon-separated Windows-1252 file (Excel's CSV on Windows) with a username in capitals imported. Axe-checked.
The lead's whole journey, through the inspection's task list, is tests/e2e/test_lead_journey.py."""

import re

import pytest
from playwright.sync_api import expect

from cases.models import InspectedCase
from inspections.models import Inspection, Role
from tests.factories import DEFAULT_PASSWORD, SAMPLE_HEADER, InspectionFactory, UserFactory, team_member

pytestmark = pytest.mark.e2e


@pytest.mark.usefixtures("transactional_db")
def test_a_lead_fixes_a_file_and_imports_a_windows_csv(page, framework, sign_in, assert_accessible):
    inspection = InspectionFactory(framework=framework, status=Inspection.Status.SETUP)
    lead = UserFactory(username="lena")
    team_member(inspection, Role.LEAD, user=lead)
    team_member(
        inspection, Role.ASSISTANT_INSPECTOR, username="amira", first_name="Amira", last_name="Hussain"
    )
    sign_in(page, "lena", DEFAULT_PASSWORD)
    page.goto(f"/inspections/{inspection.pk}/sample/import/")
    page.get_by_role("heading", name="Import the case sample").wait_for()

    with page.expect_download() as download:
        page.get_by_role("link", name=re.compile("Download a template")).first.click()
    assert download.value.suggested_filename.startswith("sample-")

    bad = SAMPLE_HEADER + "P1,caution,low,2026-03-02,\nP2,licence,extreme,31/11/2026,\n"
    page.get_by_label("Upload the case sample").set_input_files(
        {"name": "sample.csv", "mimeType": "text/csv", "buffer": bad.encode()}
    )
    page.get_by_role("button", name="Check the file").click()
    summary = page.locator(".govuk-error-summary")
    expect(summary).to_contain_text("The file has three problems")
    expect(page.get_by_role("table", name=re.compile("problems on"))).to_contain_text(
        "3 problems on 2 rows of 2"
    )
    summary.get_by_role("link", name=re.compile("^Line 3, Supervision start date")).click()
    assert page.url.endswith("#problem-3")
    expect(page.locator("#problem-3")).to_contain_text("31/11/2026")
    expect(page.locator("#problem-2")).to_contain_text("extreme")
    assert_accessible(page)

    good = SAMPLE_HEADER + "P1,licence,low,02/03/2026,AMIRA\nPé2,community order,high,2026-03-09,\n"
    page.get_by_label("Upload the case sample").set_input_files(
        {"name": "sample.csv", "mimeType": "text/csv", "buffer": good.replace(",", ";").encode("cp1252")}
    )
    page.get_by_role("button", name="Check the file").click()
    expect(page.get_by_text("The file is ready: 2 cases and no problems")).to_be_visible()
    assert_accessible(page)
    page.get_by_role("button", name="Import 2 cases").click()
    page.get_by_role("heading", name="Sample summary").wait_for()
    assert sorted(InspectedCase.objects.values_list("reference", "assistant_inspector__username")) == [
        ("P1", "amira"),
        ("Pé2", None),
    ]
