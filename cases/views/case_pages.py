"""The assistant inspector's screens: their cases, answer history, and what a case page shows when the case has been
reassigned to someone else. The case itself, as a task list, is in case_tasks.py."""

import re
from functools import wraps

from django.contrib.auth.decorators import login_required
from django.http import Http404
from django.shortcuts import get_object_or_404, redirect, render
from django.urls import reverse

from inspections.models import KeyQuestion
from inspections.selectors import works_only_on_cases

from .. import permissions, questions
from ..errors import CaseReassigned
from ..forms.case_page import CaseForm, CaseListFilterForm
from ..imports import in_sentence
from ..models import InspectedCase
from ..selectors import case_pages as selectors


def get_case_for_user(user, pk: int) -> InspectedCase:
    """The case if the user may see it; 404 otherwise, so references of other cases never leak. A case that was the
    user's and has been reassigned raises CaseReassigned instead, so they are told what happened."""
    case = selectors.case_get(pk)
    if case is None:
        raise Http404
    if not permissions.can_view_case(user, case):
        raise_if_reassigned(user, case)
        raise Http404
    return case


def raise_if_reassigned(user, case: InspectedCase) -> None:
    """CaseReassigned if the case was the user's and has been moved to someone else."""
    reassigned = selectors.reassigned_from(case, user)
    if reassigned is not None:
        raise reassigned


def shows_reassignment(view):
    """A case page that answers CaseReassigned with a page saying so, with whatever the user had typed (a POST) shown
    again to copy: the case was theirs, so who has it now is theirs to know."""

    @wraps(view)
    def wrapped(request, *args, **kwargs):
        try:
            return view(request, *args, **kwargs)
        except CaseReassigned as reassigned:
            return _reassigned(request, reassigned)

    return wrapped


def _reassigned(request, reassigned: CaseReassigned):
    typed: list[tuple[str, str]] = []
    if request.method == "POST":
        form = CaseForm(request.POST, page=selectors.case_page(reassigned.case))
        names = form.changed_names() if form.is_valid() else form.answer_names
        typed = [
            (str(form.fields[name].label), form.display(name, form.data.get(name, "")))
            for name in names
            if form.data.get(name, "").strip()
        ]
        typed += [
            ("Your answer to a quality assurance query", value)
            for name, value in request.POST.items()
            if re.fullmatch(r"query-\d+-answer", name) and value.strip()
        ]
    context = {"reassigned": reassigned, "case": reassigned.case, "typed": typed}
    return render(request, "cases/case_reassigned.html", context, status=reassigned.http_status)


@login_required
def start(request):
    """Where signing in leads: an assistant inspector's own cases if cases are all they work on, else the PDU list."""
    return redirect("case_list" if works_only_on_cases(request.user) else "home")


@login_required
def case_list(request):
    """Your cases: the assistant inspector's assigned cases in open inspections, grouped by inspection, returned and
    not started ones first; filtered by status and inspection."""
    inspections = list(selectors.inspections_with_cases_assigned(request.user))
    form = CaseListFilterForm(request.GET or None, inspections=inspections)
    filters = form.filters() if request.GET else {}
    context = {
        "groups": selectors.cases_assigned_by_inspection(request.user, **filters),
        "form": form,
        "filtered": any(filters.values()),
        "inspections": inspections,
    }
    return render(request, "cases/case_list.html", context)


def _back_to(user, case: InspectedCase, anchor: str) -> str:
    """Where a history page goes back to: the task's page while the user may change the case, else the case page."""
    if permissions.can_edit_case(user, case):
        return reverse("case_section", args=[case.pk, anchor.removeprefix("section-")])
    return reverse("case_detail", args=[case.pk]) + f"#{anchor}"


@login_required
def judgement_history(request, pk: int, code: str):
    """Every change to one key question's answer on a case: who, when, before and after."""
    case = get_case_for_user(request.user, pk)
    key_question = get_object_or_404(
        KeyQuestion.objects.select_related("standard"),
        standard__framework_id=case.inspection.framework_id,
        code=code,
    )
    context = {
        "case": case,
        "title": f"History of {key_question.code}",
        "question": key_question.wording,
        "back_url": _back_to(request.user, case, selectors.standard_anchor(key_question.standard.code)),
        "changes": selectors.judgement_history(case, key_question),
        "with_evidence": True,
    }
    return render(request, "cases/answer_history.html", context)


@login_required
def fact_history(request, pk: int, name: str):
    """Every change to one case fact (or attribute recorded on the case), by its key in the framework."""
    case = get_case_for_user(request.user, pk)
    asked = {fact.key: fact for fact in questions.case_fact_questions(case)}
    if name not in asked:
        raise Http404
    context = {
        "case": case,
        "title": f"History of {in_sentence(asked[name].label)}",
        "question": asked[name].question,
        "back_url": _back_to(request.user, case, "section-case-facts"),
        "changes": selectors.fact_history(case, name),
    }
    return render(request, "cases/answer_history.html", context)


@login_required
def need_history(request, pk: int, need: str):
    """Every change to one criminogenic need of the case."""
    case = get_case_for_user(request.user, pk)
    found = next((n for n in case.case_kind.needs if n.key == need), None)
    if found is None:
        raise Http404
    label = found.label
    context = {
        "case": case,
        "title": f"History of the {label.lower()} need",
        "question": f"Is the {label.lower()} need linked to offending and, if so, sufficiently addressed?",
        "back_url": _back_to(request.user, case, "section-needs"),
        "changes": selectors.need_history(case, need),
    }
    return render(request, "cases/answer_history.html", context)
