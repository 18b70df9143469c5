"""Reading the report's HTML into document blocks (``proeftuin.core.documents``)."""

from __future__ import annotations

import base64
import html

from hypothesis import given
from hypothesis import strategies as st

from proeftuin.core.documents import (
    Figure,
    Heading,
    ListBlock,
    Paragraph,
    Run,
    Table,
    blocks_from_html,
)

REPORT = """<!DOCTYPE html><html lang="nl"><head><title>Niet in het document</title>
<style>h1 { color: red }</style></head><body><main>
<header><p class="report-kicker">Proeftuin</p><h1>Eén gezin</h1></header>
<section><h2>Het project</h2><p>Regel één<br>regel <strong>twee</strong> en <em>drie</em></p>
<dl><dt>Doelgroep</dt><dd>Gezinnen</dd><dt>Wijken</dt><dd>—</dd></dl>
<table><thead><tr><th scope="col">Regeling</th><th scope="col">Bedrag</th></tr></thead>
<tbody><tr><th scope="row">Fonds &amp; co</th><td class="num">€ 240.000</td></tr></tbody></table>
<p class="report-warning">Ontbrekend draagvlak</p>
<figure><img src="data:image/svg+xml;base64,PHN2Zy8+" alt="Grafiek"><figcaption>Per jaar</figcaption></figure>
<ol><li>Eerst</li><li>Dan <span class="pt-visually-hidden">verborgen</span></li></ol>
<blockquote><p>Een verhaal</p></blockquote>
<form><button>Afvinken</button></form>
</section></main></body></html>"""


def test_the_report_becomes_headings_paragraphs_tables_figures_and_lists():
    blocks = blocks_from_html(REPORT)
    assert blocks[0] == Paragraph((Run("Proeftuin"),))
    assert blocks[1] == Heading(1, "Eén gezin")
    assert blocks[2] == Heading(2, "Het project")
    assert blocks[3].runs == (
        Run("Regel één\nregel "),
        Run("twee", bold=True),
        Run(" en "),
        Run("drie", italic=True),
    )
    assert blocks[4] == Paragraph((Run("Doelgroep: ", bold=True), Run("Gezinnen")))
    table = blocks[6]
    assert isinstance(table, Table) and table.header_rows == 1
    assert [c.text for c in table.rows[1]] == ["Fonds & co", "€ 240.000"]
    assert table.rows[1][0].header and table.rows[1][1].numeric
    assert blocks[7].kind == "warning"
    figure = blocks[8]
    assert isinstance(figure, Figure)
    assert (figure.image, figure.mime, figure.alt, figure.caption) == (
        b"<svg/>",
        "image/svg+xml",
        "Grafiek",
        "Per jaar",
    )
    assert blocks[9] == ListBlock(("Eerst", "Dan"), ordered=True)
    assert blocks[10] == Paragraph((Run("Een verhaal"),), "quote")
    text = " ".join(getattr(b, "text", "") for b in blocks)
    assert "Niet in het document" not in text and "Afvinken" not in text
    assert len(blocks) == 11


def test_an_image_that_is_not_a_data_url_is_left_out():
    blocks = blocks_from_html('<p>Zie <img src="https://example.org/x.png" alt="logo"></p>')
    assert blocks == [Paragraph((Run("Zie logo"),))]


cell_text = st.text(
    alphabet=st.characters(blacklist_categories=("Cs", "Cc", "Zs", "Zl", "Zp")), min_size=1
)


@given(st.lists(st.lists(cell_text, min_size=1, max_size=4), min_size=1, max_size=5))
def test_table_cells_survive_escaping(rows):
    """Whatever a cell holds (ampersands, angle brackets, accents), it comes back as written."""
    body = "".join(
        "<tr>" + "".join(f"<td>{html.escape(c)}</td>" for c in row) + "</tr>" for row in rows
    )
    (table,) = blocks_from_html(f"<table><tbody>{body}</tbody></table>")
    assert [[c.text for c in row] for row in table.rows] == rows


@given(st.binary(min_size=1, max_size=200))
def test_figure_bytes_round_trip(data):
    src = "data:image/png;base64," + base64.b64encode(data).decode()
    (figure,) = blocks_from_html(f'<figure><img src="{src}" alt="x"></figure>')
    assert figure.image == data and figure.mime == "image/png"
