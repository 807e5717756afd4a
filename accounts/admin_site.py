"""The Django admin, for administrators (superusers) only.

Staff status alone opens nothing: the app's pages, scoped by role and inspection membership, are where everyone
else works. Django's admin checks `has_permission` on every admin view, so this one test guards them all.
"""

from django.contrib import admin
from django.contrib.admin.apps import AdminConfig
from django.core.exceptions import PermissionDenied
from simple_history.admin import SimpleHistoryAdmin


class AdministratorsAdminSite(admin.AdminSite):
    site_header = "Case Assessment administration"
    site_title = "Case Assessment administration"

    def has_permission(self, request) -> bool:
        user = request.user
        return bool(user.is_active and user.is_superuser)


class AdministratorsAdminConfig(AdminConfig):
    """Installed in place of django.contrib.admin, so `admin.site` is the site above."""

    default_site = "accounts.admin_site.AdministratorsAdminSite"


class ReadOnlyAdminMixin:
    """Shown, never written, in the admin: these rows are written by the services, which keep versions, locks
    and the action log. A superuser reads them here; changes go through the app's pages or the API."""

    def has_add_permission(self, request, obj=None) -> bool:
        return False

    def has_change_permission(self, request, obj=None) -> bool:
        return False

    def has_delete_permission(self, request, obj=None) -> bool:
        return False


class HistoryAdmin(SimpleHistoryAdmin):
    """django-simple-history's admin without reverting: its history form saves a POST with only view permission,
    which would write an old version back past the services (and past ReadOnlyAdminMixin). History is for reading."""

    def history_form_view(self, request, object_id, version_id, extra_context=None):
        if request.method == "POST":
            raise PermissionDenied
        return super().history_form_view(request, object_id, version_id, extra_context)
