"""A lead opens the inspection dashboard and the national dashboard; both pass axe and work without JavaScript."""

import os
import re
from pathlib import Path

from accounts.models import User
from cases.demo import DEMO_PASSWORD, seed_demo
from inspections.models import Inspection
from reports.selectors.dashboards import national_dashboard

SCREENSHOTS = Path(__file__).resolve().parents[2] / "docs" / "screenshots"
UPDATE_SCREENSHOTS = bool(
    os.environ.get("UPDATE_SCREENSHOTS")
)  # docs/screenshots are refreshed on request only


def _screenshot(page, name):
    if UPDATE_SCREENSHOTS:
        from PIL import Image

        path = SCREENSHOTS / name
        page.screenshot(path=path, full_page=True)
        # A 256-colour palette keeps the committed PNGs small; the pages use few colours anyway.
        Image.open(path).convert("RGB").quantize(colors=256).save(path, optimize=True)


def test_lead_reads_the_inspection_dashboard_and_downloads_a_table(
    page, transactional_db, sign_in, assert_accessible
):
    seed_demo()
    gateshead = Inspection.objects.get(pdu__name="Gateshead and South Tyneside")
    sign_in(page, "lead", DEMO_PASSWORD)
    page.get_by_role("link", name="National and regional dashboard").wait_for()
    page.get_by_role("link", name="dashboard for Gateshead and South Tyneside, September 2026").click()
    page.get_by_role("heading", name="Gateshead and South Tyneside: inspection dashboard").wait_for()
    assert page.url.endswith(f"/dashboards/inspections/{gateshead.pk}/")
    assert "Provisional" in page.locator(".govuk-warning-text").inner_text()
    assert page.get_by_role("img", name="Sufficiency of each key question").is_visible()
    # One standard x criterion grid per case kind it rates: its court work (court-report cases) and 2.2-2.5.
    grids = page.locator('table[id^="table-standard-criterion"]')
    assert "2.2 Assessment" in " ".join(grids.all_inner_texts())
    assert_accessible(page)
    _screenshot(page, "inspection-dashboard.png")

    with page.expect_download() as download:
        page.get_by_role("link", name=re.compile(r"^Download “Case facts")).first.click()
    assert re.search(r"case-facts(-[a-z-]+)?\.csv$", download.value.suggested_filename)


def test_lead_filters_the_national_dashboard_by_region_and_sorts_it(
    page, transactional_db, sign_in, assert_accessible
):
    seed_demo()
    sign_in(page, "lead", DEMO_PASSWORD)
    page.goto("/dashboards/national/")
    page.get_by_role("heading", name="National dashboard").wait_for()
    assert page.get_by_role("img", name="Overall ratings of the PDUs shown").is_visible()
    assert_accessible(page)
    _screenshot(page, "national-dashboard.png")

    page.get_by_label("Region").select_option(label="North East")
    page.get_by_role("button", name="Apply filters").click()
    page.get_by_role("heading", name="Regional dashboard: North East").wait_for()
    rows = page.locator("#table-pdus tbody tr")
    assert "Gateshead and South Tyneside" in rows.all_inner_texts()[0]
    assert all("North East" in text for text in rows.all_inner_texts())
    page.get_by_role("link", name=re.compile(r"^Composite")).click()
    assert "sort=composite" in page.url
    assert "region=" in page.url
    assert page.locator('th[aria-sort="descending"]').count() == 1
    assert_accessible(page)


def test_the_national_dashboard_works_without_javascript(browser, live_server, transactional_db, sign_in):
    seed_demo()
    context = browser.new_context(base_url=live_server.url, java_script_enabled=False)
    page = context.new_page()
    sign_in(page, "national", DEMO_PASSWORD)
    page.goto("/dashboards/national/?sort=-composite")
    page.get_by_role("heading", name="National dashboard").wait_for()
    page.get_by_label("Period").select_option(index=1)
    page.get_by_role("button", name="Apply filters").click()
    assert "period=2026-27" in page.url
    # The distribution, the key questions, and a chart of each case kind's facts and of its needs.
    shown = national_dashboard(User.objects.get(username="national"), period="2026-27", sort="-composite")
    fact_charts = sum(bool(kind.facts) + bool(kind.needs) for kind in shown.case_facts.kinds)
    assert fact_charts >= 2
    assert page.locator("svg.app-chart").count() == 2 + fact_charts
    context.close()
