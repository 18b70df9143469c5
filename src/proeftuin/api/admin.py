"""Read-only views of tokens and their use for installation superusers (the Django admin)."""

from django.contrib import admin

from .models import ApiToken, ApiTokenUse


class ReadOnly(admin.ModelAdmin):
    def has_add_permission(self, request) -> bool:
        return False

    def has_change_permission(self, request, obj=None) -> bool:
        return False


@admin.register(ApiToken)
class ApiTokenAdmin(ReadOnly):
    list_display = ["name", "key_id", "organisation", "scopes", "expires_at", "revoked_at"]
    list_filter = ["organisation"]
    exclude = ["secret_hash"]


@admin.register(ApiTokenUse)
class ApiTokenUseAdmin(ReadOnly):
    list_display = ["at", "token", "method", "path", "status"]
    list_filter = ["status", "method"]
