"""Keep the search index in step with the other apps' rows (their write path ends in save()).

Projects, goals, decisions and stories belong to other apps; Proeftuin's rule is one write path
per kind of write, and every one of them ends in ``save()`` or ``delete()``, so the index is
refreshed from there. A story is indexed only while it has consent, and without its pseudonym.
"""

from __future__ import annotations

from django.db.models.signals import post_delete, post_save

from . import search
from .models import SearchEntry

Kind = SearchEntry.Kind


def index_project(instance) -> None:
    search.index(
        Kind.PROJECT,
        instance.pk,
        title=instance.name,
        body=f"{instance.summary}\n{instance.target_group}",
        project_id=instance.pk,
        organisation_id=instance.owner_id,
    )


def index_goal(instance) -> None:
    search.index(
        Kind.GOAL,
        instance.pk,
        title=instance.text[:300],
        body=f"{instance.text}\n{instance.indicator}",
        project_id=instance.project_id,
    )


def index_decision(instance) -> None:
    search.index(
        Kind.DECISION,
        instance.pk,
        title=f"{instance.get_kind_display()}: {instance.decided_by}",
        body=instance.rationale,
        project_id=instance.project_id,
    )


def index_story(instance) -> None:
    if not instance.consent:
        search.unindex(Kind.STORY, instance.pk)
        return
    search.index(
        Kind.STORY,
        instance.pk,
        title=instance.text[:80],
        body=instance.text,
        project_id=instance.trajectory.project_id,
    )


def connect() -> None:
    from proeftuin.monitoring.models import Story
    from proeftuin.portfolio.models import Decision, Goal, Project

    for model, kind, indexer in (
        (Project, Kind.PROJECT, index_project),
        (Goal, Kind.GOAL, index_goal),
        (Decision, Kind.DECISION, index_decision),
        (Story, Kind.STORY, index_story),
    ):
        post_save.connect(
            lambda sender, instance, raw=False, f=indexer, **kw: None if raw else f(instance),
            sender=model,
            weak=False,
            dispatch_uid=f"learning-index-{kind}",
        )
        post_delete.connect(
            lambda sender, instance, k=kind, **kw: search.unindex(k, instance.pk),
            sender=model,
            weak=False,
            dispatch_uid=f"learning-unindex-{kind}",
        )
