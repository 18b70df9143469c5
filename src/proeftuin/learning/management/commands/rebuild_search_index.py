"""Rebuild the search index from the rows (after an upgrade, or a restore of the database)."""

from __future__ import annotations

from django.core.management.base import BaseCommand
from django.db import connection, transaction

from proeftuin.learning import receivers, services
from proeftuin.learning.models import Lesson, SearchEntry, Signal


class Command(BaseCommand):
    help = "Rebuild the search index (projects, goals, decisions, consented stories, lessons, signals)."

    def handle(self, *args, **options) -> None:
        from proeftuin.monitoring.models import Story
        from proeftuin.portfolio.models import Decision, Goal, Project

        with transaction.atomic():
            SearchEntry.objects.all().delete()
            if connection.vendor == "sqlite":
                with connection.cursor() as cursor:
                    cursor.execute("DELETE FROM learning_search_fts")
            counts = {}
            for label, rows, indexer in (
                ("projects", Project.objects.all(), receivers.index_project),
                ("goals", Goal.objects.all(), receivers.index_goal),
                ("decisions", Decision.objects.all(), receivers.index_decision),
                (
                    "stories",
                    Story.objects.filter(consent=True).select_related("trajectory"),
                    receivers.index_story,
                ),
                ("lessons", Lesson.objects.all(), services.index_lesson),
                ("signals", Signal.objects.all(), services.index_signal),
            ):
                n = 0
                for row in rows.iterator():
                    indexer(row)
                    n += 1
                counts[label] = n
        self.stdout.write(", ".join(f"{k}: {v}" for k, v in counts.items()))
