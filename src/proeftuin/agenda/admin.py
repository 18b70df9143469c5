from django.contrib import admin

from .models import ActionReminder, CalendarToken


@admin.register(CalendarToken)
class CalendarTokenAdmin(admin.ModelAdmin):
    """Only the hash is stored; an administrator can revoke a link by deleting the row."""

    list_display = ("user", "created_at", "last_used_at")
    readonly_fields = ("user", "token_hash", "created_at", "last_used_at")
    search_fields = ("user__username",)

    def has_add_permission(self, request) -> bool:
        return False


@admin.register(ActionReminder)
class ActionReminderAdmin(admin.ModelAdmin):
    list_display = ("user", "sent_on", "created_at")
    list_filter = ("sent_on",)
    readonly_fields = ("user", "sent_on", "action_ids", "created_at")
    search_fields = ("user__username",)

    def has_add_permission(self, request) -> bool:
        return False
