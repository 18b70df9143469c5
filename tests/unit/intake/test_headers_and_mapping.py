"""Header detection (title rows, two-row merged headers) and mapping suggestions."""

from __future__ import annotations

import json

import pytest

from proeftuin.core.instruments import LIFE_DOMAINS, load_instruments
from proeftuin.core.intake import BASELINE, END, INTERIM, ColumnMapping, Mapping, SheetMapping
from proeftuin.core.intake.headers import detect_layout
from proeftuin.core.intake.mapping import (
    Vocabulary,
    end_reason_of,
    phase_of,
    resolve_phase_values,
    sensitive_by_header,
)

INSTRUMENT = load_instruments(environ={})[LIFE_DOMAINS]
VOCAB = Vocabulary(INSTRUMENT)


def test_header_below_title_rows():
    rows = [
        ["Monitor 2024", None, None],
        ["Ingevuld door team Noord", None, None],
        [None, None, None],
        ["Cliëntnummer", "Datum", "Wonen"],
        ["1001", "03-02-2024", "3"],
    ]
    layout = detect_layout(rows, VOCAB.known)
    assert layout.header_row == 3 and layout.group_row is None
    assert [c.label for c in layout.columns] == ["Cliëntnummer", "Datum", "Wonen"]


def test_two_row_header_with_merged_groups():
    rows = [
        ["Titel", None, None, None, None, None],
        ["Cliëntnummer", "0-meting", None, "Eindmeting", None, "Verhaal"],
        [None, "Datum", "Wonen", "Datum", "Wonen", None],
        ["1001", "03-02-2024", "2", "03-09-2024", "4", "Beter"],
    ]
    merged = [((1, 1), (1, 2)), ((1, 3), (1, 4)), ((1, 0), (2, 0)), ((1, 5), (2, 5))]
    layout = detect_layout(rows, VOCAB.known, merged)
    assert (layout.header_row, layout.group_row) == (2, 1)
    assert [c.label for c in layout.columns] == [
        "Cliëntnummer",
        "0-meting / Datum",
        "0-meting / Wonen",
        "Eindmeting / Datum",
        "Eindmeting / Wonen",
        "Verhaal",
    ]


def test_two_row_header_without_merge_information_carries_groups_right():
    rows = [
        ["Cliëntnummer", "Wijk", "T0", None, "T1", None],
        [None, None, "Datum", "Wonen", "Datum", "Wonen"],
        ["1001", "Noord", "03-02-2024", "2", "03-09-2024", "4"],
    ]
    layout = detect_layout(rows, VOCAB.known)
    assert [c.label for c in layout.columns] == [
        "Cliëntnummer",
        "Wijk",
        "T0 / Datum",
        "T0 / Wonen",
        "T1 / Datum",
        "T1 / Wonen",
    ]


def test_a_title_above_the_header_is_not_a_group_row():
    rows = [["Overzicht deelnemers", None], ["Cliëntnummer", "Wonen"], ["1", "2"]]
    layout = detect_layout(rows, VOCAB.known)
    assert layout.header_row == 1 and layout.group_row is None


def test_no_header_in_a_sheet_of_notes():
    assert detect_layout([["Alleen een toelichting."], ["Nog een zin."]], VOCAB.known) is None


@pytest.mark.parametrize(
    ("header", "target", "item", "phase"),
    [
        ("Cliëntnummer", "client_number", None, None),
        ("client id", "client_number", None, None),
        ("Datum 0-meting", "measured_on", None, BASELINE),
        ("baseline date", "measured_on", None, BASELINE),
        ("Wonen", "score", "housing", None),
        ("Housing", "score", "housing", None),
        ("Wonen T0", "score", "housing", BASELINE),
        ("Eindmeting / Financiën", "score", "finances", END),
        ("Score geestelijke gezondheid", "score", "mental_health", None),
        ("Fase", "phase", None, None),
        ("meetmoment", "phase", None, None),
        ("Aantal hulpverleners", "professionals", None, None),
        ("professionals", "professionals", None, None),
        ("OTS", "supervision_order", None, None),
        ("Uithuisplaatsing", "out_of_home_placement", None, None),
        ("Huisuitzetting", "eviction", None, None),
        ("Wijk", "neighbourhood", None, None),
        ("Geboortejaar", "birth_year", None, None),
        ("Leeftijd", "age", None, None),
        ("Verhaal", "story", None, None),
        ("Toestemming", "consent", None, None),
        ("Leefgebied", "item", None, None),
        ("Reden einde traject", "end_reason", None, None),
        ("Finacien", "score", "finances", None),  # a typo
    ],
)
def test_suggestions_from_dutch_and_english_headers(header, target, item, phase):
    guess = VOCAB.guess(header)
    assert guess is not None
    assert (guess.target, guess.item, guess.phase) == (target, item, phase)
    assert 0.5 <= guess.confidence <= 1
    assert guess.reason


def test_confidence_orders_exact_over_contained_over_close():
    contained = VOCAB.guess("Huidige situatie wonen")
    assert contained.item == "housing"
    assert VOCAB.guess("Wonen").confidence > contained.confidence
    assert contained.confidence > VOCAB.guess("Finacien").confidence
    assert VOCAB.guess("Kleur van de voordeur") is None


@pytest.mark.parametrize(
    ("group", "header", "target", "item", "phase"),
    [
        # The column's own header wins over a field name in the group above it.
        ("Deelnemer", "Wijk", "neighbourhood", None, None),
        ("Gegevens cliënt", "Geboortejaar", "birth_year", None, None),
        # A moment in the group still sets the phase of the score below it.
        ("0-meting", "Wonen", "score", "housing", BASELINE),
        ("Eindmeting", "Financiën", "score", "finances", END),
        (None, "Wijk", "neighbourhood", None, None),
    ],
)
def test_guess_under_a_group_row(group, header, target, item, phase):
    guess = VOCAB.guess_column(header, group)
    assert guess is not None
    assert (guess.target, guess.item, guess.phase) == (target, item, phase)


@pytest.mark.parametrize(
    ("header", "kind"),
    [
        ("BSN", "bsn"),
        ("Burgerservicenummer", "bsn"),
        ("Naam", "name"),
        ("Voornaam", "name"),
        ("Achternaam", "name"),
        ("Naam ouder 1", "name"),
        ("Last name", "name"),
        ("Adres", "contact"),
        ("Telefoonnummer", "contact"),
        ("Wijknaam", None),
        ("Cliëntnummer", None),
    ],
)
def test_sensitive_headers(header, kind):
    assert sensitive_by_header(header) == kind


def test_phase_words_and_numbered_moments():
    assert phase_of("0-meting") == BASELINE and phase_of("Nulmeting") == BASELINE
    assert phase_of("tussenmeting") == INTERIM and phase_of("Eindmeting") == END
    assert phase_of("1-meting") is None, "ambiguous without the other moments"
    assert resolve_phase_values(["0-meting", "1-meting", "2-meting", "3-meting"]) == {
        "0-meting": BASELINE,
        "1-meting": INTERIM,
        "2-meting": INTERIM,
        "3-meting": END,
    }
    assert resolve_phase_values(["T0", "T1"]) == {"T0": BASELINE, "T1": END}
    assert end_reason_of("Volgens plan") == "according_to_plan"
    assert end_reason_of("verhuisd") == "moved"


def test_mapping_is_plain_json_and_round_trips():
    mapping = Mapping(
        instrument=LIFE_DOMAINS,
        sheets=(
            SheetMapping(
                name="Deelnemers",
                header_row=5,
                group_row=4,
                columns=(
                    ColumnMapping("Cliëntnummer", "client_number", column="A", confidence=0.95),
                    ColumnMapping(
                        "0-meting / Wonen", "score", column="E", item="housing", phase=BASELINE
                    ),
                    ColumnMapping("Fase", "phase", values={"1-meting": END}),
                    ColumnMapping("BSN", "drop", sensitive="bsn"),
                ),
            ),
        ),
    )
    data = json.loads(json.dumps(mapping.to_dict()))
    assert Mapping.from_dict(data) == mapping
    assert Mapping.from_json(mapping.to_json()) == mapping
    changed = mapping.with_column("Deelnemers", "BSN", target="hash")
    assert changed.sheet("Deelnemers").columns[3].target == "hash"
    with pytest.raises(KeyError):
        mapping.with_column("Deelnemers", "Bestaat niet", target="hash")
