"""Finding 4 of issue 15: the tagged PDF report answered 500 for two of the three demo inspections.

WeasyPrint tags a table through its wrapper box; when a page broke between a table's caption and its rows, the
wrapper on the first page held the caption alone and tagging failed ("Table wrapper without a table")."""

from pathlib import Path

import pytest
from django.conf import settings
from django.contrib.auth import get_user_model
from django.template.loader import get_template
from django.urls import reverse
from weasyprint import HTML

from cases.demo import DEMO_INSPECTIONS, seed_demo
from inspections.models import Inspection
from reports.evidence.demo import evidence_demo_create
from reports.services import inspection_lock


@pytest.fixture
def demo(db):
    seed_demo(lock=inspection_lock)


def test_every_demo_inspection_has_a_tagged_pdf_report(client, demo):
    client.force_login(get_user_model().objects.get(username="lead"))
    inspections = list(Inspection.objects.order_by("pk"))
    assert len(inspections) == len(DEMO_INSPECTIONS)
    assert any(
        inspection.is_locked for inspection in inspections
    )  # locked: the report is read from a snapshot
    for inspection in inspections:
        response = client.get(reverse("inspection_report_pdf", args=[inspection.pk]))
        assert response.status_code == 200, inspection
        assert response["Content-Type"] == "application/pdf"
        assert response.content.startswith(b"%PDF")


def test_the_national_report_of_the_demo_has_a_tagged_pdf(client, demo):
    evidence_demo_create()  # the survey and staffing sections, as `make demo` loads them
    client.force_login(get_user_model().objects.get(username="national"))
    response = client.get(reverse("national_report_pdf"))
    assert response.status_code == 200
    assert response.content.startswith(b"%PDF")


def _report_styles() -> str:
    """The stylesheet every PDF report is laid out with."""
    return get_template("reports/includes/report_pdf.css").template.source


def test_every_pdf_report_is_laid_out_with_the_shared_stylesheet():
    folder = Path(settings.BASE_DIR) / "templates" / "reports"
    reports = sorted(path.name for path in folder.glob("*_pdf.html"))
    assert reports == ["inspection_report_pdf.html", "national_report_pdf.html"]
    for name in reports:
        source = get_template(f"reports/{name}").template.source
        assert source.startswith('{% extends "reports/pdf_layout.html" %}'), name
        assert "<style>" not in source, name
    assert (
        '{% include "reports/includes/report_pdf.css" %}'
        in get_template("reports/pdf_layout.html").template.source
    )


@pytest.mark.parametrize(
    "caption",
    [
        "Key questions by case type",
        # A statement as the national report's captions are: several lines, which a page could split.
        "In the 6 inspected PDUs that recorded their staffing, 15% of posts (full-time equivalent) were vacant, "
        "and 60% of the staff asked said their workload was not manageable; sickness absence was 11.2 days a "
        "person, highest in the North East, where 22% of probation officer posts were vacant at the time.",
    ],
)
def test_a_captioned_table_is_tagged_wherever_the_page_breaks(db, caption):
    """The caption falls at every height of an A4 page in turn, including its foot."""
    styles = _report_styles()
    rows = "".join(f"<tr><th>Row {n}</th><td>{n}</td></tr>" for n in range(12))
    for spacer_mm in range(200, 272, 3):
        html = (
            f"<html><head><style>{styles}</style></head><body>"
            f'<div style="height: {spacer_mm}mm"></div>'
            f"<table><caption>{caption}</caption>{rows}</table></body></html>"
        )
        assert HTML(string=html).write_pdf(pdf_tags=True).startswith(b"%PDF"), spacer_mm
