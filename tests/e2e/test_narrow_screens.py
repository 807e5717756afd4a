"""Issue 16, defect 10: at 375 px (a phone) no page scrolls sideways; a wide table scrolls inside its own region,
which can be reached with the keyboard, is named, and shows that there is more to the side."""

import pytest

from cases.demo import DEMO_PASSWORD, seed_demo
from cases.models import InspectedCase
from inspections.models import Inspection

WIDTH = 375

# The elements wider than the viewport that are not inside a region of their own that scrolls: what to fix.
OVERFLOWING = """(width) => Array.from(document.querySelectorAll("body *"))
    .filter((element) => element.getBoundingClientRect().right > width + 1)
    .filter((element) => !element.closest(".app-table-scroll"))
    .slice(0, 8)
    .map((element) => element.tagName.toLowerCase() + (element.id ? "#" + element.id : "")
        + (element.className && typeof element.className === "string" ? "." + element.className.split(" ").join(".") : "")
        + " " + Math.round(element.getBoundingClientRect().right) + "px")"""


@pytest.fixture
def phone(browser, live_server):
    context = browser.new_context(base_url=live_server.url, viewport={"width": WIDTH, "height": 800})
    context.set_default_timeout(15_000)
    page = context.new_page()
    yield page
    context.close()


def assert_fits(page):
    page.wait_for_load_state("load")
    width = page.evaluate("document.documentElement.scrollWidth")
    assert width <= WIDTH, f"{page.url} is {width} px wide at {WIDTH} px: " + ", ".join(
        page.evaluate(OVERFLOWING, WIDTH)
    )


def assert_all_content_in_landmarks(page):
    """axe's `region` rule (moderate, so not in assert_accessible): the phase banner and back link were outside."""
    from axe_playwright_python.sync_playwright import Axe

    results = Axe().run(page, options={"runOnly": ["region"]})
    assert results.response["violations"] == [], [
        node["target"] for violation in results.response["violations"] for node in violation["nodes"]
    ]


def assert_regions_scroll_and_say_so(page):
    """Each wide table's region is focusable, named, and marked as scrolling when its table is wider than it."""
    regions = page.locator(".app-table-scroll")
    for index in range(regions.count()):
        region = regions.nth(index)
        assert region.get_attribute("tabindex") == "0"
        assert region.get_attribute("role") == "region"
        assert region.get_attribute("aria-label") or region.get_attribute("aria-labelledby")
        wide = region.evaluate("(element) => element.scrollWidth > element.clientWidth + 1")
        cue = region.evaluate("(element) => element.classList.contains('app-table-scroll--more')")
        assert cue == wide, f"region {index} on {page.url}: wider than shown {wide}, cue shown {cue}"


def test_the_lead_s_pages_fit_at_375_px(phone, transactional_db, sign_in, assert_accessible):
    seed_demo()
    inspection = Inspection.objects.get(pdu__name="Gateshead and South Tyneside")
    sign_in(phone, "lead", DEMO_PASSWORD)
    phone.wait_for_url(lambda url: "/sign-in/" not in url)
    pages = [
        f"/dashboards/inspections/{inspection.pk}/",
        "/dashboards/national/",
        f"/inspections/{inspection.pk}/quality-assurance/",
        f"/inspections/{inspection.pk}/assignment/",
        f"/inspections/{inspection.pk}/",
    ]
    for url in pages:
        response = phone.goto(url)
        assert response.status == 200, url
        assert_fits(phone)
        assert_regions_scroll_and_say_so(phone)
        assert_accessible(phone)
        assert_all_content_in_landmarks(phone)
    phone.goto(f"/dashboards/inspections/{inspection.pk}/")
    wide = phone.locator(".app-table-scroll.app-table-scroll--more").first
    hint = wide.locator("xpath=preceding-sibling::p[1]")
    assert hint.is_visible()
    assert "scroll it sideways" in hint.inner_text()
    wide.focus()  # the keyboard scrolls it
    phone.keyboard.press("ArrowRight")
    # Chromium scrolls smoothly: the region moves over the next frames, not before press() returns.
    phone.wait_for_function("(element) => element.scrollLeft > 0", arg=wide.element_handle(), timeout=5000)


def test_the_case_page_fits_at_375_px(phone, transactional_db, sign_in, assert_accessible):
    """The task list, a task's page and check your answers while answering, and the read-only case once submitted
    (its answers table was 416 px wide)."""
    seed_demo()
    cases = InspectedCase.objects.filter(assistant_inspector__username="amira")
    sign_in(phone, "amira", DEMO_PASSWORD)
    phone.wait_for_url(lambda url: "/sign-in/" not in url)
    for status in ["not_started", "submitted"]:
        case = cases.filter(status=status).order_by("pk").first()
        phone.goto(f"/cases/{case.pk}/")
        phone.get_by_role("heading", name=f"Case {case.reference}").wait_for()
        assert_fits(phone)
        assert_regions_scroll_and_say_so(phone)
        assert_accessible(phone)
        assert_all_content_in_landmarks(phone)
        if status == "not_started":
            for url in [f"/cases/{case.pk}/sections/needs/", f"/cases/{case.pk}/check/"]:
                assert phone.goto(url).status == 200, url
                assert_fits(phone)
                assert_accessible(phone)
                assert_all_content_in_landmarks(phone)
