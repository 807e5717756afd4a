"""Moderation by double marking: choosing cases, agreement and disagreements, and the second marker's blind marking."""

from django.contrib import messages
from django.contrib.auth import get_user_model
from django.contrib.auth.decorators import login_required
from django.core.exceptions import ValidationError
from django.shortcuts import get_object_or_404, redirect, render
from django.utils.translation import ngettext
from django.views.decorators.http import require_POST

from inspections.access import inspection_for_user, posted
from inspections.forms import show_refusal
from inspections.permissions import can_second_mark
from inspections.services import InspectionError

from .. import questions
from ..errors import CaseError
from ..fields import key_question_field
from ..forms import inspection_work as forms
from ..models import SecondJudgement, SecondMarking
from ..selectors import inspection_work as selectors
from ..services import moderation as services


@login_required
def moderation(request, pk):
    """Choose cases for second marking (one by one or a random share), see agreement, settle disagreements."""
    inspection = inspection_for_user(request, pk)
    cases = inspection.cases.filter(second_marking__isnull=True).order_by("reference")
    sharing = request.method == "POST" and "percentage" in request.POST
    form = forms.SecondMarkingChoiceForm(
        None if sharing else posted(request),
        cases=cases,
        assistant_inspectors=selectors.assistant_inspectors_with_load(inspection),
    )
    share_form = forms.SecondMarkingShareForm(request.POST if sharing else None)
    try:
        if sharing and share_form.is_valid():
            chosen = services.second_marking_choose_share(
                inspection=inspection, percentage=share_form.cleaned_data["percentage"], user=request.user
            )
            messages.success(
                request,
                ngettext(
                    "%(count)d case chosen for second marking",
                    "%(count)d cases chosen for second marking",
                    len(chosen),
                )
                % {"count": len(chosen)},
            )
            return redirect("inspections:moderation", pk=pk)
        if not sharing and request.method == "POST" and form.is_valid():
            services.second_marking_choose(
                case=get_object_or_404(cases, pk=form.cleaned_data["case"]),
                marker=get_user_model().objects.get(pk=form.cleaned_data["marker"]),
                user=request.user,
            )
            messages.success(request, "Case chosen for second marking")
            return redirect("inspections:moderation", pk=pk)
    except (ValidationError, CaseError, InspectionError) as error:
        show_refusal(share_form if sharing else form, error)
    return render(
        request,
        "cases/moderation.html",
        {
            "inspection": inspection,
            "form": form,
            "share_form": share_form,
            "moderation": selectors.moderation(inspection),
            "answer_choices": forms.AgreedJudgementForm.base_fields["answer"].choices,
        },
    )


@login_required
@require_POST
def moderation_agree(request, pk, judgement_pk):
    inspection = inspection_for_user(request, pk)
    second = get_object_or_404(
        SecondJudgement.objects.select_related("marking__case__inspection", "key_question"),
        pk=judgement_pk,
        marking__case__inspection=inspection,
    )
    form = forms.AgreedJudgementForm(request.POST)
    if form.is_valid():
        try:
            services.moderation_agree(
                second_judgement=second, answer=form.cleaned_data["answer"], user=request.user
            )
        except (CaseError, InspectionError, ValidationError) as error:
            messages.error(request, "; ".join(getattr(error, "messages", [str(error)])))
        else:
            messages.success(
                request, f"Agreed judgement recorded for {second.marking.case} {second.key_question.code}"
            )
    else:
        messages.error(request, "Select the agreed judgement")
    return redirect("inspections:moderation", pk=pk)


@login_required
def second_marking(request, pk, marking_pk):
    """The second marker's blind marking: only the key questions, never the first marker's answers."""
    inspection = inspection_for_user(request, pk, can_second_mark)
    marking = get_object_or_404(
        SecondMarking.objects.select_related("case__inspection__framework"),
        pk=marking_pk,
        case__inspection=inspection,
        marker=request.user,
    )
    key_questions = questions.case_key_question_rows(marking.case)
    form = forms.second_marking_form_class(key_questions)(posted(request))
    done = marking.judgements.exists()
    if request.method == "POST" and not done and form.is_valid():
        judgements = {
            kq.code: {
                "answer": form.cleaned_data[key_question_field(kq.code, "answer")],
                "rationale": form.cleaned_data[key_question_field(kq.code, "rationale")],
            }
            for kq in key_questions
        }
        try:
            services.second_marking_save(marking=marking, user=request.user, judgements=judgements)
        except (ValidationError, CaseError, InspectionError) as error:
            show_refusal(form, error)
        else:
            messages.success(request, f"Second marking of {marking.case} recorded")
            return redirect("inspections:second_marking", pk=pk, marking_pk=marking_pk)
    rows = [(kq, form[key_question_field(kq.code, "answer")], form[key_question_field(kq.code, "rationale")])
            for kq in key_questions]  # fmt: skip
    return render(
        request,
        "cases/second_marking.html",
        {"inspection": inspection, "marking": marking, "form": form, "rows": rows, "done": done},
    )
