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


class ReadOnlyFrameworkMixin:
    """Frameworks are data: a version is changed only by loading its document (load_framework), which checks it and
    refuses to change a version an inspection uses. The admin shows them; it does not edit them."""

    def has_add_permission(self, request, obj=None):
        return False

    def has_change_permission(self, request, obj=None):
        return False

    def has_delete_permission(self, request, obj=None):
        return False


class StandardInline(ReadOnlyFrameworkMixin, admin.TabularInline):
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


@admin.register(Framework)
class FrameworkAdmin(ReadOnlyFrameworkMixin, SimpleHistoryAdmin):
    list_display = ["name", "slug", "version", "unit", "effective_from", "published_at"]
    inlines = [StandardInline]


class KeyQuestionInline(ReadOnlyFrameworkMixin, admin.StackedInline):
    model = KeyQuestion
    extra = 0


@admin.register(Standard)
class StandardAdmin(ReadOnlyFrameworkMixin, admin.ModelAdmin):
    list_display = ["code", "title", "framework", "domain", "rated_by", "is_optional"]
    list_filter = ["framework", "domain", "rated_by"]
    inlines = [KeyQuestionInline]


@admin.register(KeyQuestion)
class KeyQuestionAdmin(ReadOnlyFrameworkMixin, admin.ModelAdmin):
    list_display = ["code", "criterion", "wording", "standard"]
    list_filter = ["standard__framework", "criterion"]
    list_select_related = ["standard"]


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
    list_display = ["__str__", "framework", "fieldwork_start", "fieldwork_end", "status"]
    list_filter = ["status", "framework", "pdu__region"]
    list_select_related = ["pdu", "region", "framework"]
    search_fields = ["pdu__name", "region__name"]
    filter_horizontal = ["optional_standards"]
    inlines = [MembershipInline, OrganisationalRatingInline]


@admin.register(InspectionMembership)
class InspectionMembershipAdmin(SimpleHistoryAdmin):
    list_display = ["user", "role", "inspection"]
    list_filter = ["role"]
    list_select_related = ["user", "inspection__pdu", "inspection__region"]


@admin.register(OrganisationalRating)
class OrganisationalRatingAdmin(SimpleHistoryAdmin):
    list_display = ["inspection", "standard", "rating", "rated_by", "updated_at"]
    list_filter = ["rating"]
    list_select_related = ["inspection__pdu", "inspection__region", "standard", "rated_by"]
