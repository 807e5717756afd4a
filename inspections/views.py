"""The lead inspector's pages about an inspection itself: setting it up and rating the organisational standards.

Thin: check access, validate, call one service or selector. The case pages of an inspection are in cases.views,
its task list, lock and unlock in reports.views.
"""

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.exceptions import ValidationError
from django.http import Http404
from django.shortcuts import get_object_or_404, redirect, render

from . import forms, selectors, services
from .access import inspection_for_user, posted, refuse_if_locked
from .models import OrganisationalRating
from .permissions import can_create_inspection


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
    return render(
        request,
        "inspections/organisational_ratings.html",
        {"inspection": inspection, "standards": selectors.organisational_ratings(inspection)},
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
