"""The limits applied to a workbook's sheets before a reader opens it (see :mod:`.prescan`)."""

from __future__ import annotations

import io
import posixpath
import zipfile

from defusedxml import ElementTree

from .errors import column_letter
from .prescan import Extent, ods_extents, xlsx_extent
from .safety import XLSX, Limits, refuse


def sheet_extents(data: bytes, kind: str) -> dict[str, Extent]:
    """Sheet name → its extent, scanned from the archive before calamine reads anything."""
    archive = zipfile.ZipFile(io.BytesIO(data))
    if kind != XLSX:
        return {e.name: e for e in ods_extents(archive)}
    parts = xlsx_sheet_parts(archive)
    extents = {name: xlsx_extent(archive, part, name) for name, part in parts.items()}
    if len(parts) < _xlsx_sheet_count(archive):
        # A sheet we cannot place through the relationships may still be found by a reader:
        # scan every other XML part, so nothing escapes the limits.
        for info in archive.infolist():
            if info.filename.endswith(".xml") and info.filename not in parts.values():
                extents[info.filename] = xlsx_extent(archive, info.filename, "")
    return extents


def _xlsx_sheet_count(archive: zipfile.ZipFile) -> int:
    workbook = ElementTree.fromstring(archive.read("xl/workbook.xml"))
    return sum(1 for element in workbook.iter() if local_name(element.tag) == "sheet")


def check_extent(
    extent: Extent, sheet: str, file: str, limits: Limits, head_rows: int = 40
) -> None:
    """Refuse a sheet whose rectangle or cell count is beyond the limits, naming where it ends.

    Every refusal's action is the same hint (``extent_hint``: something stray far right or far
    down?); the row and cell limits add that a really large file can be split.
    """
    if extent.columns > limits.max_columns:
        raise refuse(
            "too_many_columns",
            file,
            {
                "sheet": sheet,
                "last": column_letter(extent.columns - 1),
                "columns": extent.columns,
                "limit": limits.max_columns,
            },
            sheet=sheet,
        )
    if extent.rows > limits.max_rows + head_rows:
        raise refuse(
            "too_many_rows",
            file,
            {"sheet": sheet, "rows": extent.rows, "limit": limits.max_rows},
            key="too_many_rows_extent",
            sheet=sheet,
        )
    if extent.spaces > limits.max_bytes:
        raise refuse(
            "too_much_text",
            file,
            {
                "sheet": sheet,
                "size": f"{extent.spaces / (1024 * 1024):.0f} MB",
                "limit": f"{limits.max_bytes / (1024 * 1024):.0f} MB",
            },
            sheet=sheet,
        )
    if extent.area > limits.sparse_area and extent.cells * 10 < extent.area:
        # A reader builds the whole rectangle, empty cells included: a few cells spread over a
        # large area cost as much memory as a full sheet (one stray value at AB600000).
        raise refuse(
            "sparse_sheet",
            file,
            {"sheet": sheet, "rows": extent.rows, "last": column_letter(extent.columns - 1)},
            sheet=sheet,
        )
    if extent.written and extent.cells > limits.sparse_area and extent.cells > 100 * extent.written:
        # ODS repeats: a few written cells that stand for millions cost what millions cost.
        raise refuse(
            "repeated_cells",
            file,
            {"sheet": sheet, "written": extent.written, "cells": extent.cells},
            sheet=sheet,
        )
    cells = max(extent.area, extent.cells)
    if cells > limits.max_cells:
        raise refuse(
            "too_many_cells",
            file,
            {
                "sheet": sheet,
                "cells": cells,
                "rows": extent.rows,
                "columns": extent.columns,
                "max_cells": limits.max_cells,
            },
            sheet=sheet,
        )


def local_name(tag: str) -> str:
    return tag.rsplit("}", 1)[-1]


def xlsx_sheet_parts(archive: zipfile.ZipFile) -> dict[str, str]:
    """Sheet name → the part (``xl/worksheets/sheet1.xml``) holding it, via the relationships."""
    workbook = ElementTree.fromstring(archive.read("xl/workbook.xml"))
    rels = ElementTree.fromstring(archive.read("xl/_rels/workbook.xml.rels"))
    names = set(archive.namelist())
    targets = {}
    for rel in rels:
        if local_name(rel.tag) == "Relationship":
            target = rel.get("Target", "")
            target = target.lstrip("/") if target.startswith("/") else f"xl/{target}"
            targets[rel.get("Id")] = posixpath.normpath(target)
    parts: dict[str, str] = {}
    for element in workbook.iter():
        if local_name(element.tag) != "sheet":
            continue
        rid = next((v for k, v in element.attrib.items() if local_name(k) == "id"), None)
        part = targets.get(rid)
        if part and part in names:
            parts[element.get("name", "")] = part
    return parts
