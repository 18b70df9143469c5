"""Flesch-Douma reading ease (core/readability.py): syllables, sentences, the formula, B1."""

from __future__ import annotations

import pytest

from proeftuin.core import readability


@pytest.mark.parametrize(
    ("word", "count"),
    [
        ("zelfredzaamheid", 4),
        ("bijdrage", 3),
        ("leefgebied", 3),
        ("de", 1),
        ("huis", 1),
        ("financiering", 4),
        ("Wijk", 1),
    ],
)
def test_syllables_are_vowel_groups_with_ij_as_one(word, count):
    assert readability.syllables(word) == count


def test_the_formula_is_douma_on_a_counted_example():
    # 2 sentences, 8 words, 10 syllables: Wat doet het project? Het helpt mensen thuis.
    found = readability.measure("Wat doet het project? Het helpt mensen thuis.")
    assert (found.words, found.sentences, found.syllables) == (8, 2, 10)
    expected = 206.84 - 0.77 * (100 * 10 / 8) - 0.93 * (8 / 2)
    assert found.ease == pytest.approx(expected)
    assert found.is_b1


def test_long_sentences_of_long_words_are_not_b1():
    hard = (
        "De verduurzamingsmogelijkheden van het innovatieprogramma worden geoperationaliseerd "
        "binnen de bestuurlijke besluitvormingscyclus van de gemeentelijke organisatie, waarbij "
        "structurele financieringsconstructies en cofinancieringsafspraken worden geïnventariseerd."
    )
    found = readability.measure(hard)
    assert found.ease < readability.B1_MIN_EASE
    assert not found.is_b1


def test_numbers_are_not_words_and_headings_count_as_sentences():
    found = readability.measure(["Projecten", "Er zijn 12 projecten."])
    assert (found.words, found.sentences) == (4, 2)
    assert readability.measure("").ease == 100.0
