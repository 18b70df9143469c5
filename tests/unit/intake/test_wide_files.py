"""Wide files cost linear time: issue 9 found ~60 ms per unrecognised column (a 500-column CSV
of 23 kB hung the mapping page for 35 s), because every header was matched against every known
name with a freshly compiled regular expression, and BSN/name detection ran several queries per
column. These tests pin that the fast paths give the *same* answers as the slow ones."""

from __future__ import annotations

import difflib
import random
import re

import polars as pl
from hypothesis import given, settings
from hypothesis import strategies as st

from proeftuin.core.instruments import LIFE_DOMAINS, load_instruments, normalise_name
from proeftuin.core.intake import suggest_mapping
from proeftuin.core.intake.mapping import Vocabulary, _strip_phase
from proeftuin.core.intake.safety import bsn_share, column_shares, name_like_share

INSTRUMENT = load_instruments(environ={})[LIFE_DOMAINS]
VOCAB = Vocabulary.for_instrument(INSTRUMENT)
WORDS = sorted({w for name in VOCAB.exact for w in name.split()}) + ["xyz", "kolom", "t0", "2"]


def slow_whole_words(rest: str) -> str | None:
    """The original: every known name as a regular expression, longest first."""
    for name in VOCAB._by_length:
        if len(name) >= 3 and re.search(rf"(?:^| ){re.escape(name)}(?: |$)", rest):
            return name
    return None


@settings(max_examples=300, deadline=None)
@given(st.lists(st.sampled_from(WORDS), min_size=1, max_size=6))
def test_whole_word_lookup_matches_the_regular_expressions(words):
    rest = _strip_phase(normalise_name(" ".join(words)))[0]
    assert VOCAB._whole_words(rest) == slow_whole_words(rest)


@settings(max_examples=200, deadline=None)
@given(st.text(alphabet="abcdefghijklmnoprstuvwz ", min_size=4, max_size=24))
def test_close_spelling_matches_difflib_over_all_names(rest):
    close = difflib.get_close_matches(rest, VOCAB._by_length, n=1, cutoff=0.85)
    assert VOCAB._close_spelling(rest) == (close[0] if close else None)


def test_guesses_are_computed_once_per_header(monkeypatch):
    vocab = Vocabulary(INSTRUMENT)
    calls = []
    original = vocab._guess
    monkeypatch.setattr(vocab, "_guess", lambda text: calls.append(text) or original(text))
    for _ in range(3):
        vocab.guess("Onbekende kolom 17")
    assert calls == ["Onbekende kolom 17"]


def test_column_shares_equal_the_per_column_functions():
    rng = random.Random(4)
    values = ["111222333", "123456782", "Jan de Vries", "Fatima el Amrani", "3", None, " ", "x"]
    sample = pl.DataFrame(
        {f"c{i}": [rng.choice(values) for _ in range(40)] for i in range(12)},
        schema={f"c{i}": pl.String for i in range(12)},
    )
    shares = column_shares(sample, list(sample.columns))
    for name in sample.columns:
        bsn, n = bsn_share(sample[name])
        names, distinct, count = name_like_share(sample[name])
        assert shares[name][1] == n == count
        assert abs(shares[name][0] - bsn) < 1e-9
        assert abs(shares[name][2] - names) < 1e-9 and abs(shares[name][3] - distinct) < 1e-9


def test_a_500_column_csv_gets_its_suggestion():
    headers = ["Cliëntnummer", "Wonen"] + [f"Onbekend veld {i}" for i in range(498)]
    rows = [";".join(headers)] + [";".join(["1001", "3"] + ["x"] * 498) for _ in range(10)]
    suggestion = suggest_mapping(("\n".join(rows) + "\n").encode(), INSTRUMENT, filename="b.csv")
    columns = suggestion.mapping.sheets[0].columns
    assert len(columns) == 500
    assert [c.target for c in columns[:2]] == ["client_number", "score"]
