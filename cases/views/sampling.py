"""The lead's sample designer: upload a PDU caseload per case kind, design the sample, draw it (the drawn cases
become the inspection's cases), replace ineligible cases from the reserve, and show how the draw is reproduced."""

from __future__ import annotations

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.http import Http404, HttpRequest, HttpResponse
from django.shortcuts import get_object_or_404, redirect, render
from django.utils.translation import ngettext
from django.views.decorators.http import require_POST

from inspections.access import inspection_for_user, posted, refuse_if_locked
from inspections.definitions import CaseKind
from inspections.models import Inspection
from inspections.services import InspectionError

from ..caseload import MAX_CASELOAD_BYTES, TOO_LARGE, documented_columns
from ..forms.sampling import CaseloadUploadForm, DesignForm, ReplacementForm
from ..sample_models import CaseloadCase, SampleDesign, SampleRole
from ..selectors import sampling as selectors
from ..services import sampling as services


def _kind(inspection: Inspection, slug: str) -> CaseKind:
    kind = selectors.case_kind(inspection, slug)
    if kind is None:
        raise Http404
    return kind


def _design(inspection: Inspection, kind: CaseKind) -> SampleDesign:
    design = selectors.design_for_inspection(inspection, kind.slug)
    if design is None:
        raise Http404
    return design


@login_required
def designer(request: HttpRequest, pk: int) -> HttpResponse:
    """The case kinds and where each one's sample is."""
    inspection = inspection_for_user(request, pk)
    designs = {design.case_kind: design for design in selectors.designs_of(inspection)}
    kinds = [(kind, designs.get(kind.slug)) for kind in selectors.case_kinds(inspection)]
    return render(request, "cases/sampling/designer.html", {"inspection": inspection, "kinds": kinds})


@login_required
def caseload_upload(request: HttpRequest, pk: int, kind: str) -> HttpResponse:
    inspection = inspection_for_user(request, pk)
    if refused := refuse_if_locked(request, inspection):
        return refused
    case_kind = _kind(inspection, kind)
    start, end = selectors.window_default(inspection)
    form = CaseloadUploadForm(
        posted(request),
        request.FILES if request.method == "POST" else None,
        kind=case_kind,
        initial={"window_start": start, "window_end": end},
    )
    problems = None
    if request.method == "POST" and form.is_valid():
        upload = form.cleaned_data["file"]
        if upload.size > MAX_CASELOAD_BYTES:
            form.add_error("file", TOO_LARGE)
        else:
            try:
                design = services.caseload_upload(
                    inspection=inspection,
                    kind=case_kind,
                    name=upload.name,
                    data=upload.read(),
                    window_start=form.cleaned_data["window_start"],
                    window_end=form.cleaned_data["window_end"],
                    case_types=form.cleaned_data.get("case_types", []),
                    user=request.user,  # type: ignore[arg-type]
                )
            except services.CaseloadInvalid as error:
                problems = error.read.problems
            except (services.SampleError, InspectionError) as error:
                form.add_error(None, str(error))
            else:
                count = design.eligible.count()
                messages.success(
                    request,
                    ngettext("%(count)d eligible case", "%(count)d eligible cases", count) % {"count": count},
                )
                return redirect("inspections:sample_design", pk=pk, kind=kind)
    return render(
        request,
        "cases/sampling/upload.html",
        {
            "inspection": inspection,
            "kind": case_kind,
            "form": form,
            "problems": problems,
            "columns": documented_columns(case_kind),
        },
    )


@login_required
def design(request: HttpRequest, pk: int, kind: str) -> HttpResponse:
    """The design: its form before the draw, the size, allocation and shares; after it, the sample and reserves."""
    inspection = inspection_for_user(request, pk)
    case_kind = _kind(inspection, kind)
    sample_design = _design(inspection, case_kind)
    form = None
    if not sample_design.is_drawn:
        form = DesignForm(posted(request), kind=case_kind, initial=DesignForm.initial_for(sample_design))
        if request.method == "POST":
            if refused := refuse_if_locked(request, inspection):
                return refused
            if form.is_valid():
                try:
                    services.design_update(
                        design=sample_design,
                        kind=case_kind,
                        user=request.user,  # type: ignore[arg-type]
                        **form.service_arguments(),
                    )
                except (services.SampleError, InspectionError) as error:
                    form.add_error(None, str(error))
                else:
                    return redirect("inspections:sample_design", pk=pk, kind=kind)
    if sample_design.is_drawn:
        plan = sample_design.drawn_design
        rows = selectors.sample_rows(sample_design, case_kind)
    else:
        plan = selectors.as_page(selectors.design_plan(sample_design, case_kind))
        rows = []
    status = 400 if form is not None and form.errors else 200
    return render(
        request,
        "cases/sampling/design.html",
        {
            "inspection": inspection,
            "kind": case_kind,
            "design": sample_design,
            "form": form,
            "plan": plan,
            "rows": rows,
            "frozen": sample_design.is_drawn and services.is_frozen(sample_design),
            "kind_columns": selectors.kind_columns(case_kind),
            "exclusions": selectors.exclusion_counts(sample_design),
        },
        status=status,
    )


@login_required
def exclusions(request: HttpRequest, pk: int, kind: str) -> HttpResponse:
    inspection = inspection_for_user(request, pk)
    case_kind = _kind(inspection, kind)
    sample_design = _design(inspection, case_kind)
    return render(
        request,
        "cases/sampling/exclusions.html",
        {"inspection": inspection, "kind": case_kind, "design": sample_design},
    )


@login_required
@require_POST
def draw(request: HttpRequest, pk: int, kind: str) -> HttpResponse:
    inspection = inspection_for_user(request, pk)
    if refused := refuse_if_locked(request, inspection):
        return refused
    case_kind = _kind(inspection, kind)
    sample_design = _design(inspection, case_kind)
    try:
        plan = services.sample_draw(design=sample_design, kind=case_kind, user=request.user)  # type: ignore[arg-type]
    except (services.SampleError, InspectionError) as error:
        messages.error(request, str(error))
    else:
        count = sum(len(keys) for keys in plan.selected.values())
        messages.success(
            request,
            ngettext(
                "%(count)d case drawn and added to the inspection",
                "%(count)d cases drawn and added to the inspection",
                count,
            )
            % {"count": count},
        )
    return redirect("inspections:sample_design", pk=pk, kind=kind)


@login_required
def replace(request: HttpRequest, pk: int, kind: str, row_pk: int) -> HttpResponse:
    inspection = inspection_for_user(request, pk)
    if refused := refuse_if_locked(request, inspection):
        return refused
    case_kind = _kind(inspection, kind)
    sample_design = _design(inspection, case_kind)
    row: CaseloadCase = get_object_or_404(sample_design.caseload, pk=row_pk, role=SampleRole.SELECTED)
    form = ReplacementForm(posted(request))
    if request.method == "POST" and form.is_valid():
        try:
            spare = services.case_replace(
                row=row, kind=case_kind, reason=form.cleaned_data["reason"], user=request.user
            )  # type: ignore[arg-type]
        except (services.SampleError, InspectionError) as error:
            form.add_error(None, str(error))
        else:
            messages.success(request, f"Case {row.reference} replaced by {spare.reference}")
            return redirect("inspections:sample_design", pk=pk, kind=kind)
    return render(
        request,
        "cases/sampling/replace.html",
        {"inspection": inspection, "kind": case_kind, "design": sample_design, "row": row, "form": form},
        status=400 if form.errors else 200,
    )


@login_required
@require_POST
def discard(request: HttpRequest, pk: int, kind: str) -> HttpResponse:
    inspection = inspection_for_user(request, pk)
    if refused := refuse_if_locked(request, inspection):
        return refused
    case_kind = _kind(inspection, kind)
    sample_design = _design(inspection, case_kind)
    try:
        services.sample_discard(design=sample_design, user=request.user)  # type: ignore[arg-type]
    except (services.SampleError, InspectionError) as error:
        messages.error(request, str(error))
        return redirect("inspections:sample_design", pk=pk, kind=kind)
    messages.success(request, "The caseload and its sample have been removed")
    return redirect("inspections:sample_designer", pk=pk)


@login_required
def reproduce(request: HttpRequest, pk: int, kind: str) -> HttpResponse:
    """What reproduces the draw: the file's SHA-256, the seed, the parameters and the algorithm's version."""
    inspection = inspection_for_user(request, pk)
    case_kind = _kind(inspection, kind)
    sample_design = _design(inspection, case_kind)
    return render(
        request,
        "cases/sampling/reproduce.html",
        {
            "inspection": inspection,
            "kind": case_kind,
            "design": sample_design,
            "strata": selectors.strata_labels(case_kind, sample_design.strata),
        },
    )
