"""One search box over projects, goals, decisions, lessons, signals and consented stories.

Writing: :func:`index` stores an object's searchable text in :class:`SearchEntry` and in the
back-end's index (a weighted tsvector on PostgreSQL; stems in an FTS5 table on SQLite). It is
called from each object's write path: the learning services for lessons and signals, and the
``post_save``/``post_delete`` receivers in :mod:`.receivers` for the other apps' rows.

Reading: :func:`search` matches with the back-end's full text search, keeps only what the user
may see (projects its organisation can see; signals raised in or addressed to it; stories only
with consent, shown without pseudonym), and ranks. The text preparation is in
:mod:`proeftuin.core.learning.search`, shared by both back-ends.
"""

from __future__ import annotations

from dataclasses import dataclass

from django.db import connection
from django.db.models import Q
from django.urls import reverse

from proeftuin.core.learning import search as core

from .models import SearchEntry

CONFIG = "proeftuin_dutch"
Kind = SearchEntry.Kind


def _pg() -> bool:
    return connection.vendor == "postgresql"


def index(
    kind: str,
    obj_pk: int,
    *,
    title: str,
    body: str = "",
    project_id=None,
    organisation_id=None,
    addressed_to_id=None,
) -> SearchEntry:
    """Create or refresh the entry of one object, and its back-end index."""
    entry, _created = SearchEntry.objects.update_or_create(
        kind=kind,
        object_pk=obj_pk,
        defaults={
            "title": title[:300],
            "body": body,
            "project_id": project_id,
            "organisation_id": organisation_id,
            "addressed_to_id": addressed_to_id,
        },
    )
    if _pg():
        with connection.cursor() as cursor:
            cursor.execute(
                "UPDATE learning_searchentry SET vector = "
                "setweight(to_tsvector(%s::regconfig, title), 'A') || "
                "setweight(to_tsvector(%s::regconfig, body), 'B') WHERE id = %s",
                [CONFIG, CONFIG, entry.pk],
            )
    elif connection.vendor == "sqlite":
        with connection.cursor() as cursor:
            cursor.execute("DELETE FROM learning_search_fts WHERE entry_id = %s", [entry.pk])
            cursor.execute(
                "INSERT INTO learning_search_fts (entry_id, title, body) VALUES (%s, %s, %s)",
                [entry.pk, core.stemmed_text(title), core.stemmed_text(body)],
            )
    return entry


def unindex(kind: str, obj_pk: int) -> None:
    ids = list(SearchEntry.objects.filter(kind=kind, object_pk=obj_pk).values_list("pk", flat=True))
    if ids and connection.vendor == "sqlite":
        with connection.cursor() as cursor:
            for pk in ids:
                cursor.execute("DELETE FROM learning_search_fts WHERE entry_id = %s", [pk])
    SearchEntry.objects.filter(pk__in=ids).delete()


def _matches(query: str, limit: int) -> list[tuple[int, float]]:
    """``(entry id, score)`` best first, before access filtering (a wide candidate list)."""
    if _pg():
        sql = (
            "SELECT id, ts_rank(vector, q) AS score FROM learning_searchentry, "
            "plainto_tsquery(%s::regconfig, %s) AS q WHERE vector @@ q "
            "ORDER BY score DESC, id LIMIT %s"
        )
        params = [CONFIG, query, limit]
    else:
        expression = core.fts5_query(query)
        if not expression:
            return []
        # bm25 is lower for better matches; the title weighs as ts_rank's A over B.
        sql = (
            "SELECT entry_id, -bm25(learning_search_fts, 0.0, 2.5, 1.0) AS score "
            "FROM learning_search_fts WHERE learning_search_fts MATCH %s "
            "ORDER BY score DESC, entry_id LIMIT %s"
        )
        params = [expression, limit]
    with connection.cursor() as cursor:
        cursor.execute(sql, params)
        return [(int(pk), float(score)) for pk, score in cursor.fetchall()]


def visible_entries(user):
    """The entries the user may see (the access half of every search)."""
    from proeftuin.portfolio.models import Project

    if not user.is_authenticated or user.organisation_id is None:
        return SearchEntry.objects.none()
    org = user.organisation_id
    projects = Project.objects.visible_to(user).values("pk")
    by_project = Q(
        kind__in=[Kind.PROJECT, Kind.GOAL, Kind.DECISION, Kind.LESSON, Kind.STORY],
        project__in=projects,
    )
    signals = Q(kind=Kind.SIGNAL) & (Q(organisation_id=org) | Q(addressed_to_id=org))
    return SearchEntry.objects.filter(by_project | signals)


@dataclass(frozen=True)
class Hit:
    entry: SearchEntry
    score: float
    title: list
    snippet: list
    url: str


def _url(entry: SearchEntry) -> str:
    if entry.kind == Kind.SIGNAL:
        return reverse("learning:signal", args=[entry.object_pk])
    if entry.kind == Kind.LESSON:
        return reverse("learning:project", args=[entry.project_id])
    if entry.kind == Kind.GOAL:
        return reverse("portfolio:goals", args=[entry.project_id])
    if entry.kind == Kind.DECISION:
        return reverse("portfolio:decisions", args=[entry.project_id])
    if entry.kind == Kind.STORY:
        return reverse("reporting:project", kwargs={"pk": entry.project_id, "fmt": "html"})
    return reverse("portfolio:project", args=[entry.project_id])


def search(user, query: str, limit: int = 50) -> list[Hit]:
    """Ranked, highlighted hits the user may see."""
    query = (query or "").strip()[:200]
    if not query:
        return []
    ranked = _matches(query, limit * 40)
    allowed = visible_entries(user).filter(pk__in=[pk for pk, _s in ranked])
    entries = {e.pk: e for e in allowed.select_related("project")}
    hits = []
    for pk, score in ranked:
        entry = entries.get(pk)
        if entry is None:
            continue
        hits.append(
            Hit(
                entry=entry,
                score=score,
                title=core.highlight(entry.title, query, width=300),
                snippet=core.highlight(entry.body, query),
                url=_url(entry),
            )
        )
        if len(hits) >= limit:
            break
    return hits
