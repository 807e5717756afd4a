from django.contrib import admin
from simple_history.admin import SimpleHistoryAdmin

from .models import (
    Framework,
    Inspection,
    InspectionMembership,
    InspectionUnlock,
    KeyQuestion,
    OrganisationalRating,
    Standard,
)


class StandardInline(admin.TabularInline):
    model = Standard
    extra = 0
    fields = ["code", "title", "domain", "rated_from", "stage", "is_optional", "order"]


@admin.register(Framework)
class FrameworkAdmin(admin.ModelAdmin):
    list_display = ["name", "slug", "version", "effective_from"]
    inlines = [StandardInline]


class KeyQuestionInline(admin.StackedInline):
    model = KeyQuestion
    extra = 0


@admin.register(Standard)
class StandardAdmin(admin.ModelAdmin):
    list_display = ["code", "title", "framework", "domain", "rated_from", "is_optional"]
    list_filter = ["framework", "domain", "rated_from"]
    inlines = [KeyQuestionInline]


@admin.register(KeyQuestion)
class KeyQuestionAdmin(admin.ModelAdmin):
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


@admin.register(InspectionUnlock)
class InspectionUnlockAdmin(admin.ModelAdmin):
    """Unlocks are records: read them here, make them through the inspection's unlock page."""

    list_display = ["inspection", "unlocked_by", "unlocked_at", "reason"]
    list_select_related = ["inspection__pdu", "unlocked_by"]
    readonly_fields = ["inspection", "reason", "unlocked_by", "unlocked_at"]

    def has_add_permission(self, request):
        return False
