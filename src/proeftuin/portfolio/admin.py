from django.contrib import admin
from simple_history.admin import SimpleHistoryAdmin

from proeftuin.accounts.admin import BeheerderAdminMixin

from .models import (
    CoalitionMember,
    Decision,
    FundingStream,
    Goal,
    Neighbourhood,
    Project,
    ProjectGrant,
)


class CoalitionInline(admin.TabularInline):
    model = CoalitionMember
    extra = 0


class FundingInline(admin.TabularInline):
    model = FundingStream
    extra = 0


class GrantInline(admin.TabularInline):
    model = ProjectGrant
    extra = 0


@admin.register(Project)
class ProjectAdmin(SimpleHistoryAdmin):
    list_display = ("name", "owner", "phase", "status", "start_date", "end_date", "archived_at")
    list_filter = ("owner", "phase", "status")
    search_fields = ("name", "summary")
    inlines = [CoalitionInline, FundingInline, GrantInline]


@admin.register(Neighbourhood)
class NeighbourhoodAdmin(BeheerderAdminMixin, admin.ModelAdmin):
    list_display = ("name", "organisation")
    list_filter = ("organisation",)


admin.site.register(Goal, SimpleHistoryAdmin)
admin.site.register(Decision, SimpleHistoryAdmin)
