"""The beheerder reads the access log of participant data here; nobody can change it.

Participant data itself stays out of the admin: it is reached through the app, scoped and logged.
"""

from django.contrib import admin

from proeftuin.accounts.admin import BeheerderAdminMixin

from .models import AccessLog


@admin.register(AccessLog)
class AccessLogAdmin(BeheerderAdminMixin, admin.ModelAdmin):
    list_display = ("seq", "at", "username", "organisation", "role", "action", "operation")
    list_display += ("project", "subject", "ip", "detail")
    list_filter = ("action", "operation", "at")
    search_fields = ("username", "organisation", "detail", "project__name", "subject")
    date_hierarchy = "at"
    list_select_related = ("project",)
    fields = (*list_display, "session", "prev_hash", "row_hash")

    def has_add_permission(self, request):
        return False

    def has_change_permission(self, request, obj=None):
        return False

    def has_delete_permission(self, request, obj=None):
        return False
