"""Finding a project from the command line, where people type an id or a name."""

from __future__ import annotations

from django.core.management.base import CommandError

from .models import Project


def find_project(text: str) -> Project:
    """The project with id ``text``, or with that exact name, or the only one whose name contains
    it; else a :class:`CommandError` that lists up to five candidates."""
    qs = Project.objects.select_related("owner")
    found = qs.filter(pk=int(text)) if text.isdigit() else qs.filter(name=text)
    if not found.exists():
        found = qs.filter(name__icontains=text)
    if found.count() != 1:
        names = ", ".join(found.values_list("name", flat=True)[:5])
        raise CommandError(
            f"Geen eenduidig project gevonden voor '{text}'"
            + (f" (kandidaten: {names})" if names else "")
            + ". Geef het id of de volledige naam."
        )
    return found.get()
