"""Importing staffing for many inspected PDUs at once: each row recorded for the PDU's inspection in its period, every
problem listed by line and column, nothing saved unless the file is clean."""

import datetime

import pytest
from django.core.files.uploadedfile import SimpleUploadedFile
from django.urls import reverse

from inspections.models import Inspection
from reports.evidence import staffing_import as staffing
from reports.evidence import survey_import
from reports.evidence.models import StaffingEvidence, SurveyCount
from reports.evidence.selectors import inspection_staffing
from tests.factories import InspectionFactory, PDUFactory

HEADER = (
    "PDU,Period,Staff in post,Staff asked about workload,Staff saying workload manageable,Sickness days,"
    "Probation officer posts,Probation officer vacant\n"
)


@pytest.fixture
def derby(framework):
    start = datetime.date(2026, 10, 12)
    return InspectionFactory(
        pdu=PDUFactory(name="Derby City"),
        fieldwork_start=start,
        fieldwork_end=start + datetime.timedelta(days=14),
    )


def staffing_file(*rows: str) -> bytes:
    return (HEADER + "".join(f"{row}\n" for row in rows)).encode()


def test_a_clean_file_records_each_inspections_staffing(derby, superuser):
    assert (
        staffing.staffing_import(
            name="s.csv", data=staffing_file("Derby City,2026-27,96,61,22,1104.5,33,9"), user=superuser
        )
        == 1
    )
    recorded = inspection_staffing(derby)
    assert (recorded.staff_in_post, recorded.workloads.sufficient, recorded.workloads.total) == (96, 22, 61)
    assert [(v.grade, round(v.rate, 2)) for v in recorded.vacancies] == [("Probation officer", 27.27)]


def test_every_problem_is_listed_by_line_and_column_and_nothing_saved(derby, superuser):
    data = staffing_file(
        "Derby Town,2026-27,96,61,22,1104.5,,",
        "Derby City,2025-26,96,61,22,1104.5,,",
        "Derby City,2026-27,ninety,61,70,-1,33,",
        "Derby City,2026-27,96,61,22,10,9,10",
    )
    with pytest.raises(staffing.StaffingImportInvalid) as invalid:
        staffing.staffing_import(name="s.csv", data=data, user=superuser)
    assert [(p.line, p.column, p.message) for p in invalid.value.check.problems] == [
        (2, "PDU", staffing.UNKNOWN_PDU.format(value="Derby Town")),
        (3, "Period", staffing.NO_INSPECTION.format(pdu="Derby City", period="2025-26")),
        (4, "Staff in post", staffing.WHOLE_NUMBER.format(column="Staff in post")),
        (4, "Sickness days", staffing.NUMBER.format(column="Sickness days")),
        (4, "Probation officer vacant", staffing.BOTH_OR_NEITHER),
        (4, "Staff saying workload manageable", staffing.MANAGEABLE_MORE),
        (5, "Probation officer vacant", "Vacant posts must be no more than the probation officer posts"),
    ]
    assert not StaffingEvidence.objects.exists()


def test_a_locked_inspection_is_a_problem(derby):
    Inspection.objects.filter(pk=derby.pk).update(status=Inspection.Status.LOCKED)
    check = staffing.staffing_check(name="s.csv", data=staffing_file("Derby City,2026-27,96,61,22,1104.5,,"))
    assert [p.message for p in check.problems] == [staffing.LOCKED.format(pdu="Derby City", period="2026-27")]


def test_a_pdf_is_refused_as_every_upload_refuses_it(derby):
    check = staffing.staffing_check(name="s.csv", data=b"%PDF-1.4")
    assert [p.line for p in check.problems] == [None]
    assert "a PDF document" in check.problems[0].message


def upload(data: bytes) -> dict:
    return {"file": SimpleUploadedFile("staffing.csv", data, content_type="text/csv")}


def test_the_import_page_is_for_national_viewers_and_administrators(client, derby, lead, national_viewer):
    url = reverse("staffing_import")
    assert client.get(url)["Location"].startswith(reverse("login"))
    client.force_login(lead)
    assert client.post(url, upload(staffing_file("Derby City,2026-27,96,61,22,1104.5,,"))).status_code == 404
    client.force_login(national_viewer)
    page = client.post(url, upload(staffing_file("Derby City,2026-27,96,61,70,1104.5,,"))).content.decode()
    assert "The file has one problem" in page
    assert "Line 2, Staff saying workload manageable" in page
    response = client.post(url, upload(staffing_file("Derby City,2026-27,96,61,22,1104.5,,")), follow=True)
    assert "Staffing recorded for 1 inspection" in response.content.decode()
    assert StaffingEvidence.objects.get().updated_by == national_viewer


@pytest.mark.parametrize("page", ["staffing_import", "survey_import"])
def test_a_file_over_the_size_limit_is_a_form_error_and_nothing_is_imported(
    client, derby, national_viewer, monkeypatch, page
):
    monkeypatch.setattr(survey_import, "MAX_UPLOAD_BYTES", 10)
    client.force_login(national_viewer)
    response = client.post(reverse(page), upload(staffing_file("Derby City,2026-27,96,61,22,1104.5,,")))
    assert response.status_code == 200
    page_text = response.content.decode()
    assert f'<a href="#id_file">{survey_import.TOO_LARGE}</a>' in page_text
    assert "The file has" not in page_text
    assert not StaffingEvidence.objects.exists()
    assert not SurveyCount.objects.exists()
