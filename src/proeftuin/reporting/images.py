"""Figures for the editable formats: Word does not read SVG reliably, so charts become PNG."""

from __future__ import annotations

import vl_convert as vlc

from proeftuin.core.documents import Figure

#: 2× gives a chart that stays sharp when printed at the width of an A4 text column.
SCALE = 2.0


def as_png(figure: Figure) -> bytes | None:
    """The figure as PNG bytes; ``None`` for an image type that cannot be converted."""
    if figure.mime == "image/png":
        return figure.image
    if figure.mime == "image/svg+xml":
        return vlc.svg_to_png(figure.image.decode("utf-8"), scale=SCALE)
    return None


def png_size(png: bytes) -> tuple[int, int]:
    """(width, height) in pixels, read from the PNG header."""
    return int.from_bytes(png[16:20], "big"), int.from_bytes(png[20:24], "big")
