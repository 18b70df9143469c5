"""Self-report rules (issue 13, item 3): tokens stored as digests, link states, the rate limit
and the comparison of the participant's own rating with the professional's."""

from __future__ import annotations

from datetime import UTC, datetime, timedelta

from hypothesis import given
from hypothesis import strategies as st

from proeftuin.core import selfreport as sr

NOW = datetime(2026, 3, 2, 12, 0, tzinfo=UTC)


def test_a_token_is_random_and_only_its_digest_matches():
    a, b = sr.new_token(), sr.new_token()
    assert a != b
    assert sr.plausible_token(a)
    digest = sr.token_digest(a)
    assert a not in digest and len(digest) == 64
    assert sr.same_digest(a, digest)
    assert not sr.same_digest(b, digest)


def test_implausible_tokens_are_refused_before_any_lookup():
    assert not sr.plausible_token("")
    assert not sr.plausible_token("short")
    assert not sr.plausible_token("a" * 20 + "/../")
    assert not sr.plausible_token("x" * 65)


def test_expiry_is_clamped_to_one_to_fourteen_days():
    assert sr.expiry(NOW, 0) == NOW + timedelta(days=1)
    assert sr.expiry(NOW, 5) == NOW + timedelta(days=5)
    assert sr.expiry(NOW, 365) == NOW + timedelta(days=sr.MAX_VALID_DAYS)


def test_link_states():
    later = NOW + timedelta(days=1)
    assert sr.link_state(now=NOW, expires_at=later, used_at=None, opens=0) == sr.LinkState.VALID
    assert sr.link_state(now=later, expires_at=later, used_at=None, opens=0) == "expired"
    # Used wins over expired: the clearest message for the participant.
    assert sr.link_state(now=later, expires_at=NOW, used_at=NOW, opens=0) == "used"
    assert sr.link_state(now=NOW, expires_at=later, used_at=None, opens=sr.MAX_OPENS) == "locked"


def test_rate_limit():
    assert not sr.too_many_failures(sr.MAX_TOKEN_FAILURES - 1)
    assert sr.too_many_failures(sr.MAX_TOKEN_FAILURES)
    # The per-address budget for unknown tokens is the generous one.
    assert sr.MAX_UNKNOWN_PER_CLIENT > sr.MAX_TOKEN_FAILURES
    assert not sr.too_many_unknown(sr.MAX_UNKNOWN_PER_CLIENT - 1)
    assert sr.too_many_unknown(sr.MAX_UNKNOWN_PER_CLIENT)


def test_valid_days():
    assert [d for d in range(-1, 20) if sr.valid_days(d)] == list(range(1, sr.MAX_VALID_DAYS + 1))


def test_compare_kinds():
    rows = sr.compare(
        ["a", "b", "c", "d", "e"],
        {"a": 3, "b": 2, "c": None, "d": 4},
        {"a": 3, "b": 4, "c": 2, "e": 1},
    )
    got = {r.item: (r.agreement, r.gap) for r in rows}
    assert got == {
        "a": ("same", 0),
        "b": ("different", 2),
        "c": ("unknown", None),
        "d": ("missing", None),
        "e": ("missing", None),
    }


ratings = st.one_of(st.none(), st.integers(min_value=1, max_value=5))


@given(
    st.dictionaries(st.sampled_from("abcdef"), ratings),
    st.dictionaries(st.sampled_from("abcdef"), ratings),
)
def test_compare_never_turns_unknown_into_a_number(professional, participant):
    rows = sr.compare("abcdef", professional, participant)
    assert [r.item for r in rows] == list("abcdef")
    for r in rows:
        if r.gap is not None:
            assert r.professional is not None and r.participant is not None
            assert r.gap == r.participant - r.professional
            assert (r.agreement == "same") == (r.gap == 0)
        else:
            assert r.agreement in ("unknown", "missing")


@given(st.lists(st.sampled_from([*sr.SUPPORT, "bogus", "admin"])))
def test_clean_support_keeps_known_names_in_order(values):
    cleaned = sr.clean_support(values)
    assert set(cleaned) == set(values) & set(sr.SUPPORT)
    assert cleaned == [s for s in sr.SUPPORT if s in cleaned]
