"""The pure side of the portfolio import: suggestions, the help row, readable cells (issue 11)."""

from __future__ import annotations

import datetime as dt

import pytest
from hypothesis import given
from hypothesis import strategies as st
from intake_words import action, reason

from proeftuin.core import portfolio_exchange as core

TODAY = dt.date(2026, 12, 7)


@pytest.mark.parametrize(("key", "entry"), list(core.FIELDS.items()))
def test_every_field_is_suggested_for_its_own_label(key, entry):
    label, _words = entry
    assert core.suggest_field(label)[0] == key
    assert core.suggest_field(label.upper() + " :")[0] == key


@given(st.text(alphabet="xyzqj ", min_size=1, max_size=12))
def test_a_header_without_known_words_is_not_imported(header):
    assert core.suggest_field(header)[0] == core.IGNORE


def _sheet(text: bytes) -> core.SheetRows:
    parsed = core.read_portfolio(text, "p.csv")
    assert parsed.errors == []
    return parsed.sheets[0]


def test_the_templates_help_row_is_skipped_and_bad_cells_are_named():
    header = "Projectnaam;Startdatum;Bedrag\n"
    help_row = f"{core.HELP['project.name']};dd-mm-jjjj;{core.HELP['stream.amount']}\n"
    sheet = _sheet((header + help_row + "A;1-2-2025;1.500\nB;morgen;-5\n").encode())
    assert [row for row, _cells in sheet.rows] == [3, 4]
    records, errors = core.records(sheet, core.default_mapping(sheet), "p.csv", TODAY)
    assert records[0].values == {
        "project.name": "A",
        "project.start_date": "2025-02-01",
        "stream.amount": "1500.00",
    }
    assert [(e.row, e.column) for e in errors] == [(4, "B"), (4, "C")]


def test_a_field_suggested_twice_keeps_its_first_column():
    sheet = _sheet(b"Projectnaam;Naam;Gemeente\nA;B;C\n")
    assert core.default_mapping(sheet) == {
        "A": "project.name",
        "B": core.IGNORE,
        "C": "project.municipality",
    }


def test_a_sheet_over_the_row_limit_is_refused_not_cut():
    """Black-box finding: 200,000 rows were shown as 20,001 without a word."""
    from proeftuin.core.intake.safety import Limits

    body = "Projectnaam;Startdatum\n" + "".join(f"P{i};1-2-2025\n" for i in range(30))
    result = core.read_portfolio(body.encode(), "groot.csv", Limits(max_rows=20))
    assert not result.sheets
    (error,) = result.errors
    assert error.code == "too_many_rows" and error.file == "groot.csv"
    assert "20" in reason(error) and action(error) and "20 rows" in reason(error, "en")
