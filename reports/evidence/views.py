"""The survey's upload and its results for a PDU; the lead's entry of the PDU's staffing."""

from __future__ import annotations

import csv
import io

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.http import Http404, HttpResponse
from django.shortcuts import get_object_or_404, redirect, render
from django.utils import timezone
from django.utils.text import slugify

from inspections.access import inspection_for_user, posted, refuse_if_locked
from inspections.permissions import sees_every_result
from inspections.services import InspectionError
from pdus.models import PDU, Region

from ..selectors.dashboards import Period
from ..selectors.small_numbers import national_dashboard_for
from . import staffing_import, survey_import
from .forms import StaffingForm, StaffingUploadForm, SurveyUploadForm
from .models import StaffingEvidence
from .permissions import can_import_survey, can_record_staffing, can_view_survey
from .selectors import SurveyResults, survey_results
from .services import StaffingInvalid, staffing_record


def _imported(request, form, import_file, invalid: type[Exception]):
    """An upload form's file imported by `import_file` once the form is valid and the file within the size limit:
    (what the import returns, None), or (None, the check listing the file's problems) where the file has any.
    (None, None) while the form has errors (an oversized file is one) or nothing was posted."""
    if request.method != "POST" or not form.is_valid():
        return None, None
    upload = form.cleaned_data["file"]
    if upload.size > survey_import.MAX_UPLOAD_BYTES:
        form.add_error("file", survey_import.TOO_LARGE)
        return None, None
    try:
        return import_file(name=upload.name, data=upload.read(), user=request.user), None
    except invalid as error:
        return None, error.check


@login_required
def survey_upload(request):
    """National viewers and administrators upload survey results; every problem is listed, nothing saved until the
    file is clean."""
    if not can_import_survey(request.user):
        raise Http404
    form = SurveyUploadForm(posted(request), request.FILES if request.method == "POST" else None)
    record, check = _imported(request, form, survey_import.survey_import, survey_import.SurveyInvalid)
    if record is not None:
        messages.success(request, f"{record.rows:,} survey results imported from {record.file_name}")
        return redirect("survey_import")
    return render(
        request,
        "reports/survey_import.html",
        {"form": form, "check": check, "columns": survey_import.COLUMNS},
    )


@login_required
def survey_template(request):
    """A CSV file to fill in for the survey's import."""
    if not can_import_survey(request.user):
        raise Http404
    pdu = PDU.objects.order_by("name").first()
    period = Period.of(timezone.localdate()).slug
    response = HttpResponse(
        survey_import.survey_template(pdu.name if pdu else "Derby City", period),
        content_type="text/csv; charset=utf-8",
    )
    response["Content-Disposition"] = 'attachment; filename="survey-template.csv"'
    return response


@login_required
def staffing_upload(request):
    """National viewers and administrators import the staffing of many inspected PDUs at once."""
    if not can_import_survey(request.user):
        raise Http404
    form = StaffingUploadForm(posted(request), request.FILES if request.method == "POST" else None)
    count, check = _imported(
        request, form, staffing_import.staffing_import, staffing_import.StaffingImportInvalid
    )
    if count is not None:
        messages.success(request, f"Staffing recorded for {count} inspection{'s' if count != 1 else ''}")
        return redirect("staffing_import")
    return render(
        request,
        "reports/staffing_import.html",
        {
            "form": form,
            "check": check,
            "columns": staffing_import.COLUMNS,
            "required": staffing_import.REQUIRED,
        },
    )


def _pdu_for_survey(request, pk: int) -> PDU:
    if not can_view_survey(request.user):
        raise Http404
    return get_object_or_404(PDU.objects.select_related("region"), pk=pk)


def _period(request) -> str | None:
    return request.GET.get("period") or None


@login_required
def pdu_survey(request, pk: int):
    """A PDU's survey results in a period (the latest unless chosen), with n, 95% intervals and small counts hidden."""
    pdu = _pdu_for_survey(request, pk)
    # The case data beside it: the PDU's row of the (regional) dashboard, as this user may see it.
    regional = national_dashboard_for(request.user, region=pdu.region_id)
    return render(
        request,
        "reports/pdu_survey.html",
        {
            "pdu": pdu,
            "survey": survey_results(pdu_id=pdu.pk, period=_period(request)),
            "inspected": next((row for row in regional.inspected if row.pdu_id == pdu.pk), None),
            "links_dashboards": sees_every_result(request.user),
        },
    )


def survey_csv(survey: SurveyResults, scope: str) -> HttpResponse:
    """The results as the page shows them: a hidden count is the note, never the number."""
    buffer = io.StringIO()
    buffer.write("\ufeff")
    writer = csv.writer(buffer)
    writer.writerow(
        [
            "Scope",
            "Period",
            "Question",
            "n",
            "Response",
            "Count",
            "Share %",
            "95% CI lower %",
            "95% CI upper %",
        ]
    )
    for question in survey.questions:
        for response in question.responses:
            share = response.share
            figures = (
                [survey.note, None, None, None]
                if share is None
                else [
                    response.count,
                    round(share.rate or 0, 2),
                    round(share.lower or 0, 2),
                    round(share.upper or 0, 2),
                ]
            )
            writer.writerow(
                [scope, survey.period, question.question, question.n, response.response, *figures]
            )
    response = HttpResponse(buffer.getvalue(), content_type="text/csv; charset=utf-8")
    name = "-".join(slugify(part) for part in (scope, survey.period or "", "survey") if part)
    response["Content-Disposition"] = f'attachment; filename="{name}.csv"'
    return response


@login_required
def pdu_survey_csv(request, pk: int):
    pdu = _pdu_for_survey(request, pk)
    return survey_csv(survey_results(pdu_id=pdu.pk, period=_period(request)), pdu.name)


@login_required
def national_survey_csv(request):
    if not can_view_survey(request.user):
        raise Http404
    chosen = request.GET.get("region", "")
    region = Region.objects.filter(pk=int(chosen)).first() if chosen.isascii() and chosen.isdigit() else None
    survey = survey_results(region_id=region.pk if region else None, period=_period(request))
    return survey_csv(survey, region.name if region else "National")


@login_required
def staffing_edit(request, pk: int):
    """The lead records the PDU's staffing for the inspection (domain one evidence)."""
    inspection = inspection_for_user(request, pk, can_record_staffing)
    if refused := refuse_if_locked(request, inspection, keep_posted=True):
        return refused
    existing = StaffingEvidence.objects.filter(inspection=inspection).prefetch_related("vacancies").first()
    form = StaffingForm(posted(request), initial=StaffingForm.initial_from(existing))
    if request.method == "POST" and form.is_valid():
        try:
            staffing_record(
                inspection=inspection,
                user=request.user,
                staff_in_post=form.cleaned_data["staff_in_post"],
                sickness_days=form.cleaned_data["sickness_days"],
                staff_surveyed=form.cleaned_data["staff_surveyed"],
                workloads_manageable=form.cleaned_data["workloads_manageable"],
                vacancies=form.vacancies(),
            )
        except StaffingInvalid as invalid:
            form.add_error(invalid.field, str(invalid))
        except InspectionError as error:
            form.add_error(None, str(error))
        else:
            messages.success(request, "Staffing saved")
            return redirect("inspection_dashboard", pk=pk)
    return render(request, "reports/staffing_edit.html", {"inspection": inspection, "form": form})
