"""Panels on the portfolio overview that other apps supply (for example the neighbourhood
monitor's alarms). The portfolio knows nothing of those apps: each registers a function in its
``AppConfig.ready`` that takes the request and returns ``{"template": ..., **context}`` or None."""

from __future__ import annotations

from collections.abc import Callable

Panel = Callable[[object], dict | None]

_PANELS: list[Panel] = []


def register(panel: Panel) -> None:
    if panel not in _PANELS:
        _PANELS.append(panel)


def for_request(request) -> list[dict]:
    return [p for p in (panel(request) for panel in _PANELS) if p]


# Row markers: a capability marks rows of the overview (the sustainability app: "near the cliff
# without an agreed plan"). Each takes the projects on the page and today, and returns the
# primary keys to mark; one query per page, not per row.
RowMarker = Callable[[list, object], set[int]]

_MARKERS: dict[str, RowMarker] = {}


def register_row_marker(name: str, marker: RowMarker) -> None:
    _MARKERS[name] = marker


def row_markers(projects: list, today) -> dict[str, set[int]]:
    """``{name: {pk, ...}}`` for every registered marker (empty sets for none)."""
    return {name: marker(projects, today) for name, marker in _MARKERS.items()}
