"""Dry runs of real-looking spreadsheets: the messy workbook, identifiers, templates, errors."""

from __future__ import annotations

import datetime as dt

import pytest
from intake_builders import (
    SECRET,
    TODAY,
    csv_text,
    default_rows,
    messy_workbook,
    with_cached_values,
    xlsx,
)
from intake_words import action, described, reason

from proeftuin.core.instruments import LIFE_DOMAINS, QUALITY_OF_LIFE, load_instruments
from proeftuin.core.intake import (
    BASELINE,
    END,
    DryRunResult,
    Limits,
    Mapping,
    dry_run,
    participant_key,
    suggest_mapping,
)

INSTRUMENTS = load_instruments(environ={})
INSTRUMENT = INSTRUMENTS[LIFE_DOMAINS]


def run(data: bytes, mapping=None, name: str = "monitor.xlsx", **kwargs) -> DryRunResult:
    if mapping is None:
        mapping = suggest_mapping(data, INSTRUMENT, filename=name).mapping
    return dry_run(data, mapping, INSTRUMENT, secret=SECRET, filename=name, today=TODAY, **kwargs)


def messages(result: DryRunResult) -> list[str]:
    return [str(e) for e in result.errors]


# --- the messy workbook ---------------------------------------------------------------------------


def test_messy_workbook_suggestion():
    suggestion = suggest_mapping(messy_workbook(), INSTRUMENT, filename="monitor.xlsx")
    assert suggestion.ok and suggestion.kind == "xlsx"
    sheets = {s.name: s for s in suggestion.mapping.sheets}
    main = sheets["Deelnemers"]
    assert (main.include, main.header_row, main.group_row) == (True, 5, 4)
    by_letter = {c.column: c for c in main.columns}
    assert by_letter["A"].target == "client_number" and by_letter["A"].header == "Cliëntnummer"
    assert (by_letter["D"].target, by_letter["D"].phase) == ("measured_on", BASELINE)
    assert (by_letter["E"].target, by_letter["E"].item, by_letter["E"].phase) == (
        "score",
        "housing",
        BASELINE,
    )
    assert (by_letter["J"].header, by_letter["J"].item, by_letter["J"].phase) == (
        "Eindmeting / Wonen",
        "housing",
        END,
    )
    assert (by_letter["M"].target, by_letter["M"].phase) == ("professionals", END)
    assert by_letter["N"].target == "story" and by_letter["O"].target == "consent"
    assert len(main.columns) == 15, "the stray blank column far right is dropped"
    assert sheets["Verhalen"].include and sheets["Verhalen"].header_row == 3
    assert not sheets["Toelichting"].include
    preview = next(p for p in suggestion.previews if p.name == "Deelnemers")
    assert preview.sample[0][0] == "1001"


def test_messy_workbook_imports_after_the_suggested_mapping():
    result = run(messy_workbook())
    assert result.ok, messages(result)
    assert result.rows_read == 5 and result.rows_rejected == 0
    records = {(r["sheet"], r["row"], r["phase"]): r for r in result.iter_records()}
    first = records[("Deelnemers", 6, BASELINE)]
    assert first["participant_key"] == participant_key("1001", SECRET)
    assert first["measured_on"] == dt.date(2024, 2, 3)
    assert first["scores"] == {"housing": 2, "finances": 3, "mental_health": 2}
    assert first["professionals"] == 5 and first["neighbourhood"] == "Noord"
    assert first["birth_year"] == 1984
    assert first["story"] is None, "a row's single story goes with its latest measurement"
    end = records[("Deelnemers", 6, END)]
    assert end["scores"] == {"housing": 4, "finances": 4, "mental_health": 3}  # "4,0" → 4
    assert end["measured_on"] == dt.date(2024, 9, 12)
    assert end["story"] == "Het gaat beter met de schulden." and end["consent"] is True
    unknown = records[("Deelnemers", 7, BASELINE)]
    assert unknown["scores"]["mental_health"] == "onbekend", "onbekend is an answer"
    assert unknown["measured_on"] == dt.date(2024, 2, 10) and unknown["professionals"] == 7
    assert ("Deelnemers", 8, END) not in records, "no end measurement yet for 1003"
    assert records[("Deelnemers", 8, BASELINE)]["measured_on"] == dt.date(2024, 3, 1)
    story = records[("Verhalen", 5, None)]
    assert story["measured_on"] == dt.date(2024, 6, 1) and story["consent"] is False
    assert story["participant_key"] == participant_key("1003", SECRET)
    assert not any("1001" in str(value) for value in first.values()), "no raw client number"


def test_messy_workbook_errors_then_fixes_as_a_new_user_would():
    rows = default_rows()
    rows[0][4] = "6"  # Wonen at the 0-meting: off the scale
    rows[1][3] = "31-02-2024"  # no such date
    rows[2][8] = "01-01-2030"  # an end measurement in the future
    rows[2][9] = "3"
    data = messy_workbook(rows)
    suggestion = suggest_mapping(data, INSTRUMENT, filename="monitor.xlsx")
    result = run(data, suggestion.mapping)
    assert not result.ok
    found = {(e.sheet, e.row, e.column, e.code) for e in result.errors}
    assert found == {
        ("Deelnemers", 6, "E", "score_range"),
        ("Deelnemers", 7, "D", "date_invalid"),
        ("Deelnemers", 8, "I", "date_future"),
    }
    score = next(e for e in result.errors if e.code == "score_range")
    assert score.header == "0-meting / Wonen" and score.file == "monitor.xlsx"
    assert described(score) == (
        "monitor.xlsx, blad 'Deelnemers', rij 6, kolom E (0-meting / Wonen): Score 6 valt buiten "
        "de schaal 1–5 van Wonen. Vul een getal van 1 tot en met 5 in of laat de cel leeg."
    )
    # The core gives a code and parameters; the same problem reads in English in English.
    assert score.params["value"] == "6" and "valt" not in str(score)
    assert described(score, "en") == (
        "monitor.xlsx, sheet 'Deelnemers', row 6, column E (0-meting / Wonen): Score 6 is "
        "outside the scale 1–5 of Housing. Enter a number from 1 up to and including 5, or "
        "leave the cell empty."
    )
    assert result.records.height > 0 and result.rows_rejected == 3
    assert set(result.records["row"].to_list()).isdisjoint({6, 7, 8}) or all(
        r["sheet"] == "Verhalen" for r in result.iter_records()
    )

    rows[0][4] = "5"
    rows[1][3] = "28-02-2024"
    rows[2][8] = "01-01-2025"
    fixed = run(messy_workbook(rows), suggestion.mapping)
    assert fixed.ok, messages(fixed)
    assert fixed.rows_rejected == 0


def test_saved_template_applies_to_next_months_file_with_an_extra_column():
    mapping = suggest_mapping(messy_workbook(), INSTRUMENT, filename="a.xlsx").mapping
    template = Mapping.from_json(mapping.to_json())
    rows = [
        ["Cliëntnummer", "Opmerking intern", "Datum", "Fase", "Wonen"],
        ["2001", "bellen", "03-02-2024", "0-meting", "3"],
    ]
    one_sheet = Mapping.from_dict(
        {
            "instrument": LIFE_DOMAINS,
            "sheets": [
                {
                    "name": "Blad1",
                    "columns": [
                        {"header": "Cliëntnummer", "target": "client_number"},
                        {"header": "Datum", "target": "measured_on"},
                        {"header": "Fase", "target": "phase"},
                        {"header": "Wonen", "target": "score", "item": "housing"},
                    ],
                }
            ],
        }
    )
    result = run(xlsx(rows), one_sheet, name="b.xlsx")
    assert result.ok, messages(result)
    assert result.records["score__housing"].to_list() == [3]
    again = run(messy_workbook(), template)
    assert again.ok and again.records.height == run(messy_workbook()).records.height


def test_reimport_gives_identical_records():
    data = messy_workbook()
    first, second = run(data), run(data)
    assert first.records.equals(second.records)
    assert first.sha256 == second.sha256


# --- identifiers ----------------------------------------------------------------------------------


def test_bsn_column_is_detected_by_the_11_test_and_refused():
    data = messy_workbook(with_bsn=True)
    suggestion = suggest_mapping(data, INSTRUMENT, filename="m.xlsx")
    column = next(c for c in suggestion.mapping.sheet("Deelnemers").columns if c.column == "D")
    assert column.header == "Nummer gemeente"
    assert column.sensitive == "bsn" and column.target == "ignore"
    preview = next(p for p in suggestion.previews if p.name == "Deelnemers")
    assert preview.sample[0][3] == "•••", "the preview never shows the BSN"

    refused = run(data, suggestion.mapping, name="m.xlsx")
    assert not refused.ok
    (error,) = [e for e in refused.errors if e.code == "sensitive_column"]
    assert (error.column, error.header) == ("D", "Nummer gemeente")
    assert "BSN" in reason(error) and "(hash)" in action(error) and "(drop)" in action(error)
    assert error.value is None and "111222333" not in str(error)
    assert "111222333" not in described(error) and "(hash)" in action(error, "en")

    for choice in ("drop", "hash"):
        mapping = suggestion.mapping.with_column("Deelnemers", "Nummer gemeente", target=choice)
        result = run(data, mapping, name="m.xlsx")
        assert result.ok, messages(result)
        text = result.records.write_csv()
        assert "111222333" not in text and "123456782" not in text
        hashed = [c for c in result.records.columns if c.startswith("hashed__")]
        assert (choice == "hash") == bool(hashed)


def test_bsn_mapped_as_client_number_is_refused_unless_hashed():
    rows = [["BSN", "Datum", "Fase", "Wonen"], ["111222333", "03-02-2024", "0-meting", "3"]]
    mapping = {
        "instrument": LIFE_DOMAINS,
        "sheets": [
            {
                "name": "Blad1",
                "columns": [
                    {"header": "BSN", "target": "client_number"},
                    {"header": "Datum", "target": "measured_on"},
                    {"header": "Fase", "target": "phase"},
                    {"header": "Wonen", "target": "score", "item": "housing"},
                ],
            }
        ],
    }
    refused = run(xlsx(rows), mapping)
    assert "sensitive_column" in [e.code for e in refused.errors]
    mapping["sheets"][0]["columns"][0]["target"] = "hash"
    hashed = run(xlsx(rows), mapping)
    assert hashed.ok, messages(hashed)
    assert hashed.records["participant_key"].to_list() == [participant_key("111222333", SECRET)]


@pytest.mark.parametrize("header", ["Naam", "Voornaam", "Achternaam", "Naam client"])
def test_name_columns_by_header_are_refused(header):
    rows = [["Cliëntnummer", header, "Fase", "Wonen"], ["1", "Jan", "0-meting", "3"]]
    result = run(xlsx(rows))
    (error,) = [e for e in result.errors if e.is_error]
    assert error.code == "sensitive_column" and "namen" in reason(error)


def test_name_column_by_its_values_is_refused():
    names = ["Jan de Vries", "Fatima el Amrani", "Piet Jansen", "Sanne van Dijk", "Mo Yilmaz"]
    rows = [["Cliëntnummer", "Kolom B", "Fase", "Wonen", "Wijk"]] + [
        [str(i), name, "0-meting", "3", "Oude Westen"] for i, name in enumerate(names)
    ]
    suggestion = suggest_mapping(xlsx(rows), INSTRUMENT)
    flagged = {c.header: c.sensitive for c in suggestion.mapping.sheets[0].columns}
    assert flagged["Kolom B"] == "name"
    assert flagged["Wijk"] is None, "a repeated neighbourhood name is not a person's name"
    result = run(xlsx(rows), suggestion.mapping)
    assert [e.code for e in result.errors if e.is_error] == ["sensitive_column"]


def test_scope_keeps_organisations_apart():
    data = xlsx([["Cliëntnummer", "Fase", "Wonen"], ["1001", "0-meting", "3"]])
    mapping = suggest_mapping(data, INSTRUMENT).mapping
    a = dry_run(data, mapping, INSTRUMENT, secret=SECRET, scope="org-a")
    b = dry_run(data, mapping, INSTRUMENT, secret=SECRET, scope="org-b")
    assert a.records["participant_key"][0] != b.records["participant_key"][0]


# --- validation -----------------------------------------------------------------------------------


def test_every_kind_of_cell_error_names_row_column_and_what_to_do():
    rows = [
        [
            "Cliëntnummer",
            "Datum",
            "Fase",
            "Wonen",
            "Aantal hulpverleners",
            "OTS",
            "Toestemming",
            "Geboortejaar",
            "Leeftijd",
            "Reden einde",
        ],
        ["1", "03-02-2024", "0-meting", "7", "3", "ja", "ja", "1980", "44", "volgens plan"],
        [
            "2",
            "gisteren",
            "0-meting",
            "drie",
            "-1",
            "misschien",
            "graag",
            "198O",
            "300",
            "geen zin",
        ],
        ["3", "03-02-1985", "ergens", "2,5", "3,5", "01-03-2024", "nee", "1880", "12", ""],
        ["4", "03-02-2026", "eind", "=B2*2", "2", "nee", "nee", "", "", ""],
        ["", "03-02-2024", "0-meting", "3", "", "", "", "", "", ""],
    ]
    result = run(csv_text(rows).encode(), name="fouten.csv")
    found = {(e.row, e.column, e.code) for e in result.errors}
    assert found == {
        (2, "D", "score_range"),
        (3, "B", "date_invalid"),
        (3, "D", "score_type"),
        (3, "E", "count_invalid"),
        (3, "F", "flag_invalid"),
        (3, "G", "consent_invalid"),
        (3, "H", "year_invalid"),
        (3, "I", "age_invalid"),
        (3, "J", "reason_unknown"),
        (4, "B", "date_implausible"),
        (4, "C", "phase_unknown"),
        (4, "D", "score_not_whole"),
        (4, "E", "count_invalid"),
        (4, "H", "year_invalid"),
        (5, "B", "date_future"),
        (5, "D", "formula"),
        (6, "A", "client_missing"),
    }
    for error in result.errors:
        assert error.file == "fouten.csv" and reason(error) and action(error)
        assert error.sheet is None and error.header
    assert result.records["row"].to_list() == [], "every row had an error"
    ots = [r for r in run(csv_text(rows[:1] + rows[3:4]).encode(), name="x.csv").errors]
    assert "flag_invalid" not in [e.code for e in ots], "a date means the measure was taken"


def test_duplicates_exact_and_conflicting_and_across_sheets():
    import io

    from openpyxl import Workbook

    header = ["Cliëntnummer", "Datum", "Fase", "Wonen"]
    wb = Workbook()
    first = wb.active
    first.title = "Jan-Jun"
    for row in (
        header,
        ["1", "03-02-2024", "0-meting", "2"],
        ["1", "03-02-2024", "0-meting", "2"],
        ["2", "03-02-2024", "0-meting", "2"],
        ["2", "03-02-2024", "0-meting", "4"],
    ):
        first.append(row)
    second = wb.create_sheet("Jul-Dec")
    for row in (
        header,
        ["1", "03-02-2024", "0-meting", "2"],
        ["1", "03-09-2024", "eindmeting", "3"],
    ):
        second.append(row)
    buffer = io.BytesIO()
    wb.save(buffer)
    result = run(buffer.getvalue())
    duplicates = [e for e in result.errors if e.code == "duplicate_row"]
    assert [(e.sheet, e.row) for e in duplicates] == [
        ("Jan-Jun", 3),
        ("Jan-Jun", 5),
        ("Jul-Dec", 2),
    ]
    assert "kopie van rij 2" in reason(duplicates[0])
    assert "andere waarden" in reason(duplicates[1])
    assert "blad 'Jan-Jun'" in reason(duplicates[2])
    assert sorted(result.records["row"].to_list()) == [2, 3, 4]  # Jan-Jun 2, 4 and Jul-Dec 3


def test_one_row_per_domain_layout_and_unknown_domains():
    rows = [
        ["Cliëntnummer", "Datum", "Fase", "Leefgebied", "Score"],
        ["1", "03-02-2024", "0-meting", "Wonen", "2"],
        ["1", "03-02-2024", "0-meting", "Financiën", "onbekend"],
        ["1", "03-02-2024", "0-meting", "Ruimtevaart", "3"],
        ["1", "03-09-2024", "eindmeting", "wonen", "4"],
        ["1", "03-09-2024", "eindmeting", "Wonen", "5"],
    ]
    result = run(csv_text(rows).encode(), name="lang.csv")
    codes = {(e.row, e.code) for e in result.errors}
    assert codes == {(4, "domain_unknown"), (6, "duplicate_item")}
    unknown = next(e for e in result.errors if e.code == "domain_unknown")
    assert "'Ruimtevaart' is geen leefgebied" in reason(unknown) and "Wonen" in action(unknown)
    assert result.records.height == 0, "a measurement with a bad row is held back entirely"
    fixed = run(csv_text([r for i, r in enumerate(rows) if i not in (3, 5)]).encode(), name="l.csv")
    assert fixed.ok, messages(fixed)
    records = {r["phase"]: r for r in fixed.iter_records()}
    assert records[BASELINE]["scores"] == {"housing": 2, "finances": "onbekend"}
    assert records[BASELINE]["row"] == 2
    assert records[END]["scores"] == {"housing": 4}


def test_xlsx_formulas_take_the_stored_value_and_never_evaluate():
    rows = [
        ["Cliëntnummer", "Fase", "Wonen", "Financiën"],
        ["1", "0-meting", "=1+1", "=2+2"],
        ["2", "0-meting", "3", "=1+2"],
    ]
    stored = with_cached_values(xlsx(rows), {"C2": "2", "D2": "4"})
    result = run(stored)
    warnings = [e for e in result.warnings if e.code == "formula_value_used"]
    assert {(w.column, w.row) for w in warnings} == {("C", 2), ("D", 2)}
    (missing,) = [e for e in result.errors if e.code == "formula_no_value"]
    assert (missing.row, missing.column) == (3, "D")
    assert result.records.filter(result.records["row"] == 2)["score__housing"].to_list() == [2]


def test_error_list_is_capped_but_every_error_counted():
    rows = [["Cliëntnummer", "Datum", "Fase", "Wonen"]] + [
        [str(i), "03-02-2024", "0-meting", "9"] for i in range(50)
    ]
    result = run(csv_text(rows).encode(), name="x.csv", limits=Limits(max_errors=10))
    assert result.error_count == 50 and result.counts == {"score_range": 50}
    assert len([e for e in result.errors if e.code == "score_range"]) == 10
    assert result.errors[-1].code == "more_problems" and "40" in reason(result.errors[-1])


def test_mapping_problems():
    data = xlsx([["Cliëntnummer", "Fase", "Wonen"], ["1", "0-meting", "3"]])
    base = {
        "instrument": LIFE_DOMAINS,
        "sheets": [
            {
                "name": "Blad1",
                "columns": [
                    {"header": "Cliëntnummer", "target": "client_number"},
                    {"header": "Fase", "target": "phase"},
                ],
            }
        ],
    }

    def with_column(column):
        mapping = {
            **base,
            "sheets": [{**base["sheets"][0], "columns": [*base["sheets"][0]["columns"], column]}],
        }
        return [e.code for e in run(data, mapping).errors if e.is_error]

    assert with_column({"header": "Wonen", "target": "score", "item": "ruimtevaart"}) == [
        "domain_unknown"
    ]
    assert with_column({"header": "Wonen", "target": "kleur"}) == ["mapping_target_unknown"]
    assert with_column({"header": "Huisdier", "target": "score", "item": "housing"}) == [
        "mapping_column_missing"
    ]
    assert with_column({"header": "Wonen", "target": "score"}) == ["mapping_score_without_item"]
    other = dict(base, instrument=QUALITY_OF_LIFE)
    assert [e.code for e in run(data, other).errors] == ["mapping_instrument"]
    assert [e.code for e in run(data, {"version": 9}).errors] == ["mapping_invalid"]
    no_client = {
        **base,
        "sheets": [{**base["sheets"][0], "columns": base["sheets"][0]["columns"][1:]}],
    }
    assert "mapping_no_client" in [e.code for e in run(data, no_client).errors]


def test_scores_without_a_moment_need_one():
    from dataclasses import replace

    data = xlsx([["Cliëntnummer", "Wonen"], ["1", "3"]])
    result = run(data)
    assert [e.code for e in result.errors if e.is_error] == ["mapping_no_phase"]
    suggested = suggest_mapping(data, INSTRUMENT).mapping
    mapping = replace(suggested, sheets=(replace(suggested.sheets[0], phase=BASELINE),))
    assert run(data, mapping).ok


def test_template_survives_an_extra_title_row():
    rows = [["Cliëntnummer", "Datum", "Fase", "Wonen"], ["1", "03-02-2024", "0-meting", "3"]]
    template = suggest_mapping(xlsx(rows), INSTRUMENT).mapping
    assert template.sheets[0].header_row == 1
    moved = xlsx([["Monitor maart"], [], *rows])
    result = run(moved, Mapping.from_json(template.to_json()))
    assert result.ok, messages(result)
    assert result.records["row"].to_list() == [4]


def test_quality_of_life_instrument_imports_too():
    instrument = INSTRUMENTS[QUALITY_OF_LIFE]
    rows = [
        ["Cliëntnummer", "Fase", "Zelf beslissen", "Nodig zijn voor een ander"],
        ["1", "0-meting", "2", "1"],
    ]
    suggestion = suggest_mapping(xlsx(rows), instrument)
    result = dry_run(xlsx(rows), suggestion.mapping, instrument, secret=SECRET, today=TODAY)
    assert result.ok, messages(result)
    assert next(result.iter_records())["scores"] == {"deciding_yourself": 2, "being_needed": 1}


def test_the_record_sequence_makes_the_same_records_as_iterating(tmp_path):
    """Issue 14 item 5: the import holds the compact frame and makes dicts per merge step."""
    path = tmp_path / "r.csv"
    rows = [
        f"C{i};03-01-2024;0-meting;{1 + i % 5};{'onbekend' if i % 4 == 0 else 2}" for i in range(23)
    ]
    path.write_text("Cliëntnummer;Datum;Meetmoment;Wonen;Financiën\n" + "\n".join(rows) + "\n")
    result = dry_run(
        path, suggest_mapping(path, INSTRUMENT).mapping, INSTRUMENT, secret=SECRET, today=TODAY
    )
    assert result.ok, result.errors
    expected = list(result.iter_records())
    records = result.record_sequence()
    records.BATCH = 5  # several slices
    assert len(records) == 23 and list(records) == expected
    assert records[0] == expected[0] and records[-1] == expected[-1]
    assert records[3:9] == expected[3:9]
    assert records.take([7, 2, 19]) == [expected[7], expected[2], expected[19]]
    # And what the file says, written out (not through the same class as both sides above).
    assert [r["row"] for r in records] == list(range(2, 25))
    assert [r["scores"] for r in records] == [
        {"housing": 1 + i % 5, "finances": "onbekend" if i % 4 == 0 else 2} for i in range(23)
    ]
    assert {(r["phase"], r["measured_on"]) for r in records} == {("baseline", dt.date(2024, 1, 3))}
    assert len({r["participant_key"] for r in records}) == 23
    assert all(r["neighbourhood"] is None and r["trajectory_end"] is None for r in records)
    assert records.take([]) == []
    assert records.column("row") == [r["row"] for r in expected]
    assert any(r["scores"].get("finances") == "onbekend" for r in records)
    with pytest.raises(IndexError):
        records[23]
