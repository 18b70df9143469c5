"""Participant keys: a keyed HMAC-SHA256 of the client number; the raw number is not kept."""

from __future__ import annotations

import hmac

import polars as pl
import pytest
from hypothesis import given, settings
from hypothesis import strategies as st
from intake_builders import SECRET

from proeftuin.core.intake import participant_key, participant_keys


def test_key_is_hmac_sha256_of_the_normalised_number():
    expected = hmac.digest(SECRET, b"org-1\x1fAB123", "sha256").hex()
    assert participant_key(" ab 123 ", SECRET, scope="org-1") == expected
    assert len(expected) == 64


def test_scope_and_secret_change_the_key():
    base = participant_key("1001", SECRET)
    assert participant_key("1001", SECRET, scope="org-2") != base
    assert participant_key("1001", b"another-secret-of-enough-bytes") != base
    assert participant_key("01001", SECRET) != base, "leading zeros are kept"


def test_secret_must_be_long_enough_bytes():
    with pytest.raises(ValueError):
        participant_key("1001", b"short")
    with pytest.raises(TypeError):
        participant_key("1001", "a string secret of enough length")  # type: ignore[arg-type]


def test_raw_number_is_not_in_the_key():
    assert "123456782" not in participant_key("123456782", SECRET)


@settings(max_examples=40)
@given(st.lists(st.one_of(st.none(), st.text(max_size=12)), max_size=30))
def test_column_keys_equal_the_scalar_keys(values):
    keys = participant_keys(pl.Series("c", values, dtype=pl.String), SECRET, "s").to_list()
    for value, key in zip(values, keys, strict=True):
        if value is None or not "".join(value.split()):
            assert key is None
        else:
            assert key == participant_key(value, SECRET, "s")


def test_long_secret_uses_the_hmac_key_schedule():
    secret = b"x" * 100
    keys = participant_keys(pl.Series(["1001"]), secret)
    assert keys[0] == hmac.digest(secret, b"\x1f1001", "sha256").hex()
