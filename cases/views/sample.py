"""The lead's sample pages: importing the case sample, its summary, and assigning cases to assistant inspectors."""

from django.contrib import messages
from django.contrib.auth import get_user_model
from django.contrib.auth.decorators import login_required
from django.shortcuts import redirect, render
from django.utils.translation import ngettext
from django.views.decorators.http import require_POST

from inspections.access import inspection_for_user, posted, refuse_if_locked
from inspections.services import InspectionError, InspectionLocked

from .. import imports
from ..errors import CaseError
from ..forms import inspection_work as forms
from ..selectors import inspection_work as selectors
from ..services import workflow

SESSION_SAMPLE = "sample-import-{pk}"


@login_required
def sample_import(request, pk):
    """Upload → preview with every problem; a clean file waits in the session until the lead confirms it."""
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
                request.session[SESSION_SAMPLE.format(pk=pk)] = {"rows": preview.raw_rows, "kind": kind}
            else:
                request.session.pop(SESSION_SAMPLE.format(pk=pk), None)
    return _render_import(request, inspection, form, preview)


def _render_import(request, inspection, form, preview):
    definition = inspection.framework.definition
    columns = {kind.plural: imports.sample_columns(definition, kind) for kind in definition.case_kinds}
    return render(
        request,
        "cases/sample_import.html",
        {"inspection": inspection, "form": form, "preview": preview, "columns": columns},
    )


@login_required
@require_POST
def sample_import_confirm(request, pk):
    inspection = inspection_for_user(request, pk)
    saved = request.session.pop(SESSION_SAMPLE.format(pk=pk), None)
    if not isinstance(saved, dict) or not saved.get("rows"):
        messages.error(request, "Upload the file again: the checked file was not found.")
        return redirect("inspections:sample_import", pk=pk)
    try:
        cases = imports.sample_import(
            inspection=inspection,
            rows=[tuple(row) for row in saved["rows"]],
            kind=saved.get("kind", ""),
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
