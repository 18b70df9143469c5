from django.contrib import admin
from simple_history.admin import SimpleHistoryAdmin

from .models import Assessment, Rating


class RatingInline(admin.TabularInline):
    model = Rating
    extra = 0
    fields = ("indicator_id", "rater", "value", "evidence", "evidence_url", "evidence_file")
    readonly_fields = ("rater",)


@admin.register(Assessment)
class AssessmentAdmin(SimpleHistoryAdmin):
    list_display = (
        "title",
        "project",
        "framework_id",
        "kind",
        "status",
        "organisation",
        "created_at",
        "finalised_at",
    )
    list_filter = ("framework_id", "kind", "status")
    search_fields = ("title", "project__name")
    inlines = [RatingInline]


@admin.register(Rating)
class RatingAdmin(SimpleHistoryAdmin):
    list_display = ("assessment", "indicator_id", "rater", "value", "updated_at")
    list_filter = ("value",)
    search_fields = ("indicator_id", "evidence")
