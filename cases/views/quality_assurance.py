"""Quality assurance: the queue of submitted cases, reviewing a case (returning it with a query), approving it."""

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.exceptions import ValidationError
from django.db.models import Prefetch
from django.shortcuts import get_object_or_404, redirect, render
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
    inspection = inspection_for_user(request, pk, can_quality_assure)
    return render(
        request,
        "cases/quality_assurance.html",
        {"inspection": inspection, "cases": selectors.quality_assurance_queue(inspection)},
    )


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
    form = forms.ReturnForm(posted(request), key_questions=[kq for kq, _ in review.judgements], facts=facts)
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
