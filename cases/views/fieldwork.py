"""The "Inspections" page (inspections a user is on the team of, and cases chosen for them to second-mark), moving
an inspection into fieldwork and quality assurance, and changing or deleting its set-up."""

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.exceptions import ValidationError
from django.shortcuts import redirect, render
from django.views.decorators.http import require_POST

from inspections.access import inspection_for_user, posted, refuse_if_locked
from inspections.forms import InspectionEditForm, show_refusal
from inspections.models import InspectionMembership, Role
from inspections.services import InspectionError

from ..selectors import inspection_work as selectors
from ..services import setup, workflow


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


def _edit_initial(inspection) -> dict:
    team = InspectionMembership.objects.team(inspection).values_list("user_id", "role")
    by_role: dict[str, list[int]] = {}
    for user_id, role in team:
        by_role.setdefault(role, []).append(user_id)
    return {
        "fieldwork_start": inspection.fieldwork_start,
        "fieldwork_end": inspection.fieldwork_end,
        "inspectors": by_role.get(Role.INSPECTOR, []),
        "assistant_inspectors": by_role.get(Role.ASSISTANT_INSPECTOR, []),
        "quality_assurers": by_role.get(Role.QUALITY_ASSURER, []),
        "optional_standards": list(inspection.optional_standards.values_list("pk", flat=True)),
    }


@login_required
def inspection_edit(request, pk):
    """The lead changes the fieldwork dates, the team and the optional standards rated."""
    inspection = inspection_for_user(request, pk)
    if refused := refuse_if_locked(request, inspection, keep_posted=True):
        return refused
    form = InspectionEditForm(posted(request), initial=_edit_initial(inspection), inspection=inspection)
    if request.method == "POST" and form.is_valid():
        try:
            setup.inspection_update(inspection=inspection, user=request.user, **form.cleaned_data)
        except (ValidationError, InspectionError) as error:
            show_refusal(form, error)
        else:
            messages.success(request, "Inspection changed")
            return redirect("inspections:detail", pk=pk)
    return render(request, "cases/inspection_edit.html", {"inspection": inspection, "form": form})


@login_required
def inspection_delete(request, pk):
    """The lead deletes an inspection set up by mistake, after confirming; refused once anything is judged."""
    inspection = inspection_for_user(request, pk)
    if request.method == "POST":
        try:
            message = setup.inspection_delete(inspection=inspection, user=request.user)
        except InspectionError as error:
            messages.error(request, str(error))
            return redirect("inspections:detail", pk=pk)
        messages.success(request, message)
        return redirect("inspections:list")
    return render(
        request,
        "cases/inspection_delete.html",
        {"inspection": inspection, "judgements": setup.judgement_count(inspection)},
    )
