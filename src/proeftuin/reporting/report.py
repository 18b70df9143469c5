"""The rich-accountability report of a project: one template, rendered to HTML and to PDF.

Seed 002 asks for *rijke verantwoording*: numbers with their context. The portfolio section gives
the facts (goals, coalition, funding with its chart, decisions); later capabilities add sections.
"""

from __future__ import annotations

from collections.abc import Callable
from datetime import date
from decimal import Decimal
from pathlib import Path
from typing import Any

from django.template.loader import render_to_string
from django.utils import timezone

from proeftuin.core import funding as funding_core
from proeftuin.portfolio.charts import funding_chart

from . import sections
from .charts import to_svg

# One stylesheet for the report on screen (served as a static file) and on paper (read here).
REPORT_CSS = Path(__file__).resolve().parent.parent / "static" / "css" / "report.css"


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


def html_to_pdf(html: str) -> bytes:
    """A rendered report (``for_pdf=True``) laid out for paper by WeasyPrint."""
    from weasyprint import CSS, HTML  # imported late: it loads fonts and is slow to import

    stylesheet = CSS(filename=str(REPORT_CSS))
    return HTML(string=html, base_url=None).write_pdf(stylesheets=[stylesheet])


def render_report_pdf(project, *, today: date | None = None) -> bytes:
    """The same HTML, laid out for paper by WeasyPrint; charts are inline SVG."""
    return html_to_pdf(render_report_html(project, for_pdf=True, today=today))
