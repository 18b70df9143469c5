"""Builders for intake tests: a messy workbook, a hand-written ODS, zip bombs, CSV text."""

from __future__ import annotations

import datetime as dt
import io
import re
import struct
import zipfile
from collections.abc import Sequence
from xml.sax.saxutils import escape

from openpyxl import Workbook

SECRET = b"test-secret-of-32-bytes-exactly!"
TODAY = dt.date(2025, 1, 15)

GROUP_HEADERS = ["0-meting", "Eindmeting"]
SUB_HEADERS = ["Datum", "Wonen", "Financiën", "Geestelijke gezondheid", "Aantal hulpverleners"]


def messy_workbook(
    rows: Sequence[Sequence[object]] | None = None, *, with_bsn: bool = False
) -> bytes:
    """A workbook as a project leader keeps it.

    - two title rows and a blank row above the header;
    - a two-row header: ``Cliëntnummer``, ``Wijk``, ``Geboortejaar`` merged over both rows, then
      the groups ``0-meting`` and ``Eindmeting`` (merged across five columns each) above
      ``Datum | Wonen | Financiën | Geestelijke gezondheid | Aantal hulpverleners``, then
      ``Verhaal`` and ``Toestemming`` merged over both rows;
    - dates typed as text ``dd-mm-jjjj``, scores with a decimal comma (``"4,0"``), real dates;
    - blank trailing rows (cells holding a space) and a stray blank column far right;
    - a second sheet with stories, and a third with explanations only.
    """
    wb = Workbook()
    ws = wb.active
    ws.title = "Deelnemers"
    ws["A1"] = "Monitor Thuis in de Wijk 2024"
    ws.merge_cells("A1:H1")
    ws["A2"] = "Ingevuld door: team Noord (bijgewerkt 15-11-2024)"
    header_top = ["Cliëntnummer", "Wijk", "Geboortejaar"]
    if with_bsn:
        header_top.append("Nummer gemeente")
    for i, text in enumerate(header_top):
        col = i + 1
        ws.cell(row=4, column=col, value=text)
        ws.merge_cells(start_row=4, start_column=col, end_row=5, end_column=col)
    col = len(header_top) + 1
    for group in GROUP_HEADERS:
        ws.cell(row=4, column=col, value=group)
        ws.merge_cells(
            start_row=4, start_column=col, end_row=4, end_column=col + len(SUB_HEADERS) - 1
        )
        for j, sub in enumerate(SUB_HEADERS):
            ws.cell(row=5, column=col + j, value=sub)
        col += len(SUB_HEADERS)
    for text in ("Verhaal", "Toestemming"):
        ws.cell(row=4, column=col, value=text)
        ws.merge_cells(start_row=4, start_column=col, end_row=5, end_column=col)
        col += 1
    data = rows if rows is not None else default_rows(with_bsn=with_bsn)
    for r, values in enumerate(data, start=6):
        for c, value in enumerate(values, start=1):
            if value is not None:
                ws.cell(row=r, column=c, value=value)
    last = 6 + len(data)
    for r in range(last, last + 4):  # blank trailing rows: cells with only a space
        ws.cell(row=r, column=1, value=" ")
        ws.cell(row=r, column=5, value=" ")
    ws.cell(row=2, column=col + 6, value=" ")  # a stray blank cell far right

    stories = wb.create_sheet("Verhalen")
    stories.append(["Verhalen van deelnemers"])
    stories.append([])
    stories.append(["Cliëntnummer", "Datum", "Verhaal", "Toestemming"])
    stories.append(["1001", "12-03-2024", "Ik durf weer de post open te maken.", "ja"])
    stories.append(["1003", dt.date(2024, 6, 1), "Mijn dochter woont weer thuis.", "nee"])

    notes = wb.create_sheet("Toelichting")
    notes.append(["Scores: 1 = acuut probleem, 5 = volledig zelfredzaam."])
    notes.append(["Vragen? Bel het projectteam."])

    buffer = io.BytesIO()
    wb.save(buffer)
    return buffer.getvalue()


def default_rows(*, with_bsn: bool = False) -> list[list[object]]:
    """Three participants; participant 1003 has no end measurement yet."""
    rows: list[list[object]] = [
        [
            "1001",
            "Noord",
            1984,
            "03-02-2024",
            "2",
            "3",
            2,
            "5",
            "12-09-2024",
            "4,0",
            "4",
            3,
            "2",
            "Het gaat beter met de schulden.",
            "ja",
        ],
        [
            "1002",
            "Zuid",
            "1990",
            dt.date(2024, 2, 10),
            1,
            2,
            "onbekend",
            7,
            dt.date(2024, 10, 1),
            3,
            3,
            2,
            3,
            "",
            "nee",
        ],
        [
            "1003",
            "Haagse Beemden",
            1975,
            "1-3-24",
            3,
            "2,0",
            4,
            1,
            None,
            None,
            None,
            None,
            None,
            "Net begonnen.",
            "ja",
        ],
    ]
    if with_bsn:
        bsns = ["111222333", "123456782", "100000009"]
        for row, bsn in zip(rows, bsns, strict=True):
            row.insert(3, bsn)
    return rows


# --- ODS ------------------------------------------------------------------------------------------

_ODS_CONTENT = """<?xml version="1.0" encoding="UTF-8"?>
<office:document-content xmlns:office="urn:oasis:names:tc:opendocument:xmlns:office:1.0"
 xmlns:table="urn:oasis:names:tc:opendocument:xmlns:table:1.0"
 xmlns:text="urn:oasis:names:tc:opendocument:xmlns:text:1.0" office:version="1.2">
<office:body><office:spreadsheet>{tables}</office:spreadsheet></office:body>
</office:document-content>"""

_MANIFEST = """<?xml version="1.0" encoding="UTF-8"?>
<manifest:manifest xmlns:manifest="urn:oasis:names:tc:opendocument:xmlns:manifest:1.0" manifest:version="1.2">
 <manifest:file-entry manifest:full-path="/" manifest:media-type="application/vnd.oasis.opendocument.spreadsheet"/>
 <manifest:file-entry manifest:full-path="content.xml" manifest:media-type="text/xml"/>
</manifest:manifest>"""


def _ods_cell(value: object) -> str:
    if value is None:
        return "<table:table-cell/>"
    if isinstance(value, bool):
        raise TypeError("not needed")
    if isinstance(value, int | float):
        return (
            f'<table:table-cell office:value-type="float" office:value="{value}">'
            f"<text:p>{value}</text:p></table:table-cell>"
        )
    if isinstance(value, dt.date):
        return (
            f'<table:table-cell office:value-type="date" office:date-value="{value.isoformat()}">'
            f"<text:p>{value:%d-%m-%Y}</text:p></table:table-cell>"
        )
    return (
        f'<table:table-cell office:value-type="string"><text:p>{escape(str(value))}</text:p>'
        "</table:table-cell>"
    )


def ods_file(sheets: dict[str, Sequence[Sequence[object]]]) -> bytes:
    """A minimal OpenDocument spreadsheet written by hand (mimetype, manifest, content.xml)."""
    tables = []
    for name, rows in sheets.items():
        body = "".join(
            "<table:table-row>" + "".join(_ods_cell(v) for v in row) + "</table:table-row>"
            for row in rows
        )
        tables.append(f'<table:table table:name="{escape(name)}">{body}</table:table>')
    buffer = io.BytesIO()
    with zipfile.ZipFile(buffer, "w") as archive:
        archive.writestr(
            zipfile.ZipInfo("mimetype"),
            "application/vnd.oasis.opendocument.spreadsheet",
            compress_type=zipfile.ZIP_STORED,
        )
        archive.writestr("META-INF/manifest.xml", _MANIFEST, compress_type=zipfile.ZIP_DEFLATED)
        archive.writestr(
            "content.xml",
            _ODS_CONTENT.format(tables="".join(tables)),
            compress_type=zipfile.ZIP_DEFLATED,
        )
    return buffer.getvalue()


# --- zip bombs ----------------------------------------------------------------------------------


def _xlsx_like(members: dict[str, bytes]) -> bytes:
    buffer = io.BytesIO()
    with zipfile.ZipFile(buffer, "w", zipfile.ZIP_DEFLATED, compresslevel=9) as archive:
        archive.writestr("[Content_Types].xml", b"<Types/>")
        archive.writestr("xl/workbook.xml", b"<workbook/>")
        for name, data in members.items():
            archive.writestr(name, data)
    return buffer.getvalue()


def zip_bomb(megabytes: int = 64) -> bytes:
    """An 'xlsx' whose sheet inflates from about 60 kB to ``megabytes`` MB of zeros."""
    return _xlsx_like({"xl/worksheets/sheet1.xml": b"\0" * (megabytes * 1024 * 1024)})


def lying_zip_bomb(megabytes: int = 16) -> bytes:
    """A zip bomb whose directory claims the big member is only 1000 bytes when unpacked."""
    data = bytearray(_xlsx_like({"xl/worksheets/sheet1.xml": b"\0" * (megabytes * 1024 * 1024)}))
    name = b"xl/worksheets/sheet1.xml"
    # Local file header: uncompressed size at offset 22; central directory entry: offset 24.
    local = data.find(b"PK\x03\x04" + bytes(22)[:0])
    while local != -1:
        name_length = struct.unpack_from("<H", data, local + 26)[0]
        if data[local + 30 : local + 30 + name_length] == name:
            struct.pack_into("<L", data, local + 22, 1000)
        local = data.find(b"PK\x03\x04", local + 4)
    central = data.find(b"PK\x01\x02")
    while central != -1:
        name_length = struct.unpack_from("<H", data, central + 28)[0]
        if data[central + 46 : central + 46 + name_length] == name:
            struct.pack_into("<L", data, central + 24, 1000)
        central = data.find(b"PK\x01\x02", central + 4)
    return bytes(data)


def csv_text(rows: Sequence[Sequence[object]], delimiter: str = ";") -> str:
    return (
        "\r\n".join(delimiter.join("" if v is None else str(v) for v in row) for row in rows)
        + "\r\n"
    )


def xlsx(rows: Sequence[Sequence[object]], title: str = "Blad1") -> bytes:
    """A plain one-sheet workbook."""
    wb = Workbook()
    ws = wb.active
    ws.title = title
    for row in rows:
        ws.append(list(row))
    buffer = io.BytesIO()
    wb.save(buffer)
    return buffer.getvalue()


def with_cached_values(data: bytes, values: dict[str, str]) -> bytes:
    """Give formula cells a stored result, as Excel does when it saves (openpyxl does not)."""
    source = zipfile.ZipFile(io.BytesIO(data))
    buffer = io.BytesIO()
    with zipfile.ZipFile(buffer, "w", zipfile.ZIP_DEFLATED) as target:
        for info in source.infolist():
            content = source.read(info.filename)
            if info.filename.startswith("xl/worksheets/"):
                text = content.decode()
                for ref, value in values.items():
                    start = text.index(f'<c r="{ref}"')
                    end = text.index("</c>", start)
                    # openpyxl writes an empty value as <v />, or <v></v>, or none at all when
                    # it writes through lxml; Excel writes the result.
                    cell = re.sub(r"<v\s*/>|<v>\s*</v>", "", text[start:end])
                    text = text[:start] + cell + f"<v>{value}</v>" + text[end:]
                content = text.encode()
            target.writestr(info, content)
    return buffer.getvalue()
