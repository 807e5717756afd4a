"""An inspection's task list, and locking and unlocking it. Thin: check access, call one service or selector."""

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.exceptions import ValidationError
from django.shortcuts import redirect, render

from inspections.access import inspection_for_user, posted
from inspections.forms import show_refusal
from inspections.permissions import can_view_inspection
from inspections.services import InspectionError

from .. import services
from ..forms import UnlockForm
from ..models import InspectionSnapshot
from ..selectors.overview import inspection_overview, lock_problems
from ..selectors.results import inspection_results


@login_required
def inspection_detail(request, pk):
    """The inspection's task list: for its lead every task, for its quality assurers quality assurance, for its
    inspectors what it stands at and its dashboard (read-only)."""
    inspection = inspection_for_user(request, pk, can_view_inspection)
    return render(
        request,
        "reports/inspection_detail.html",
        {
            "inspection": inspection,
            "overview": inspection_overview(inspection),
            "snapshots": list(InspectionSnapshot.objects.of_inspection(inspection)),
        },
    )


@login_required
def inspection_lock(request, pk):
    inspection = inspection_for_user(request, pk)
    if request.method == "POST":
        try:
            services.inspection_lock(inspection=inspection, user=request.user)
        except InspectionError as error:
            messages.error(request, str(error))
        else:
            messages.success(request, "Inspection locked and its results saved")
            return redirect("inspections:detail", pk=pk)
    problems = lock_problems(inspection)
    # What locking would freeze, for the lead to check before confirming.
    results = None if problems or inspection.is_locked else inspection_results([inspection])[inspection.pk]
    return render(
        request,
        "reports/inspection_lock.html",
        {"inspection": inspection, "problems": problems, "results": results},
    )


@login_required
def inspection_unlock(request, pk):
    inspection = inspection_for_user(request, pk)
    form = UnlockForm(posted(request))
    if request.method == "POST" and form.is_valid():
        try:
            services.inspection_unlock(
                inspection=inspection, reason=form.cleaned_data["reason"], user=request.user
            )
        except (ValidationError, InspectionError) as error:
            show_refusal(form, error)
        else:
            messages.success(request, "Inspection unlocked")
            return redirect("inspections:detail", pk=pk)
    return render(request, "reports/inspection_unlock.html", {"inspection": inspection, "form": form})
