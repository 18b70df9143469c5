"""Report sections. Each capability contributes a section; the report renders them in order.

A section is a function ``(project, today) -> dict | None`` plus a template. Returning ``None``
leaves the section out (for example, no measurements yet). Apps register in ``AppConfig.ready``.
"""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass
from datetime import date
from typing import Any


@dataclass(frozen=True)
class Section:
    slug: str
    template: str
    build: Callable[[Any, date], dict[str, Any] | None]
    order: int


_SECTIONS: dict[str, Section] = {}


def register(section: Section) -> None:
    _SECTIONS[section.slug] = section


def all_sections() -> list[Section]:
    return sorted(_SECTIONS.values(), key=lambda s: s.order)
