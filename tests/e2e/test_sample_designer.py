"""The lead designs and draws the sample in the browser: uploads a caseload (first a bad one), adjusts the confidence
and the strata, draws, replaces an ineligible case from the reserve, and assigns the cases; axe on every page."""

from playwright.sync_api import expect

from cases.sample_models import SampleRole
from inspections.models import Role
from tests.factories import DEFAULT_PASSWORD, caseload_csv, caseload_row, team_member


def upload(page, data, name="caseload.csv"):
    page.get_by_label("Upload the caseload").set_input_files(
        {"name": name, "mimeType": "text/csv", "buffer": data}
    )
    start = page.get_by_role("group", name="Cases starting from")
    start.get_by_label("Day").fill("1")
    start.get_by_label("Month").fill("10")
    start.get_by_label("Year").fill("2025")
    end = page.get_by_role("group", name="Cases starting up to")
    end.get_by_label("Day").fill("31")
    end.get_by_label("Month").fill("5")
    end.get_by_label("Year").fill("2026")
    page.get_by_role("button", name="Check the caseload").click()


def test_lead_designs_draws_replaces_and_assigns_the_sample(
    page, transactional_db, framework, inspection, sign_in, assert_accessible
):
    team_member(inspection, Role.LEAD, username="lena", first_name="Lena", last_name="Okafor")
    team_member(
        inspection, Role.ASSISTANT_INSPECTOR, username="amira", first_name="Amira", last_name="Hussain"
    )
    sign_in(page, "lena", DEFAULT_PASSWORD)

    page.goto(f"/inspections/{inspection.pk}/")
    page.get_by_role("link", name="Design and draw the case sample").click()
    page.get_by_role("heading", name="Design the case sample").wait_for()
    assert_accessible(page)
    page.get_by_role("link", name="Supervision cases").click()
    page.get_by_role("heading", name="Upload the caseload: supervision cases").wait_for()
    assert_accessible(page)

    # A bad file: every problem at once, with its line and column, and nothing saved.
    bad = [caseload_row(i) for i in range(1, 4)]
    bad[0][6], bad[2][8] = "unknown", "extreme"
    upload(page, caseload_csv(bad))
    expect(page.get_by_role("heading", name="The file has two problems")).to_be_visible()
    expect(page.get_by_text("Line 2, Gender: Gender must be female or male")).to_be_visible()
    assert_accessible(page)

    rows = [caseload_row(i) for i in range(1, 241)]
    rows[5][2] = "J*** S****"  # redacted
    upload(page, caseload_csv(rows))
    page.get_by_role("heading", name="Sample design: supervision cases").wait_for()
    expect(page.get_by_text("Redacted (a * in the name or case reference)")).to_be_visible()
    assert_accessible(page)
    size_at_80 = int(page.locator("#sample-size").inner_text())

    # Adjust the confidence and the strata.
    page.get_by_label("Confidence (%)").fill("90")
    page.get_by_role("group", name="Strata").get_by_label("Ethnicity group").check()
    page.get_by_role("button", name="Update the design").click()
    page.get_by_role("heading", name="Sample design: supervision cases").wait_for()
    assert int(page.locator("#sample-size").inner_text()) > size_at_80
    expect(page.get_by_role("table", name="Ethnicity group (stratified)")).to_be_visible()
    assert_accessible(page)

    page.get_by_role("button", name="Draw the sample").click()
    expect(page.get_by_text("cases drawn and added to the inspection")).to_be_visible()
    assert_accessible(page)
    drawn = inspection.sample_designs.get()
    first = drawn.caseload.filter(role=SampleRole.SELECTED).order_by("stratum", "position").first()
    reserve = drawn.caseload.get(role=SampleRole.RESERVE, stratum=first.stratum, position=1)

    # Replace an ineligible case from its stratum's reserve.
    page.get_by_role("link", name=f"Replace case {first.reference}").click()
    page.get_by_role("heading", name=f"Replace case {first.reference}").wait_for()
    assert_accessible(page)
    page.get_by_label("Why is the case ineligible?").fill("Transferred to another PDU before the window")
    page.get_by_role("button", name="Replace from the reserve").click()
    expect(page.get_by_text(f"Case {first.reference} replaced by {reserve.reference}")).to_be_visible()
    expect(page.get_by_text(f"Replaced by {reserve.reference}: Transferred to another PDU")).to_be_visible()

    page.get_by_role("link", name="How the sample is reproduced").click()
    expect(page.get_by_text(drawn.file_sha256)).to_be_visible()
    assert_accessible(page)

    # Assign the drawn cases; the sample is then frozen.
    page.goto(f"/inspections/{inspection.pk}/assignment/")
    page.get_by_label("Assign the selected cases to").select_option(label="Amira Hussain")
    page.get_by_label(reserve.reference).check()
    page.get_by_role("button", name="Assign").click()
    expect(page.get_by_text("1 case assigned to Amira Hussain")).to_be_visible()
    page.goto(f"/inspections/{inspection.pk}/sample/designer/supervision/")
    expect(page.get_by_text("the sample is frozen")).to_be_visible()
    expect(page.get_by_role("button", name="Start again")).to_have_count(0)
    assert_accessible(page)
    assert inspection.cases.get(reference=reserve.reference).assistant_inspector.username == "amira"
    assert not inspection.cases.filter(reference=first.reference).exists()
