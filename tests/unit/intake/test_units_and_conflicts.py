"""A units row under the headers is recognised (skipped, with a warning), never a real record; and
conflicting values for one measurement within a file are errors that name both rows."""

from __future__ import annotations

import pytest
from intake_builders import SECRET, TODAY, xlsx
from intake_words import reason

from proeftuin.core.instruments import LIFE_DOMAINS, load_instruments
from proeftuin.core.intake import dry_run, suggest_mapping

INSTRUMENT = load_instruments(environ={})[LIFE_DOMAINS]
HEADER = ["Cliëntnummer", "Datum", "Meetmoment", "Wonen", "Financiën"]


def run(rows, name: str = "monitor.xlsx"):
    data = xlsx([HEADER, *rows])
    mapping = suggest_mapping(data, INSTRUMENT, filename=name).mapping
    return dry_run(data, mapping, INSTRUMENT, secret=SECRET, filename=name, today=TODAY)


@pytest.mark.parametrize(
    "units",
    [
        ["", "(dd-mm-jjjj)", "", "1-5", "1-5"],
        ["(tekst)", "dd-mm-jjjj", "(0-meting/eindmeting)", "(1 t/m 5)", "(1-5)"],
    ],
)
def test_a_units_row_is_skipped_with_a_warning(units):
    result = run([units, ["C1", "01-02-2024", "0-meting", 3, 2]])
    assert result.ok, [str(e) for e in result.errors]
    assert result.records.height == 1
    warning = next(e for e in result.errors if e.code == "units_row")
    assert warning.row == 2 and not warning.is_error


def test_a_real_first_record_is_never_taken_for_units():
    result = run([["C1", "01-02-2024", "0-meting", 3, 2], ["C2", "01-02-2024", "0-meting", 4, 4]])
    assert result.records.height == 2
    assert not any(e.code == "units_row" for e in result.errors)


def test_conflicting_values_for_one_measurement_name_both_rows():
    result = run(
        [
            ["C1", "01-02-2024", "0-meting", "4,0", 2],
            ["C1", "01-02-2024", "0-meting", 3, 2],
            ["C1", "01-02-2024", "0-meting", "5,0", 2],
        ]
    )
    assert not result.ok
    conflicts = [e for e in result.errors if e.code == "duplicate_row"]
    assert [e.row for e in conflicts] == [3, 4]
    assert all("rij 2" in reason(e) and "andere waarden" in reason(e) for e in conflicts)
