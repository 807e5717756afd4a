"""The lead inspector's and quality assurers' pages. Thin: check access, validate, call one service or selector."""

from django.contrib import messages
from django.contrib.auth import get_user_model
from django.contrib.auth.decorators import login_required
from django.core.exceptions import ValidationError
from django.db.models import Prefetch
from django.http import Http404
from django.shortcuts import get_object_or_404, redirect, render
from django.utils.translation import ngettext
from django.views.decorators.http import require_POST

from cases import imports
from cases import services as case_services
from cases.forms import show_refusal
from cases.models import InspectedCase, Judgement, SecondJudgement, SecondMarking
from cases.services import CaseError, key_question_field

from . import forms, selectors, services
from .models import Inspection, KeyQuestion, OrganisationalRating
from .permissions import can_create_inspection, can_manage_inspection, can_quality_assure, can_second_mark

SESSION_SAMPLE = "sample-import-{pk}"


def _get_inspection(request, pk: int, predicate=can_manage_inspection) -> Inspection:
    """The inspection, if this user may act on it; otherwise 404 so its existence is not revealed."""
    inspection = get_object_or_404(Inspection.objects.select_related("pdu", "framework"), pk=pk)
    if not predicate(request.user, inspection):
        raise Http404
    return inspection


def _refuse_if_locked(request, inspection: Inspection, *, keep_posted: bool = False):
    """A redirect to the inspection with the locked message, so a locked inspection never shows a form to fill.

    With `keep_posted`, a form sent before the lock is let through: the service refuses it and the page shows the
    refusal with what the user typed, rather than losing it in a redirect.
    """
    if inspection.is_locked and not (keep_posted and request.method == "POST"):
        messages.error(request, services.LOCKED)
        return redirect("inspections:detail", pk=inspection.pk)
    return None


def _posted(request):
    """The submitted data on a POST (even an empty one, so the form shows its errors), otherwise None."""
    return request.POST if request.method == "POST" else None


@login_required
def inspection_list(request):
    return render(
        request,
        "inspections/inspection_list.html",
        {
            "inspections": selectors.managed_inspections(request.user),
            "can_create": can_create_inspection(request.user),
            "second_markings": selectors.second_markings_of(request.user),
        },
    )


@login_required
def inspection_create(request):
    if not can_create_inspection(request.user):
        raise Http404
    form = forms.InspectionCreateForm(_posted(request))
    if request.method == "POST" and form.is_valid():
        data = form.cleaned_data
        try:
            inspection = services.inspection_create(
                pdu=data["pdu"],
                framework=data["framework"],
                fieldwork_start=data["fieldwork_start"],
                fieldwork_end=data["fieldwork_end"],
                lead=request.user,
                inspectors=data["inspectors"],
                assistant_inspectors=data["assistant_inspectors"],
                quality_assurers=data["quality_assurers"],
                user=request.user,
            )
        except ValidationError as error:
            show_refusal(form, error)
        else:
            messages.success(request, f"Inspection of {inspection.pdu} created")
            return redirect("inspections:detail", pk=inspection.pk)
    return render(request, "inspections/inspection_create.html", {"form": form})


@login_required
def inspection_detail(request, pk):
    inspection = _get_inspection(request, pk, can_quality_assure)
    return render(
        request,
        "inspections/inspection_detail.html",
        {
            "inspection": inspection,
            "overview": selectors.inspection_overview(inspection),
            "is_lead": can_manage_inspection(request.user, inspection),
            "lock_problems": services.lock_problems(inspection),
        },
    )


@login_required
@require_POST
def inspection_advance(request, pk):
    inspection = _get_inspection(request, pk)
    try:
        inspection = services.inspection_advance(inspection=inspection, user=request.user)
    except services.InspectionError as error:
        messages.error(request, str(error))
    else:
        messages.success(request, f"The inspection is now in {inspection.get_status_display().lower()}")
    return redirect("inspections:detail", pk=pk)


@login_required
def sample_import(request, pk):
    """Upload → preview with every problem; a clean file waits in the session until the lead confirms it."""
    inspection = _get_inspection(request, pk)
    if refused := _refuse_if_locked(request, inspection):
        return refused
    form = forms.SampleUploadForm(_posted(request), request.FILES if request.method == "POST" else None)
    preview = None
    if request.method == "POST" and form.is_valid():
        upload = form.cleaned_data["file"]
        if upload.size > imports.MAX_UPLOAD_BYTES:
            form.add_error("file", imports.TOO_LARGE)
        else:
            preview = imports.sample_preview(inspection=inspection, name=upload.name, data=upload.read())
            if preview.is_clean:
                request.session[SESSION_SAMPLE.format(pk=pk)] = preview.raw_rows
            else:
                request.session.pop(SESSION_SAMPLE.format(pk=pk), None)
    return render(
        request,
        "inspections/sample_import.html",
        {"inspection": inspection, "form": form, "preview": preview},
    )


@login_required
@require_POST
def sample_import_confirm(request, pk):
    inspection = _get_inspection(request, pk)
    rows = request.session.pop(SESSION_SAMPLE.format(pk=pk), None)
    if not rows:
        messages.error(request, "Upload the file again: the checked file was not found.")
        return redirect("inspections:sample_import", pk=pk)
    try:
        cases = imports.sample_import(
            inspection=inspection, rows=[tuple(row) for row in rows], user=request.user
        )
    except services.InspectionLocked as error:
        messages.error(request, str(error))
        return redirect("inspections:detail", pk=pk)
    except imports.SampleInvalid as error:
        form = forms.SampleUploadForm()
        return render(
            request,
            "inspections/sample_import.html",
            {"inspection": inspection, "form": form, "preview": error.preview},
        )
    messages.success(
        request,
        ngettext("%(count)d case imported", "%(count)d cases imported", len(cases)) % {"count": len(cases)},
    )
    return redirect("inspections:sample", pk=pk)


@login_required
def sample(request, pk):
    inspection = _get_inspection(request, pk)
    return render(
        request,
        "inspections/sample.html",
        {
            "inspection": inspection,
            "summary": selectors.sample_summary(inspection),
            "cases": selectors.inspection_cases(inspection),
        },
    )


@login_required
def assignment(request, pk):
    inspection = _get_inspection(request, pk)
    if refused := _refuse_if_locked(request, inspection):
        return refused
    assistant_inspectors = list(selectors.assistant_inspectors_with_load(inspection))
    cases = list(selectors.inspection_cases(inspection))
    form = forms.AssignmentForm(_posted(request), cases=cases, assistant_inspectors=assistant_inspectors)
    if request.method == "POST" and form.is_valid():
        chosen = form.cleaned_data["assistant_inspector"]
        target = None if chosen == "none" else get_user_model().objects.get(pk=chosen)
        try:
            moved = case_services.cases_assign(
                inspection=inspection,
                case_ids=[int(pk) for pk in form.cleaned_data["cases"]],
                assistant_inspector=target,
                user=request.user,
            )
        except (CaseError, services.InspectionError) as error:
            form.add_error(None, str(error))
        else:
            who = (target.get_full_name() or target.username) if target else "nobody"
            messages.success(
                request,
                ngettext("%(count)d case assigned to %(who)s", "%(count)d cases assigned to %(who)s", moved)
                % {"count": moved, "who": who},
            )
            return redirect("inspections:assignment", pk=pk)
    selected = set(form["cases"].value() or [])
    return render(
        request,
        "inspections/assignment.html",
        {
            "inspection": inspection,
            "form": form,
            "cases": cases,
            "selected": selected,
            "assistant_inspectors": assistant_inspectors,
        },
    )


@login_required
def organisational_ratings(request, pk):
    inspection = _get_inspection(request, pk)
    ratings = {r.standard_id: r for r in OrganisationalRating.objects.filter(inspection=inspection)}
    standards = [(s, ratings.get(s.pk)) for s in services.organisational_standards(inspection)]
    return render(
        request, "inspections/organisational_ratings.html", {"inspection": inspection, "standards": standards}
    )


@login_required
def organisational_rating_edit(request, pk, code):
    inspection = _get_inspection(request, pk)
    if refused := _refuse_if_locked(request, inspection, keep_posted=True):
        return refused
    standard = get_object_or_404(services.organisational_standards(inspection), code=code)
    existing = OrganisationalRating.objects.filter(inspection=inspection, standard=standard).first()
    initial = {"rating": existing.rating, "rationale": existing.rationale} if existing else None
    form = forms.OrganisationalRatingForm(_posted(request), initial=initial)
    if request.method == "POST" and form.is_valid():
        try:
            services.organisational_rating_save(
                inspection=inspection, standard=standard, user=request.user, **form.cleaned_data
            )
        except (ValidationError, services.InspectionError) as error:
            show_refusal(form, error)
        else:
            messages.success(request, f"Rating for {standard.code} {standard.title} saved")
            return redirect("inspections:ratings", pk=pk)
    return render(
        request,
        "inspections/organisational_rating_edit.html",
        {"inspection": inspection, "standard": standard, "form": form},
    )


@login_required
def quality_assurance(request, pk):
    inspection = _get_inspection(request, pk, can_quality_assure)
    return render(
        request,
        "inspections/quality_assurance.html",
        {"inspection": inspection, "cases": selectors.quality_assurance_queue(inspection)},
    )


def _get_case(inspection, case_pk) -> InspectedCase:
    return get_object_or_404(
        InspectedCase.objects.select_related("assistant_inspector", "inspection__framework").prefetch_related(
            "needs", Prefetch("judgements", queryset=Judgement.objects.all())
        ),
        pk=case_pk,
        inspection=inspection,
    )


@login_required
def case_review(request, pk, case_pk):
    inspection = _get_inspection(request, pk, can_quality_assure)
    case = _get_case(inspection, case_pk)
    key_questions = KeyQuestion.objects.filter(standard__framework_id=inspection.framework_id).order_by(
        "standard__order", "order"
    )
    form = forms.ReturnForm(_posted(request), key_questions=key_questions)
    if request.method == "POST" and form.is_valid():
        try:
            case_services.case_return(
                case=case, user=request.user, text=form.cleaned_data["text"], **form.subject_kwargs()
            )
        except (ValidationError, CaseError, services.InspectionError) as error:
            show_refusal(form, error)
        else:
            messages.success(request, f"Case {case.reference} returned to its assistant inspector")
            return redirect("inspections:quality_assurance", pk=pk)
    return render(
        request,
        "inspections/case_review.html",
        {
            "inspection": inspection,
            "review": selectors.case_review(case),
            "form": form,
            "fact_labels": forms.FACT_LABELS,
        },
    )


@login_required
@require_POST
def case_approve(request, pk, case_pk):
    inspection = _get_inspection(request, pk, can_quality_assure)
    case = _get_case(inspection, case_pk)
    try:
        case_services.case_approve(case=case, user=request.user)
    except (CaseError, services.InspectionError) as error:
        messages.error(request, str(error))
        return redirect("inspections:case_review", pk=pk, case_pk=case_pk)
    messages.success(request, f"Case {case.reference} approved")
    return redirect("inspections:quality_assurance", pk=pk)


@login_required
def inspection_lock(request, pk):
    inspection = _get_inspection(request, pk)
    if request.method == "POST":
        try:
            services.inspection_lock(inspection=inspection, user=request.user)
        except services.InspectionError as error:
            messages.error(request, str(error))
        else:
            messages.success(request, "Inspection locked and its results saved")
            return redirect("inspections:detail", pk=pk)
    return render(
        request,
        "inspections/inspection_lock.html",
        {"inspection": inspection, "problems": services.lock_problems(inspection)},
    )


@login_required
def inspection_unlock(request, pk):
    inspection = _get_inspection(request, pk)
    form = forms.UnlockForm(_posted(request))
    if request.method == "POST" and form.is_valid():
        try:
            services.inspection_unlock(
                inspection=inspection, reason=form.cleaned_data["reason"], user=request.user
            )
        except (ValidationError, services.InspectionError) as error:
            show_refusal(form, error)
        else:
            messages.success(request, "Inspection unlocked")
            return redirect("inspections:detail", pk=pk)
    return render(request, "inspections/inspection_unlock.html", {"inspection": inspection, "form": form})


@login_required
def moderation(request, pk):
    """Choose cases for second marking (one by one or a random share), see agreement, settle disagreements."""
    inspection = _get_inspection(request, pk)
    cases = inspection.cases.filter(second_marking__isnull=True).order_by("reference")
    sharing = request.method == "POST" and "percentage" in request.POST
    form = forms.SecondMarkingChoiceForm(
        None if sharing else _posted(request),
        cases=cases,
        assistant_inspectors=selectors.assistant_inspectors_with_load(inspection),
    )
    share_form = forms.SecondMarkingShareForm(request.POST if sharing else None)
    try:
        if sharing and share_form.is_valid():
            chosen = case_services.second_marking_choose_share(
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
            case_services.second_marking_choose(
                case=get_object_or_404(cases, pk=form.cleaned_data["case"]),
                marker=get_user_model().objects.get(pk=form.cleaned_data["marker"]),
                user=request.user,
            )
            messages.success(request, "Case chosen for second marking")
            return redirect("inspections:moderation", pk=pk)
    except (ValidationError, CaseError, services.InspectionError) as error:
        show_refusal(share_form if sharing else form, error)
    return render(
        request,
        "inspections/moderation.html",
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
    inspection = _get_inspection(request, pk)
    second = get_object_or_404(
        SecondJudgement.objects.select_related("marking__case__inspection", "key_question"),
        pk=judgement_pk,
        marking__case__inspection=inspection,
    )
    form = forms.AgreedJudgementForm(request.POST)
    if form.is_valid():
        try:
            case_services.moderation_agree(
                second_judgement=second, answer=form.cleaned_data["answer"], user=request.user
            )
        except (CaseError, services.InspectionError, ValidationError) as error:
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
    inspection = _get_inspection(request, pk, can_second_mark)
    marking = get_object_or_404(
        SecondMarking.objects.select_related("case__inspection"),
        pk=marking_pk,
        case__inspection=inspection,
        marker=request.user,
    )
    key_questions = list(
        KeyQuestion.objects.filter(standard__framework_id=inspection.framework_id).order_by(
            "standard__order", "order"
        )
    )
    form = forms.second_marking_form_class(key_questions)(_posted(request))
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
            case_services.second_marking_save(marking=marking, user=request.user, judgements=judgements)
        except (ValidationError, CaseError, services.InspectionError) as error:
            show_refusal(form, error)
        else:
            messages.success(request, f"Second marking of {marking.case} recorded")
            return redirect("inspections:second_marking", pk=pk, marking_pk=marking_pk)
    rows = [(kq, form[key_question_field(kq.code, "answer")], form[key_question_field(kq.code, "rationale")])
            for kq in key_questions]  # fmt: skip
    return render(
        request,
        "inspections/second_marking.html",
        {"inspection": inspection, "marking": marking, "form": form, "rows": rows, "done": done},
    )
