"""Read the report's HTML into blocks.

Only what the report templates use is understood: headings, paragraphs (with ``strong``/``em``),
definition lists, lists, tables with a ``thead``, block quotes and figures whose image is a
``data:`` URL. Anything else contributes its text to the surrounding block. Text a sighted reader
does not see on screen (``pt-visually-hidden``) is left out, as are ``head``, ``style`` and
``script``.
"""

from __future__ import annotations

import base64
import re
from html.parser import HTMLParser
from urllib.parse import unquote_to_bytes

from .blocks import Block, Cell, Figure, Heading, ListBlock, Paragraph, Run, Table

_SKIP = {"head", "style", "script", "template", "noscript", "button", "form"}
_HIDDEN_CLASSES = {"pt-visually-hidden", "visually-hidden", "sr-only"}
_SPACE = re.compile(r"[ \t\r\n\f]+")
_DATA_URL = re.compile(r"^data:(?P<mime>[\w/+.-]+)(?P<b64>;base64)?,(?P<data>.*)$", re.S)


def _classes(attrs: list[tuple[str, str | None]]) -> set[str]:
    return set((dict(attrs).get("class") or "").split())


def _tidy(runs: list[Run]) -> tuple[Run, ...]:
    """Merge neighbouring runs of one emphasis and trim the outer spaces."""
    merged: list[Run] = []
    for run in runs:
        if merged and (merged[-1].bold, merged[-1].italic) == (run.bold, run.italic):
            merged[-1] = Run(merged[-1].text + run.text, run.bold, run.italic)
        elif run.text:
            merged.append(run)
    text = "".join(r.text for r in merged)
    if not text.strip():
        return ()
    # Trim leading and trailing white space (and spaces around explicit line breaks).
    merged = [Run(re.sub(r" *\n *", "\n", r.text), r.bold, r.italic) for r in merged]
    merged[0] = Run(merged[0].text.lstrip(), merged[0].bold, merged[0].italic)
    merged[-1] = Run(merged[-1].text.rstrip(), merged[-1].bold, merged[-1].italic)
    return tuple(r for r in merged if r.text)


class _Reader(HTMLParser):
    def __init__(self) -> None:
        super().__init__(convert_charrefs=True)
        self.blocks: list[Block] = []
        self.skip_depth = 0
        self.hidden_depth = 0
        self.stack: list[str] = []
        self.bold = 0
        self.italic = 0
        self.runs: list[Run] = []
        self.container: str | None = None  # the open block that collects text
        self.kind = ""
        self.heading_level = 0
        self.quote = 0
        # Lists
        self.list_stack: list[tuple[bool, list[str]]] = []
        # Definition lists
        self.term = ""
        # Tables
        self.table: list[tuple[Cell, ...]] | None = None
        self.row: list[Cell] | None = None
        self.cell: tuple[bool, bool] | None = None  # (header, numeric)
        self.header_rows = 0
        self.in_thead = False
        # Figures
        self.figure: dict | None = None

    # Helpers -----------------------------------------------------------------------------
    def _text(self) -> str:
        return "".join(r.text for r in _tidy(self.runs))

    def _flush_loose(self) -> None:
        """Text outside any block (e.g. straight in a ``section``) becomes a paragraph."""
        if self.container is None and self.runs:
            runs = _tidy(self.runs)
            if runs:
                self.blocks.append(Paragraph(runs, "quote" if self.quote else ""))
            self.runs = []

    def _open(self, container: str, kind: str = "") -> None:
        self._flush_loose()
        self.container, self.kind, self.runs = container, kind, []

    # Parser callbacks --------------------------------------------------------------------
    def handle_starttag(self, tag: str, attrs: list[tuple[str, str | None]]) -> None:
        if tag in ("br", "img", "hr", "meta", "link", "input", "col", "wbr"):
            self.handle_startendtag(tag, attrs)
            return
        self.stack.append(tag)
        if self.skip_depth or tag in _SKIP:
            self.skip_depth += tag in _SKIP or bool(self.skip_depth)
            return
        if self.hidden_depth or _classes(attrs) & _HIDDEN_CLASSES:
            self.hidden_depth += 1
            return
        classes = _classes(attrs)
        if tag in ("strong", "b", "th") and not (tag == "th" and self.table is None):
            self.bold += 1
        if tag in ("em", "i", "cite"):
            self.italic += 1
        if re.fullmatch(r"h[1-6]", tag):
            self.heading_level = int(tag[1])
            self._open("h")
        elif tag == "p" and self.container in (None, "p"):
            if "report-muted" in classes or "pt-muted" in classes:
                kind = "muted"
            elif "report-warning" in classes:
                kind = "warning"
            else:
                kind = "quote" if self.quote else ""
            self._open("p", kind)
        elif tag == "blockquote":
            self._flush_loose()
            self.quote += 1
        elif tag in ("ul", "ol"):
            self._flush_loose()
            self.list_stack.append((tag == "ol", []))
        elif tag == "li" and self.list_stack:
            self._open("li")
        elif tag == "dt":
            self._open("dt")
        elif tag == "dd":
            self._open("dd")
        elif tag == "table":
            self._flush_loose()
            self.table, self.header_rows = [], 0
        elif tag == "thead":
            self.in_thead = True
        elif tag == "tr" and self.table is not None:
            self.row = []
        elif tag in ("td", "th") and self.row is not None:
            self.cell = (tag == "th", "num" in classes)
            self.container, self.runs = "cell", []
        elif tag == "figure":
            self._flush_loose()
            self.figure = {"images": [], "caption": ""}
        elif tag == "figcaption":
            self.container, self.runs = "figcaption", []

    def handle_startendtag(self, tag: str, attrs: list[tuple[str, str | None]]) -> None:
        if self.skip_depth or self.hidden_depth:
            return
        if tag == "br":
            self.runs.append(Run("\n", self.bold > 0, self.italic > 0))
        elif tag == "img":
            figure = _figure(dict(attrs))
            if figure is None:
                alt = dict(attrs).get("alt") or ""
                if alt:
                    self.runs.append(Run(alt, self.bold > 0, self.italic > 0))
            elif self.figure is not None:
                self.figure["images"].append(figure)
            else:
                self._flush_loose()
                self.blocks.append(figure)
        elif tag in ("meta", "link", "input", "hr", "col", "wbr"):
            return
        else:
            self.handle_starttag(tag, attrs)
            self.handle_endtag(tag)

    def handle_endtag(self, tag: str) -> None:
        if tag not in self.stack:
            return  # a stray closing tag
        while self.stack and self.stack[-1] != tag:  # close what was left open
            self.handle_endtag(self.stack[-1])
        self.stack.pop()
        if self.skip_depth:
            self.skip_depth -= 1
            return
        if self.hidden_depth:
            self.hidden_depth -= 1
            return
        if tag in ("strong", "b") or (tag == "th" and self.bold and self.table is not None):
            self.bold = max(0, self.bold - 1)
        if tag in ("em", "i", "cite"):
            self.italic = max(0, self.italic - 1)
        if re.fullmatch(r"h[1-6]", tag) and self.container == "h":
            text = self._text()
            if text:
                self.blocks.append(Heading(min(self.heading_level, 4), text))
            self.container, self.runs = None, []
        elif tag == "p" and self.container == "p":
            runs = _tidy(self.runs)
            if runs:
                self.blocks.append(Paragraph(runs, self.kind))
            self.container, self.runs = None, []
        elif tag == "blockquote":
            self._flush_loose()
            self.quote = max(0, self.quote - 1)
        elif tag == "li" and self.container == "li" and self.list_stack:
            text = self._text()
            if text:
                self.list_stack[-1][1].append(text)
            self.container, self.runs = None, []
        elif tag in ("ul", "ol") and self.list_stack:
            self._flush_loose()
            ordered, items = self.list_stack.pop()
            if self.list_stack:  # a nested list joins its parent's items
                self.list_stack[-1][1].extend(items)
            elif items:
                self.blocks.append(ListBlock(tuple(items), ordered))
        elif tag == "dt" and self.container == "dt":
            self.term = self._text()
            self.container, self.runs = None, []
        elif tag == "dd" and self.container == "dd":
            value = self._text()
            runs = (Run(f"{self.term}: ", bold=True), Run(value)) if self.term else (Run(value),)
            self.blocks.append(Paragraph(tuple(r for r in runs if r.text)))
            self.term = ""
            self.container, self.runs = None, []
        elif tag in ("td", "th") and self.container == "cell" and self.row is not None:
            header, numeric = self.cell or (False, False)
            self.row.append(Cell(self._text(), header, numeric))
            self.container, self.runs, self.cell = None, [], None
        elif tag == "tr" and self.row is not None and self.table is not None:
            if self.row:
                self.table.append(tuple(self.row))
                if self.in_thead:
                    self.header_rows += 1
            self.row = None
        elif tag == "thead":
            self.in_thead = False
        elif tag == "table" and self.table is not None:
            if self.table:
                self.blocks.append(Table(tuple(self.table), self.header_rows))
            self.table = None
        elif tag == "figcaption" and self.figure is not None:
            self.figure["caption"] = self._text()
            self.container, self.runs = None, []
        elif tag == "figure" and self.figure is not None:
            for image in self.figure["images"]:
                self.blocks.append(
                    Figure(image.image, image.mime, image.alt, self.figure["caption"])
                )
            if not self.figure["images"] and self.figure["caption"]:
                self.blocks.append(Paragraph((Run(self.figure["caption"]),), "muted"))
            self.figure = None
        elif tag in ("section", "div", "main", "header", "footer", "body", "article", "details"):
            self._flush_loose()

    def handle_data(self, data: str) -> None:
        if self.skip_depth or self.hidden_depth:
            return
        text = _SPACE.sub(" ", data)
        if not text:
            return
        if self.table is not None and self.container != "cell" and self.figure is None:
            return  # white space between table rows
        self.runs.append(Run(text, self.bold > 0, self.italic > 0))

    def close(self) -> None:
        super().close()
        while self.stack:
            self.handle_endtag(self.stack[-1])
        self._flush_loose()


def _figure(attrs: dict[str, str | None]) -> Figure | None:
    """A figure for an ``img`` whose ``src`` is a ``data:`` URL; other images are skipped."""
    match = _DATA_URL.match(attrs.get("src") or "")
    if not match:
        return None
    raw = match["data"]
    try:
        data = base64.b64decode(raw, validate=False) if match["b64"] else unquote_to_bytes(raw)
    except ValueError:
        return None
    return Figure(data, match["mime"], attrs.get("alt") or "")


def blocks_from_html(html: str) -> list[Block]:
    """The blocks of ``html``, in reading order."""
    reader = _Reader()
    reader.feed(html)
    reader.close()
    return reader.blocks
