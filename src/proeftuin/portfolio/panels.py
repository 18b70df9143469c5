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
