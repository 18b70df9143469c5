"""The report as an editable document (DOCX for Word, ODT for LibreOffice).

The editable formats have no templates of their own: the report's HTML (the same sections, the
same figures as the PDF: released monitoring figures only, suppressed cells suppressed) is read
into blocks by :mod:`proeftuin.core.documents`, and a writer gives those blocks real styles. A
change to a section template therefore reaches the PDF, the DOCX and the ODT at once.
"""

from __future__ import annotations

from collections.abc import Callable

from django.utils.translation import get_language

from proeftuin.core.documents import Heading, blocks_from_html
from proeftuin.core.documents.blocks import Document

from .docx_writer import write_docx
from .odt_writer import write_odt

WRITERS: dict[str, tuple[Callable[[Document], bytes], str]] = {
    "docx": (
        write_docx,
        "application/vnd.openxmlformats-officedocument.wordprocessingml.document",
    ),
    "odt": (write_odt, "application/vnd.oasis.opendocument.text"),
}
EDITABLE_FORMATS = tuple(WRITERS)


def content_type(fmt: str) -> str:
    return WRITERS[fmt][1]


def document_from_html(html: str, fallback_title: str) -> Document:
    blocks = blocks_from_html(html)
    title = next((b.text for b in blocks if isinstance(b, Heading) and b.level == 1), "")
    return Document(title or fallback_title, (get_language() or "nl")[:2], blocks)


def write(html: str, fmt: str, fallback_title: str) -> bytes:
    """``html`` (a rendered report) as a ``fmt`` file."""
    writer, _mime = WRITERS[fmt]
    return writer(document_from_html(html, fallback_title))
