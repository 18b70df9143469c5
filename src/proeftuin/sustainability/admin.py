from django.contrib import admin
from simple_history.admin import SimpleHistoryAdmin

from .models import ContinuationPlan, PlanAction


class PlanActionInline(admin.TabularInline):
    model = PlanAction
    extra = 0


@admin.register(ContinuationPlan)
class ContinuationPlanAdmin(SimpleHistoryAdmin):
    list_display = ("project", "route", "status", "deadline", "owner")
    list_filter = ("status",)
    search_fields = ("project__name", "owner")
    inlines = [PlanActionInline]
