"""Cell parsers: Dutch dates and numbers, words for yes/no/unknown, formulas, the 11-test."""

from __future__ import annotations

import datetime as dt

import polars as pl
import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from proeftuin.core.intake import column_index, column_letter, passes_elfproef
from proeftuin.core.intake import parsing as P
from proeftuin.core.intake.safety import bsn_share, elfproef_expr, looks_like_name

TODAY = dt.date(2025, 6, 1)


@pytest.mark.parametrize(
    ("text", "expected"),
    [
        ("03-02-2024", dt.date(2024, 2, 3)),
        ("3-2-24", dt.date(2024, 2, 3)),
        ("03/02/2024", dt.date(2024, 2, 3)),
        ("3.2.2024", dt.date(2024, 2, 3)),
        ("2024-02-03", dt.date(2024, 2, 3)),
        ("2024-02-03T12:30:00", dt.date(2024, 2, 3)),
        ("2024-02-03 00:00:00", dt.date(2024, 2, 3)),
        ("2024/2/3", dt.date(2024, 2, 3)),
        ("3 maart 2024", dt.date(2024, 3, 3)),
        ("3-mrt-24", dt.date(2024, 3, 3)),
        ("3 Oct 2024", dt.date(2024, 10, 3)),
        ("45352", dt.date(2024, 3, 1)),  # an Excel serial day number
        ("45352,5", dt.date(2024, 3, 1)),
        ("26-6-26", dt.date(2026, 6, 26)),  # up to next year's two digits: this century
        ("27-6-27", dt.date(1927, 6, 27)),
        ("31-02-2024", None),
        ("13-13-2024", None),
        ("2024", None),
        ("morgen", None),
        ("3 brumaire 2024", None),
    ],
)
def test_dates(text, expected):
    assert P.date_text(text, TODAY) == expected


@pytest.mark.parametrize(
    ("text", "expected"),
    [
        ("3", 3.0),
        ("3,5", 3.5),
        ("3.5", 3.5),
        ("1.234", 1234.0),
        ("1.234,5", 1234.5),
        ("1,234.5", 1234.5),
        ("12 345", 12345.0),
        ("-2", -2.0),
        (",5", 0.5),
        ("4,0", 4.0),
        ("abc", None),
        ("1e5", None),
        ("3,5,1", None),
        ("", None),
    ],
)
def test_numbers(text, expected):
    assert P.number_text(text) == expected


def test_words():
    assert P.bool_text("Ja") is True and P.bool_text("x") is True and P.bool_text("NEE") is False
    assert P.bool_text("misschien") is None
    assert P.is_unknown_word("Onbekend") and P.is_unknown_word("?")
    assert P.is_empty_word("n.v.t.") and P.is_empty_word("-")
    assert P.clean_text("  \u00a0 ") is None and P.clean_text(" a ") == "a"


@pytest.mark.parametrize(
    ("text", "formula"),
    [
        ("=SUM(A1:A3)", True),
        ("=1+1", True),
        ("@SUM(A1)", True),
        ("+HYPERLINK(x)", True),
        ("-3", False),
        ("- ging goed", False),
        ("+31 6 1234", False),
        ("3=3", False),
    ],
)
def test_formulas(text, formula):
    assert P.is_formula_text(text) is formula
    assert pl.select(P.is_formula(pl.lit(text))).item() is formula


@given(st.text(max_size=40))
def test_parsers_never_raise(text):
    P.number_text(text)
    P.date_text(text, TODAY)
    P.bool_text(text)
    P.is_formula_text(text)


@pytest.mark.parametrize(
    ("number", "valid"),
    [
        ("111222333", True),
        ("123456782", True),
        ("123456789", False),
        ("000000000", False),
        ("12345678", False),
        ("1234567890", False),
        ("abcdefghi", False),
        (" 111222333 ", True),
    ],
)
def test_elfproef(number, valid):
    assert passes_elfproef(number) is valid
    assert pl.select(elfproef_expr(pl.lit(number))).item() is valid


@settings(max_examples=40)
@given(st.integers(min_value=0, max_value=999_999_999))
def test_vectorised_elfproef_matches_the_scalar_one(n):
    text = str(n).zfill(9)
    assert pl.select(elfproef_expr(pl.lit(text))).item() == passes_elfproef(text)


def test_bsn_share_counts_non_empty_values():
    share, n = bsn_share(pl.Series(["111222333", "123456782", None, "", "42"]))
    assert n == 3 and share == pytest.approx(2 / 3)


@pytest.mark.parametrize(
    ("text", "name"),
    [
        ("Jan de Vries", True),
        ("Fatima el Amrani", True),
        ("J.P. van der Berg", True),
        ("de Vries, Jan", True),
        ("Noord", False),
        ("wonen", False),
        ("1001", False),
        ("Het gaat beter met de schulden.", False),
    ],
)
def test_name_shapes(text, name):
    assert looks_like_name(text) is name


@given(st.integers(min_value=0, max_value=20_000))
def test_column_letters_round_trip(index):
    assert column_index(column_letter(index)) == index


def test_column_letters():
    assert [column_letter(i) for i in (0, 25, 26, 27, 701, 702)] == [
        "A",
        "Z",
        "AA",
        "AB",
        "ZZ",
        "AAA",
    ]


def test_distinct_lookup_keeps_order_and_nulls():
    frame = pl.DataFrame({"c": ["2", None, "x", "2", " 3 "]})
    seen = []

    def parse(value):
        seen.append(value)
        number = P.number_text(value.strip()) if value else None
        return (number, None if number is not None or value is None else "bad")

    out = P.distinct_lookup(frame, "c", parse, {"n": pl.Float64(), "code": pl.String()})
    assert out["n"].to_list() == [2.0, None, None, 2.0, 3.0]
    assert out["code"].to_list() == [None, None, "bad", None, None]
    assert len(seen) == 4, "each distinct value parsed once"
