from django.contrib import admin

from .models import InspectionUnlock


@admin.register(InspectionUnlock)
class InspectionUnlockAdmin(admin.ModelAdmin):
    """Unlocks are records: read them here, make them through the inspection's unlock page."""

    list_display = ["inspection", "unlocked_by", "unlocked_at", "reason"]
    list_select_related = ["inspection__pdu", "unlocked_by"]
    readonly_fields = ["inspection", "reason", "unlocked_by", "unlocked_at"]

    def has_add_permission(self, request):
        return False
