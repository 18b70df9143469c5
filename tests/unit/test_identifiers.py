"""The identifier guard (issue 8, item 5): one normalisation before the 11-test, and free text
checked for BSN, e-mail, phone, IBAN, address and names."""

from __future__ import annotations

import polars as pl
import pytest

from proeftuin.core.identifiers import (
    bsn_expr,
    bsn_share_normalised,
    find_identifiers,
    identifier_kinds,
    looks_like_bsn,
    surnames,
)

#: 111222333 passes the 11-test. Each spelling below got through the old client-number check
#: (or was never checked at all); at least 15 (issue 8 bar).
BSN_SPELLINGS = [
    "111222333",
    "111.222.333",
    "111-222-333",
    "111 222 333",
    "BSN111222333",
    "BSN 111222333",
    "BSN: 111.222.333",
    "bsn-nummer 111-222-333",
    "NL111222333",
    "NL-111.222.333",
    "１１１２２２３３３",
    "ＢＳＮ１１１.２２２.３３３",
    "111222333A",
    "111/222/333",
    "111_222_333",
    "111\u00a0222\u00a0333",
    "1 1 1 2 2 2 3 3 3",
]

#: Found by a black-box attack on the demo (issue 8): other scripts' digits, an invisible
#: zero-width space, and the BSN padded with a leading zero (in free text that last one reads as
#: a phone number, and is refused as such).
ATTACK_SPELLINGS = [
    "\u0661\u0661\u0661\u0662\u0662\u0662\u0663\u0663\u0663",
    "111\u200b222333",
    "0111222333",
]


@pytest.mark.parametrize("spelling", ATTACK_SPELLINGS)
def test_the_attack_spellings_are_a_bsn_too(spelling):
    assert looks_like_bsn(spelling)
    assert identifier_kinds(f"Mevrouw vertelde: {spelling}, daarna ging het beter.")


NOT_BSN = ["111222334", "AB-123", "T-00001", "12345678", "2024-03-12", "0612345678", ""]


@pytest.mark.parametrize("spelling", BSN_SPELLINGS)
def test_every_spelling_of_a_bsn_is_caught(spelling):
    assert looks_like_bsn(spelling)
    assert pl.select(bsn_expr(pl.lit(spelling))).item() is True
    assert "bsn" in identifier_kinds(f"Mevrouw vertelde: {spelling}, daarna ging het beter.")


@pytest.mark.parametrize("value", NOT_BSN)
def test_client_numbers_and_dates_are_not_a_bsn(value):
    assert not looks_like_bsn(value)
    assert pl.select(bsn_expr(pl.lit(value, dtype=pl.String))).item() is False


def test_column_share_counts_dotted_bsns():
    share, n = bsn_share_normalised(pl.Series(["111.222.333", "BSN 123456782", "100000009"]))
    assert (share, n) == (1.0, 3)


@pytest.mark.parametrize(
    ("text", "kind"),
    [
        ("Mail naar jan.jansen@example.nl als het nodig is", "email"),
        ("Bel haar op 06-12345678", "phone"),
        ("Bereikbaar via +31 6 1234 5678", "phone"),
        ("Vast nummer 010 123 4567", "phone"),
        ("Huur gaat van NL91 ABNA 0417 1643 00 af", "iban"),
        ("Woont op 3511 AB 12 bij de kerk", "address"),
        ("Woont in de Dorpsstraat 12a sinds maart", "address"),
        ("BSN 111222333, Jansen", "name"),
        ("Het gesprek met mevrouw Bakker ging goed", "name"),
        ("Samen met J. Visser naar de schuldhulp", "name"),
        ("De buurvrouw, de Vries, hielp mee", "name"),
        ("Yilmaz kwam op tijd", "name"),
    ],
)
def test_free_text_identifiers_are_found(text, kind):
    assert kind in identifier_kinds(text)
    # The hint never repeats the identifier itself.
    for finding in find_identifiers(text):
        assert len(finding.hint) <= 3


@pytest.mark.parametrize(
    "text",
    [
        "Het gaat beter met de schulden.",
        "Op 12-03-2025 kreeg zij de sleutel van een eigen huis.",
        "De bakker op de hoek gaf werk; de koning van de buurt.",
        "Groen licht van de woningcorporatie, 1200 euro schuld afgelost.",
        "Sinds 2024 drie keer per week naar school, 5 van de 7 dagen.",
        "Een IBAN-achtig NL00 ABNA 0000 0000 00 zonder geldige controle.",
    ],
)
def test_ordinary_text_passes(text):
    assert identifier_kinds(text) == []


def test_the_surname_list_ships_with_the_code():
    names = surnames()
    assert len(names) >= 200 and "de Vries" in names and "Jansen" in names


@pytest.mark.parametrize(
    "text",
    [
        "Mail mij via jan[at]example.nl voor meer.",
        "Schrijf naar jan punt jansen apenstaartje example punt nl.",
        "jan (at) example dot nl",
        "e-mail jan\u200b@example.nl",
    ],
)
def test_an_e_mail_address_written_out_is_caught(text):
    assert "email" in identifier_kinds(text)


@pytest.mark.parametrize(
    "text",
    ["We gaan om 3 uur at home. Daarna punt.", "Kom om 10.30 uur op het stadhuis."],
)
def test_ordinary_sentences_with_at_and_punt_are_not_an_e_mail_address(text):
    assert "email" not in identifier_kinds(text)


def test_import_cells_with_other_scripts_and_padding_are_caught_vectorised():
    import polars as pl

    from proeftuin.core.identifiers import bsn_series

    cells = pl.Series(
        "c",
        [
            "\u0661\u0661\u0661\u0662\u0662\u0662\u0663\u0663\u0663",
            "111\u200b222333",
            "0111222333",
            "T-00001",
        ],
    )
    assert bsn_series(cells).to_list() == [True, True, True, False]


def _elfproef_dates() -> list[str]:
    """Every calendar date of 2024–2026 whose eight digits pass the 11-test (about one in eleven),
    in the ISO and the Dutch spelling."""
    import datetime

    from proeftuin.core.intake.safety import passes_elfproef

    day, found = datetime.date(2024, 1, 1), []
    while day.year < 2027:
        if passes_elfproef(day.strftime("%Y%m%d")):
            found += [day.isoformat(), day.strftime("%d-%m-%Y"), day.strftime("%Y/%m/%d")]
        day += datetime.timedelta(days=1)
    return found


def test_a_date_whose_digits_pass_the_11_test_is_not_a_bsn():
    """Black-box finding: a column of ``2025-01-01`` was refused as a BSN column, because
    20250101 passes the 11-test. A calendar date is a date, in a cell as in free text."""
    dates = _elfproef_dates()
    assert "2025-01-01" in dates  # the reported day, as a positive control of the setup
    assert not [d for d in dates if looks_like_bsn(d)]
    flagged = pl.Series("datum", dates).to_frame().select(bsn_expr(pl.col("datum"))).to_series()
    assert not flagged.any()
    # A BSN written with the same separators but not as a valid date is still caught.
    assert looks_like_bsn("1112-22-333") and looks_like_bsn("0111-22-2333")
