from django.contrib import admin

from accounts.admin_site import ReadOnlyAdminMixin

from .models import InspectionUnlock


@admin.register(InspectionUnlock)
class InspectionUnlockAdmin(ReadOnlyAdminMixin, admin.ModelAdmin):
    """Unlocks are records of who reopened a locked inspection and why: read them here, make them through the
    inspection's unlock page. Not even an administrator deletes one (it would hide the unlock)."""

    list_display = ["inspection", "unlocked_by", "unlocked_at", "reason"]
    list_select_related = ["inspection__pdu", "unlocked_by"]
