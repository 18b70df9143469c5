"""Dutch search text: one normalisation and stemming for both database back-ends (issue 12).

PostgreSQL searches with a text search configuration ``proeftuin_dutch``: a copy of ``dutch``
whose words pass ``unaccent`` before the Dutch Snowball stemmer, so "financien" finds
"financiën" and "wijkteams" finds "wijkteam". SQLite has no Dutch stemmer, so Proeftuin stems
in Python and stores the stems in an FTS5 table. To give the same results, the Python side
copies PostgreSQL's steps:

1. lower case and strip accents (Unicode NFKD, combining marks dropped), as ``unaccent`` does;
2. drop PostgreSQL's Dutch stop words (``dutch_stopwords.txt``, the Snowball list that
   PostgreSQL ships in ``tsearch_data/dutch.stop``);
3. stem with Snowball's ``dutch_porter``, the algorithm PostgreSQL's ``dutch_stem`` uses
   (snowballstemmer 3 renamed the old Dutch stemmer; its new ``dutch`` differs).

Highlighting is done here too, on the original text, so both back-ends mark the same words.
"""

from __future__ import annotations

import re
import unicodedata
from dataclasses import dataclass
from functools import cache
from pathlib import Path

import snowballstemmer

WORD = re.compile(r"\w+", re.UNICODE)


@cache
def _stemmer():
    return snowballstemmer.stemmer("dutch_porter")


@cache
def stopwords() -> frozenset[str]:
    path = Path(__file__).with_name("dutch_stopwords.txt")
    lines = path.read_text(encoding="utf-8").splitlines()
    return frozenset(fold(w.strip()) for w in lines if w.strip() and not w.startswith("#"))


def fold(word: str) -> str:
    """Lower case without accents: "Financiën" → "financien"."""
    decomposed = unicodedata.normalize("NFKD", word.lower())
    return "".join(c for c in decomposed if not unicodedata.combining(c))


def stem(word: str) -> str:
    return _stemmer().stemWord(fold(word))


def terms(text: str) -> list[str]:
    """The stems of ``text`` in order, stop words and one-letter leftovers dropped."""
    stops = stopwords()
    out = []
    for match in WORD.finditer(text or ""):
        word = fold(match.group())
        if word in stops:
            continue
        out.append(_stemmer().stemWord(word))
    return out


def stemmed_text(text: str) -> str:
    """What the SQLite FTS5 table stores for ``text``: its stems, space separated."""
    return " ".join(terms(text))


def fts5_query(query: str) -> str:
    """An FTS5 MATCH expression: every stem must occur (as PostgreSQL's plainto_tsquery).

    Stems are quoted, so no user input is read as FTS5 syntax. Empty when nothing is left."""
    unique = list(dict.fromkeys(terms(query)))
    return " AND ".join('"' + t.replace('"', "") + '"' for t in unique)


@dataclass(frozen=True)
class Piece:
    text: str
    hit: bool


def highlight(text: str, query: str, width: int = 220) -> list[Piece]:
    """A snippet of ``text`` around the first hit, split into pieces marked when they match a
    query stem. Rendered by the template as ``<mark>`` (escaped), never as raw HTML."""
    wanted = set(terms(query))
    text = " ".join((text or "").split())
    hits = [m for m in WORD.finditer(text) if stem(m.group()) in wanted and m.group()]
    start = 0
    if hits and hits[0].start() > width // 3:
        start = text.rfind(" ", 0, hits[0].start() - width // 3) + 1
    end = min(len(text), start + width)
    if end < len(text):
        cut = text.rfind(" ", start, end)
        end = cut if cut > start else end
    pieces: list[Piece] = []
    if start > 0:
        pieces.append(Piece("… ", False))
    cursor = start
    for match in hits:
        if match.start() < start or match.end() > end:
            continue
        if match.start() > cursor:
            pieces.append(Piece(text[cursor : match.start()], False))
        pieces.append(Piece(match.group(), True))
        cursor = match.end()
    if cursor < end:
        pieces.append(Piece(text[cursor:end], False))
    if end < len(text):
        pieces.append(Piece(" …", False))
    return pieces
