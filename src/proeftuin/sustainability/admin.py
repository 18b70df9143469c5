from django.contrib import admin
from simple_history.admin import SimpleHistoryAdmin

from .models import ContinuationPlan, PlanAction


class PlanActionInline(admin.TabularInline):
    model = PlanAction
    extra = 0
    # ``done`` and ``done_on`` follow the status (see ``PlanAction.save``).
    exclude = ("done", "done_on", "version")
    raw_id_fields = ("owner_user", "owner_partner")


@admin.register(ContinuationPlan)
class ContinuationPlanAdmin(SimpleHistoryAdmin):
    list_display = ("project", "route", "status", "deadline", "owner")
    list_filter = ("status",)
    search_fields = ("project__name", "owner")
    inlines = [PlanActionInline]
