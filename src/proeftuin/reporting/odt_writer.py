"""Write a :class:`~proeftuin.core.documents.blocks.Document` as ODT (odfpy), for LibreOffice.

Headings are ``text:h`` elements with an outline level and the standard "Heading 1–4" styles, so
the navigator and a table of contents work; tables are ``table:table`` with a repeated header;
charts are PNG pictures in a frame with a title and description (the alternative text).
"""

from __future__ import annotations

import io

from odf import dc, draw, style, svg, table, text
from odf.opendocument import OpenDocumentText

from proeftuin.core.documents import Figure, Heading, ListBlock, Paragraph, Table
from proeftuin.core.documents.blocks import Document

from .images import as_png, png_size

TEXT_WIDTH_CM = 16.0


def _styles(doc: OpenDocumentText, language: str) -> dict[str, style.Style]:
    lang, country = {"nl": ("nl", "NL"), "en": ("en", "GB")}.get(language[:2], (language, ""))
    default = style.DefaultStyle(family="paragraph")
    default.addElement(style.TextProperties(language=lang, country=country, fontsize="11pt"))
    doc.styles.addElement(default)
    made: dict[str, style.Style] = {}
    standard = style.Style(name="Standard", family="paragraph", attributes={"class": "text"})
    standard.addElement(style.ParagraphProperties(margintop="0cm", marginbottom="0.2cm"))
    doc.styles.addElement(standard)
    made["body"] = standard
    heading = style.Style(name="Heading", family="paragraph", parentstylename="Standard")
    heading.addElement(style.TextProperties(fontweight="bold"))
    doc.styles.addElement(heading)
    for level, size in ((1, "20pt"), (2, "16pt"), (3, "13pt"), (4, "11pt")):
        h = style.Style(
            name=f"Heading {level}",
            displayname=f"Heading {level}",
            family="paragraph",
            parentstylename="Heading",
            nextstylename="Standard",
            defaultoutlinelevel=str(level),
            attributes={"class": "text"},
        )
        h.addElement(style.ParagraphProperties(margintop="0.4cm", marginbottom="0.2cm"))
        h.addElement(style.TextProperties(fontsize=size, fontweight="bold"))
        doc.styles.addElement(h)
        made[f"h{level}"] = h
    for name, props in (
        ("muted", {"fontsize": "9pt", "color": "#555555"}),
        ("warning", {"fontweight": "bold", "color": "#9c2a00"}),
        ("quote", {"fontstyle": "italic"}),
        ("caption", {"fontsize": "9pt", "fontstyle": "italic"}),
    ):
        s = style.Style(name=name.capitalize(), family="paragraph", parentstylename="Standard")
        s.addElement(style.TextProperties(**props))
        doc.styles.addElement(s)
        made[name] = s
    bold = style.Style(name="Strong", family="text")
    bold.addElement(style.TextProperties(fontweight="bold"))
    italic = style.Style(name="Emphasis", family="text")
    italic.addElement(style.TextProperties(fontstyle="italic"))
    both = style.Style(name="StrongEmphasis", family="text")
    both.addElement(style.TextProperties(fontweight="bold", fontstyle="italic"))
    for s in (bold, italic, both):
        doc.styles.addElement(s)
    made.update(bold=bold, italic=italic, both=both)
    cell = style.Style(name="Cell", family="table-cell")
    cell.addElement(style.TableCellProperties(border="0.5pt solid #000000", padding="0.1cm"))
    doc.automaticstyles.addElement(cell)
    made["cell"] = cell
    header = style.Style(name="TableHeading", family="paragraph", parentstylename="Standard")
    header.addElement(style.TextProperties(fontweight="bold"))
    doc.styles.addElement(header)
    made["th"] = header
    number = style.Style(name="TableNumber", family="paragraph", parentstylename="Standard")
    number.addElement(style.ParagraphProperties(textalign="end"))
    doc.styles.addElement(number)
    made["num"] = number
    frame = style.Style(name="Chart", family="graphic")
    frame.addElement(style.GraphicProperties(anchortype="as-char", wrap="none"))
    doc.automaticstyles.addElement(frame)
    made["frame"] = frame
    return made


def _add_text(element, value: str) -> None:
    """Text with line breaks as ``text:line-break``."""
    lines = value.split("\n")
    for i, line in enumerate(lines):
        element.addText(line)
        if i < len(lines) - 1:
            element.addElement(text.LineBreak())


def _paragraph(block: Paragraph, styles: dict) -> text.P:
    p = text.P(stylename=styles.get(block.kind) or styles["body"])
    for run in block.runs:
        key = "both" if run.bold and run.italic else "bold" if run.bold else "italic"
        if run.bold or run.italic:
            span = text.Span(stylename=styles[key])
            _add_text(span, run.text)
            p.addElement(span)
        else:
            _add_text(p, run.text)
    return p


def _table(block: Table, styles: dict, index: int) -> table.Table:
    t = table.Table(name=f"Tabel{index}")
    t.addElement(table.TableColumn(numbercolumnsrepeated=block.columns))
    head = table.TableHeaderRows() if block.header_rows else None
    if head is not None:
        t.addElement(head)
    for i, row in enumerate(block.rows):
        tr = table.TableRow()
        for cell in row:
            tc = table.TableCell(stylename=styles["cell"], valuetype="string")
            header = cell.header or i < block.header_rows
            key = "th" if header else "num" if cell.numeric else "body"
            p = text.P(stylename=styles[key])
            _add_text(p, cell.text)
            tc.addElement(p)
            tr.addElement(tc)
        for _missing in range(block.columns - len(row)):
            tr.addElement(table.TableCell(stylename=styles["cell"]))
        (head if head is not None and i < block.header_rows else t).addElement(tr)
    return t


def _figure(doc: OpenDocumentText, block: Figure, styles: dict, index: int) -> list:
    png = as_png(block)
    if png is None:
        return []
    width_px, height_px = png_size(png)
    height_cm = TEXT_WIDTH_CM * height_px / max(width_px, 1)
    href = doc.addPicture(f"Pictures/grafiek{index}.png", "image/png", png)
    frame = draw.Frame(
        stylename=styles["frame"],
        width=f"{TEXT_WIDTH_CM}cm",
        height=f"{height_cm:.2f}cm",
        anchortype="as-char",
        name=f"Grafiek{index}",
    )
    frame.addElement(draw.Image(href=href))
    title = svg.Title()
    title.addText(block.caption or block.alt)
    frame.addElement(title)
    desc = svg.Desc()
    desc.addText(block.alt)
    frame.addElement(desc)
    holder = text.P(stylename=styles["body"])
    holder.addElement(frame)
    out = [holder]
    if block.caption:
        caption = text.P(stylename=styles["caption"])
        caption.addText(block.caption)
        out.append(caption)
    return out


def write_odt(document: Document) -> bytes:
    doc = OpenDocumentText()
    styles = _styles(doc, document.language)
    doc.meta.addElement(dc.Title(text=document.title))
    doc.meta.addElement(dc.Language(text=document.language))
    body = doc.text
    for index, block in enumerate(document.blocks):
        if isinstance(block, Heading):
            h = text.H(outlinelevel=block.level, stylename=styles[f"h{block.level}"])
            h.addText(block.text)
            body.addElement(h)
        elif isinstance(block, Paragraph):
            body.addElement(_paragraph(block, styles))
        elif isinstance(block, ListBlock):
            lst = text.List()
            for number, item in enumerate(block.items, start=1):
                li = text.ListItem()
                p = text.P(stylename=styles["body"])
                p.addText(f"{number}. {item}" if block.ordered else item)
                li.addElement(p)
                lst.addElement(li)
            body.addElement(lst)
        elif isinstance(block, Table):
            body.addElement(_table(block, styles, index))
        elif isinstance(block, Figure):
            for element in _figure(doc, block, styles, index):
                body.addElement(element)
    out = io.BytesIO()
    doc.write(out)
    return out.getvalue()
