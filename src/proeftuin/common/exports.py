"""CSV and XLSX exports, with spreadsheet-formula injection neutralised.

A cell that starts with ``=``, ``+``, ``-`` or ``@`` (or a tab, carriage return or line feed) would
be run as a formula by Excel or LibreOffice; so would the fullwidth forms ``＝ ＋ － ＠``, which
spreadsheets fold to their ASCII twins, and any of these after leading spaces. Text cells like that get a leading apostrophe; numbers are kept
as numbers. Every export in Proeftuin goes through this module so the rule lives in one place.
"""

from __future__ import annotations

import csv
import io
from collections.abc import Iterable, Sequence
from datetime import date, datetime
from decimal import Decimal
from typing import Any

from django.http import HttpResponse
from openpyxl import Workbook
from openpyxl.utils import get_column_letter

FORMULA_PREFIXES = (
    "=",
    "+",
    "-",
    "@",
    "\t",
    "\r",
    "\n",
    "\uff1d",  # ＝ fullwidth equals sign
    "\uff0b",  # ＋ fullwidth plus sign
    "\uff0d",  # － fullwidth hyphen-minus
    "\uff20",  # ＠ fullwidth commercial at
)
Cell = str | int | float | Decimal | date | datetime | bool | None


def safe_cell(value: Any) -> Cell:
    """The value as a spreadsheet may hold it without running it as a formula."""
    if value is None or isinstance(value, bool | int | float | Decimal | date | datetime):
        return value
    text = str(value)
    if text.lstrip(" \u3000").startswith(FORMULA_PREFIXES):
        return "'" + text
    return text


def csv_bytes(header: Sequence[str], rows: Iterable[Sequence[Any]]) -> bytes:
    """UTF-8 CSV with a BOM (so Excel reads the accents) and ``;`` as Dutch Excel expects."""
    buffer = io.StringIO()
    writer = csv.writer(buffer, delimiter=";")
    writer.writerow([safe_cell(h) for h in header])
    for row in rows:
        writer.writerow(["" if v is None else safe_cell(v) for v in row])
    return ("\ufeff" + buffer.getvalue()).encode("utf-8")


def xlsx_bytes(sheets: dict[str, tuple[Sequence[str], Iterable[Sequence[Any]]]]) -> bytes:
    """An XLSX workbook with one sheet per entry: ``{title: (header, rows)}``."""
    workbook = Workbook()
    workbook.remove(workbook.active)
    for title, (header, rows) in sheets.items():
        sheet = workbook.create_sheet(title=title[:31])
        sheet.append([safe_cell(h) for h in header])
        for row in rows:
            sheet.append([safe_cell(v) for v in row])
        for index, name in enumerate(header, start=1):
            sheet.column_dimensions[get_column_letter(index)].width = max(
                12, min(60, len(str(name)) + 4)
            )
        sheet.freeze_panes = "A2"
    out = io.BytesIO()
    workbook.save(out)
    return out.getvalue()


def download(content: bytes, filename: str, kind: str) -> HttpResponse:
    """An attachment response for ``kind`` "csv" or "xlsx"."""
    content_type = {
        "csv": "text/csv; charset=utf-8",
        "xlsx": "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet",
    }[kind]
    response = HttpResponse(content, content_type=content_type)
    response["Content-Disposition"] = f'attachment; filename="{filename}.{kind}"'
    return response
