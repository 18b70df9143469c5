"""Every import cell passes the identifier guard, not only the headers (issue 8, item 5)."""

from __future__ import annotations

import sys
from pathlib import Path

from intake_builders import SECRET, TODAY, csv_text
from intake_words import reason

from proeftuin.core.instruments import LIFE_DOMAINS, load_instruments
from proeftuin.core.intake import dry_run, suggest_mapping

sys.path.insert(0, str(Path(__file__).resolve().parents[1]))
from test_identifiers import BSN_SPELLINGS  # noqa: E402

INSTRUMENT = load_instruments(environ={})[LIFE_DOMAINS]
HEADER = ["Cliëntnummer", "Huishoudnummer", "Datum", "Fase", "Wonen", "Verhaal"]


def _run(rows):
    data = csv_text([HEADER, *rows]).encode()
    mapping = suggest_mapping(data, INSTRUMENT, filename="cellen.csv").mapping
    by_header = {c.header: c.target for c in mapping.sheets[0].columns}
    assert by_header["Cliëntnummer"] == "client_number"
    assert by_header["Verhaal"] == "story"
    return dry_run(data, mapping, INSTRUMENT, secret=SECRET, filename="cellen.csv", today=TODAY)


def _clean_rows(n: int) -> list[list[str]]:
    return [[f"C-{i:04d}", f"H-{i}", "03-02-2024", "0-meting", "3", ""] for i in range(n)]


def test_a_bsn_in_any_spelling_in_a_client_number_cell_is_refused():
    # Mostly ordinary client numbers, so the column is not flagged as a whole: each cell counts.
    rows = _clean_rows(40)
    for i, spelling in enumerate(BSN_SPELLINGS):
        rows[i][0] = spelling
    result = _run(rows)
    refused = {e.row for e in result.errors if e.code == "identifier_bsn" and e.column == "A"}
    assert refused == set(range(2, 2 + len(BSN_SPELLINGS)))
    for error in result.errors:
        assert "111" not in reason(error), "the message never repeats the number"


def test_a_bsn_in_a_household_cell_is_refused():
    rows = _clean_rows(40)
    for i, spelling in enumerate(BSN_SPELLINGS):
        rows[i][1] = spelling
    result = _run(rows)
    refused = {e.row for e in result.errors if e.code == "identifier_bsn" and e.column == "B"}
    assert refused == set(range(2, 2 + len(BSN_SPELLINGS)))


def test_identifiers_in_a_story_cell_are_refused():
    rows = _clean_rows(40)
    for i, spelling in enumerate(BSN_SPELLINGS):
        rows[i][5] = f"Gesprek gehad, {spelling}, het gaat beter."
    rows[30][5] = "BSN 111222333, Jansen"
    rows[31][5] = "Mail: fam@example.nl"
    rows[32][5] = "Het gaat beter met de schulden."
    result = _run(rows)
    refused = {e.row for e in result.errors if e.code == "text_identifier"}
    assert refused == set(range(2, 2 + len(BSN_SPELLINGS))) | {32, 33}
