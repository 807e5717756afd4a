"""A national viewer builds a year-on-year comparison, opens the national report and downloads it as a PDF."""

import datetime

from cases.demo import DEMO_PASSWORD, seed_demo
from cases.models import Answer, InspectedCase
from inspections.models import Inspection, KeyQuestion
from pdus.models import PDU
from reports.models import InspectionSnapshot
from reports.selectors.results import inspection_result_data, inspection_results
from tests.factories import InspectedCaseFactory, InspectionFactory, JudgementFactory, UserFactory


def _locked(pdu_name, start, sufficient, insufficient):
    """A locked inspection of a demo PDU whose cases answer the 2.2 key questions, with its snapshot."""
    inspection = InspectionFactory(
        pdu=PDU.objects.get(name=pdu_name), fieldwork_start=start, fieldwork_end=start
    )
    key_questions = KeyQuestion.objects.filter(
        standard__framework=inspection.framework, code__startswith="2.2."
    )
    for answer in [Answer.YES] * sufficient + [Answer.NO] * insufficient:
        case = InspectedCaseFactory(inspection=inspection, status=InspectedCase.Status.APPROVED)
        for key_question in key_questions:
            JudgementFactory(case=case, key_question=key_question, answer=answer)
    inspection.status = Inspection.Status.LOCKED
    inspection.save()
    data = inspection_result_data(inspection_results([inspection])[inspection.pk])
    InspectionSnapshot.objects.create(
        inspection=inspection, data=data, framework_version=1, created_by=UserFactory()
    )


def test_national_viewer_compares_two_years_and_downloads_the_report(
    page, transactional_db, sign_in, assert_accessible
):
    seed_demo()
    _locked("Sheffield", datetime.date(2024, 6, 3), 24, 6)
    _locked("Derby City", datetime.date(2025, 6, 2), 10, 20)
    _locked("Gateshead and South Tyneside", datetime.date(2025, 7, 7), 8, 12)
    sign_in(page, "national", DEMO_PASSWORD)
    page.get_by_role("link", name="National report").first.click()
    page.get_by_role("heading", name="National report", exact=True).wait_for()
    assert_accessible(page)

    page.get_by_role("link", name="Compare two periods or groups").click()
    page.get_by_role("heading", name="Compare two periods or groups").wait_for()
    page.get_by_label("Year on year").check()
    page.get_by_label("First year").select_option("2025-26")
    page.get_by_label("Compared with the year").select_option("2024-25")
    assert_accessible(page)
    page.get_by_role("button", name="Compare").click()
    page.get_by_role("heading", name="April 2025 to March 2026 against April 2024 to March 2025").wait_for()
    # 18 of 50 against 24 of 30: -44 points, an interval well below zero.
    assert "Assessment: Engagement (2.2.1): -44 points" in page.locator("main").inner_text()
    assert page.get_by_role(
        "img", name="Key questions: April 2025 to March 2026 and April 2024 to March 2025"
    ).is_visible()
    assert_accessible(page)

    page.get_by_role("link", name="National report").last.click()
    page.get_by_label("Period").select_option("2025-26")
    page.get_by_role("button", name="Show the report").click()
    page.get_by_text(
        "2 PDUs were inspected in England and Wales in April 2025 to March 2026, in 2 regions."
    ).first.wait_for()
    # No survey or staffing was recorded for these inspections: the report says so rather than showing nothing.
    cannot_say = page.get_by_role("heading", name="What this report cannot say yet").locator(
        "xpath=following-sibling::ul[1]"
    )
    assert (
        "there are no survey results for England and Wales in April 2025 to March 2026"
        in cannot_say.inner_text()
    )
    assert "none of the inspections reported from recorded their PDU’s staffing" in cannot_say.inner_text()
    assert_accessible(page)
    with page.expect_download() as download:
        page.get_by_role("link", name="Download the report (PDF)").click()
    assert download.value.suggested_filename == "national-2025-26-report.pdf"
    with open(download.value.path(), "rb") as pdf:
        assert pdf.read(4) == b"%PDF"

    page.get_by_role("navigation", name="Menu").get_by_role("link", name="PDUs").click()
    page.get_by_role("link", name="Derby City", exact=True).click()
    page.get_by_role("heading", name="Derby City: ratings over time").wait_for()
    assert page.get_by_role("img", name="Derby City: composite scores over time").is_visible()
    assert_accessible(page)
