"""A lead opens the inspection dashboard and the national dashboard; both pass axe and work without JavaScript."""

import os
import re
from pathlib import Path

import pytest
from playwright.sync_api import expect

from accounts.models import User
from cases.demo import DEMO_PASSWORD, seed_demo
from inspections.models import Inspection
from reports.models import InspectionSnapshot
from reports.selectors import results
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

    page.get_by_label("Region").select_option(label="North East")
    page.get_by_role("button", name="Apply filters").click()
    page.get_by_role("heading", name="Regional dashboard: North East").wait_for()
    rows = page.locator("#table-pdus tbody tr")
    assert "Gateshead and South Tyneside" in rows.all_inner_texts()[0]
    assert all("North East" in text for text in rows.all_inner_texts())
    page.get_by_role("link", name=re.compile(r"^Composite")).click()
    # The URL changes when the new page starts to arrive; wait for its table before reading it.
    expect(page.locator('th[aria-sort="descending"]')).to_have_count(1)
    assert "sort=composite" in page.url
    assert "region=" in page.url
    assert_accessible(page)


def test_the_national_dashboard_works_without_javascript(browser, live_server, transactional_db, sign_in):
    seed_demo()
    context = browser.new_context(base_url=live_server.url, java_script_enabled=False)
    page = context.new_page()
    sign_in(page, "national", DEMO_PASSWORD)
    page.goto("/dashboards/national/?sort=-composite")
    page.get_by_role("heading", name="National dashboard").wait_for()
    page.get_by_label("Locked and open inspections (open ones are provisional)").check()
    page.get_by_role("button", name="Apply filters").click()
    assert "inspections=include-provisional" in page.url
    page.get_by_label("Period").select_option(index=1)
    page.get_by_role("button", name="Apply filters").click()
    assert "period=2026-27" in page.url
    # The distribution, the key questions, and a chart of each case kind's facts and of its needs.
    shown = national_dashboard(User.objects.get(username="national"), period="2026-27", sort="-composite")
    fact_charts = sum(bool(kind.facts) + bool(kind.needs) for kind in shown.case_facts.kinds)
    assert fact_charts >= 2
    assert page.locator("svg.app-chart").count() == 2 + fact_charts
    context.close()


def _lock_sheffield():
    """Lock the demo's Sheffield inspection with a snapshot of its results, so national figures have one locked
    inspection (the demo's are all open)."""
    sheffield = Inspection.objects.select_related("framework").get(pdu__name="Sheffield")
    data = results.inspection_result_data(results.inspection_results([sheffield])[sheffield.pk])
    InspectionSnapshot.objects.create(
        inspection=sheffield,
        data=data,
        framework_version=sheffield.framework.version,
        created_by=User.objects.get(username="lead"),
    )
    Inspection.objects.filter(pk=sheffield.pk).update(status=Inspection.Status.LOCKED)


def _fits(page, width):
    page.wait_for_load_state("load")
    assert page.evaluate("document.documentElement.scrollWidth") <= width, page.url


@pytest.mark.parametrize("width", [1280, 375])
def test_the_lead_decides_a_rating_beside_the_national_figures(
    browser, live_server, transactional_db, sign_in, assert_accessible, width
):
    seed_demo()
    _lock_sheffield()
    gateshead = Inspection.objects.get(pdu__name="Gateshead and South Tyneside")
    context = browser.new_context(base_url=live_server.url, viewport={"width": width, "height": 900})
    context.set_default_timeout(15_000)
    page = context.new_page()
    sign_in(page, "lead", DEMO_PASSWORD)
    page.wait_for_url(lambda url: "/sign-in/" not in url)

    page.goto(f"/dashboards/inspections/{gateshead.pk}/")
    progress = page.locator("#table-fieldwork-progress")
    assert "All cases" in progress.inner_text()
    compared = page.locator("#table-key-questions-compared")
    header = compared.locator("thead").inner_text()
    assert "North East: locked inspections" in header
    assert "National: inspections" in header
    # Sheffield, locked, is the national comparison; no North East inspection is locked.
    first = compared.locator("tbody tr").filter(has_text="2.2.1").first.locator("td")
    assert first.nth(3).inner_text().strip() == "0"
    assert first.nth(5).inner_text().strip() == "1"
    assert "Amira" in page.locator("#table-by-assistant-inspector").inner_text()
    assert page.locator("strong.govuk-tag--orange", has_text="Crosses").count() > 10
    assert "more point" in page.locator("#composite-distance").inner_text()
    _fits(page, width)
    assert_accessible(page)
    if width > 375:
        _screenshot(page, "inspection-dashboard.png")

    page.goto("/dashboards/national/")
    assert "1 of 36 PDUs have a locked inspection" in page.locator("main").inner_text()
    assert page.get_by_label("Locked inspections only (final figures)").is_checked()
    page.get_by_label("Locked and open inspections (open ones are provisional)").check()
    page.get_by_role("button", name="Apply filters").click()
    page.wait_for_url(lambda url: "inspections=include-provisional" in url)
    assert "9 of 36 PDUs have an inspection you can see" in page.locator("main").inner_text()
    header = page.locator("#table-pdus thead").inner_text()
    assert "Standard 2.2" in header
    assert "Standard 1.1" in header
    _fits(page, width)
    assert_accessible(page)
    if width > 375:
        _screenshot(page, "national-dashboard.png")
    context.close()
