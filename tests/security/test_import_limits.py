"""Issue 15, finding 3: a sample import cannot exhaust a worker. Reading stops at the sample's row limit, problems
are counted but only the first hundred listed, previews live in the database rather than the session, and a
workbook that unpacks to more than its limit is refused before it is read. The memory bound itself is measured by
tests/bench/bench_import_memory.py (`make bench`)."""

import datetime
import io
import zipfile

import pytest
from django.core.files.uploadedfile import SimpleUploadedFile
from django.urls import reverse
from django.utils import timezone
from openpyxl import Workbook

from cases import imports
from cases.models import InspectedCase, SamplePreview
from cases.views.sample import SESSION_SAMPLE
from inspections.models import Inspection
from tests.factories import SAMPLE_HEADER, InspectedCaseFactory

LIMIT = 5


@pytest.fixture(autouse=True)
def _small_limit(settings, inspection, assistant):
    settings.SAMPLE_MAX_ROWS = LIMIT
    inspection.status = Inspection.Status.SETUP
    inspection.save()


def csv_rows(count: int, start: int = 0, bad_after: int | None = None) -> bytes:
    lines = [
        f"L{n},{'caution' if bad_after is not None and n >= bad_after else 'licence'},low,2026-03-02,\n"
        for n in range(start, start + count)
    ]
    return (SAMPLE_HEADER + "".join(lines)).encode()


def test_reading_stops_at_the_limit_and_says_so(inspection):
    # The rows past the limit are bad: had they been read, they would be reported.
    result = imports.sample_preview(
        inspection=inspection, name="s.csv", data=csv_rows(LIMIT + 50, bad_after=LIMIT)
    )
    assert [(p.line, p.message) for p in result.problems] == [
        (None, imports.TOO_MANY_ROWS.format(limit=LIMIT))
    ]
    assert len(result.rows) == LIMIT
    assert not result.is_clean


def test_a_file_of_exactly_the_limit_is_clean(inspection):
    result = imports.sample_preview(inspection=inspection, name="s.csv", data=csv_rows(LIMIT))
    assert result.is_clean


def test_a_million_one_character_rows_stop_at_the_limit(inspection):
    data = b"x\n" * 1_000_000
    rows, problems = imports.sample_read(name="s.csv", data=data)
    assert len(rows) == LIMIT + 1  # the heading and the cases up to the limit
    assert [p.message for p in problems] == [imports.TOO_MANY_ROWS.format(limit=LIMIT)]


def test_a_workbook_stops_at_the_limit(inspection):
    workbook = Workbook(write_only=True)
    sheet = workbook.create_sheet()
    sheet.append(["Case reference", "Case type", "RoSH level", "Supervision start date"])
    for n in range(LIMIT + 20):
        sheet.append([f"W{n}", "licence", "low", datetime.date(2026, 3, 2)])
    buffer = io.BytesIO()
    workbook.save(buffer)
    result = imports.sample_preview(inspection=inspection, name="s.xlsx", data=buffer.getvalue())
    assert [p.message for p in result.problems] == [imports.TOO_MANY_ROWS.format(limit=LIMIT)]
    assert [row.reference for row in result.rows] == [f"W{n}" for n in range(LIMIT)]


def test_a_workbook_that_unpacks_past_its_limit_is_refused_unread(inspection, monkeypatch):
    monkeypatch.setattr(imports, "MAX_WORKBOOK_UNPACKED_BYTES", 1024 * 1024)
    buffer = io.BytesIO()
    with zipfile.ZipFile(buffer, "w", compression=zipfile.ZIP_DEFLATED) as archive:
        archive.writestr("[Content_Types].xml", "<Types/>")
        archive.writestr("xl/sharedStrings.xml", "<sst>" + "<si><t>a</t></si>" * 200_000 + "</sst>")
    assert len(buffer.getvalue()) < 100 * 1024
    result = imports.sample_preview(inspection=inspection, name="s.xlsx", data=buffer.getvalue())
    assert [p.message for p in result.problems] == [imports.WORKBOOK_TOO_LARGE]


def test_a_sample_cannot_grow_past_the_limit(inspection, lead):
    InspectedCaseFactory.create_batch(3, inspection=inspection)
    result = imports.sample_preview(inspection=inspection, name="s.csv", data=csv_rows(3))
    message = imports.SAMPLE_TOO_LARGE.format(total=6, existing=3, limit=LIMIT)
    assert [(p.line, p.message) for p in result.problems] == [(None, message)]
    with pytest.raises(imports.SampleInvalid):
        imports.sample_import(inspection=inspection, rows=result.raw_rows, user=lead)
    assert InspectedCase.objects.count() == 3


def test_problems_are_counted_but_only_the_first_hundred_listed(inspection, settings, client, lead):
    settings.SAMPLE_MAX_ROWS = 300
    result = imports.sample_preview(inspection=inspection, name="s.csv", data=csv_rows(250, bad_after=0))
    assert result.problem_count == 250
    assert len(result.problems) == imports.MAX_LISTED_PROBLEMS == 100
    assert [p.line for p in result.problems] == list(range(2, 102))
    assert result.unlisted_problems == 150

    client.force_login(lead)
    response = client.post(
        reverse("inspections:sample_import", kwargs={"pk": inspection.pk}),
        {"file": SimpleUploadedFile("s.csv", csv_rows(250, bad_after=0))},
    )
    assert "The file has 250 problems" in response.text
    assert "250 problems on 250 rows of 250: the first 100 are listed, and 150 more are not" in response.text
    assert response.text.count('id="problem-') == 100


def test_a_clean_preview_is_kept_in_the_database_not_the_session(client, inspection, lead):
    client.force_login(lead)
    url = reverse("inspections:sample_import", kwargs={"pk": inspection.pk})
    client.post(url, {"file": SimpleUploadedFile("s.csv", csv_rows(LIMIT))})
    kept = client.session[SESSION_SAMPLE.format(pk=inspection.pk)]
    assert isinstance(kept, int)
    assert SamplePreview.objects.get(pk=kept).rows[1][1]["case reference"] == "L0"
    assert len(client.session.encode(dict(client.session.items()))) < 1000

    # Uploading again abandons the first preview; confirming deletes the second.
    client.post(url, {"file": SimpleUploadedFile("s.csv", csv_rows(2))})
    assert SamplePreview.objects.count() == 1
    client.post(reverse("inspections:sample_import_confirm", kwargs={"pk": inspection.pk}))
    assert InspectedCase.objects.count() == 2
    assert not SamplePreview.objects.exists()


def test_an_abandoned_preview_is_deleted_when_a_bad_file_follows(client, inspection, lead):
    client.force_login(lead)
    url = reverse("inspections:sample_import", kwargs={"pk": inspection.pk})
    client.post(url, {"file": SimpleUploadedFile("s.csv", csv_rows(2))})
    client.post(url, {"file": SimpleUploadedFile("s.csv", csv_rows(2, bad_after=0))})
    assert not SamplePreview.objects.exists()


def test_old_previews_are_deleted_and_cannot_be_confirmed(client, inspection, lead, settings):
    client.force_login(lead)
    client.post(
        reverse("inspections:sample_import", kwargs={"pk": inspection.pk}),
        {"file": SimpleUploadedFile("s.csv", csv_rows(2))},
    )
    old = timezone.now() - settings.SAMPLE_PREVIEW_MAX_AGE - datetime.timedelta(minutes=1)
    SamplePreview.objects.update(created_at=old)
    response = client.post(reverse("inspections:sample_import_confirm", kwargs={"pk": inspection.pk}))
    assert response.status_code == 302
    assert not InspectedCase.objects.exists()
    assert not SamplePreview.objects.exists()

    # Someone else's old preview goes when anyone uploads.
    stale = SamplePreview.objects.create(inspection=inspection, uploaded_by=lead, rows=[[1, {}]])
    SamplePreview.objects.filter(pk=stale.pk).update(created_at=old)
    imports.preview_keep(inspection=inspection, user=lead, rows=[[1, {}]])
    assert not SamplePreview.objects.filter(pk=stale.pk).exists()


def test_another_users_preview_cannot_be_confirmed(client, inspection, lead):
    from tests.factories import UserFactory, team_member

    other = team_member(inspection, "lead", user=UserFactory(username="other-lead"))
    kept = imports.preview_keep(
        inspection=inspection, user=other, rows=imports.sample_read(name="s.csv", data=csv_rows(2))[0]
    )
    client.force_login(lead)
    session = client.session
    session[SESSION_SAMPLE.format(pk=inspection.pk)] = kept
    session.save()
    client.post(reverse("inspections:sample_import_confirm", kwargs={"pk": inspection.pk}))
    assert not InspectedCase.objects.exists()
    assert SamplePreview.objects.filter(pk=kept).exists()


def test_the_assignment_page_of_a_sample_at_the_limit_is_bounded(
    client, inspection, lead, settings, django_assert_max_num_queries
):
    """A sample cannot grow past SAMPLE_MAX_ROWS, so its assignment page lists at most that many cases, in a fixed
    number of queries and about a kilobyte of HTML each (145,633 cases made 134 MB before the limit)."""
    settings.SAMPLE_MAX_ROWS = 300
    client.force_login(lead)
    url = reverse("inspections:sample_import", kwargs={"pk": inspection.pk})
    client.post(url, {"file": SimpleUploadedFile("s.csv", csv_rows(300))})
    client.post(reverse("inspections:sample_import_confirm", kwargs={"pk": inspection.pk}))
    assert InspectedCase.objects.count() == 300
    refused = client.post(url, {"file": SimpleUploadedFile("s.csv", csv_rows(1, start=300))})
    assert (
        "The sample would have 301 cases with the 300 already in it: a sample has at most 300" in refused.text
    )

    assignment = reverse("inspections:assignment", kwargs={"pk": inspection.pk})
    with django_assert_max_num_queries(12):
        response = client.get(assignment)
    assert ">300 cases</caption>" in response.text
    assert len(response.content) < 300 * 2048
