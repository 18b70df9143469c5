"""The block model an editable document is written from (no Django, no document library)."""

from __future__ import annotations

from dataclasses import dataclass, field


@dataclass(frozen=True)
class Run:
    """A piece of text with one emphasis."""

    text: str
    bold: bool = False
    italic: bool = False


@dataclass(frozen=True)
class Heading:
    """A heading; level 1 is the document's title, 2 a section, 3 and 4 below it."""

    level: int
    text: str


@dataclass(frozen=True)
class Paragraph:
    runs: tuple[Run, ...]
    #: "muted" (small print), "warning", "quote" or "" (body text).
    kind: str = ""

    @property
    def text(self) -> str:
        return "".join(r.text for r in self.runs)


@dataclass(frozen=True)
class ListBlock:
    items: tuple[str, ...]
    ordered: bool = False


@dataclass(frozen=True)
class Cell:
    text: str
    header: bool = False
    numeric: bool = False


@dataclass(frozen=True)
class Table:
    rows: tuple[tuple[Cell, ...], ...]
    #: How many leading rows are the column header (repeated on each page).
    header_rows: int = 0

    @property
    def columns(self) -> int:
        return max((len(r) for r in self.rows), default=0)


@dataclass(frozen=True)
class Figure:
    """A chart. ``image`` is the image's bytes; ``mime`` says what they are (SVG or PNG)."""

    image: bytes
    mime: str
    alt: str = ""
    caption: str = ""


Block = Heading | Paragraph | ListBlock | Table | Figure


@dataclass
class Document:
    """Blocks plus the facts a writer puts in the file's properties."""

    title: str
    language: str
    blocks: list[Block] = field(default_factory=list)
