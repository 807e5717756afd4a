from django.contrib import admin
from django.contrib.auth.admin import UserAdmin

from .models import User


@admin.register(User)
class CaseAssessmentUserAdmin(UserAdmin):
    fieldsets = (*UserAdmin.fieldsets, ("Inspectorate", {"fields": ("is_national_viewer",)}))
    list_display = ("username", "first_name", "last_name", "email", "is_national_viewer", "is_staff")
    list_filter = ("is_national_viewer", "is_staff", "is_superuser", "is_active")
