"""The shared catalogue and *Wie deed dit eerder?* (issue 12, item 4).

Publishing is opt-in per project by its owner (SHARE). What is published is one snapshot built
by :func:`snapshot`: the preview shows that same dictionary through the same template, so the
owner sees exactly what others will see. Participant data (measurements, stories, pseudonyms)
is never part of it. Similar projects come from the projects the user may see anyway plus
other organisations' published snapshots, ranked by :mod:`proeftuin.core.learning.similarity`.
"""

from __future__ import annotations

from django.db import transaction
from django.utils import timezone

from proeftuin.core.learning.similarity import ProjectText, rank
from proeftuin.portfolio.models import Project, Theme

from .models import CatalogueEntry, CloseOut, Lesson

OUTCOME_UNKNOWN = CloseOut.Outcome.UNKNOWN


def _outcome(project: Project) -> str:
    close_out = CloseOut.objects.filter(project=project).first()
    return close_out.outcome if close_out else OUTCOME_UNKNOWN


def snapshot(project: Project, lessons=None, outcome: str | None = None) -> dict:
    """Exactly what the shared catalogue publishes for ``project``.

    ``lessons`` and ``outcome`` may be passed in when already loaded (a list of many projects).
    """
    themes = dict(Theme.choices)
    if outcome is None:
        outcome = _outcome(project)
    if lessons is None:
        lessons = Lesson.objects.filter(project=project).order_by("created_at", "pk")
    return {
        "name": project.name,
        "organisation": project.owner.name,
        "summary": project.summary,
        "themes": list(project.themes or []),
        "theme_labels": [str(themes.get(t, t)) for t in project.themes or []],
        "target_group": project.target_group,
        "phase": project.get_phase_display(),
        "start_date": project.start_date.isoformat() if project.start_date else "",
        "end_date": project.end_date.isoformat() if project.end_date else "",
        "outcome": outcome,
        "outcome_label": str(dict(CloseOut.Outcome.choices)[outcome]),
        "lessons": [
            {"kind": lesson.get_kind_display(), "title": lesson.title, "text": lesson.text}
            for lesson in lessons
        ],
    }


@transaction.atomic
def publish(project: Project, user) -> CatalogueEntry:
    entry, _created = CatalogueEntry.objects.update_or_create(
        project=project,
        defaults={
            "organisation_id": project.owner_id,
            "snapshot": snapshot(project),
            "published_by": user,
        },
    )
    return entry


def withdraw(project: Project) -> None:
    CatalogueEntry.objects.filter(project=project).delete()


def _text_of(data: dict) -> str:
    return f"{data['name']}\n{data['summary']}\n" + "\n".join(
        f"{lesson['title']} {lesson['text']}" for lesson in data.get("lessons", [])
    )


def similar_projects(user, project: Project, limit: int = 5) -> list[dict]:
    """Projects like ``project`` that the user may see, and other organisations' published ones.

    Each row: ``data`` (the snapshot shape), ``score``, ``shared_themes``, ``published``
    (from the shared catalogue) and ``project`` (the live project when visible, else None).
    """
    visible = list(
        Project.objects.visible_to(user).exclude(pk=project.pk).select_related("owner")[:200]
    )
    visible_ids = {p.pk for p in visible}
    lessons: dict[int, list] = {}
    for lesson in Lesson.objects.filter(project_id__in=visible_ids).order_by("created_at", "pk"):
        lessons.setdefault(lesson.project_id, []).append(lesson)
    outcomes = dict(
        CloseOut.objects.filter(project_id__in=visible_ids).values_list("project_id", "outcome")
    )
    rows: dict[str, dict] = {}
    for other in visible:
        data = snapshot(other, lessons.get(other.pk, []), outcomes.get(other.pk, OUTCOME_UNKNOWN))
        rows[f"p{other.pk}"] = {"data": data, "project": other, "published": False}
    published = (
        CatalogueEntry.objects.exclude(project_id=project.pk)
        .exclude(project_id__in=visible_ids)
        .select_related("project")[:500]
    )
    for entry in published:
        rows[f"c{entry.pk}"] = {"data": entry.snapshot, "project": None, "published": True}
    target = snapshot(project)
    candidates = [
        ProjectText(
            key,
            _text_of(row["data"]),
            frozenset(row["data"]["themes"]),
            row["data"]["target_group"],
        )
        for key, row in rows.items()
    ]
    me = ProjectText("self", _text_of(target), frozenset(target["themes"]), target["target_group"])
    themes = dict(Theme.choices)
    result = []
    for hit in rank(me, candidates, limit):
        row = rows[hit.key]
        row.update(
            score=hit.score, shared_themes=[str(themes.get(t, t)) for t in hit.shared_themes]
        )
        result.append(row)
    return result


def published_on(project: Project):
    entry = CatalogueEntry.objects.filter(project=project).first()
    return timezone.localtime(entry.published_at) if entry else None
