"""How easy a Dutch text is to read: the Flesch-Douma reading ease and the sentence length.

The formula is Douma's adaptation of Flesch's reading ease (R. Flesch, "A new readability
yardstick", *Journal of Applied Psychology* 32 (1948) 221-233) to Dutch (W.H. Douma, *De
leesbaarheid van landbouwbladen*, Landbouwhogeschool Wageningen, 1960)::

    reading ease = 206.84 - 0.77 * (syllables per 100 words) - 0.93 * (words per sentence)

Higher is easier. Douma's bands: 0-30 very hard, 30-45 hard, 45-60 fairly hard, 60-70 normal,
70-80 fairly easy, 80-90 easy, 90-100 very easy. Plain-language (B1) writing advice asks for
short sentences (a rule of thumb is at most 15 words on average) and short, common words; a text
that scores "normal" (60) or better and keeps sentences that short is what this project calls B1. No formula proves a text is B1: it catches long sentences and long words, which
are what makes most interface text hard. See docs/language.md.

Syllables are counted as vowel groups (``ij`` counts as one vowel), which is close for Dutch
because its spelling is regular; numbers and symbols are not words.
"""

from __future__ import annotations

import re
from dataclasses import dataclass

#: B1 as this project checks it (see the module docstring).
B1_MIN_EASE = 60.0
B1_MAX_WORDS_PER_SENTENCE = 15.0

_WORD = re.compile(r"[^\W\d_]+(?:[-'’][^\W\d_]+)*")
_SENTENCE_END = re.compile(r"[.!?:;]+(?=\s|$)|\n\s*\n")
_VOWEL_GROUP = re.compile(r"[aeiouyàáâäèéêëìíîïòóôöùúûü]+")


@dataclass(frozen=True)
class Readability:
    words: int
    sentences: int
    syllables: int

    @property
    def words_per_sentence(self) -> float:
        return self.words / self.sentences if self.sentences else 0.0

    @property
    def syllables_per_100_words(self) -> float:
        return 100 * self.syllables / self.words if self.words else 0.0

    @property
    def ease(self) -> float:
        """Flesch-Douma reading ease (higher is easier)."""
        if not self.words:
            return 100.0
        return 206.84 - 0.77 * self.syllables_per_100_words - 0.93 * self.words_per_sentence

    @property
    def is_b1(self) -> bool:
        return self.ease >= B1_MIN_EASE and self.words_per_sentence <= B1_MAX_WORDS_PER_SENTENCE


def syllables(word: str) -> int:
    """Vowel groups in a Dutch word, at least one: ``zelfredzaamheid`` → 4, ``bijdrage`` → 3."""
    lowered = word.lower().replace("ij", "y")
    return max(len(_VOWEL_GROUP.findall(lowered)), 1)


def words(text: str) -> list[str]:
    return _WORD.findall(text)


def sentences(text: str) -> list[str]:
    """Sentences (and headings or list items ending without a full stop) that hold a word."""
    parts = _SENTENCE_END.split(text)
    return [part for part in parts if words(part)]


def measure(texts: list[str] | str) -> Readability:
    """Readability of a text, or of several (a heading, a paragraph, a list item each)."""
    if isinstance(texts, str):
        texts = [texts]
    found = [word for text in texts for sentence in sentences(text) for word in words(sentence)]
    count = sum(len(sentences(text)) for text in texts)
    return Readability(
        words=len(found), sentences=count, syllables=sum(syllables(w) for w in found)
    )
