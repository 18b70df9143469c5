from django.contrib import admin
from django.contrib.auth.admin import UserAdmin as DjangoUserAdmin
from django.utils.translation import gettext_lazy as _

from .models import Organisation, User


class BeheerderAdminMixin:
    """Opens a model admin to installation superusers only, without per-model permissions.

    The Django admin crosses tenants, so a beheerder (who manages one organisation) uses the
    app's own screens in proeftuin.administration instead. Project data stays out of the admin.
    """

    def _allowed(self, request) -> bool:
        user = request.user
        return user.is_active and user.is_superuser

    def has_module_permission(self, request):
        return self._allowed(request)

    def has_view_permission(self, request, obj=None):
        return self._allowed(request)

    def has_add_permission(self, request):
        return self._allowed(request)

    def has_change_permission(self, request, obj=None):
        return self._allowed(request)

    def has_delete_permission(self, request, obj=None):
        return self._allowed(request)


@admin.register(Organisation)
class OrganisationAdmin(BeheerderAdminMixin, admin.ModelAdmin):
    list_display = ("name", "kind", "city")
    list_filter = ("kind",)
    search_fields = ("name", "city")


@admin.register(User)
class UserAdmin(BeheerderAdminMixin, DjangoUserAdmin):
    list_display = ("username", "email", "organisation", "role", "is_active")
    list_filter = ("role", "organisation", "is_active")
    fieldsets = (
        *DjangoUserAdmin.fieldsets,
        (_("Organisatie en rol"), {"fields": ("organisation", "role")}),
    )
    add_fieldsets = (
        *DjangoUserAdmin.add_fieldsets,
        (_("Organisatie en rol"), {"fields": ("organisation", "role")}),
    )

    def get_fieldsets(self, request, obj=None):
        """Only a superuser sees superuser status, groups and permissions: no escalation."""
        fieldsets = super().get_fieldsets(request, obj)
        if request.user.is_superuser:
            return fieldsets
        hidden = {"is_superuser", "groups", "user_permissions"}
        return [
            (name, {**opts, "fields": [f for f in opts["fields"] if f not in hidden]})
            for name, opts in fieldsets
        ]
