"""Report sections. Each capability contributes a section; the report renders them in order.

A section is a function ``(project, today) -> dict | None`` plus a template. Returning ``None``
leaves the section out (for example, no measurements yet). Apps register in ``AppConfig.ready``.
"""

from __future__ import annotations

from collections.abc import Callable, Hashable, Iterator
from contextlib import contextmanager
from contextvars import ContextVar
from dataclasses import dataclass
from datetime import date
from typing import Any, TypeVar

T = TypeVar("T")


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


#: What the sections of the report being built have read so far (``None``: no report).
_read: ContextVar[dict[Hashable, Any] | None] = ContextVar("report_read", default=None)


@contextmanager
def one_report() -> Iterator[None]:
    """While one report is built, :func:`once_per_report` hands later sections what an earlier
    one read (the valuation chain is needed by the MKBA and the continuation section)."""
    token = _read.set({})
    try:
        yield
    finally:
        _read.reset(token)


def once_per_report(key: Hashable, read: Callable[[], T]) -> T:
    """``read()``, once per report for ``key``; outside a report simply ``read()``."""
    memo = _read.get()
    if memo is None:
        return read()
    if key not in memo:
        memo[key] = read()
    return memo[key]
