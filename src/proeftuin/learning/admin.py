"""Installation-level admin (superusers only, see urls.py): read signals and the catalogue."""

from django.contrib import admin

from .models import CatalogueEntry, Lesson, Signal


@admin.register(Signal)
class SignalAdmin(admin.ModelAdmin):
    list_display = ("title", "organisation", "addressed_to", "status", "submitted_on", "deadline")
    list_filter = ("status",)
    readonly_fields = ("taxonomy_version",)


@admin.register(Lesson)
class LessonAdmin(admin.ModelAdmin):
    list_display = ("title", "project", "kind", "characteristic")


@admin.register(CatalogueEntry)
class CatalogueEntryAdmin(admin.ModelAdmin):
    list_display = ("project", "organisation", "published_at")
    readonly_fields = ("snapshot",)
