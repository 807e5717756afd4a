from django.contrib import admin
from simple_history.admin import SimpleHistoryAdmin

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


class MembershipInline(admin.TabularInline):
    model = InspectionMembership
    extra = 1
    autocomplete_fields = ["user"]


class OrganisationalRatingInline(admin.StackedInline):
    model = OrganisationalRating
    extra = 0
    fields = ["standard", "rating", "rationale", "rated_by"]


@admin.register(Inspection)
class InspectionAdmin(SimpleHistoryAdmin):
    list_display = ["pdu", "framework", "fieldwork_start", "fieldwork_end", "status"]
    list_filter = ["status", "framework", "pdu__region"]
    list_select_related = ["pdu", "framework"]
    search_fields = ["pdu__name"]
    filter_horizontal = ["optional_standards"]
    inlines = [MembershipInline, OrganisationalRatingInline]


@admin.register(InspectionMembership)
class InspectionMembershipAdmin(SimpleHistoryAdmin):
    list_display = ["user", "role", "inspection"]
    list_filter = ["role"]
    list_select_related = ["user", "inspection__pdu"]


@admin.register(OrganisationalRating)
class OrganisationalRatingAdmin(SimpleHistoryAdmin):
    list_display = ["inspection", "standard", "rating", "rated_by", "updated_at"]
    list_filter = ["rating"]
    list_select_related = ["inspection__pdu", "standard", "rated_by"]
