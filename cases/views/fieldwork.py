"""The "Inspections" page (inspections a user leads or quality-assures, and cases chosen for them to second-mark)
and moving an inspection into fieldwork and quality assurance."""

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.shortcuts import redirect, render
from django.views.decorators.http import require_POST

from inspections.access import inspection_for_user
from inspections.services import InspectionError

from ..selectors import inspection_work as selectors
from ..services import workflow


@login_required
def inspection_list(request):
    return render(
        request,
        "cases/inspection_list.html",
        {
            "inspections": selectors.managed_inspections(request.user),
            "second_markings": selectors.second_markings_of(request.user),
        },
    )


@login_required
@require_POST
def inspection_advance(request, pk):
    inspection = inspection_for_user(request, pk)
    try:
        inspection = workflow.inspection_advance(inspection=inspection, user=request.user)
    except InspectionError as error:
        messages.error(request, str(error))
    else:
        messages.success(request, f"The inspection is now in {inspection.get_status_display().lower()}")
    return redirect("inspections:detail", pk=pk)
