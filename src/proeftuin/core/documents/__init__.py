"""Editable documents (DOCX, ODT) from the report's HTML: a neutral block model and its parser.

The report is written once, as HTML templates per section (``proeftuin.reporting.sections``).
The editable formats do not get templates of their own: the rendered HTML is read into a short
list of blocks (headings, paragraphs, lists, tables, figures) and each writer turns those blocks
into real styles. So a DOCX shows exactly the figures of the PDF, suppressed cells included.
"""

from .blocks import Block, Cell, Figure, Heading, ListBlock, Paragraph, Run, Table
from .from_html import blocks_from_html

__all__ = [
    "Block",
    "Cell",
    "Figure",
    "Heading",
    "ListBlock",
    "Paragraph",
    "Run",
    "Table",
    "blocks_from_html",
]
