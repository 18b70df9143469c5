"""Hostile spreadsheet files, generated in memory: the corpus test and ``bench/fuzz_intake.py``.

Every file is small (at most a few hundred kB) but claims or expands to something huge, is
damaged, or is not what its name says. Generated with a seeded random generator, so a failure
can be reproduced from its name.
"""

from __future__ import annotations

import io
import random
import zipfile
from collections.abc import Callable, Iterator

CONTENT_TYPES = (
    '<?xml version="1.0" encoding="UTF-8" standalone="yes"?>'
    '<Types xmlns="http://schemas.openxmlformats.org/package/2006/content-types">'
    '<Default Extension="rels" ContentType="application/vnd.openxmlformats-package.relationships+xml"/>'
    '<Default Extension="xml" ContentType="application/xml"/>'
    '<Override PartName="/xl/workbook.xml" '
    'ContentType="application/vnd.openxmlformats-officedocument.spreadsheetml.sheet.main+xml"/>'
    '<Override PartName="/xl/worksheets/sheet1.xml" '
    'ContentType="application/vnd.openxmlformats-officedocument.spreadsheetml.worksheet+xml"/>'
    "</Types>"
)
ROOT_RELS = (
    '<?xml version="1.0" encoding="UTF-8" standalone="yes"?>'
    '<Relationships xmlns="http://schemas.openxmlformats.org/package/2006/relationships">'
    '<Relationship Id="rId1" '
    'Type="http://schemas.openxmlformats.org/officeDocument/2006/relationships/officeDocument" '
    'Target="xl/workbook.xml"/></Relationships>'
)
WORKBOOK = (
    '<?xml version="1.0" encoding="UTF-8" standalone="yes"?>'
    '<workbook xmlns="http://schemas.openxmlformats.org/spreadsheetml/2006/main" '
    'xmlns:r="http://schemas.openxmlformats.org/officeDocument/2006/relationships">'
    '<sheets><sheet name="Blad1" sheetId="1" r:id="rId1"/></sheets></workbook>'
)
WORKBOOK_RELS = (
    '<?xml version="1.0" encoding="UTF-8" standalone="yes"?>'
    '<Relationships xmlns="http://schemas.openxmlformats.org/package/2006/relationships">'
    '<Relationship Id="rId1" '
    'Type="http://schemas.openxmlformats.org/officeDocument/2006/relationships/worksheet" '
    'Target="worksheets/sheet1.xml"/></Relationships>'
)


def xlsx_with_sheet(sheet_data: str, dimension: str | None = None) -> bytes:
    """A minimal XLSX whose only sheet holds ``sheet_data`` (the inside of ``<sheetData>``)."""
    dim = f'<dimension ref="{dimension}"/>' if dimension else ""
    sheet = (
        '<?xml version="1.0" encoding="UTF-8" standalone="yes"?>'
        '<worksheet xmlns="http://schemas.openxmlformats.org/spreadsheetml/2006/main">'
        f"{dim}<sheetData>{sheet_data}</sheetData></worksheet>"
    )
    out = io.BytesIO()
    with zipfile.ZipFile(out, "w", zipfile.ZIP_DEFLATED) as archive:
        archive.writestr("[Content_Types].xml", CONTENT_TYPES)
        archive.writestr("_rels/.rels", ROOT_RELS)
        archive.writestr("xl/workbook.xml", WORKBOOK)
        archive.writestr("xl/_rels/workbook.xml.rels", WORKBOOK_RELS)
        archive.writestr("xl/worksheets/sheet1.xml", sheet)
    return out.getvalue()


def xlsx_cell_at(ref: str, declared: str | None = None) -> bytes:
    """One header row and one number cell at ``ref`` (``XFD1048576``): 2 kB, 17 G cells dense."""
    row = int("".join(c for c in ref if c.isdigit()))
    return xlsx_with_sheet(
        '<row r="1"><c r="A1" t="inlineStr"><is><t>Cliëntnummer</t></is></c>'
        '<c r="B1" t="inlineStr"><is><t>Wonen</t></is></c></row>'
        f'<row r="{row}"><c r="{ref}"><v>1</v></c></row>',
        dimension=declared,
    )


def xlsx_normal(rows: int = 5) -> bytes:
    body = ['<row r="1"><c r="A1" t="inlineStr"><is><t>Cliëntnummer</t></is></c>'
            '<c r="B1" t="inlineStr"><is><t>Wonen</t></is></c></row>']  # fmt: skip
    for r in range(2, rows + 2):
        body.append(f'<row r="{r}"><c r="A{r}"><v>{1000 + r}</v></c><c r="B{r}"><v>3</v></c></row>')
    return xlsx_with_sheet("".join(body), dimension=f"A1:B{rows + 1}")


ODS_MANIFEST = (
    '<?xml version="1.0" encoding="UTF-8"?>'
    '<manifest:manifest xmlns:manifest="urn:oasis:names:tc:opendocument:xmlns:manifest:1.0" '
    'manifest:version="1.2">'
    '<manifest:file-entry manifest:full-path="/" manifest:version="1.2" '
    'manifest:media-type="application/vnd.oasis.opendocument.spreadsheet"/>'
    '<manifest:file-entry manifest:full-path="content.xml" manifest:media-type="text/xml"/>'
    "</manifest:manifest>"
)


def ods_with_table(table: str) -> bytes:
    """A minimal ODS whose only table holds ``table`` (rows)."""
    content = (
        '<?xml version="1.0" encoding="UTF-8"?>'
        '<office:document-content xmlns:office="urn:oasis:names:tc:opendocument:xmlns:office:1.0" '
        'xmlns:table="urn:oasis:names:tc:opendocument:xmlns:table:1.0" '
        'xmlns:text="urn:oasis:names:tc:opendocument:xmlns:text:1.0" office:version="1.2">'
        '<office:body><office:spreadsheet><table:table table:name="Blad1">'
        f"{table}</table:table></office:spreadsheet></office:body></office:document-content>"
    )
    out = io.BytesIO()
    with zipfile.ZipFile(out, "w", zipfile.ZIP_DEFLATED) as archive:
        archive.writestr(
            zipfile.ZipInfo("mimetype"), "application/vnd.oasis.opendocument.spreadsheet"
        )
        archive.writestr("META-INF/manifest.xml", ODS_MANIFEST)
        archive.writestr("content.xml", content)
    return out.getvalue()


def ods_repeated(rows: int = 1_048_576, columns: int = 16_384) -> bytes:
    """Under 1 kB: a row of filled cells repeated ``columns`` times, repeated ``rows`` times."""
    return ods_with_table(
        f'<table:table-row table:number-rows-repeated="{rows}">'
        f'<table:table-cell table:number-columns-repeated="{columns}" office:value-type="float" '
        'office:value="1"><text:p>1</text:p></table:table-cell></table:table-row>'
    )


def ods_spaces(count: int = 2_000_000_000) -> bytes:
    """One cell whose text is ``count`` spaces, written as ``<text:s text:c="…"/>``."""
    return ods_with_table(
        '<table:table-row><table:table-cell office:value-type="string"><text:p>a'
        f'<text:s text:c="{count}"/>b</text:p></table:table-cell></table:table-row>'
    )


def xlsx_shared_string_bomb(cells: int = 6_000, size: int = 1 << 20) -> bytes:
    """One 1 MB shared string referenced by ``cells`` cells: a reader copies it into each."""
    body = "".join(f'<row r="{r}"><c r="A{r}" t="s"><v>0</v></c></row>' for r in range(1, cells))
    data = bytearray(xlsx_with_sheet(body))
    sst = (
        '<?xml version="1.0" encoding="UTF-8" standalone="yes"?>'
        '<sst xmlns="http://schemas.openxmlformats.org/spreadsheetml/2006/main" count="1" '
        f'uniqueCount="1"><si><t>{"x" * size}</t></si></sst>'
    )
    rels = WORKBOOK_RELS.replace(
        "</Relationships>",
        '<Relationship Id="rId2" Type="http://schemas.openxmlformats.org/officeDocument/2006/'
        'relationships/sharedStrings" Target="sharedStrings.xml"/></Relationships>',
    )
    out = io.BytesIO()
    with (
        zipfile.ZipFile(io.BytesIO(bytes(data))) as source,
        zipfile.ZipFile(out, "w", zipfile.ZIP_DEFLATED) as archive,
    ):
        for info in source.infolist():
            content = source.read(info)
            if info.filename == "xl/_rels/workbook.xml.rels":
                content = rels.encode()
            archive.writestr(info.filename, content)
        archive.writestr("xl/sharedStrings.xml", sst)
    return out.getvalue()


def ods_normal(rows: int = 5) -> bytes:
    def cell(text: str) -> str:
        return f'<table:table-cell office:value-type="string"><text:p>{text}</text:p></table:table-cell>'

    body = [f"<table:table-row>{cell('Cliëntnummer')}{cell('Wonen')}</table:table-row>"]
    for r in range(rows):
        body.append(f"<table:table-row>{cell(str(1000 + r))}{cell('3')}</table:table-row>")
    # What LibreOffice writes at the end of every sheet: empty repeated rows and cells.
    body.append(
        '<table:table-row table:number-rows-repeated="1048570">'
        '<table:table-cell table:number-columns-repeated="1024"/></table:table-row>'
    )
    return ods_with_table("".join(body))


def zip_bomb(size: int = 64 * 1024 * 1024) -> bytes:
    """An XLSX-shaped zip whose sheet inflates ~1000 times (``size`` bytes of zeros)."""
    out = io.BytesIO()
    with zipfile.ZipFile(out, "w", zipfile.ZIP_DEFLATED, compresslevel=9) as archive:
        archive.writestr("[Content_Types].xml", CONTENT_TYPES)
        archive.writestr("xl/workbook.xml", WORKBOOK)
        with archive.open("xl/worksheets/sheet1.xml", "w", force_zip64=True) as member:
            block = b"\0" * (1 << 20)
            for _ in range(size >> 20):
                member.write(block)
    return out.getvalue()


def lying_zip(claimed: int = 100) -> bytes:
    """A zip whose directory says a member is ``claimed`` bytes; it inflates to 20 MB."""
    data = bytearray(xlsx_with_sheet("<row r='1'><c r='A1'><v>1</v></c></row>" + " " * 20_000_000))
    # Patch the declared uncompressed size of every member in the central directory.
    position = 0
    while (position := data.find(b"PK\x01\x02", position)) >= 0:
        data[position + 24 : position + 28] = claimed.to_bytes(4, "little")
        position += 4
    return bytes(data)


def csv_semicolons(size: int = 2_000_000) -> bytes:
    """One line of ``size`` semicolons (the 20 MB original, smaller)."""
    return b"Clientnummer;Wonen" + b";" * size + b"\n"


def bit_flipped(data: bytes, rng: random.Random, flips: int = 3) -> bytes:
    damaged = bytearray(data)
    for _ in range(flips):
        position = rng.randrange(len(damaged))
        damaged[position] ^= 1 << rng.randrange(8)
    return bytes(damaged)


def truncated(data: bytes, rng: random.Random) -> bytes:
    return data[: rng.randrange(1, len(data))]


def corpus(seed: int = 9, flipped: int = 12) -> Iterator[tuple[str, bytes]]:
    """(file name, content) of the hostile corpus; names say what each file is."""
    rng = random.Random(seed)
    yield "een-cel-op-XFD1048576.xlsx", xlsx_cell_at("XFD1048576")
    yield "gelogen-dimensie.xlsx", xlsx_cell_at("XFD1048576", declared="A1:B2")
    yield "rij-2000000-kolom-500.xlsx", xlsx_cell_at("SF2000000")
    yield "herhaalde-rijen-en-kolommen.ods", ods_repeated()
    yield "puntkomma-regel.csv", csv_semicolons()
    yield "spaties.ods", ods_spaces()
    yield "zipbom.xlsx", zip_bomb()
    yield "liegende-zip.xlsx", lying_zip()
    yield "leeg.csv", b""
    yield "leeg.xlsx", b""
    yield "alleen-spaties.csv", b"   \n\n  "
    yield "csv-als-xlsx.xlsx", b"Clientnummer;Wonen\n1001;3\n"
    yield "xlsx-als-csv.csv", xlsx_normal()
    yield "utf16.csv", "Cliëntnummer;Wonen\n1001;3\n".encode("utf-16")
    yield "nul-bytes.csv", b"Clientnummer;Wonen\n1001\x00;3\n"
    yield "pdf.xlsx", b"%PDF-1.4\n" + bytes(rng.randrange(256) for _ in range(500))
    yield "willekeurig.ods", bytes(rng.randrange(256) for _ in range(2000))
    yield "alleen-pk.xlsx", b"PK\x03\x04" + bytes(40)
    for source_name, source in (
        ("xlsx", xlsx_normal(20)),
        ("ods", ods_normal(20)),
        ("zip", zip_of_text()),
    ):
        for i in range(flipped):
            yield f"bitflip-{i}.{source_name}", bit_flipped(source, rng, 1 + i % 4)
        for i in range(3):
            yield f"afgekapt-{i}.{source_name}", truncated(source, rng)


def zip_of_text() -> bytes:
    out = io.BytesIO()
    with zipfile.ZipFile(out, "w", zipfile.ZIP_DEFLATED) as archive:
        archive.writestr("[Content_Types].xml", CONTENT_TYPES)
        archive.writestr("xl/workbook.xml", WORKBOOK)
        archive.writestr("notities.txt", "niets " * 200)
    return out.getvalue()


#: Mutators the fuzz run draws from: each takes a seeded generator and returns (name, bytes).
def mutators() -> list[Callable[[random.Random], tuple[str, bytes]]]:
    xlsx_base, ods_base, csv_base = xlsx_normal(30), ods_normal(30), _csv_base()

    def flip(kind: str, base: bytes) -> Callable[[random.Random], tuple[str, bytes]]:
        return lambda rng: (f"flip.{kind}", bit_flipped(base, rng, rng.randint(1, 8)))

    def cut(kind: str, base: bytes) -> Callable[[random.Random], tuple[str, bytes]]:
        return lambda rng: (f"cut.{kind}", truncated(base, rng))

    def far_cell(rng: random.Random) -> tuple[str, bytes]:
        col = "".join(rng.choice("ABCDEFGHIJKLMNOPQRSTUVWXYZ") for _ in range(rng.randint(1, 3)))
        return "far.xlsx", xlsx_cell_at(f"{col}{rng.randint(1, 3_000_000)}")

    def repeated(rng: random.Random) -> tuple[str, bytes]:
        return "rep.ods", ods_repeated(rng.randint(1, 2_000_000), rng.randint(1, 20_000))

    def csv_noise(rng: random.Random) -> tuple[str, bytes]:
        alphabet = b';,"\t\n\r\x00ab1 =\xff\xfe'
        return "noise.csv", bytes(rng.choice(alphabet) for _ in range(rng.randint(0, 3000)))

    def csv_mutate(rng: random.Random) -> tuple[str, bytes]:
        return "mut.csv", bit_flipped(csv_base, rng, rng.randint(1, 20))

    def wide_csv(rng: random.Random) -> tuple[str, bytes]:
        return "wide.csv", b";" * rng.randint(100, 300_000) + b"\n1;2\n"

    return [
        flip("xlsx", xlsx_base),
        flip("ods", ods_base),
        cut("xlsx", xlsx_base),
        cut("ods", ods_base),
        far_cell,
        repeated,
        csv_noise,
        csv_mutate,
        wide_csv,
    ]


def _csv_base() -> bytes:
    lines = ["Cliëntnummer;Datum;Fase;Wonen;Financiën"]
    lines += [
        f"{1000 + i};01-0{1 + i % 9}-2024;0-meting;{1 + i % 5};{1 + i % 3}" for i in range(30)
    ]
    return ("\n".join(lines) + "\n").encode("utf-8")


# --- misbehaving work for the isolation tests (top level, so a worker process can import them) --


def hog_memory(size: int) -> int:
    """Ask for ``size`` bytes at once, as a reader does for a 17-billion-cell sheet."""
    return len(bytearray(size))


def hang(seconds: float) -> None:
    import time

    time.sleep(seconds)


def crash() -> None:
    import os

    os.abort()
