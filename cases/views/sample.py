"""The lead's sample pages: importing the case sample, its summary, and assigning cases to assistant inspectors (one
by one or shared evenly, after a confirmation)."""

from django.contrib import messages
from django.contrib.auth import get_user_model
from django.contrib.auth.decorators import login_required
from django.http import Http404, HttpResponse
from django.shortcuts import redirect, render
from django.utils.translation import ngettext
from django.views.decorators.http import require_POST

from inspections.access import inspection_for_user, posted, refuse_if_locked
from inspections.services import InspectionError, InspectionLocked

from .. import imports
from ..errors import CaseError
from ..forms import inspection_work as forms
from ..models import InspectedCase
from ..selectors import inspection_work as selectors
from ..services import workflow

SESSION_SAMPLE = "sample-import-{pk}"
WORK_IN_PROGRESS_MOVED = (
    "{references} {verb} in progress with {who}, who may have unsaved answers open. They will be told the case was "
    "reassigned when they next save, and can copy what they typed to send on."
)


def _work_in_progress_moved(cases, chosen_ids, target) -> list[str]:
    """What to tell the lead when reassigning cases their assistant inspector had started (in progress, or returned
    with a query): whether anything typed was left unsaved is not knowable, that it may have been is."""
    chosen = {int(pk) for pk in chosen_ids}
    by_inspector: dict = {}
    for case in cases:
        started = case.status in (InspectedCase.Status.IN_PROGRESS, InspectedCase.Status.RETURNED)
        moved_away = case.assistant_inspector_id and case.assistant_inspector_id != getattr(
            target, "pk", None
        )
        if case.pk in chosen and started and moved_away:
            by_inspector.setdefault(case.assistant_inspector, []).append(case.reference)
    return [
        WORK_IN_PROGRESS_MOVED.format(
            references=", ".join(references),
            verb=ngettext("was", "were", len(references)),
            who=inspector.get_full_name() or inspector.username,
        )
        for inspector, references in by_inspector.items()
    ]


@login_required
def sample_import(request, pk):
    """Upload → preview with every problem; a clean file waits in the database (the session holds its id) until the
    lead confirms it."""
    inspection = inspection_for_user(request, pk)
    if refused := refuse_if_locked(request, inspection):
        return refused
    definition = inspection.framework.definition
    form = forms.SampleUploadForm(
        posted(request), request.FILES if request.method == "POST" else None, definition=definition
    )
    preview = None
    if request.method == "POST" and form.is_valid():
        upload = form.cleaned_data["file"]
        kind = form.cleaned_data.get("kind", "")
        if upload.size > imports.MAX_UPLOAD_BYTES:
            form.add_error("file", imports.TOO_LARGE)
        else:
            preview = imports.sample_preview(
                inspection=inspection, name=upload.name, data=upload.read(), kind=kind
            )
            if preview.is_clean:
                request.session[SESSION_SAMPLE.format(pk=pk)] = imports.preview_keep(
                    inspection=inspection, user=request.user, rows=preview.raw_rows, kind=kind
                )
            else:
                request.session.pop(SESSION_SAMPLE.format(pk=pk), None)
                imports.preview_discard(inspection=inspection, user=request.user)
    return _render_import(request, inspection, form, preview)


def _render_import(request, inspection, form, preview):
    definition = inspection.framework.definition
    columns = [(kind, imports.sample_columns(definition, kind)) for kind in definition.case_kinds]
    return render(
        request,
        "cases/sample_import.html",
        {
            "inspection": inspection,
            "form": form,
            "preview": preview,
            "columns": columns,
            "max_rows": imports.max_rows(),
        },
    )


@login_required
def sample_template(request, pk, kind):
    """A CSV file to fill in for one kind of case: the kind's columns and an example row."""
    inspection = inspection_for_user(request, pk)
    definition = inspection.framework.definition
    case_kind = definition.case_kind(kind)
    if case_kind is None:
        raise Http404("No such kind of case")
    response = HttpResponse(
        imports.sample_template(definition, case_kind), content_type="text/csv; charset=utf-8"
    )
    response["Content-Disposition"] = f'attachment; filename="sample-{case_kind.slug}.csv"'
    return response


@login_required
@require_POST
def sample_import_confirm(request, pk):
    inspection = inspection_for_user(request, pk)
    kept = request.session.pop(SESSION_SAMPLE.format(pk=pk), None)
    saved = imports.preview_take(
        inspection=inspection, user=request.user, pk=kept if isinstance(kept, int) else None
    )
    if saved is None or not saved.rows:
        messages.error(request, "Upload the file again: the checked file was not found.")
        return redirect("inspections:sample_import", pk=pk)
    try:
        cases = imports.sample_import(
            inspection=inspection,
            rows=[(line, values) for line, values in saved.rows],
            kind=saved.kind,
            user=request.user,
        )
    except InspectionLocked as error:
        messages.error(request, str(error))
        return redirect("inspections:detail", pk=pk)
    except imports.SampleInvalid as error:
        form = forms.SampleUploadForm(definition=inspection.framework.definition)
        return _render_import(request, inspection, form, error.preview)
    messages.success(
        request,
        ngettext("%(count)d case imported", "%(count)d cases imported", len(cases)) % {"count": len(cases)},
    )
    return redirect("inspections:sample", pk=pk)


@login_required
def sample(request, pk):
    inspection = inspection_for_user(request, pk)
    return render(
        request,
        "cases/sample.html",
        {
            "inspection": inspection,
            "summary": selectors.sample_summary(inspection),
            "cases": selectors.inspection_cases(inspection),
        },
    )


@login_required
def assignment(request, pk):
    inspection = inspection_for_user(request, pk)
    if refused := refuse_if_locked(request, inspection):
        return refused
    assistant_inspectors = list(selectors.assistant_inspectors_with_load(inspection))
    cases = list(selectors.inspection_cases(inspection))
    form = forms.AssignmentForm(posted(request), cases=cases, assistant_inspectors=assistant_inspectors)
    if request.method == "POST" and form.is_valid():
        chosen = form.cleaned_data["assistant_inspector"]
        target = None if chosen == "none" else get_user_model().objects.get(pk=chosen)
        interrupted = _work_in_progress_moved(cases, form.cleaned_data["cases"], target)
        try:
            moved = workflow.cases_assign(
                inspection=inspection,
                case_ids=[int(pk) for pk in form.cleaned_data["cases"]],
                assistant_inspector=target,
                user=request.user,
            )
        except (CaseError, InspectionError) as error:
            form.add_error(None, str(error))
        else:
            who = (target.get_full_name() or target.username) if target else "nobody"
            messages.success(
                request,
                ngettext("%(count)d case assigned to %(who)s", "%(count)d cases assigned to %(who)s", moved)
                % {"count": moved, "who": who},
            )
            for message in interrupted:
                messages.warning(request, message)
            return redirect("inspections:assignment", pk=pk)
    selected = set(form["cases"].value() or [])
    return render(
        request,
        "cases/assignment.html",
        {
            "inspection": inspection,
            "form": form,
            "cases": cases,
            "selected": selected,
            "assistant_inspectors": assistant_inspectors,
        },
    )


def _posted_ids(request, name: str) -> list[int]:
    return [int(value) for value in request.POST.getlist(name) if value.isdigit()]


@login_required
@require_POST
def assignment_share(request, pk):
    """Share the selected cases (or every unassigned one) evenly: first the plan to confirm, then the change."""
    inspection = inspection_for_user(request, pk)
    if refused := refuse_if_locked(request, inspection):
        return refused
    case_ids = _posted_ids(request, "cases")
    try:
        if "confirm" in request.POST:
            expected = {}
            for pair in request.POST.getlist("plan"):
                case_id, _, user_id = pair.partition(":")
                if case_id.isdigit() and user_id.isdigit():
                    expected[int(case_id)] = int(user_id)
            plan = workflow.cases_share_evenly(
                inspection=inspection, case_ids=case_ids, user=request.user, expected=expected
            )
            shared = sum(len(cases) for cases in plan.values())
            messages.success(
                request,
                ngettext("%(count)d case shared among %(people)d assistant inspectors",
                         "%(count)d cases shared among %(people)d assistant inspectors", shared)
                % {"count": shared, "people": len(plan)},
            )  # fmt: skip
            return redirect("inspections:assignment", pk=pk)
    except (CaseError, InspectionError) as error:
        messages.error(request, str(error))
        if str(error) != workflow.SHARE_CHANGED:
            return redirect("inspections:assignment", pk=pk)
    try:
        plan = workflow.share_evenly_plan(inspection=inspection, case_ids=case_ids)
    except CaseError as error:
        messages.error(request, str(error))
        return redirect("inspections:assignment", pk=pk)
    return render(
        request,
        "cases/assignment_share.html",
        {"inspection": inspection, "plan": plan, "case_ids": case_ids, "selected": bool(case_ids)},
    )
