"""The assistant inspector's screens: their cases, the case page (save, continue, submit), answering a quality-
assurance query, and answer history."""

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.exceptions import ValidationError
from django.http import Http404
from django.shortcuts import get_object_or_404, redirect, render
from django.urls import reverse
from django.utils.http import url_has_allowed_host_and_scheme
from django.views.decorators.http import require_http_methods, require_POST

from inspections.forms import show_refusal
from inspections.models import KeyQuestion
from inspections.selectors import works_only_on_cases
from inspections.services import InspectionLocked

from .. import permissions, questions
from ..errors import CaseConflict, CaseError, CaseIncomplete, CaseNotEditable
from ..forms.case_page import CaseForm, QueryAnswerForm, case_values, loaded_token
from ..imports import in_sentence
from ..models import CaseQuery, InspectedCase
from ..selectors import case_pages as selectors
from ..services import answers, workflow

SAVED = "Your answers for {case} have been saved."
SUBMITTED = "{case} has been submitted for quality assurance."
SUBMIT = "submit"
CONTINUE_SECTIONS = ("case-facts", "needs", SUBMIT)


def _continues_to(case: InspectedCase, action: str) -> str | None:
    """The page section "Save and continue" goes to: a standard's, the facts, the needs or submitting."""
    section = action.removeprefix("continue:")
    standards = {
        selectors.standard_anchor(s.code).removeprefix("section-")
        for s in case.inspection.framework.definition.standards
    }
    if action.startswith("continue:") and (section in CONTINUE_SECTIONS or section in standards):
        return section
    return None


def _get_case_for_user(user, pk: int) -> InspectedCase:
    """The case if the user may see it; 404 otherwise, so references of other cases never leak."""
    case = selectors.case_get(pk)
    if case is None or not permissions.can_view_case(user, case):
        raise Http404
    return case


@login_required
def start(request):
    """Where signing in leads: an assistant inspector's own cases if cases are all they work on, else the PDU list."""
    return redirect("case_list" if works_only_on_cases(request.user) else "home")


@login_required
def case_list(request):
    """Your cases: the assistant inspector's assigned cases in open inspections, grouped by inspection."""
    return render(
        request, "cases/case_list.html", {"groups": selectors.cases_assigned_by_inspection(request.user)}
    )


def render_case(request, case, page, form, editable, status=200, answer_form=None):
    """The case page. `answer_form` is a QueryAnswerForm to show again with its errors and the user's text."""
    context = {
        "case": case,
        "page": page,
        "form": form,
        "editable": editable,
        "queries": selectors.case_queries(case),
        "can_answer": editable and case.status == InspectedCase.Status.RETURNED,
        "answer_form": answer_form,
    }
    return render(request, "cases/case_detail.html", context, status=status)


@login_required
@require_http_methods(["GET", "POST"])
def case_detail(request, pk: int):
    """The case page. GET shows it (read-only unless the user may edit it); POST saves, continues or submits."""
    case = _get_case_for_user(request.user, pk)
    editable = permissions.can_edit_case(request.user, case)
    page = selectors.case_page(case)
    if request.method == "GET":
        return render_case(request, case, page, CaseForm(page=page) if editable else None, editable)
    if not editable:
        raise Http404
    form = CaseForm(request.POST, page=page)
    if not form.is_valid():
        return render_case(request, case, page, form, editable)
    try:
        saved = answers.case_save(
            case=case, user=request.user, expected_version=form.cleaned_data["version"], **form.changes()
        )
    except CaseConflict as conflict:
        return _conflict(request, form, conflict.current, action=request.POST.get("action", "save"))
    except CaseNotEditable as refused:
        messages.error(request, str(refused))
        return redirect("case_detail", pk=case.pk)
    except ValidationError as invalid:
        show_refusal(form, invalid)
        return render_case(request, case, page, form, editable)

    action = request.POST.get("action", "save")
    if action == SUBMIT:
        return _submit(request, saved)
    messages.success(request, SAVED.format(case=saved.reference))
    url = reverse("case_detail", args=[saved.pk])
    section = _continues_to(saved, action)
    if section:
        url += f"#section-{section}"
    return redirect(url)


def _submit(request, case: InspectedCase):
    try:
        answers.case_submit(case=case, user=request.user, expected_version=case.version)
    except CaseIncomplete as incomplete:
        # The draft is saved; show every missing item against its field, with the user's input and new version.
        page = selectors.case_page(case)
        data = request.POST.copy()
        data["version"] = case.version
        data["loaded"] = loaded_token(case_values(page))
        form = CaseForm(data, page=page)
        form.is_valid()
        for problem in incomplete.problems:
            form.add_error(problem.field, problem.message)
        return render_case(request, case, page, form, editable=True)
    except CaseError as refused:
        messages.error(request, str(refused))
        return redirect("case_detail", pk=case.pk)
    messages.success(request, SUBMITTED.format(case=case.reference))
    return redirect("case_detail", pk=case.pk)


def _conflict(request, form: CaseForm, current: InspectedCase, action: str):
    """The case was saved (by someone else or in another tab) since the form was loaded: show both versions and
    let the user choose. HTTP 409. Keeping their version goes on with what they asked for (save, continue or
    submit), so a submit is not quietly turned into a save."""
    comparison = form.conflict(selectors.case_page(current))
    changed_by = current.history.select_related("history_user").first()
    known = action == SUBMIT or _continues_to(current, action) is not None
    context = {
        "case": current,
        **comparison,
        "current_version": current.version,
        "changed_by": changed_by,
        "changed_by_me": changed_by is not None and changed_by.history_user_id == request.user.pk,
        "action": action if known else "save",
    }
    return render(request, "cases/case_conflict.html", context, status=409)


@login_required
def judgement_history(request, pk: int, code: str):
    """Every change to one key question's answer on a case: who, when, before and after."""
    case = _get_case_for_user(request.user, pk)
    key_question = get_object_or_404(
        KeyQuestion.objects.select_related("standard"),
        standard__framework_id=case.inspection.framework_id,
        code=code,
    )
    context = {
        "case": case,
        "title": f"History of {key_question.code}",
        "question": key_question.wording,
        "anchor": selectors.standard_anchor(key_question.standard.code),
        "changes": selectors.judgement_history(case, key_question),
        "with_evidence": True,
    }
    return render(request, "cases/answer_history.html", context)


@login_required
def fact_history(request, pk: int, name: str):
    """Every change to one case fact (or attribute recorded on the case), by its key in the framework."""
    case = _get_case_for_user(request.user, pk)
    asked = {fact.key: fact for fact in questions.case_fact_questions(case)}
    if name not in asked:
        raise Http404
    context = {
        "case": case,
        "title": f"History of {in_sentence(asked[name].label)}",
        "question": asked[name].question,
        "anchor": "section-case-facts",
        "changes": selectors.fact_history(case, name),
    }
    return render(request, "cases/answer_history.html", context)


@login_required
def need_history(request, pk: int, need: str):
    """Every change to one criminogenic need of the case."""
    case = _get_case_for_user(request.user, pk)
    found = next((n for n in case.case_kind.needs if n.key == need), None)
    if found is None:
        raise Http404
    label = found.label
    context = {
        "case": case,
        "title": f"History of the {label.lower()} need",
        "question": f"Is the {label.lower()} need linked to offending and, if so, sufficiently addressed?",
        "anchor": "section-needs",
        "changes": selectors.need_history(case, need),
    }
    return render(request, "cases/answer_history.html", context)


@login_required
@require_POST
def query_answer(request, query_pk):
    query = get_object_or_404(CaseQuery.objects.select_related("case__inspection"), pk=query_pk)
    if not permissions.can_answer_query(request.user, query):
        raise Http404
    form = QueryAnswerForm(request.POST, query=query)
    form.is_valid()
    try:
        workflow.case_query_answer(query=query, user=request.user, answer=form.cleaned_data["answer"])
    except ValidationError as error:
        # Show the case page again with the error against the answer and what the user typed.
        show_refusal(form, error)
        return _render_case_with_answer(request, query, form)
    except (CaseError, InspectionLocked) as error:
        messages.error(request, str(error))
    else:
        messages.success(request, "Answer saved. Resubmit the case when you have answered every query.")
    next_url = request.POST.get("next", "")
    if not url_has_allowed_host_and_scheme(next_url, allowed_hosts={request.get_host()}):
        next_url = "/"
    return redirect(next_url)


def _render_case_with_answer(request, query: CaseQuery, form: QueryAnswerForm):
    case = selectors.case_get(query.case_id)
    page = selectors.case_page(case)
    editable = permissions.can_edit_case(request.user, case)
    return render_case(
        request, case, page, CaseForm(page=page) if editable else None, editable, answer_form=form
    )
