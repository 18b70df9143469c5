"""Every problem the core can report has words in both languages (common/intake_text.py)."""

from __future__ import annotations

import ast
from pathlib import Path

from intake_words import described, message

from proeftuin.common import intake_text
from proeftuin.core.intake import IntakeError, localized

CORE = Path(__file__).resolve().parents[3] / "src" / "proeftuin"
SOURCES = [
    *sorted((CORE / "core" / "intake").glob("*.py")),
    CORE / "core" / "portfolio_exchange.py",
    CORE / "portfolio" / "exchange.py",
    CORE / "monitoring" / "importer.py",
]
CALLS = {"new", "refuse", "IntakeError", "_zip_refusal", "problem", "_check"}
#: Keys chosen at run time (``key=key``).
DYNAMIC = {
    "not_spreadsheet_xls",
    "not_spreadsheet_pdf",
    "not_spreadsheet_office",
    "not_spreadsheet_opendocument",
    "not_spreadsheet_zip",
    "duplicate_row_copy",
    "duplicate_row_copy_sheet",
    "duplicate_row_other",
    "duplicate_row_other_sheet",
    "row_without_measurement_more",
    "bad_date",
    "bad_amount",
}


def _reported_keys() -> set[str]:
    """The message key of every problem the sources construct (a literal code, or its key=)."""
    keys: set[str] = set()
    for path in SOURCES:
        tree = ast.parse(path.read_text(encoding="utf-8"))
        for node in ast.walk(tree):
            if isinstance(node, ast.FunctionDef) and node.name == "_messages":
                # The codes a column of parsed cells can carry: the keys of the returned dict.
                for ret in ast.walk(node):
                    if isinstance(ret, ast.Return) and isinstance(ret.value, ast.Dict):
                        keys.update(k.value for k in ret.value.keys if isinstance(k, ast.Constant))
            if not isinstance(node, ast.Call):
                continue
            name = getattr(node.func, "attr", None) or getattr(node.func, "id", None)
            if name not in CALLS:
                continue
            kwargs = {k.arg: k.value for k in node.keywords}
            literal = [a.value for a in node.args if isinstance(a, ast.Constant)]
            key = kwargs.get("key")
            if key is not None and not isinstance(key, ast.Constant):
                continue  # chosen at run time: the variants are listed in DYNAMIC
            if isinstance(key, ast.Constant) and key.value:
                keys.add(key.value)
            elif name == "_zip_refusal":
                keys.update(literal[:1])
            elif name == "problem":
                keys.update([s for s in literal if isinstance(s, str)][-1:])
            elif isinstance(kwargs.get("code"), ast.Constant):
                keys.add(kwargs["code"].value)
            elif literal and isinstance(literal[0], str):
                keys.add(literal[0])
    return keys


def test_every_problem_the_core_reports_has_words():
    keys = _reported_keys()
    assert {"file_too_large", "zip_ratio", "municipality_unknown", "formula", "date_future"} <= keys
    keys |= DYNAMIC
    missing = sorted(k for k in keys if k not in intake_text.MESSAGES and "_" in k)
    assert not missing, f"no reason and action for: {missing}"


def test_a_problem_reads_in_the_readers_language_with_localised_parameters():
    problem = IntakeError(
        "duplicate_item",
        {"item": localized("Wonen", "Housing"), "first": 4},
        file="a.csv",
        sheet="Blad1",
        row=9,
    )
    assert described(problem) == (
        "a.csv, blad 'Blad1', rij 9: Voor deze deelnemer, dit meetmoment en deze datum staat "
        "Wonen al in rij 4. Verwijder een van beide rijen."
    )
    assert described(problem, "en") == (
        "a.csv, sheet 'Blad1', row 9: For this participant, moment and date, Housing is already "
        "in row 4. Delete one of the two rows."
    )


def test_stored_problems_read_back_and_old_dutch_ones_stay_as_they_were():
    problem = IntakeError("too_many_cells", {"sheet": "S", "cells": 12_000_000, "rows": 3})
    stored = problem.to_dict()
    assert "12.000.000" in message(stored) and "12,000,000" in message(stored, "en")
    assert "—" in message(stored), "a missing parameter shows as a dash, never an error"
    legacy = {"reason": "Oude melding.", "action": "Doe iets.", "row": 3}
    assert message(legacy, "en") == "Oude melding. Doe iets."
