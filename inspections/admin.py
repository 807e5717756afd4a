from django import forms
from django.contrib import admin, messages
from django.http import HttpResponseRedirect

from accounts.admin_site import HistoryAdmin, ReadOnlyAdminMixin

from .models import (
    Framework,
    Inspection,
    InspectionMembership,
    KeyQuestion,
    OrganisationalRating,
    OverallJudgement,
    Standard,
)


class StandardInline(ReadOnlyAdminMixin, admin.TabularInline):
    model = Standard
    extra = 0
    fields = [
        "code",
        "title",
        "domain",
        "rated_by",
        "case_kind",
        "is_optional",
        "counts_in_composite",
        "order",
    ]


# Frameworks are data: a version changes only by loading its document (load_framework or the Frameworks pages),
# which checks it and refuses to change a version an inspection uses.
@admin.register(Framework)
class FrameworkAdmin(ReadOnlyAdminMixin, HistoryAdmin):
    list_display = ["name", "slug", "version", "unit", "effective_from", "published_at"]
    inlines = [StandardInline]


class KeyQuestionInline(ReadOnlyAdminMixin, admin.StackedInline):
    model = KeyQuestion
    extra = 0


@admin.register(Standard)
class StandardAdmin(ReadOnlyAdminMixin, admin.ModelAdmin):
    list_display = ["code", "title", "framework", "domain", "rated_by", "is_optional"]
    list_filter = ["framework", "domain", "rated_by"]
    inlines = [KeyQuestionInline]


@admin.register(KeyQuestion)
class KeyQuestionAdmin(ReadOnlyAdminMixin, admin.ModelAdmin):
    list_display = ["code", "criterion", "wording", "standard"]
    list_filter = ["standard__framework", "criterion"]
    list_select_related = ["standard"]


class MembershipInline(ReadOnlyAdminMixin, admin.TabularInline):
    """The team, to read: a change needs a reason, given on the membership's own admin page."""

    model = InspectionMembership
    extra = 0


class OrganisationalRatingInline(ReadOnlyAdminMixin, admin.StackedInline):
    model = OrganisationalRating
    extra = 0
    fields = ["standard", "rating", "rationale", "rated_by"]


@admin.register(Inspection)
class InspectionAdmin(HistoryAdmin):
    list_display = ["__str__", "framework", "fieldwork_start", "fieldwork_end", "status"]
    list_filter = ["status", "framework", "pdu__region"]
    list_select_related = ["pdu", "region", "framework"]
    search_fields = ["pdu__name", "region__name"]
    # Locking (with its snapshot), the framework and the standards rated decide the results: the app's pages
    # change them, through the services that keep the snapshot and the log.
    readonly_fields = ["status", "framework", "optional_standards"]
    inlines = [MembershipInline, OrganisationalRatingInline]


REASON_REQUIRED = "Enter the reason for this change to the team"
REASON_HELP = "Kept in the membership's history with your name."
REASON_MAX_LENGTH = 100  # django-simple-history's history_change_reason


class MembershipChangeForm(forms.ModelForm):
    reason = forms.CharField(
        max_length=REASON_MAX_LENGTH,
        help_text=REASON_HELP,
        error_messages={"required": REASON_REQUIRED},
    )

    class Meta:
        model = InspectionMembership
        fields = ["inspection", "user", "role"]


@admin.register(InspectionMembership)
class InspectionMembershipAdmin(HistoryAdmin):
    """Who is on which team: every change, removal included, records who made it (the history's user) and why
    (its change reason)."""

    form = MembershipChangeForm
    list_display = ["user", "role", "inspection"]
    list_filter = ["role"]
    list_select_related = ["user", "inspection__pdu", "inspection__region"]
    autocomplete_fields = ["user"]
    actions = None  # no bulk delete: each removal needs its reason
    delete_confirmation_template = "admin/inspections/inspectionmembership/delete_confirmation.html"

    def save_model(self, request, obj, form, change):
        obj._change_reason = form.cleaned_data["reason"]
        super().save_model(request, obj, form, change)

    def delete_view(self, request, object_id, extra_context=None):
        if request.method == "POST":
            reason = MembershipChangeForm.base_fields["reason"]
            try:
                request.removal_reason = reason.clean(request.POST.get("reason", ""))
            except forms.ValidationError as error:
                messages.error(request, error.messages[0])
                return HttpResponseRedirect(request.get_full_path())
        extra_context = {**(extra_context or {}), "reason_max_length": REASON_MAX_LENGTH}
        return super().delete_view(request, object_id, extra_context)

    def delete_model(self, request, obj):
        obj._change_reason = request.removal_reason
        super().delete_model(request, obj)


@admin.register(OrganisationalRating)
class OrganisationalRatingAdmin(ReadOnlyAdminMixin, HistoryAdmin):
    list_display = ["inspection", "standard", "rating", "rated_by", "updated_at"]
    list_filter = ["rating"]
    list_select_related = ["inspection__pdu", "inspection__region", "standard", "rated_by"]


@admin.register(OverallJudgement)
class OverallJudgementAdmin(ReadOnlyAdminMixin, HistoryAdmin):
    list_display = ["inspection", "rating", "rated_by", "updated_at"]
    list_filter = ["rating"]
    list_select_related = ["inspection__pdu", "inspection__region", "rated_by"]
