"""The Dutch search text that both databases share: folding, stop words, stems, FTS5 safety."""

from hypothesis import given
from hypothesis import strategies as st

from proeftuin.core.learning import search


def test_plural_and_accent_meet_the_singular():
    assert search.terms("wijkteams") == search.terms("wijkteam") == ["wijkteam"]
    assert search.terms("Financiën") == search.terms("financien")


def test_stop_words_are_dropped_as_postgresql_does():
    assert search.terms("de en van het") == []
    assert "de" in search.stopwords()


def test_the_stemmer_is_postgresqls_dutch_porter():
    # PostgreSQL's dutch_stem gives these (checked against PostgreSQL 15's ts_lexize).
    assert [search.stem(w) for w in ("gezinnen", "jongeren", "schulden")] == [
        "gezinn",
        "jonger",
        "schuld",
    ]


@given(st.text(max_size=80))
def test_fts5_query_is_only_quoted_terms(text):
    query = search.fts5_query(text)
    if not query:
        return
    for part in query.split(" AND "):
        assert part.startswith('"') and part.endswith('"')
        assert '"' not in part[1:-1]


@given(st.text(max_size=200), st.text(max_size=30))
def test_highlight_keeps_the_text_and_marks_only_matching_stems(text, query):
    pieces = search.highlight(text, query, width=10_000)
    joined = "".join(p.text for p in pieces)
    assert joined == " ".join(text.split())
    wanted = set(search.terms(query))
    assert all(search.stem(p.text) in wanted for p in pieces if p.hit)
