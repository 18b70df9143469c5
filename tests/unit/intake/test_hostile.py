"""Hostile files never raise: every problem comes back as a structured error.

Hypothesis writes CSV files (and some workbooks) full of wrong types, scores off the scale,
unknown domains, future and impossible dates, duplicate rows, formulas, stray quotes and
delimiters, title rows and blank rows. Whatever it writes, ``dry_run`` returns a result; its
errors are IntakeErrors that point at real rows and columns; rows with errors never reach the
records; and the records it does return hold only valid values.
"""

from __future__ import annotations

import csv
import datetime as dt
import io

from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st
from intake_builders import SECRET, TODAY, xlsx
from intake_words import action, reason

from proeftuin.core.instruments import LIFE_DOMAINS, load_instruments
from proeftuin.core.intake import IntakeError, Limits, column_index, dry_run, suggest_mapping

INSTRUMENT = load_instruments(environ={})[LIFE_DOMAINS]
HEADER = [
    "Cliëntnummer",
    "Datum",
    "Fase",
    "Wonen",
    "Financiën",
    "Aantal hulpverleners",
    "OTS",
    "Verhaal",
    "Toestemming",
    "Leefgebied",
    "Score",
]
MAPPING = {
    "instrument": LIFE_DOMAINS,
    "sheets": [
        {
            "name": "",
            "columns": [
                {"header": "Cliëntnummer", "target": "client_number"},
                {"header": "Datum", "target": "measured_on"},
                {"header": "Fase", "target": "phase"},
                {"header": "Wonen", "target": "score", "item": "housing"},
                {"header": "Financiën", "target": "score", "item": "finances"},
                {"header": "Aantal hulpverleners", "target": "professionals"},
                {"header": "OTS", "target": "supervision_order"},
                {"header": "Verhaal", "target": "story"},
                {"header": "Toestemming", "target": "consent"},
            ],
        }
    ],
}
KNOWN_CODES = {
    "identifier_bsn",  # a client number that is a BSN in any spelling (the identifier guard)
    "formula",
    "score_type",
    "score_not_whole",
    "score_range",
    "date_invalid",
    "date_implausible",
    "date_future",
    "count_invalid",
    "flag_invalid",
    "consent_invalid",
    "phase_unknown",
    "domain_unknown",
    "client_missing",
    "identifier_suspicious",
    "identifier_too_long",
    "duplicate_row",
    "duplicate_item",
    "text_too_long",
    "phase_missing",
    "date_missing",
    "sensitive_column",
    "more_problems",
    "date_not_mapped",
    "csv_malformed",
    "no_header",
    "mapping_column_missing",
    "mapping_no_client",
    "mapping_no_phase",
    "too_many_rows",
    "not_spreadsheet",
    "empty_file",
    "encoding",
    "corrupt_file",
    "zip_refused",
    "mapping_score_without_item",
    "sheet_not_mapped",
    "no_sheet_mapped",
    "year_invalid",
    "formula_no_value",
    "formula_value_used",
}

scores = st.one_of(
    st.sampled_from(["1", "2", "3", "4", "5", "3,0", " 4 ", "onbekend", "n.v.t.", ""]),
    st.sampled_from(["0", "6", "7", "-1", "99", "3,5", "2.5", "1.000", "drie", "5+", "IV"]),
    st.integers(-1000, 1000).map(str),
)
dates = st.one_of(
    st.builds(
        lambda d, fmt: d.strftime(fmt),
        st.dates(min_value=dt.date(1900, 1, 1), max_value=dt.date(2099, 12, 31)),
        st.sampled_from(["%d-%m-%Y", "%Y-%m-%d", "%d/%m/%y", "%d.%m.%Y"]),
    ),
    st.sampled_from(["31-02-2024", "00-00-0000", "gisteren", "2024-13-01", "45352", "1-1-24", ""]),
)
formulas = st.sampled_from(
    ["=1+1", "=SUM(A1:A9)", "@SUM(B2)", '+HYPERLINK("x")', "=cmd|' /C calc'!A0"]
)
junk = st.text(max_size=30)
#: Text a worksheet can hold (no control characters).
sheet_text = st.text(st.characters(blacklist_categories=("Cc", "Cs")), max_size=30)
cells = st.one_of(scores, dates, formulas, sheet_text)


def row_strategy():
    return st.fixed_dictionaries(
        {
            "client": st.one_of(st.sampled_from(["1001", "1002", "1003", "", "Totaal"]), junk),
            "date": dates,
            "phase": st.one_of(
                st.sampled_from(["0-meting", "tussenmeting", "eindmeting", "T3", ""]), junk
            ),
            "housing": st.one_of(scores, formulas),
            "finances": st.one_of(scores, junk),
            "professionals": st.one_of(scores, junk),
            "ots": st.one_of(st.sampled_from(["ja", "nee", "x", "", "01-02-2024"]), junk),
            "story": st.one_of(junk, st.just('regel één\nregel twee; met "quotes"')),
            "consent": st.sampled_from(["ja", "nee", "", "misschien"]),
            "domain": st.one_of(st.sampled_from(["Wonen", "Financiën", "Ruimtevaart", ""]), junk),
            "score": scores,
        }
    )


@st.composite
def hostile_csv(draw):
    rows = draw(st.lists(row_strategy(), min_size=0, max_size=25))
    if rows and draw(st.booleans()):
        rows += draw(st.lists(st.sampled_from(rows), max_size=4))  # duplicates
    out = io.StringIO()
    writer = csv.writer(out, delimiter=draw(st.sampled_from([";", ","])), lineterminator="\r\n")
    for _ in range(draw(st.integers(0, 3))):
        writer.writerow([draw(junk)])  # title rows
    writer.writerow(HEADER)
    for row in rows:
        if draw(st.integers(0, 9)) == 0:
            writer.writerow([])  # a blank row in between
        writer.writerow(list(row.values()))
    text = out.getvalue()
    if draw(st.integers(0, 9)) == 0:
        text += '1001;"unterminated;3\r\n'
    encoding = draw(st.sampled_from(["utf-8", "utf-8-sig", "cp1252"]))
    return text.encode(encoding, errors="replace")


def check(result, data_rows: int) -> None:
    assert isinstance(result.errors, list)
    for error in result.errors:
        assert isinstance(error, IntakeError)
        assert error.code in KNOWN_CODES, error
        assert reason(error) and action(error)
        if error.row is not None:
            assert 1 <= error.row <= data_rows + 10, error
        if error.column is not None:
            column_index(error.column)
    assert result.error_count >= sum(1 for e in result.errors if e.is_error)
    assert result.ok == (result.error_count == 0)
    if result.rows_rejected:
        assert result.error_count > 0, "a row is never dropped without a reason"
    bad_rows = {e.row for e in result.errors if e.is_error and e.row is not None}
    assert bad_rows.isdisjoint(result.records["row"].to_list())
    for item in INSTRUMENT.item_ids:
        values = result.records[f"score__{item}"].drop_nulls()
        assert values.is_between(1, 5).all()
    assert result.records["participant_key"].null_count() == 0


@settings(max_examples=60, deadline=None, suppress_health_check=[HealthCheck.too_slow])
@given(hostile_csv())
def test_hostile_csv_gives_structured_errors(data):
    lines = data.count(b"\n") + 1
    result = dry_run(
        data,
        MAPPING,
        INSTRUMENT,
        secret=SECRET,
        filename="h.csv",
        today=TODAY,
        limits=Limits(max_errors=50),
    )
    check(result, lines)


@settings(max_examples=25, deadline=None, suppress_health_check=[HealthCheck.too_slow])
@given(hostile_csv())
def test_suggestion_then_dry_run_on_hostile_csv(data):
    suggestion = suggest_mapping(data, INSTRUMENT, filename="h.csv")
    assert all(isinstance(e, IntakeError) for e in suggestion.errors)
    result = dry_run(data, suggestion.mapping, INSTRUMENT, secret=SECRET, today=TODAY)
    check(result, data.count(b"\n") + 1)


@settings(max_examples=40, deadline=None)
@given(st.binary(max_size=2000))
def test_arbitrary_bytes(data):
    result = dry_run(data, MAPPING, INSTRUMENT, secret=SECRET, today=TODAY)
    check(result, data.count(b"\n") + 1)
    suggest_mapping(data, INSTRUMENT)


@settings(max_examples=20, deadline=None, suppress_health_check=[HealthCheck.too_slow])
@given(
    st.lists(
        st.lists(
            st.one_of(cells, st.integers(-10, 10), st.floats(allow_nan=True), st.none()),
            min_size=1,
            max_size=len(HEADER),
        ),
        max_size=12,
    )
)
def test_hostile_workbook(rows):
    data = xlsx([HEADER, *rows])
    mapping = {**MAPPING, "sheets": [{**MAPPING["sheets"][0], "name": "Blad1"}]}
    result = dry_run(data, mapping, INSTRUMENT, secret=SECRET, today=TODAY)
    check(result, len(rows) + 1)


def test_one_row_per_domain_hostile_values():
    """The long layout with unknown domains and junk scores, as a fixed example."""
    mapping = {
        "instrument": LIFE_DOMAINS,
        "sheets": [
            {
                "name": "",
                "columns": [
                    {"header": "Cliëntnummer", "target": "client_number"},
                    {"header": "Fase", "target": "phase"},
                    {"header": "Leefgebied", "target": "item"},
                    {"header": "Score", "target": "score"},
                ],
            }
        ],
    }
    text = "Cliëntnummer;Fase;Leefgebied;Score\r\n1;0-meting;Maan;3\r\n1;0-meting;Wonen;x\r\n"
    result = dry_run(text.encode(), mapping, INSTRUMENT, secret=SECRET, today=TODAY)
    assert {e.code for e in result.errors if e.is_error} == {"domain_unknown", "score_type"}
