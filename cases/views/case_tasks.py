"""The assistant inspector's case as a task list (GOV.UK "complete multiple tasks"): the case page lists the parts of
the case its framework defines, each with its status; each part has its own page, which saves its answers (with the
case's version, as every save does); then "check your answers" before the irreversible submit. Every write goes
through cases.services (answers.case_save, answers.case_submit, workflow.case_query_answer).
"""

from __future__ import annotations

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.exceptions import ValidationError
from django.http import Http404
from django.shortcuts import get_object_or_404, redirect, render
from django.urls import reverse
from django.utils.http import url_has_allowed_host_and_scheme
from django.views.decorators.http import require_http_methods, require_POST

from inspections.forms import show_refusal
from inspections.services import InspectionLocked

from .. import permissions
from ..errors import CaseConflict, CaseError, CaseIncomplete, CaseNotEditable, Problem
from ..fields import query_answer_field
from ..forms.case_page import CaseForm, QueryAnswerForm
from ..models import CaseQuery, InspectedCase
from ..selectors import case_pages as selectors
from ..selectors.case_tasks import CHECK, CaseTask, case_tasks, task_of_query
from ..services import answers, workflow
from .case_pages import get_case_for_user, raise_if_reassigned, shows_reassignment

SAVED = "Your answers for {case} have been saved."
DRAFT_ANSWER_KEPT = (
    "Your answer to the query is saved as a draft and has not been sent: press “Send answer” to send it."
)
SUBMITTED = "{case} has been submitted for quality assurance."
QUERY_ANSWERED = "Answer sent. Resubmit the case when you have answered every query."
CHANGED_SINCE_CHECKED = (
    "Case {case} was saved after you checked its answers, so it has not been submitted. Check them again."
)
SUBMIT = "submit"
ANSWER = "answer:"  # "Send answer" on a section page: "answer:<query id>"


def _tasks(case: InspectedCase) -> tuple[selectors.CasePage, list[CaseTask]]:
    page = selectors.case_page(case)
    return page, case_tasks(page, answers.case_problems(case))


def _task(tasks: list[CaseTask], slug: str) -> CaseTask:
    found = next((task for task in tasks if task.slug == slug), None)
    if found is None:
        raise Http404
    return found


def _editable_case(request, pk: int) -> InspectedCase:
    """The case for a write: only its assistant inspector while it is editable; told if it was reassigned."""
    case = get_case_for_user(request.user, pk)
    if not permissions.can_edit_case(request.user, case):
        raise_if_reassigned(request.user, case)
        raise Http404
    return case


def _draft_key(request, case: InspectedCase, task: CaseTask | None = None) -> str:
    """Where js/case-draft.js keeps what is typed on a page of the case: one copy per task page."""
    key = f"case-draft:{request.user.pk}:{case.pk}"
    return f"{key}:{task.slug}" if task else key


def _queries_with_tasks(case: InspectedCase, tasks: list[CaseTask]) -> list[CaseQuery]:
    """The case's queries, each with the `task` whose page answers it (None: answered on the case page)."""
    queries = selectors.case_queries(case)
    for query in queries:
        query.task = task_of_query(tasks, query)  # type: ignore[attr-defined]
    return queries


def render_task_list(request, case: InspectedCase, answer_form: QueryAnswerForm | None = None, status=200):
    page, tasks = _tasks(case)
    context = {
        "case": case,
        "page": page,
        "tasks": tasks,
        "completed": sum(1 for task in tasks if task.status == "completed"),
        "editable": True,
        "queries": _queries_with_tasks(case, tasks),
        "can_answer": case.status == InspectedCase.Status.RETURNED,
        "answer_form": answer_form,
    }
    return render(request, "cases/case_tasks.html", context, status=status)


@login_required
@shows_reassignment
@require_http_methods(["GET", "POST"])
def case_detail(request, pk: int):
    """The case page: its task list for its assistant inspector while they may change it, its answers read-only
    otherwise. POST saves every field of the case at once (the conflict page's "Keep my version")."""
    case = get_case_for_user(request.user, pk)
    if request.method == "POST":
        case = _editable_case(request, pk)
        page = selectors.case_page(case)
        return _save(request, case, CaseForm(request.POST, page=page), None)
    if permissions.can_edit_case(request.user, case):
        return render_task_list(request, case)
    context = {"case": case, "page": selectors.case_page(case), "queries": selectors.case_queries(case)}
    return render(request, "cases/case_detail.html", context)


@login_required
@shows_reassignment
@require_http_methods(["GET", "POST"])
def case_section(request, pk: int, slug: str):
    """One task of the case: its questions, the queries about them, "Save and continue" and "Save draft"."""
    case = _editable_case(request, pk)
    page, tasks = _tasks(case)
    task = _task(tasks, slug)
    if request.method == "GET":
        return _render_section(request, case, page, task, CaseForm(page=page, only=task.fields))
    return _save(request, case, CaseForm(request.POST, page=page, only=task.fields), task)


def _render_section(request, case, page, task: CaseTask, form: CaseForm, answer_forms=None, status=200):
    """A task's page. `answer_forms`: {query id: QueryAnswerForm} as posted, to show again with their errors; the
    other open queries show their saved draft answer."""
    answer_forms = answer_forms or {}
    queries = [query for query in selectors.case_queries(case) if task_of_query([task], query) == task]
    for query in queries:
        query.answer_form = answer_forms.get(query.pk) or QueryAnswerForm(query=query)  # type: ignore[attr-defined]
    context = {
        "case": case,
        "page": page,
        "task": task,
        "form": form,
        "queries": queries,
        "can_answer": case.status == InspectedCase.Status.RETURNED,
        "answer_errors": [f for f in answer_forms.values() if f.errors],
        "draft_key": _draft_key(request, case, task),
        # Answers kept for this standard's key questions that no longer apply to the case.
        "stale": [
            item
            for item in page.stale
            if task.section and item.key_question.standard.code == task.section.standard.code
        ],
    }
    return render(request, "cases/case_section.html", context, status=status)


def _answer_pressed(action: str) -> int | None:
    """The query whose "Send answer" was pressed, if one was."""
    query_id = action.removeprefix(ANSWER) if action.startswith(ANSWER) else ""
    return int(query_id) if query_id.isdigit() else None


def _typed_query_answers(request, case: InspectedCase, task: CaseTask | None) -> dict[int, QueryAnswerForm]:
    """The answers typed on a task's page to its open queries: those changed since the page was loaded (kept as
    drafts), and the one "Send answer" was pressed for (even empty, so it is refused with a message)."""
    if task is None or case.status != InspectedCase.Status.RETURNED:
        return {}
    pressed = _answer_pressed(request.POST.get("action", ""))
    typed = {}
    for query in selectors.case_queries(case):
        name = query_answer_field(query.pk)
        if not query.is_open or task_of_query([task], query) != task:
            continue
        if name not in request.POST and query.pk != pressed:
            continue  # a page without the box (an older one): its draft stays as it is
        data = {
            "answer": request.POST.get(name, ""),
            "loaded": request.POST.get(query_answer_field(query.pk, "loaded"), query.draft_answer),
        }
        form = QueryAnswerForm(data, query=query)
        if query.pk == pressed or (form.is_valid() and form.changed_from_loaded()):
            typed[query.pk] = form
    return typed


def _show_refusal(form: CaseForm, answer_forms: dict[int, QueryAnswerForm], refused: ValidationError) -> None:
    """A refused save's errors against their fields, those about a query's answer against its answer box."""
    by_name = {query_answer_field(query_id): answer_form for query_id, answer_form in answer_forms.items()}
    for name, errors in refused.message_dict.items():
        if name in by_name:
            by_name[name].add_error("answer", errors)
        else:
            show_refusal(form, ValidationError({name: errors}))


def _save(request, case: InspectedCase, form: CaseForm, task: CaseTask | None):
    """Save what the user changed, with the query answers they typed on a task's page as drafts: everything typed
    is saved or shown again. Only "Send answer" sends one query's answer, after the save, since a sent answer
    cannot be taken back. Then the action: save (stay), continue (the next task), answer (stay) or submit."""
    action = request.POST.get("action", "save")
    answer_forms = _typed_query_answers(request, case, task)
    if not form.is_valid():
        return _rerender(request, case, form, task, answer_forms)
    pressed = _answer_pressed(action)
    drafts = {
        query_id: answer_form.cleaned_data["answer"]
        for query_id, answer_form in answer_forms.items()
        if query_id != pressed and answer_form.is_valid()
    }
    saved = case
    if form.changed_names() or drafts or action == SUBMIT:
        try:
            saved = answers.case_save(
                case=case,
                user=request.user,
                expected_version=form.cleaned_data["version"],
                query_drafts=drafts,
                **form.changes(),
            )
        except CaseConflict as conflict:
            return _conflict(request, form, conflict.current, action, task, answer_forms)
        except CaseNotEditable as refused:
            messages.error(request, str(refused))
            return redirect("case_detail", pk=case.pk)
        except ValidationError as invalid:
            _show_refusal(form, answer_forms, invalid)
            return _rerender(request, case, form, task, answer_forms)
    sent = answer_forms.get(pressed) if pressed is not None else None
    if sent is not None and not _send_answer(request, sent):
        # The rest is saved: show the page again as saved, with the answer that was not sent as typed.
        page = selectors.case_page(saved)
        fresh = CaseForm(page=page, only=task.fields if task else None)
        return _render_section(request, saved, page, task, fresh, {sent.query.pk: sent})  # type: ignore[arg-type]
    if action == SUBMIT:
        return _submit(request, saved, saved.version)
    if sent is not None:
        messages.success(request, QUERY_ANSWERED)
    else:
        kept = f" {DRAFT_ANSWER_KEPT}" if drafts and any(drafts.values()) else ""
        messages.success(request, SAVED.format(case=saved.reference) + kept)
    return redirect(_next_url(saved, action, task))


def _send_answer(request, answer_form: QueryAnswerForm) -> bool:
    """Send the answer typed to a query; False, with the reason on the form, if it was refused."""
    answer_form.is_valid()
    try:
        workflow.case_query_answer(
            query=answer_form.query, user=request.user, answer=answer_form.cleaned_data["answer"]
        )
    except ValidationError as refused:
        show_refusal(answer_form, refused)
    except (CaseError, InspectionLocked) as refused:
        answer_form.add_error(None, str(refused))
    return not answer_form.errors


def _next_url(case: InspectedCase, action: str, task: CaseTask | None) -> str:
    """Where a save goes: the next task's page (or checking the answers) for "Save and continue", else back."""
    slug = action.removeprefix("continue:") if action.startswith("continue:") else ""
    if slug in (CHECK, SUBMIT):
        return reverse("case_check", args=[case.pk])
    _, tasks = _tasks(case) if slug else (None, [])
    if any(t.slug == slug for t in tasks):
        return reverse("case_section", args=[case.pk, slug])
    if task is not None:
        return reverse("case_section", args=[case.pk, task.slug])
    return reverse("case_detail", args=[case.pk])


def _rerender(request, case, form: CaseForm, task: CaseTask | None, answer_forms, status=200):
    """The form again with its errors and everything the user typed."""
    for query_form in answer_forms.values():
        query_form.is_valid()
    if task is None:
        page, tasks = _tasks(case)
        # The whole case was posted (the conflict page): its problems are shown on the first task they are in.
        task = next((t for t in tasks if t.fields & set(form.errors)), tasks[0])
        refused, form = form.errors, CaseForm(form.data, page=page, only=task.fields)
        form.is_valid()
        for name, errors in refused.items():
            for error in errors if name in form.fields and name not in form.errors else []:
                form.add_error(name, error)
    return _render_section(request, case, selectors.case_page(case), task, form, answer_forms, status)


def _conflict(
    request,
    form: CaseForm,
    current: InspectedCase,
    action: str,
    task: CaseTask | None,
    answer_forms: dict[int, QueryAnswerForm],
):
    """The case was saved (by someone else or in another tab) since the form was loaded: show both versions and
    let the user choose. HTTP 409. Keeping their version goes on with what they asked for (save, continue, submit
    or send a query's answer), so a submit is not quietly turned into a save. The query answers they typed are
    shown, to copy, and carried: keeping their version keeps them as drafts (or sends the one they were sending)."""
    comparison = form.conflict(selectors.case_page(current))
    changed_by = current.history.select_related("history_user").first()
    pressed = _answer_pressed(action)
    known = action == SUBMIT or action.startswith("continue:") or pressed in answer_forms
    post_url = (
        reverse("case_section", args=[current.pk, task.slug])
        if task
        else reverse("case_detail", args=[current.pk])
    )
    context = {
        "case": current,
        **comparison,
        "current_version": current.version,
        "changed_by": changed_by,
        "changed_by_me": changed_by is not None and changed_by.history_user_id == request.user.pk,
        "action": action if known else "save",
        "sends_answer": pressed in answer_forms,
        "typed_answers": [
            {
                "query": answer_form.query,
                "name": query_answer_field(answer_form.query.pk),
                "loaded_name": query_answer_field(answer_form.query.pk, "loaded"),
                "answer": answer_form.data.get("answer", ""),
                "sending": answer_form.query.pk == pressed,
            }
            for answer_form in answer_forms.values()
        ],
        "post_url": post_url,
        "draft_key": _draft_key(request, current, task),
    }
    return render(request, "cases/case_conflict.html", context, status=409)


@login_required
@shows_reassignment
@require_http_methods(["GET", "POST"])
def case_check(request, pk: int):
    """Check your answers: every task's answers with links to change them, then submitting the case."""
    case = _editable_case(request, pk)
    if request.method == "GET":
        return _render_check(request, case)
    try:
        version = int(request.POST.get("version", ""))
    except ValueError:
        version = 0
    return _submit(request, case, version)


def _render_check(request, case: InspectedCase, problems: list[Problem] | None = None):
    page, tasks = _tasks(case)
    problems = problems or []
    field_tasks = {name: task for task in tasks for name in task.fields}
    errors = [
        (reverse("case_section", args=[case.pk, field_tasks[p.field].slug]) + f"#{p.field}", p.message)
        for p in problems
        if p.field in field_tasks
    ]
    context = {"case": case, "page": page, "tasks": tasks, "errors": errors}
    return render(request, "cases/case_check.html", context)


def _submit(request, case: InspectedCase, version: int):
    try:
        answers.case_submit(case=case, user=request.user, expected_version=version)
    except CaseIncomplete as incomplete:
        return _render_check(request, case, incomplete.problems)
    except CaseConflict:
        messages.error(request, CHANGED_SINCE_CHECKED.format(case=case.reference))
        return redirect("case_check", pk=case.pk)
    except CaseError as refused:
        messages.error(request, str(refused))
        return redirect("case_detail", pk=case.pk)
    messages.success(request, SUBMITTED.format(case=case.reference))
    return redirect("case_detail", pk=case.pk)


@login_required
@require_POST
def query_answer(request, query_pk):
    """The answer to a query about nothing a task's page asks (from the case page's list of queries)."""
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
        case = selectors.case_get(query.case_id)
        if case is not None and permissions.can_edit_case(request.user, case):
            return render_task_list(request, case, answer_form=form)
        messages.error(request, str(error.messages[0]))
    except (CaseError, InspectionLocked) as error:
        messages.error(request, str(error))
    else:
        messages.success(request, QUERY_ANSWERED)
    next_url = request.POST.get("next", "")
    if not url_has_allowed_host_and_scheme(next_url, allowed_hosts={request.get_host()}):
        next_url = "/"
    return redirect(next_url)
