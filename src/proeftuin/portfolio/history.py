"""Where the project's change history comes from. Each capability registers its own records.

A source is a label and a function ``project -> QuerySet`` of django-simple-history records that
belong to the project. The Geschiedenis tab merges all sources by date, so a change to a goal, a
rating or an effect shows up in one timeline.
"""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass

from django.db.models import QuerySet
from django.utils.functional import Promise


@dataclass(frozen=True)
class HistorySource:
    label: str | Promise
    records_for: Callable[[object], QuerySet]


_SOURCES: list[HistorySource] = []


def register(label: str | Promise, records_for: Callable[[object], QuerySet]) -> None:
    _SOURCES.append(HistorySource(label, records_for))


def sources() -> list[HistorySource]:
    return list(_SOURCES)


def register_models(label: str | Promise, *models_and_paths: tuple[type, str]) -> None:
    """Register the history of models reached from the project by a lookup path.

    ``register_models(_("Waarde"), (Effect, "project_id"), (BenefitShare, "effect__project_id"))``
    """
    for model, path in models_and_paths:
        register(label, lambda project, m=model, p=path: m.history.filter(**{p: project.pk}))
