"""Reading and writing the monitor's figures: the one write path (an import, all or nothing),
the panels per neighbourhood, and the alarms with their notes and pilots."""

from __future__ import annotations

from django.conf import settings
from django.db import transaction

from proeftuin.core.intake.isolation import isolation_available, run_isolated
from proeftuin.core.neighbourhoods import monitor, reading
from proeftuin.core.neighbourhoods.indicators import IndicatorSet, default_set
from proeftuin.core.neighbourhoods.reading import DryRun, Sheet

from .models import ContextNote, Figure


def indicator_set() -> IndicatorSet:
    return default_set()


def read(content: bytes, name: str) -> Sheet:
    """The file's first sheet, read like every spreadsheet import: the intake's safe reader and
    limits, in the intake's isolated worker (memory and time limits) when available. A hostile
    or broken file raises ``FileRefused`` naming the file; the server carries on."""
    if isolation_available() and getattr(settings, "PROEFTUIN_INTAKE_ISOLATE", True):
        return run_isolated(
            reading.read_sheet, (content, name), {}, file=name, limits=reading.LIMITS
        )
    return reading.read_sheet(content, name)


def commit(organisation, result: DryRun, upload=None) -> int:
    """Store a clean dry run in one transaction: a figure for the same area, year and indicator
    is replaced; nothing is written when the dry run has a problem."""
    if not result.ok:
        raise ValueError("a dry run with problems is never committed")
    with transaction.atomic():
        for f in result.figures:
            Figure.objects.update_or_create(
                organisation=organisation,
                code=f.code,
                year=f.year,
                indicator=f.indicator,
                defaults={"name": f.name[:100], "value": f.value},
            )
        if upload is not None:
            type(upload).objects.filter(pk=upload.pk).update(done=True, data=b"")
    return len(result.figures)


def figures_of(organisation) -> list[monitor.Figure]:
    # Plain rows: the portfolio reads every figure on each request, and a model instance per
    # figure cost more than the panels computed from them.
    rows = Figure.objects.filter(organisation=organisation).values_list(
        "code", "name", "year", "indicator", "value"
    )
    return [monitor.Figure(*row) for row in rows]


def overview(organisation):
    """(year, panels, notes by code) for the latest year; (None, [], {}) without figures."""
    figures = figures_of(organisation)
    year = monitor.latest_year(figures)
    if year is None:
        return None, [], {}
    panels = monitor.panels(figures, indicator_set(), year)
    notes = {n.code: n for n in ContextNote.objects.filter(organisation=organisation, year=year)}
    return year, panels, notes


def alarm_panels(user) -> list[dict] | None:
    """For the portfolio: each alarm neighbourhood with its note and pilots; None when the
    organisation has no figures at all (then the portfolio shows nothing)."""
    from .portfolio_link import pilots_by_area

    year, panels, notes = overview(user.organisation)
    if year is None:
        return None
    alarms = [p for p in panels if p.alarm]
    pilots = pilots_by_area(user, [(p.code, p.name) for p in alarms])
    return [{"panel": p, "note": notes.get(p.code), "pilots": pilots[p.code]} for p in alarms]
