"""An administrator loads a framework without a developer: uploads a workbook with mistakes, reads every error (sheet,
row, column, how to fix it), fixes the workbook, uploads it again, checks the preview of the case form and the rating
rules, and publishes it. Every page is checked with axe."""

import io

import openpyxl
from django.urls import reverse
from playwright.sync_api import expect

from inspections.definition_checks import parse
from inspections.models import Framework
from inspections.workbook import workbook
from tests.factories import DEFAULT_PASSWORD, UserFactory


def _framework() -> dict:
    """A youth-justice-shaped framework in small: a judged standard and a case standard, one question for custody
    cases only."""
    return {
        "format": 2,
        "slug": "yj-test",
        "version": 1,
        "name": "Youth justice test framework",
        "unit": "pdu",
        "effective_from": "2025-04-01",
        "key_question_bands": {"outstanding": 80, "good": 65, "requires_improvement": 50},
        "overall": {
            "rule": "composite",
            "bands": {"6": {"outstanding": 6, "good": 4, "requires_improvement": 2}},
        },
        "domains": [
            {"code": "1", "title": "Organisational delivery"},
            {"code": "2", "title": "Court disposals"},
        ],
        "case_kinds": [
            {
                "slug": "court_disposal",
                "name": "Court disposal case",
                "attributes": [
                    {
                        "key": "disposal",
                        "label": "Disposal",
                        "type": "choice",
                        "required": True,
                        "options": [
                            {"value": "referral_order", "label": "Referral order"},
                            {"value": "custody", "label": "Custody"},
                        ],
                    }
                ],
            }
        ],
        "standards": [
            {
                "code": "1.1",
                "domain": "1",
                "title": "Governance and leadership",
                "rated_by": "team_judgement",
            },
            {
                "code": "2.1",
                "domain": "2",
                "title": "Assessment",
                "rated_by": "lowest_key_question",
                "case_kind": "court_disposal",
                "key_questions": [
                    {
                        "code": "2.1.1",
                        "criterion": "Desistance",
                        "wording": "Does assessment sufficiently analyse how to support the child's desistance?",
                        "prompts": ["Does it draw on available sources of information?"],
                    },
                    {
                        "code": "2.1.2",
                        "criterion": "Resettlement",
                        "wording": "Does assessment plan for the child's release?",
                        "applies_when": {"attribute": "disposal", "in": ["custody"]},
                    },
                ],
            },
        ],
    }


def _xlsx(change=None) -> dict:
    book = openpyxl.load_workbook(io.BytesIO(workbook(parse(_framework()))))
    if change:
        change(book)
    out = io.BytesIO()
    book.save(out)
    return {
        "name": "yj-test.xlsx",
        "mimeType": "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet",
        "buffer": out.getvalue(),
    }


def _mistakes(book):
    book["Standards"]["E3"] = "lowest key question"  # rated_by, with spaces
    book["Key questions"]["A3"] = "2.2"  # a standard that is not there
    book["Bands"]["C2"] = 90  # key-question bands out of order


def test_an_administrator_uploads_a_framework_with_mistakes_fixes_it_and_publishes_it(
    page, transactional_db, sign_in, assert_accessible
):
    UserFactory(username="admin", first_name="Ada", last_name="Admin", is_superuser=True, is_staff=True)
    sign_in(page, "admin", DEFAULT_PASSWORD)
    page.goto(reverse("api_tokens"))  # any page: the navigation offers administrators the Frameworks pages
    page.get_by_role("navigation", name="Menu").get_by_role("link", name="Frameworks").click()
    page.get_by_role("heading", name="Frameworks", level=1).wait_for()
    assert_accessible(page)

    page.get_by_role("link", name="Upload a framework").click()
    page.get_by_label("Upload a framework file").set_input_files(_xlsx(_mistakes))
    page.get_by_role("button", name="Upload the framework").click()

    summary = page.locator(".govuk-error-summary")
    expect(summary).to_be_visible()
    expect(summary).to_contain_text("The file has 3 problems. Nothing was loaded.")
    expect(summary).to_contain_text(
        'Standards sheet, row 3, column rated_by: "lowest key question" is not allowed. Did you mean '
        '"lowest_key_question"? Use one of: lowest_key_question, team_judgement, pooled, not_rated.'
    )
    expect(summary).to_contain_text(
        'Key questions sheet, row 3, column standard: "2.2" is not on the Standards sheet.'
    )
    expect(summary).to_contain_text("Bands sheet, row 2: The lowest values must rise")
    expect(page.get_by_role("table", name="3 problems")).to_be_visible()
    assert page.title().startswith("Error: ")
    assert_accessible(page)
    assert not Framework.objects.filter(slug="yj-test").exists()

    # Fixed, the workbook loads as a draft whose preview shows the case form and the rating rules.
    page.get_by_label("Upload a framework file").set_input_files(_xlsx())
    page.get_by_role("button", name="Upload the framework").click()
    page.get_by_role("heading", name="Youth justice test framework (version 1)").wait_for()
    expect(page.get_by_text("loaded as a draft")).to_be_visible()
    expect(page.get_by_text("Does assessment plan for the child's release?")).to_be_visible()
    expect(page.get_by_text("Applies to: Only where Disposal is Custody.")).to_be_visible()
    expect(page.get_by_role("table", name="How each standard is rated")).to_contain_text(
        "The lowest of its 2 key questions' rates over the court disposal cases"
    )
    assert_accessible(page)

    page.get_by_role("button", name="Publish").click()
    expect(page.get_by_text("published: new inspections can use it")).to_be_visible()
    expect(page.get_by_role("button", name="Publish")).to_have_count(0)
    assert_accessible(page)
    framework = Framework.objects.get(slug="yj-test")
    assert framework.is_published
    assert framework.published_by.username == "admin"

    page.get_by_role("navigation", name="Menu").get_by_role("link", name="Frameworks").click()
    expect(page.get_by_role("table", name="Framework versions")).to_contain_text(
        "Youth justice test framework"
    )
    assert_accessible(page)
