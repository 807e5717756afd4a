"""Dashboard pages and exports: who may see them, how many queries they take, and what the files hold."""

import csv
import io
import re
import zlib

import pytest
from django.urls import reverse
from django.utils import timezone
from openpyxl import load_workbook

from cases.models import Answer, InspectedCase
from inspections.models import Inspection, Role
from pdus.loading import published_ratings_load
from reports import rating as rules
from reports import tables
from reports.models import InspectionSnapshot
from reports.selectors import dashboards, results
from reports.views.dashboards import inspection_report_document, inspection_report_html
from tests.factories import (
    InspectedCaseFactory,
    InspectionFactory,
    JudgementFactory,
    MembershipFactory,
    OrganisationalRatingFactory,
    UserFactory,
    team_member,
)


def _inspection_with_cases(framework, cases, **fields):
    inspection = InspectionFactory(**fields)
    for standard in inspection.rated_standards().filter(rated_by="team_judgement"):
        OrganisationalRatingFactory(inspection=inspection, standard=standard, rationale='=HYPERLINK("x")')
    key_questions = list(
        framework.standards.filter(case_kind="supervision").values_list("key_questions", flat=True)
    )
    for number in range(cases):
        case = InspectedCaseFactory(inspection=inspection, status=InspectedCase.Status.SUBMITTED)
        for pk in key_questions:
            JudgementFactory(
                case=case,
                key_question_id=pk,
                answer=Answer.YES if number % 3 else Answer.NO,
                rationale="Secret case evidence",
            )
    return inspection


def _lock(inspection):
    """Lock the inspection with a snapshot of its results, as locking does (without its checks)."""
    result = results.inspection_results([inspection])[inspection.pk]
    InspectionSnapshot.objects.create(
        inspection=inspection,
        data=results.inspection_result_data(result),
        framework_version=inspection.framework.version,
        created_by=UserFactory(),
    )
    Inspection.objects.filter(pk=inspection.pk).update(status=Inspection.Status.LOCKED)
    inspection.refresh_from_db()


@pytest.fixture
def inspection(framework):
    """This module's inspection has three counted cases and rated organisational standards; the team joins it."""
    return _inspection_with_cases(framework, 3)


def _inspection_urls(pk):
    return [
        reverse("inspection_dashboard", args=[pk]),
        reverse("inspection_dashboard_csv", args=[pk, "standards"]),
        reverse("inspection_dashboard_xlsx", args=[pk]),
        reverse("inspection_report_pdf", args=[pk]),
    ]


NATIONAL_URLS = [
    reverse("national_dashboard"),
    reverse("national_dashboard_csv", args=["pdus"]),
    reverse("national_dashboard_xlsx"),
]


def test_anonymous_users_are_sent_to_sign_in_from_every_dashboard_and_export(client, inspection):
    for url in [*_inspection_urls(inspection.pk), *NATIONAL_URLS]:
        response = client.get(url)
        assert response.status_code == 302, url
        assert response.url.startswith(reverse("login"))


@pytest.mark.parametrize("role", [Role.ASSISTANT_INSPECTOR, None])
def test_assistant_inspectors_and_outsiders_get_not_found_from_every_dashboard(client, inspection, role):
    user = team_member(inspection, role) if role else UserFactory()
    client.force_login(user)
    for url in [*_inspection_urls(inspection.pk), *NATIONAL_URLS]:
        assert client.get(url).status_code == 404, url


def test_a_lead_of_another_inspection_cannot_see_this_inspections_dashboard(
    client, inspection, other_inspection
):
    other_lead = team_member(other_inspection, Role.LEAD)
    client.force_login(other_lead)
    for url in _inspection_urls(inspection.pk):
        assert client.get(url).status_code == 404, url
    assert client.get(reverse("national_dashboard")).status_code == 200


def test_the_lead_sees_the_provisional_dashboard_of_their_inspection(client, inspection, lead):
    client.force_login(lead)
    response = client.get(reverse("inspection_dashboard", args=[inspection.pk]))
    assert response.status_code == 200
    page = response.content.decode()
    assert "Provisional" in page
    # Every key question 2 of 3 (66.7%): four Good case standards (8) and four Good organisational ones (8).
    assert response.context["dashboard"].results["composite_score"] == 16
    assert response.context["dashboard"].overall_rating.label == "Good"
    assert "<svg" in page
    assert 'role="img"' in page


def test_a_locked_inspections_dashboard_says_final(client, framework):
    inspection = _inspection_with_cases(framework, 3, status=Inspection.Status.LOCKED)
    client.force_login(team_member(inspection, Role.LEAD))
    response = client.get(reverse("inspection_dashboard", args=[inspection.pk]))
    assert "Final: the inspection is locked" in response.content.decode()


def test_national_viewers_see_every_dashboard_but_no_case_evidence(client, inspection, national_viewer):
    client.force_login(national_viewer)
    for url in [*_inspection_urls(inspection.pk)[:2], *NATIONAL_URLS[:2]]:
        response = client.get(url)
        assert response.status_code == 200, url
        content = response.content.decode()
        assert "Secret case evidence" not in content
        assert "CASE" not in content  # no case references


@pytest.mark.parametrize("cases", [1, 9])
@pytest.mark.parametrize("locked", [False, True])
def test_the_inspection_dashboard_runs_a_fixed_number_of_queries(
    client, framework, django_assert_max_num_queries, cases, locked
):
    inspection = _inspection_with_cases(framework, cases)
    lead = team_member(inspection, Role.LEAD)
    if locked:
        _lock(inspection)
    client.force_login(lead)
    # 1 session; 2 user; 3 the inspection, if the user may see its dashboard; locked: 4 the snapshot, 5 its frozen
    # counts (this snapshot has none, so the cases are counted as when live); 4|6 judgements by key question and
    # breakdown attribute; 5|7 cases, fact answers and needs by case kind; live: 6 optional standards and
    # organisational ratings (one UNION); 7|8 the user's roles in the inspection, read once for every question asked
    # of them (may they manage it, open it from the breadcrumbs, read its cases for the small-numbers rule, record
    # staffing); 8|9 cases by status; 9-10|10-11 the regional and national rates (the locked inspections of its
    # framework, then their counts); 11-12|12-13 the rates by assistant inspector (the lead only: their answers,
    # their cases); 13-14|14-15 moderation agreement (second judgements, key questions); 15|16 staffing evidence (its
    # vacancies are not read when there is none).
    with django_assert_max_num_queries(16 if locked else 15):
        response = client.get(reverse("inspection_dashboard", args=[inspection.pk]))
    assert response.status_code == 200
    dashboard = response.context["dashboard"]
    assert dashboard.provisional is not locked
    assert (dashboard.snapshot_taken_at is not None) is locked


@pytest.mark.parametrize("inspections", [1, 4])
def test_the_national_dashboard_runs_a_fixed_number_of_queries(
    client, framework, django_assert_max_num_queries, inspections
):
    published_ratings_load()
    lead = UserFactory()
    for _ in range(inspections):
        MembershipFactory(inspection=_inspection_with_cases(framework, 2), user=lead, role=Role.LEAD)
    client.force_login(lead)
    # Session, user, PDUs, inspections (of PDUs and regions), framework versions, the counts (1), the open
    # inspections' set-up (1), and the viewer's permission (1); the survey (3 at most) and staffing by region (2).
    with django_assert_max_num_queries(13):
        response = client.get(
            reverse("national_dashboard"), {"sort": "composite", "inspections": "include-provisional"}
        )
    assert response.status_code == 200
    assert len(response.context["dashboard"].inspected) == inspections


def test_the_national_dashboard_filters_by_region(client, framework, national_viewer):
    published_ratings_load()
    inspection = _inspection_with_cases(framework, 2)
    client.force_login(national_viewer)
    region = inspection.pdu.region
    response = client.get(reverse("national_dashboard"), {"region": region.pk})
    assert response.context["dashboard"].region == region
    assert f"Regional dashboard: {region.name}" in response.content.decode()
    assert {row.region for row in response.context["dashboard"].rows} == {region.name}


@pytest.mark.parametrize(
    "query", ["period=9999-00", "period=0000-01", "period=²⁰²⁶-27", "region=²", "region=x"]
)
def test_the_national_dashboard_ignores_filters_it_cannot_read(client, framework, query, national_viewer):
    client.force_login(national_viewer)
    page = client.get(f"{reverse('national_dashboard')}?{query}")
    assert page.status_code == 200
    assert (page.context["dashboard"].period, page.context["dashboard"].region) == (None, None)
    assert client.get(f"{reverse('national_dashboard_xlsx')}?{query}").status_code == 200


def test_a_sorted_column_header_says_its_order_and_links_to_the_reverse(client, framework, national_viewer):
    inspection = _inspection_with_cases(framework, 2)
    client.force_login(national_viewer)
    region = inspection.pdu.region.pk
    url = reverse("national_dashboard")
    headers = {
        h["label"]: h
        for h in client.get(url, {"region": region, "sort": "composite"}).context["sort_headers"]
    }
    assert headers["Composite"]["aria_sort"] == "descending"
    assert headers["Composite"]["href"] == f"?region={region}&sort=-composite"
    assert headers["PDU"] == {
        "label": "PDU",
        "numeric": False,
        "href": f"?region={region}&sort=pdu",
        "aria_sort": None,
    }
    reversed_page = client.get(url, {"sort": "-composite"})
    composite = next(h for h in reversed_page.context["sort_headers"] if h["label"] == "Composite")
    assert (composite["aria_sort"], composite["href"]) == ("ascending", "?sort=composite")
    assert 'aria-sort="ascending"' in reversed_page.content.decode()
    assert '<option value="-composite" selected>' in reversed_page.content.decode()


def test_the_csv_export_of_a_table_escapes_the_leads_text(client, inspection, lead):
    client.force_login(lead)
    response = client.get(reverse("inspection_dashboard_csv", args=[inspection.pk, "judgements"]))
    assert response["Content-Type"].startswith("text/csv")
    assert response.content.startswith("\ufeff".encode())
    rows = list(csv.reader(io.StringIO(response.content.decode("utf-8-sig"))))
    assert rows[0][:4] == ["Standard", "Title", "Rating", "Rationale"]
    assert rows[1][:3] == ["1.1", "Leadership", "Good"]
    assert rows[1][3] == '\'=HYPERLINK("x")'


@pytest.mark.parametrize("locked", [False, True])
def test_a_csv_export_says_which_pdu_inspection_dates_and_whether_provisional_on_every_row(
    client, framework, locked
):
    inspection = _inspection_with_cases(framework, 3)
    client.force_login(team_member(inspection, Role.LEAD))
    if locked:
        _lock(inspection)
    response = client.get(reverse("inspection_dashboard_csv", args=[inspection.pk, "key-questions"]))
    rows = list(csv.DictReader(io.StringIO(response.content.decode("utf-8-sig"))))
    # The table's own columns keep their places; what the download is of follows them on every row.
    assert list(rows[0])[:2] == ["Standard", "Key question"]
    assert len(rows) == 12  # the key questions of the supervision standards
    for row in rows:
        assert row["About: PDU or region"] == inspection.pdu.name
        assert row["About: Region"] == inspection.pdu.region.name
        assert row["About: Inspection"] == str(inspection.pk)
        assert (row["About: Fieldwork start"], row["About: Fieldwork end"]) == ("2026-09-07", "2026-09-18")
        assert row["About: Results"].startswith("Final" if locked else "Provisional")
        assert row["About: Generated at"].startswith(str(timezone.localdate()))


def test_the_xlsx_export_starts_with_a_sheet_saying_what_it_is_of(client, inspection, lead):
    client.force_login(lead)
    response = client.get(reverse("inspection_dashboard_xlsx", args=[inspection.pk]))
    about = dict(load_workbook(io.BytesIO(response.content))["about"].iter_rows(min_row=2, values_only=True))
    assert about["PDU or region"] == inspection.pdu.name
    assert about["Inspection"] == str(inspection.pk)
    assert about["Fieldwork start"] == "2026-09-07"
    assert about["Results"] == "Provisional: the inspection is not locked (stage: Fieldwork)"
    assert "Generated at" in about


def test_the_national_exports_say_their_scope_and_whether_any_figures_are_provisional(
    client, framework, national_viewer
):
    inspection = _inspection_with_cases(framework, 2)
    client.force_login(national_viewer)
    region = inspection.pdu.region
    url = reverse("national_dashboard_csv", args=["pdus"])
    final = list(
        csv.DictReader(io.StringIO(client.get(url, {"region": region.pk}).content.decode("utf-8-sig")))
    )
    assert final[0]["About: PDU or region"] == region.name
    assert final[0]["About: Inspections included"] == "Locked only"
    assert final[0]["About: Results"] == "Final: all 0 inspections are locked"
    chosen = client.get(url, {"region": region.pk, "inspections": "include-provisional"})
    provisional = list(csv.DictReader(io.StringIO(chosen.content.decode("utf-8-sig"))))
    assert provisional[0]["About: Results"] == "Provisional: 1 of 1 inspections are not locked"
    workbook = load_workbook(io.BytesIO(client.get(reverse("national_dashboard_xlsx")).content))
    about = dict(workbook["about"].iter_rows(min_row=2, values_only=True))
    assert about["PDU or region"] == "National: every PDU"
    assert about["Inspections included"] == "Locked only"


def test_an_unknown_table_is_not_found(client, inspection, lead):
    client.force_login(lead)
    assert client.get(reverse("inspection_dashboard_csv", args=[inspection.pk, "nope"])).status_code == 404


def test_the_xlsx_export_has_one_sheet_per_table_with_numeric_cells(client, inspection, lead):
    client.force_login(lead)
    response = client.get(reverse("inspection_dashboard_xlsx", args=[inspection.pk]))
    workbook = load_workbook(io.BytesIO(response.content))
    # One sheet per table; case facts, needs and breakdowns as the framework defines them for supervision cases
    # (court work is not rated here and there are no court-report cases).
    assert workbook.sheetnames == [
        "about",
        "fieldwork-progress",
        "key-questions-compared",
        "by-assistant-inspector",
        "standards",
        "band-changes",
        "key-questions",
        "judgements",
        "case-facts",
        "needs",
        "by-case-type",
        "by-rosh-level",
    ]
    sheet = workbook["key-questions"]
    header = [cell.value for cell in sheet[2]]
    first = dict(zip(header, sheet[3], strict=True))
    assert first["Key question"].value == "2.2.1"
    assert first["Sufficiency: sufficient"].value == 2
    assert first["Sufficiency: n"].value == 3
    assert first["Sufficiency: n"].data_type == "n"
    assert first["Sufficiency: rate %"].value == pytest.approx(66.67)
    assert workbook["judgements"]["D3"].value == '\'=HYPERLINK("x")'
    assert [sheet["A1"].font.bold, sheet["A2"].font.bold, sheet["A3"].font.bold] == [True, True, False]


def test_the_national_xlsx_export_has_every_national_table(client, framework, national_viewer):
    published_ratings_load()
    _inspection_with_cases(framework, 2)
    client.force_login(national_viewer)
    query = "?inspections=include-provisional"
    workbook = load_workbook(io.BytesIO(client.get(reverse("national_dashboard_xlsx") + query).content))
    assert workbook.sheetnames == [
        "about",
        "pdus",
        "regions",  # empty: no region has a locked regional inspection
        "distribution",
        "key-questions",
        "by-case-type",
        "by-rosh-level",
        "case-facts",
        "needs",
    ]
    assert workbook["pdus"].max_row == 2 + 37  # title, header, 36 published PDUs and the factory's


def _boxes(box):
    yield box
    for child in getattr(box, "children", []):
        yield from _boxes(child)


def _texts(box):
    """Every piece of text WeasyPrint laid out, walking the page's boxes."""
    if getattr(box, "text", None):
        yield box.text
    for child in getattr(box, "children", []):
        yield from _texts(child)


def test_the_pdf_report_holds_the_ratings_tables_and_charts(inspection):
    dashboard = dashboards.inspection_dashboard(
        Inspection.objects.select_related("framework", "pdu__region").get(pk=inspection.pk)
    )
    document = inspection_report_document(dashboard)
    assert len(document.pages) >= 2
    text = " ".join(text for page in document.pages for text in _texts(page._page_box))
    assert document.write_pdf().startswith(b"%PDF")
    assert f"{inspection.pdu.name}: inspection report" in text
    assert "Provisional" in text
    assert "Key questions by RoSH level" in text
    assert "Overall rating:  Good" in text
    assert "16 out of 24" in text
    assert "66.7%" in text
    # The three inline SVG charts (key questions, supervision cases' facts and needs) are drawn in the PDF.
    images = [
        box
        for page in document.pages
        for box in _boxes(page._page_box)
        if type(getattr(box, "replacement", None)).__name__ == "SVGImage"
    ]
    assert len(images) == 3


def test_the_pdf_report_says_the_inspections_stage_in_words_and_keeps_each_chart_with_its_caption(framework):
    inspection = _inspection_with_cases(framework, 3, status=Inspection.Status.QUALITY_ASSURANCE)
    dashboard = dashboards.inspection_dashboard(
        Inspection.objects.select_related("framework", "pdu__region").get(pk=inspection.pk)
    )
    html = inspection_report_html(dashboard)
    assert "the inspection is quality assurance" not in html
    document = inspection_report_document(dashboard)
    text = " ".join(text for page in document.pages for text in _texts(page._page_box))
    assert "the inspection is not locked yet (it is at the quality assurance stage)" in text
    assert "Generated on " in text
    # Each figure's own box (the first WeasyPrint makes for it; the others are anonymous ones inside) and the pages
    # it is laid out on.
    styles, pages = {}, {}
    for number, page in enumerate(document.pages):
        for box in _boxes(page._page_box):
            if getattr(box, "element_tag", None) == "figure":
                styles.setdefault(box.element, box.style["break_inside"])
                pages.setdefault(box.element, set()).add(number)
    assert len(styles) == 3
    # WeasyPrint moves a figure that would not fit to the next page whole: caption and chart together.
    assert set(styles.values()) == {"avoid"}
    assert all(len(on) == 1 for on in pages.values())


def test_the_pdf_download_is_a_tagged_pdf(client, inspection, lead):
    client.force_login(lead)
    response = client.get(reverse("inspection_report_pdf", args=[inspection.pk]))
    assert response["Content-Type"] == "application/pdf"
    assert response.content.startswith(b"%PDF")
    # The structure screen readers navigate by, in the catalog (which may sit in a compressed object stream).
    streams = re.findall(rb"stream\r?\n(.*?)\r?\nendstream", response.content, re.DOTALL)
    assert any(b"/StructTreeRoot" in _inflated(stream) for stream in streams)


def _inflated(stream: bytes) -> bytes:
    """A PDF stream's content; empty for one that is not deflated text (a font or image the pattern cut short)."""
    try:
        return zlib.decompress(stream)
    except zlib.error:
        return b""


def test_every_table_of_each_dashboard_is_on_its_page_with_a_csv_link(client, inspection, national_viewer):
    published_ratings_load()
    client.force_login(national_viewer)
    pages = [
        (reverse("inspection_dashboard", args=[inspection.pk]), "inspection_tables"),
        (f"{reverse('national_dashboard')}?inspections=include-provisional", "national_tables"),
    ]
    for url, tables_of in pages:
        response = client.get(url)
        page = response.content.decode()
        for table in getattr(tables, tables_of)(response.context["dashboard"]):
            assert f">{table.title}</caption>" in page, (url, table.slug)
            assert f"/tables/{table.slug}.csv" in page, (url, table.slug)
        assert "Nothing to show" not in page


def test_a_pdu_with_court_work_rated_shows_a_chart_and_tables_for_each_case_kind(
    client, framework, national_viewer
):
    inspection = _inspection_with_cases(framework, 3)
    inspection.optional_standards.add(framework.standards.get(is_optional=True))
    court_work = framework.standards.get(is_optional=True)
    for number in range(2):
        case = InspectedCaseFactory(
            inspection=inspection, kind=court_work.case_kind, status=InspectedCase.Status.SUBMITTED
        )
        for kq in court_work.key_questions.all():
            JudgementFactory(case=case, key_question=kq, answer=Answer.YES if number else Answer.NO)
    client.force_login(national_viewer)
    response = client.get(reverse("inspection_dashboard", args=[inspection.pk]))
    dashboard = response.context["dashboard"]
    assert dashboard.results["max_score"] == 27
    kinds = framework.definition.case_kinds
    slugs = [t.slug for t in tables.inspection_tables(dashboard)]
    for kind in kinds:
        if kind.facts:
            assert f"case-facts-{kind.slug.replace('_', '-')}" in slugs
        for attribute in kind.attributes:
            if attribute.breakdown:
                assert f"by-{kind.slug.replace('_', '-')}-{attribute.key.replace('_', '-')}" in slugs
    page = response.content.decode()
    charts_of_facts = list(response.context["case_fact_sections"])
    assert [section["kind"].case_kind for section in charts_of_facts] == [kind.slug for kind in kinds]
    for section in charts_of_facts:
        for part in section["parts"]:
            assert f'id="{part["chart"].slug}-title"' in page
    # Court work's key questions have their own grid, with their own criteria as columns.
    court_criteria = [kq.criterion for kq in court_work.key_questions.all()]
    grids = response.context["key_question_grids"]
    assert len(grids) == 2
    assert grids[0]["criteria"] == court_criteria


def test_national_figures_are_of_locked_inspections_unless_provisional_ones_are_chosen(
    client, framework, national_viewer
):
    locked = _inspection_with_cases(framework, 3)
    _lock(locked)
    open_one = _inspection_with_cases(framework, 2)
    client.force_login(national_viewer)
    url = reverse("national_dashboard")
    default = client.get(url)
    assert [row.inspection_id for row in default.context["dashboard"].inspected] == [locked.pk]
    assert default.context["dashboard"].case_facts.cases == 3
    page = default.content.decode()
    assert 'name="inspections" type="radio" value="" checked' in page
    assert "Open inspections are left out" in page
    chosen = client.get(url, {"inspections": "include-provisional"})
    assert {row.inspection_id for row in chosen.context["dashboard"].inspected} == {locked.pk, open_one.pk}
    assert chosen.context["dashboard"].case_facts.cases == 5
    assert 'value="include-provisional" checked' in chosen.content.decode()
    # Sorting keeps the choice.
    composite = next(h for h in chosen.context["sort_headers"] if h["label"] == "Composite")
    assert "inspections=include-provisional" in composite["href"]


def test_the_national_table_shows_each_case_standards_rating(client, framework, national_viewer):
    inspection = _inspection_with_cases(framework, 3)
    _lock(inspection)
    client.force_login(national_viewer)
    response = client.get(reverse("national_dashboard"), {"region": inspection.pdu.region.pk})
    dashboard = response.context["dashboard"]
    # pdu-2021 rates four supervision standards from cases (court work is optional and not chosen here).
    assert dashboard.case_codes == ["2.2", "2.3", "2.4", "2.5"]
    row = next(row for row in dashboard.rows if row.inspection_id == inspection.pk)
    assert set(row.case_ratings.values()) == {rules.Rating.GOOD}
    page = response.content.decode()
    assert '<th scope="col" class="govuk-table__header">Standard 2.2</th>' in page
    exported = list(
        csv.DictReader(
            io.StringIO(
                client.get(
                    reverse("national_dashboard_csv", args=["pdus"]), {"region": inspection.pdu.region.pk}
                ).content.decode("utf-8-sig")
            )
        )
    )
    assert next(r for r in exported if r["PDU"] == inspection.pdu.name)["Standard 2.2"] == "Good"
