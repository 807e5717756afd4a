"""Quality assurance: the queue of submitted cases, reviewing a case (returning it with a query), approving it."""

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.exceptions import ValidationError
from django.db.models import Prefetch
from django.shortcuts import get_object_or_404, redirect, render
from django.utils.translation import ngettext
from django.views.decorators.http import require_POST

from inspections.access import inspection_for_user, posted
from inspections.forms import show_refusal
from inspections.permissions import can_quality_assure
from inspections.services import InspectionError

from ..errors import CaseError
from ..forms import inspection_work as forms
from ..models import InspectedCase, Judgement
from ..selectors import inspection_work as selectors
from ..services import workflow


@login_required
def quality_assurance(request, pk):
    """The queue, filtered by status; submitted cases can be selected to approve together."""
    inspection = inspection_for_user(request, pk, can_quality_assure)
    statuses = [s for s in request.GET.getlist("status") if s in InspectedCase.REVIEWED_STATUSES]
    return render(
        request,
        "cases/quality_assurance.html",
        {
            "inspection": inspection,
            "cases": selectors.quality_assurance_queue(inspection, statuses),
            "status_choices": [(s, InspectedCase.Status(s).label) for s in InspectedCase.REVIEWED_STATUSES],
            "statuses": statuses,
        },
    )


def _posted_versions(request) -> dict[int, int]:
    """{case id: the version shown} for each selected case, from `cases` and its `version-<id>` field."""
    versions = {}
    for value in request.POST.getlist("cases"):
        version = request.POST.get(f"version-{value}", "")
        if value.isdigit() and version.isdigit():
            versions[int(value)] = int(version)
    return versions


@login_required
@require_POST
def cases_approve(request, pk):
    """Approve the selected submitted cases: first a confirmation listing them, then each approval."""
    inspection = inspection_for_user(request, pk, can_quality_assure)
    versions = _posted_versions(request)
    if not versions:
        messages.error(request, workflow.NO_CASES_SELECTED + " to approve")
        return redirect("inspections:quality_assurance", pk=pk)
    if "confirm" not in request.POST:
        cases = selectors.quality_assurance_queue(inspection).filter(pk__in=list(versions))
        return render(
            request,
            "cases/quality_assurance_approve.html",
            {"inspection": inspection, "cases": cases, "versions": versions},
        )
    try:
        result = workflow.cases_approve(inspection=inspection, versions=versions, user=request.user)
    except (CaseError, InspectionError) as error:
        messages.error(request, str(error))
        return redirect("inspections:quality_assurance", pk=pk)
    if result.approved:
        count = len(result.approved)
        messages.success(
            request,
            ngettext("%(count)d case approved", "%(count)d cases approved", count) % {"count": count},
        )
    for reference, reason in result.refused:
        messages.error(request, f"Case {reference} was not approved. {reason}")
    return redirect("inspections:quality_assurance", pk=pk)


def _get_case(inspection, case_pk) -> InspectedCase:
    return get_object_or_404(
        InspectedCase.objects.select_related("assistant_inspector", "inspection__framework").prefetch_related(
            Prefetch("judgements", queryset=Judgement.objects.all())
        ),
        pk=case_pk,
        inspection=inspection,
    )


@login_required
def case_review(request, pk, case_pk):
    inspection = inspection_for_user(request, pk, can_quality_assure)
    case = _get_case(inspection, case_pk)
    review = selectors.case_review(case)
    facts = [(fact.key, fact.label) for fact in review.facts]
    needs = [(item.need.key, item.need.label) for item in review.needs]
    form = forms.ReturnForm(
        posted(request), key_questions=[kq for kq, _, _ in review.judgements], facts=facts, needs=needs
    )
    if request.method == "POST" and form.is_valid():
        try:
            workflow.case_return(
                case=case, user=request.user, text=form.cleaned_data["text"], **form.subject_kwargs()
            )
        except (ValidationError, CaseError, InspectionError) as error:
            show_refusal(form, error)
        else:
            messages.success(request, f"Case {case.reference} returned to its assistant inspector")
            return redirect("inspections:quality_assurance", pk=pk)
    return render(
        request,
        "cases/case_review.html",
        {
            "inspection": inspection,
            "review": review,
            "form": form,
        },
    )


@login_required
@require_POST
def case_approve(request, pk, case_pk):
    inspection = inspection_for_user(request, pk, can_quality_assure)
    case = _get_case(inspection, case_pk)
    try:
        workflow.case_approve(case=case, user=request.user)
    except (CaseError, InspectionError) as error:
        messages.error(request, str(error))
        return redirect("inspections:case_review", pk=pk, case_pk=case_pk)
    messages.success(request, f"Case {case.reference} approved")
    return redirect("inspections:quality_assurance", pk=pk)
