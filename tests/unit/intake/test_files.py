"""What kind of file it is, encodings and delimiters, and the files that are refused."""

from __future__ import annotations

import io
import time
import zipfile

import pytest
from intake_builders import SECRET, TODAY, csv_text, lying_zip_bomb, ods_file, xlsx, zip_bomb
from intake_words import action, reason

from proeftuin.core.instruments import LIFE_DOMAINS, load_instruments
from proeftuin.core.intake import Limits, dry_run, suggest_mapping
from proeftuin.core.intake.readers import open_workbook

INSTRUMENT = load_instruments(environ={})[LIFE_DOMAINS]
ROWS = [
    ["Cliëntnummer", "Datum", "Fase", "Wonen", "Financiën", "Wijk"],
    ["1001", "03-02-2024", "0-meting", "2", "3", "Noordoost"],
    ["1001", "03-09-2024", "eindmeting", "4", "3,0", "Noordoost"],
]


def run(data: bytes, name: str = "bestand", limits: Limits | None = None):
    suggestion = suggest_mapping(data, INSTRUMENT, filename=name, limits=limits)
    result = dry_run(
        data,
        suggestion.mapping,
        INSTRUMENT,
        secret=SECRET,
        filename=name,
        today=TODAY,
        limits=limits,
    )
    return suggestion, result


@pytest.mark.parametrize("encoding", ["utf-8", "utf-8-sig", "cp1252", "utf-16"])
@pytest.mark.parametrize("delimiter", [";", ",", "\t"])
def test_csv_encodings_and_delimiters(encoding, delimiter):
    rows = [[c.replace(",", ".") if delimiter == "," else c for c in row] for row in ROWS]
    data = csv_text(rows, delimiter).encode(encoding)
    suggestion, result = run(data, "export.csv")
    assert suggestion.delimiter == delimiter
    assert result.ok, [str(e) for e in result.errors]
    assert result.records["score__housing"].to_list() == [2, 4]
    assert result.records["neighbourhood"].to_list() == ["Noordoost", "Noordoost"]


def test_csv_with_quoted_multiline_story_keeps_excel_row_numbers():
    text = (
        "Cliëntnummer;Datum;Fase;Wonen;Verhaal\r\n"
        '1001;03-02-2024;0-meting;2;"Eerste regel\r\ntweede regel; met puntkomma"\r\n'
        "1002;03-02-2024;0-meting;9;kort\r\n"
    )
    _, result = run(text.encode(), "v.csv")
    assert result.records["story"].to_list() == ["Eerste regel\r\ntweede regel; met puntkomma"]
    (error,) = [e for e in result.errors if e.code == "score_range"]
    assert error.row == 3, "a quoted line break stays in one spreadsheet row"


def test_xlsx_and_ods_read_the_same():
    _, from_xlsx = run(xlsx(ROWS), "a.xlsx")
    _, from_ods = run(ods_file({"Blad1": ROWS}), "a.ods")
    assert from_xlsx.kind == "xlsx" and from_ods.kind == "ods"
    assert from_xlsx.ok and from_ods.ok, [str(e) for e in from_ods.errors]
    columns = ["phase", "measured_on", "score__housing", "score__finances", "neighbourhood"]
    assert from_xlsx.records.select(columns).equals(from_ods.records.select(columns))


def test_ods_with_real_dates_and_numbers():
    import datetime as dt

    rows = [ROWS[0], ["1001", dt.date(2024, 2, 3), "0-meting", 2, 3.0, "Noord"]]
    _, result = run(ods_file({"Metingen": rows}), "b.ods")
    assert result.ok, [str(e) for e in result.errors]
    assert result.records["measured_on"].to_list() == [dt.date(2024, 2, 3)]


@pytest.mark.parametrize(
    ("data", "code"),
    [
        (b"%PDF-1.7\n...", "not_spreadsheet"),
        (b"\xd0\xcf\x11\xe0\xa1\xb1\x1a\xe1" + bytes(600), "not_spreadsheet"),
        (bytes(range(256)) * 10, "not_spreadsheet"),
        (b"", "empty_file"),
        (b"   \n", "empty_file"),
        (b"PK\x03\x04 not really a zip", "corrupt_file"),
    ],
)
def test_files_that_are_not_spreadsheets(data, code):
    _, result = run(data)
    assert not result.ok
    assert [e.code for e in result.errors] == [code]
    assert action(result.errors[0]), "every refusal says what to do"
    assert result.records.height == 0


def test_word_document_is_refused():
    buffer = io.BytesIO()
    with zipfile.ZipFile(buffer, "w") as archive:
        archive.writestr("[Content_Types].xml", "<Types/>")
        archive.writestr("word/document.xml", "<document/>")
    _, result = run(buffer.getvalue(), "verslag.xlsx")
    assert [e.code for e in result.errors] == ["not_spreadsheet"]
    assert "Word" in reason(result.errors[0])


def test_zip_bomb_named_like_xlsx_is_refused_quickly():
    bomb = zip_bomb(64)
    assert len(bomb) < 200_000
    started = time.perf_counter()
    suggestion, result = run(bomb, "monitor.xlsx")
    assert time.perf_counter() - started < 2
    assert [e.code for e in result.errors] == ["zip_refused"]
    assert "zipbom" in reason(result.errors[0])
    assert [e.code for e in suggestion.errors] == ["zip_refused"]


def test_zip_bomb_over_the_total_limit():
    _, result = run(
        zip_bomb(8), "m.xlsx", Limits(max_uncompressed_bytes=4 * 1024 * 1024, max_ratio=1e9)
    )
    assert [e.code for e in result.errors] == ["zip_refused"]
    assert "Uitgepakt" in reason(result.errors[0])


def test_zip_bomb_that_lies_about_its_size():
    bomb = lying_zip_bomb(16)
    started = time.perf_counter()
    _, result = run(bomb, "m.xlsx")
    assert time.perf_counter() - started < 2
    assert [e.code for e in result.errors] == ["zip_refused"]
    assert "groter dan het bestand zelf aangeeft" in reason(result.errors[0])


def test_file_over_the_byte_limit():
    data = csv_text(ROWS).encode()
    _, result = run(data, "x.csv", Limits(max_bytes=100))
    assert [e.code for e in result.errors] == ["file_too_large"]
    assert "Splits het bestand" in action(result.errors[0])


def test_file_over_the_byte_limit_on_disk(tmp_path):
    path = tmp_path / "groot.csv"
    path.write_bytes(csv_text(ROWS).encode())
    result = dry_run(
        path,
        suggest_mapping(path, INSTRUMENT).mapping,
        INSTRUMENT,
        secret=SECRET,
        limits=Limits(max_bytes=50),
    )
    assert [e.code for e in result.errors] == ["file_too_large"] and result.file == "groot.csv"


@pytest.mark.parametrize("kind", ["csv", "xlsx"])
def test_too_many_rows(kind):
    rows = [ROWS[0]] + [["1001", "03-02-2024", "0-meting", "2", "3", "Noord"]] * 30
    data = csv_text(rows).encode() if kind == "csv" else xlsx(rows)
    _, result = run(data, f"x.{kind}", Limits(max_rows=10))
    assert "too_many_rows" in [e.code for e in result.errors]
    assert result.records.height == 0


def test_missing_file_is_a_clear_error(tmp_path):
    result = dry_run(
        tmp_path / "weg.csv", {"instrument": LIFE_DOMAINS, "sheets": []}, INSTRUMENT, secret=SECRET
    )
    assert [e.code for e in result.errors] == ["read_failed"]


def test_workbook_reads_sheets_in_order():
    from openpyxl import Workbook

    wb = Workbook()
    wb.active.title = "Eerste"
    wb.create_sheet("Tweede")
    buffer = io.BytesIO()
    wb.save(buffer)
    book = open_workbook(buffer.getvalue(), "x.xlsx", Limits())
    assert [s.name for s in book.sheets] == ["Eerste", "Tweede"]
    assert book.sha256 and len(book.sha256) == 64
