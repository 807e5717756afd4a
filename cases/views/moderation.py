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
    return _render_moderation(request, inspection, form=form, share_form=share_form)


def _render_moderation(request, inspection, *, form=None, share_form=None, agree_form=None):
    """The moderation page; agree_form is a refused AgreedJudgementForm, shown again on its disagreement."""
    if form is None:
        form = forms.SecondMarkingChoiceForm(
            cases=inspection.cases.filter(second_marking__isnull=True).order_by("reference"),
            assistant_inspectors=selectors.assistant_inspectors_with_load(inspection),
        )
    moderation = selectors.moderation(inspection)
    unresolved = [
        (
            second,
            agree_form
            if agree_form is not None and agree_form.second_pk == second.pk
            else forms.AgreedJudgementForm(prefix=f"agree-{second.pk}"),
        )
        for second in moderation.unresolved
    ]
    return render(
        request,
        "cases/moderation.html",
        {
            "inspection": inspection,
            "form": form,
            "share_form": share_form or forms.SecondMarkingShareForm(),
            "agree_form": agree_form,
            "moderation": moderation,
            "unresolved": unresolved,
        },
    )


@login_required
@require_POST
def moderation_agree(request, pk, judgement_pk):
    """Resolve a disagreement: the agreed judgement and why. A refusal shows the page again with the user's text."""
    inspection = inspection_for_user(request, pk)
    second = get_object_or_404(
        SecondJudgement.objects.select_related("marking__case__inspection", "key_question"),
        pk=judgement_pk,
        marking__case__inspection=inspection,
    )
    form = forms.AgreedJudgementForm(request.POST, prefix=f"agree-{second.pk}")
    if form.is_valid():
        try:
            services.moderation_agree(
                second_judgement=second,
                answer=form.cleaned_data["answer"],
                reason=form.cleaned_data["reason"],
                user=request.user,
            )
        except (ValidationError, CaseError, InspectionError) as error:
            show_refusal(form, error)
        else:
            messages.success(
                request, f"Agreed judgement recorded for {second.marking.case} {second.key_question.code}"
            )
            return redirect("inspections:moderation", pk=pk)
    form.second_pk = second.pk  # the disagreement the refused form belongs to, for the template
    return _render_moderation(request, inspection, agree_form=form)


@login_required
@require_POST
def second_marking_unchoose(request, pk, marking_pk):
    """Take a case off second marking before its second marker has started."""
    inspection = inspection_for_user(request, pk)
    marking = get_object_or_404(SecondMarking, pk=marking_pk, case__inspection=inspection)
    try:
        case = services.second_marking_unchoose(marking=marking, user=request.user)
    except (CaseError, InspectionError) as error:
        messages.error(request, str(error))
    else:
        messages.success(request, f"Case {case.reference} is no longer chosen for second marking")
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
