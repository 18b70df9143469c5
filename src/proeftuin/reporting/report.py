"""The rich-accountability report of a project: one template, rendered to HTML and to PDF.

Seed 002 asks for *rijke verantwoording*: numbers with their context. The portfolio section gives
the facts (goals, coalition, funding with its chart, decisions); later capabilities add sections.
"""

from __future__ import annotations

import gc
import threading
from collections.abc import Callable, Iterator
from contextlib import contextmanager
from datetime import date
from decimal import Decimal
from pathlib import Path
from typing import TYPE_CHECKING, Any

from django.template.loader import render_to_string
from django.utils import timezone

from proeftuin.core import funding as funding_core
from proeftuin.portfolio.charts import funding_chart

from . import charts, sections
from .charts import to_svg

if TYPE_CHECKING:
    from weasyprint import CSS
    from weasyprint.text.fonts import FontConfiguration

# One stylesheet for the report on screen (served as a static file) and on paper (read here).
REPORT_CSS = Path(__file__).resolve().parent.parent / "static" / "css" / "report.css"

#: A WeasyPrint render allocates a few hundred thousand short-lived objects; with the default
#: first-generation threshold (700) the collector runs hundreds of times per report and each
#: pass that reaches the old generations walks the whole Django heap (about a tenth of the PDF's
#: CPU time). Raised only while a PDF is laid out and drawn; the garbage is still collected.
_GC_THRESHOLD_WHILE_RENDERING = 100_000

# The parsed stylesheet and WeasyPrint's font configuration (fontconfig, Pango's font map) are
# kept per process; Pango's font map is not thread-safe, so one PDF is rendered at a time.
_pdf_lock = threading.Lock()
_pdf_setup: tuple[FontConfiguration, CSS] | None = None


def portfolio_section(project, today: date) -> dict[str, Any]:
    streams = list(project.funding_streams.select_related("funder"))
    core_streams = [s.as_core() for s in streams]
    spec = funding_chart(core_streams)
    return {
        "streams": streams,
        "total": sum((s.amount for s in streams if s.end_date), Decimal("0")),
        "cliffs": funding_core.funding_cliffs(core_streams, today),
        "incidental_share": funding_core.incidental_share(core_streams, today),
        "coverage": project.coalition_coverage(today),
        "members": project.coalition.select_related("organisation"),
        "goals": project.goals.filter(retired=False),
        "decisions": project.decisions.all(),
        "funding_spec": spec,
        "funding_svg": to_svg(spec) if spec else None,
    }


sections.register(
    sections.Section("portfolio", "reporting/section_portfolio.html", portfolio_section, 10)
)


def render_report_html(
    project,
    *,
    for_pdf: bool = False,
    today: date | None = None,
    progress: Callable[[int, int, str], None] | None = None,
) -> str:
    """The report as HTML. ``progress(done, total, slug)`` is called after each section (the
    background job shows it)."""
    today = today or timezone.localdate()
    parts = []
    registered = sections.all_sections()
    with sections.one_report():
        for done, section in enumerate(registered, start=1):
            data = section.build(project, today)
            if progress is not None:
                progress(done, len(registered), section.slug)
            if data is not None:
                parts.append({"template": section.template, "data": data, "slug": section.slug})
    return render_to_string(
        "reporting/project_report.html",
        {
            "project": project,
            "sections": parts,
            "generated_on": today,
            "for_pdf": for_pdf,
        },
    )


def _stylesheet_and_fonts() -> tuple[FontConfiguration, CSS]:
    """Parsing ``report.css`` and setting up fonts is the same for every report: done once.
    Call with ``_pdf_lock`` held."""
    global _pdf_setup
    if _pdf_setup is None:
        # Imported late: WeasyPrint loads fonts and is slow to import.
        from weasyprint import CSS
        from weasyprint.text.fonts import FontConfiguration

        font_config = FontConfiguration()
        _pdf_setup = (font_config, CSS(filename=str(REPORT_CSS), font_config=font_config))
    return _pdf_setup


@contextmanager
def _fewer_gc_passes() -> Iterator[None]:
    """See :data:`_GC_THRESHOLD_WHILE_RENDERING`."""
    old = gc.get_threshold()
    gc.set_threshold(_GC_THRESHOLD_WHILE_RENDERING, *old[1:])
    try:
        yield
    finally:
        gc.set_threshold(*old)


def html_to_pdf(html: str) -> bytes:
    """A rendered report (``for_pdf=True``) laid out for paper by WeasyPrint."""
    from weasyprint import HTML

    with _pdf_lock, _fewer_gc_passes():
        font_config, stylesheet = _stylesheet_and_fonts()
        return HTML(string=html, base_url=None).write_pdf(
            stylesheets=[stylesheet], font_config=font_config
        )


def warm_up_pdf() -> None:
    """Render a one-line PDF and a small chart, so the first report after a start does not also
    pay for importing WeasyPrint, the stylesheet, fontconfig, the fonts and starting vl-convert
    (the worker calls it at start)."""
    charts.warm_up()
    html_to_pdf('<!DOCTYPE html><html lang="nl"><body><h1>Proeftuin</h1><p>1 €</p></body></html>')


def render_report_pdf(project, *, today: date | None = None) -> bytes:
    """The same HTML, laid out for paper by WeasyPrint; charts are inline SVG."""
    return html_to_pdf(render_report_html(project, for_pdf=True, today=today))
