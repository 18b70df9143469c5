"""Write a :class:`~proeftuin.core.documents.blocks.Document` as DOCX (python-docx).

Headings use Word's own "Heading 1–4" styles, so the navigation pane and an inserted table of
contents work; tables are real tables with a repeated header row; charts are PNG pictures with
their alternative text in the picture's description.
"""

from __future__ import annotations

import io

from docx import Document as new_docx
from docx.enum.table import WD_TABLE_ALIGNMENT
from docx.enum.text import WD_ALIGN_PARAGRAPH
from docx.oxml import OxmlElement
from docx.oxml.ns import qn
from docx.shared import Cm, Pt, RGBColor

from proeftuin.core.documents import Figure, Heading, ListBlock, Paragraph, Table
from proeftuin.core.documents.blocks import Document

from .images import as_png

TEXT_WIDTH = Cm(16)
MUTED = RGBColor(0x55, 0x55, 0x55)
WARNING = RGBColor(0x9C, 0x2A, 0x00)


def _set_language(doc, language: str) -> None:
    """The default language of the text, so Word's spelling check uses Dutch or English."""
    tag = {"nl": "nl-NL", "en": "en-GB"}.get(language[:2], language)
    rpr = doc.styles.element.find(qn("w:docDefaults")).find(qn("w:rPrDefault")).find(qn("w:rPr"))
    lang = rpr.find(qn("w:lang"))
    if lang is None:
        lang = OxmlElement("w:lang")
        rpr.append(lang)
    lang.set(qn("w:val"), tag)
    doc.core_properties.language = tag


def _add_runs(paragraph, block: Paragraph) -> None:
    for run in block.runs:
        lines = run.text.split("\n")
        for i, line in enumerate(lines):
            r = paragraph.add_run(line)
            r.bold, r.italic = run.bold or None, run.italic or None
            if block.kind == "muted":
                r.font.size, r.font.color.rgb = Pt(9), MUTED
            elif block.kind == "warning":
                r.bold, r.font.color.rgb = True, WARNING
            if i < len(lines) - 1:
                r.add_break()


def _repeat_header(row) -> None:
    tr_pr = row._tr.get_or_add_trPr()
    marker = OxmlElement("w:tblHeader")
    marker.set(qn("w:val"), "true")
    tr_pr.append(marker)


def _add_table(doc, block: Table) -> None:
    table = doc.add_table(rows=len(block.rows), cols=block.columns)
    table.style = "Table Grid"
    table.alignment = WD_TABLE_ALIGNMENT.LEFT
    for i, row in enumerate(block.rows):
        if i < block.header_rows:
            _repeat_header(table.rows[i])
        for j, cell in enumerate(row):
            target = table.cell(i, j)
            paragraph = target.paragraphs[0]
            run = paragraph.add_run(cell.text)
            run.bold = cell.header or i < block.header_rows or None
            if cell.numeric:
                paragraph.alignment = WD_ALIGN_PARAGRAPH.RIGHT


def _add_figure(doc, block: Figure) -> None:
    png = as_png(block)
    if png is None:
        return
    doc.add_picture(io.BytesIO(png), width=TEXT_WIDTH)
    picture = doc.paragraphs[-1]
    # The alternative text: Word reads it from the drawing's "descr" attribute.
    for doc_pr in picture._p.iter(qn("wp:docPr")):
        doc_pr.set("descr", block.alt)
        doc_pr.set("title", block.caption or block.alt)
    if block.caption:
        doc.add_paragraph(block.caption, style="Caption")


def write_docx(document: Document) -> bytes:
    doc = new_docx()
    doc.core_properties.title = document.title
    doc.core_properties.author = "Proeftuin"
    _set_language(doc, document.language)
    for block in document.blocks:
        if isinstance(block, Heading):
            doc.add_heading(block.text, level=block.level)
        elif isinstance(block, Paragraph):
            style = "Quote" if block.kind == "quote" else None
            _add_runs(doc.add_paragraph(style=style), block)
        elif isinstance(block, ListBlock):
            style = "List Number" if block.ordered else "List Bullet"
            for item in block.items:
                doc.add_paragraph(item, style=style)
        elif isinstance(block, Table):
            _add_table(doc, block)
            doc.add_paragraph()
        elif isinstance(block, Figure):
            _add_figure(doc, block)
    out = io.BytesIO()
    doc.save(out)
    return out.getvalue()
