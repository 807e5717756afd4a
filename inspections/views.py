"""The lead inspector's pages about an inspection itself: setting it up and rating the organisational standards;
and the administrators' Frameworks pages (upload a version as a draft, preview it, publish or discard it, download
any version as JSON or a workbook).

Thin: check access, validate, call one service or selector. The case pages of an inspection are in cases.views,
its task list, lock and unlock in reports.views.
"""

import json

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.exceptions import ValidationError
from django.http import Http404, HttpResponse
from django.shortcuts import get_object_or_404, redirect, render
from django.views.decorators.http import require_POST

from . import forms, framework_preview, frameworks, selectors, services
from .access import inspection_for_user, posted, refuse_if_locked
from .definition_checks import DefinitionInvalid, Problem
from .models import Framework, OrganisationalRating
from .permissions import can_create_inspection, can_manage_frameworks
from .workbook import document_from_file, workbook

FRAMEWORK_FILE_HAS_PROBLEMS = "The file has {count} problem{s}, listed below. Nothing was loaded: correct {them} and upload the file again"


@login_required
def inspection_create(request):
    if not can_create_inspection(request.user):
        raise Http404
    form = forms.InspectionCreateForm(posted(request))
    if request.method == "POST" and form.is_valid():
        data = form.cleaned_data
        try:
            inspection = services.inspection_create(
                pdu=data["pdu"],
                region=data["region"],
                optional_standards=data["optional_standards"],
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
            forms.show_refusal(form, error)
        else:
            messages.success(request, f"Inspection of {inspection.unit} created")
            return redirect("inspections:detail", pk=inspection.pk)
    return render(request, "inspections/inspection_create.html", {"form": form})


@login_required
def organisational_ratings(request, pk):
    inspection = inspection_for_user(request, pk)
    judged_overall = inspection.framework.definition.overall.rule == "team_judgement"
    return render(
        request,
        "inspections/organisational_ratings.html",
        {
            "inspection": inspection,
            "standards": selectors.organisational_ratings(inspection),
            "judged_overall": judged_overall,
            "overall_judgement": selectors.overall_judgement(inspection) if judged_overall else None,
        },
    )


@login_required
def overall_judgement_edit(request, pk):
    """The team's overall rating and its rationale, where the framework's overall rule is the team's judgement."""
    inspection = inspection_for_user(request, pk)
    if inspection.framework.definition.overall.rule != "team_judgement":
        raise Http404("This inspection's overall rating is its composite banded")
    if refused := refuse_if_locked(request, inspection, keep_posted=True):
        return refused
    existing = selectors.overall_judgement(inspection)
    initial = {"rating": existing.rating, "rationale": existing.rationale} if existing else None
    form = forms.OrganisationalRatingForm(posted(request), initial=initial)
    if request.method == "POST" and form.is_valid():
        try:
            services.overall_judgement_save(inspection=inspection, user=request.user, **form.cleaned_data)
        except (ValidationError, services.InspectionError) as error:
            forms.show_refusal(form, error)
        else:
            messages.success(request, "Overall rating saved")
            return redirect("inspections:ratings", pk=pk)
    return render(
        request,
        "inspections/overall_judgement_edit.html",
        {"inspection": inspection, "form": form, "existing": existing},
    )


@login_required
def organisational_rating_edit(request, pk, code):
    inspection = inspection_for_user(request, pk)
    if refused := refuse_if_locked(request, inspection, keep_posted=True):
        return refused
    standard = get_object_or_404(selectors.organisational_standards(inspection), code=code)
    existing = OrganisationalRating.objects.filter(inspection=inspection, standard=standard).first()
    initial = {"rating": existing.rating, "rationale": existing.rationale} if existing else None
    form = forms.OrganisationalRatingForm(posted(request), initial=initial)
    if request.method == "POST" and form.is_valid():
        try:
            services.organisational_rating_save(
                inspection=inspection, standard=standard, user=request.user, **form.cleaned_data
            )
        except (ValidationError, services.InspectionError) as error:
            forms.show_refusal(form, error)
        else:
            messages.success(request, f"Rating for {standard.code} {standard.title} saved")
            return redirect("inspections:ratings", pk=pk)
    return render(
        request,
        "inspections/organisational_rating_edit.html",
        {"inspection": inspection, "standard": standard, "form": form},
    )


# The administrators' Frameworks pages: superusers only (inspections.manage_frameworks).


def _framework_admin(request) -> None:
    if not can_manage_frameworks(request.user):
        raise Http404


def _framework_for_admin(request, pk: int) -> Framework:
    _framework_admin(request)
    framework = selectors.framework_version(pk)
    if framework is None:
        raise Http404
    return framework


@login_required
def framework_list(request):
    _framework_admin(request)
    return render(request, "inspections/frameworks/list.html", {"frameworks": selectors.framework_versions()})


@login_required
def framework_upload(request):
    _framework_admin(request)
    form = forms.FrameworkUploadForm(posted(request), request.FILES or None)
    problems: list[Problem] = []
    if request.method == "POST" and form.is_valid():
        upload = form.cleaned_data["file"]
        try:
            document = document_from_file(upload.read(), upload.name, pool_sources=frameworks.pool_sources())
            framework, changed = frameworks.framework_upload(document=document, user=request.user)
        except DefinitionInvalid as invalid:
            problems = invalid.problems
            many = len(problems) != 1
            form.add_error(
                "file",
                FRAMEWORK_FILE_HAS_PROBLEMS.format(
                    count=len(problems), s="s" if many else "", them="them" if many else "it"
                ),
            )
        except (frameworks.FrameworkInUse, frameworks.FrameworkPublished) as refusal:
            form.add_error("file", str(refusal))
        else:
            if changed:
                messages.success(request, f"{framework} loaded as a draft: check it, then publish it")
            else:
                messages.info(request, f"{framework} is already loaded, unchanged")
            return redirect("frameworks:detail", pk=framework.pk)
    return render(request, "inspections/frameworks/upload.html", {"form": form, "problems": problems})


@login_required
def framework_detail(request, pk):
    framework = _framework_for_admin(request, pk)
    definition = framework.definition
    return render(
        request,
        "inspections/frameworks/detail.html",
        {
            "framework": framework,
            "definition": definition,
            "case_forms": framework_preview.case_forms(definition),
            "rules": framework_preview.rating_rules(definition),
        },
    )


@require_POST
@login_required
def framework_publish(request, pk):
    framework = _framework_for_admin(request, pk)
    framework = frameworks.framework_publish(framework=framework, user=request.user)
    messages.success(request, f"{framework} published: new inspections can use it")
    return redirect("frameworks:detail", pk=framework.pk)


@require_POST
@login_required
def framework_discard(request, pk):
    framework = _framework_for_admin(request, pk)
    try:
        frameworks.framework_discard(framework=framework, user=request.user)
    except (frameworks.FrameworkInUse, frameworks.FrameworkPublished) as refusal:
        messages.error(request, str(refusal))
        return redirect("frameworks:detail", pk=framework.pk)
    messages.success(request, f"Draft {framework} discarded")
    return redirect("frameworks:list")


@login_required
def framework_download(request, pk, file_format):
    framework = _framework_for_admin(request, pk)
    name = f"{framework.slug}-v{framework.version}"
    if file_format == "xlsx":
        response = HttpResponse(
            workbook(framework.definition),
            content_type="application/vnd.openxmlformats-officedocument.spreadsheetml.sheet",
        )
    else:
        text = json.dumps(framework.document, indent=2, ensure_ascii=False) + "\n"
        response = HttpResponse(text, content_type="application/json; charset=utf-8")
    response["Content-Disposition"] = f'attachment; filename="{name}.{file_format}"'
    return response
