"""The extents read from the archive before any reader runs, and the streamed rows after it."""

from __future__ import annotations

import io
import zipfile

import python_calamine
from hostile_files import ods_normal, ods_with_table, xlsx_with_sheet

from proeftuin.core.intake import Limits
from proeftuin.core.intake.prescan import ods_extents, xlsx_extent
from proeftuin.core.intake.readers import open_workbook

SHEET = "xl/worksheets/sheet1.xml"


def xlsx_extent_of(body: str):
    archive = zipfile.ZipFile(io.BytesIO(xlsx_with_sheet(body)))
    return xlsx_extent(archive, SHEET, "Blad1")


def test_xlsx_extent_is_the_last_row_and_column_of_any_cell():
    extent = xlsx_extent_of(
        '<row r="1"><c r="A1"><v>1</v></c></row><row r="3"><c r="AB2"><v>1</v></c>'
        '<c r="C7" t="s"><v>0</v></c></row>'
    )
    assert (extent.rows, extent.columns, extent.cells) == (7, 28, 3)


def test_xlsx_cells_without_a_reference_are_counted_by_position():
    cells = "<c><v>1</v></c>" * 600
    extent = xlsx_extent_of(f"<row>{cells}</row><row><c><v>1</v></c></row>")
    assert (extent.rows, extent.columns, extent.cells) == (2, 600, 601)


def test_xlsx_with_a_namespace_prefix_is_scanned_too():
    body = '<x:row r="5"><x:c r="Z5"><x:v>1</x:v></x:c></x:row>'
    extent = xlsx_extent_of(body)
    assert (extent.rows, extent.columns) == (5, 26)


def test_xlsx_single_quotes_and_spaces_cannot_hide_a_far_cell():
    extent = xlsx_extent_of("<row r = '1'><c r='XFD1048576'><v>1</v></c></row>")
    assert (extent.rows, extent.columns) == (1_048_576, 16_384)
    extent = xlsx_extent_of('<row><c r="B2"><v>1</v></c><c r = "XFD3"><v>1</v></c></row>')
    assert (extent.rows, extent.columns) == (3, 16_384)
    extent = xlsx_extent_of('<row><c r="&#88;FD7"><v>1</v></c></row>')  # X as a reference
    assert (extent.rows, extent.columns) == (7, 16_384)


def test_ods_extent_sums_repetitions_and_ignores_trailing_empties():
    (extent,) = ods_extents(zipfile.ZipFile(io.BytesIO(ods_normal(5))))
    assert (extent.rows, extent.columns, extent.cells) == (6, 2, 12)


def test_ods_rows_inside_groups_and_repeated_filled_cells():
    filled = '<table:table-cell office:value-type="float" office:value="1"/>'
    table = (
        "<table:table-row-group>"
        f'<table:table-row table:number-rows-repeated="10">{filled}</table:table-row>'
        "</table:table-row-group>"
        '<table:table-row table:number-rows-repeated="5"><table:table-cell/></table:table-row>'
        f'<table:table-row><table:table-cell table:number-columns-repeated="3"/>{filled}'
        "</table:table-row>"
    )
    (extent,) = ods_extents(zipfile.ZipFile(io.BytesIO(ods_with_table(table))))
    assert (extent.rows, extent.columns, extent.cells) == (16, 4, 11)


def test_streamed_rows_equal_the_whole_sheet_from_a1():
    data = xlsx_with_sheet(
        '<row r="3"><c r="C3"><v>1</v></c><c r="D3"><v>2</v></c></row>'
        '<row r="5"><c r="B5" t="inlineStr"><is><t>x</t></is></c></row>'
    )
    whole = python_calamine.CalamineWorkbook.from_filelike(io.BytesIO(data))
    expected = whole.get_sheet_by_name("Blad1").to_python(skip_empty_area=False)
    sheet = open_workbook(data, "f.xlsx", Limits()).sheets[0]
    frame = sheet.frame(0, 4, Limits())
    got = [[row[f"c{i}"] for i in range(4)] for row in frame.iter_rows(named=True)]
    want = [[str(int(v)) if isinstance(v, float) else (v or None) for v in row] for row in expected]
    assert got == want
    assert frame["__row"].to_list() == [1, 2, 3, 4, 5]
