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
    Standard,
)


class PinnedFrameworkMixin:
    """Read-only once an inspection uses the framework version: editing it would change that inspection's results.

    `framework_id_of(obj)` names the framework of the page's object (for an inline, of its parent). A change to the
    methodology is a new framework version.
    """

    def framework_id_of(self, obj) -> int:
        raise NotImplementedError

    def _pinned(self, obj) -> bool:
        return obj is not None and Inspection.objects.filter(framework_id=self.framework_id_of(obj)).exists()

    def has_change_permission(self, request, obj=None):
        return not self._pinned(obj) and super().has_change_permission(request, obj)

    def has_delete_permission(self, request, obj=None):
        return not self._pinned(obj) and super().has_delete_permission(request, obj)


class PinnedInlineMixin(PinnedFrameworkMixin):
    """For an inline, where `obj` is the parent: no new rows in a pinned framework either."""

    def has_add_permission(self, request, obj=None):
        return not self._pinned(obj) and super().has_add_permission(request, obj)


class StandardInline(PinnedInlineMixin, admin.TabularInline):
    model = Standard
    extra = 0
    fields = ["code", "title", "domain", "rated_from", "stage", "is_optional", "order"]

    def framework_id_of(self, framework):
        return framework.pk


@admin.register(Framework)
class FrameworkAdmin(PinnedFrameworkMixin, admin.ModelAdmin):
    list_display = ["name", "slug", "version", "effective_from"]
    inlines = [StandardInline]

    def framework_id_of(self, framework):
        return framework.pk


class KeyQuestionInline(PinnedInlineMixin, admin.StackedInline):
    model = KeyQuestion
    extra = 0

    def framework_id_of(self, standard):
        return standard.framework_id


@admin.register(Standard)
class StandardAdmin(PinnedFrameworkMixin, admin.ModelAdmin):
    list_display = ["code", "title", "framework", "domain", "rated_from", "is_optional"]
    list_filter = ["framework", "domain", "rated_from"]
    inlines = [KeyQuestionInline]

    def framework_id_of(self, standard):
        return standard.framework_id


@admin.register(KeyQuestion)
class KeyQuestionAdmin(PinnedFrameworkMixin, admin.ModelAdmin):
    list_display = ["code", "criterion", "wording", "standard"]
    list_filter = ["standard__framework", "criterion"]
    list_select_related = ["standard"]

    def framework_id_of(self, key_question):
        return key_question.standard.framework_id


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
    list_display = ["pdu", "framework", "fieldwork_start", "fieldwork_end", "status"]
    list_filter = ["status", "framework", "pdu__region"]
    list_select_related = ["pdu", "framework"]
    search_fields = ["pdu__name"]
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
    list_select_related = ["user", "inspection__pdu"]
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
    list_select_related = ["inspection__pdu", "standard", "rated_by"]
