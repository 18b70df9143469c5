"""Reading a CBS list of wijken and buurten (issue 11, item 2)."""

from __future__ import annotations

from hypothesis import given
from hypothesis import strategies as st

from proeftuin.core import cbs_areas

CBS = (
    "gwb_code_10;regio;gm_naam;recs\n"
    "GM0363;Amsterdam;Amsterdam;Gemeente\n"
    "BU03630001;Kop Zeedijk;Amsterdam;Buurt\n"
    "WK036300;Burgwallen-Oude Zijde;Amsterdam;Wijk\n"
)


def test_codes_names_kinds_and_parents_are_read_wijken_first():
    areas, problems = cbs_areas.read(CBS, "GM0363")
    assert problems == []
    assert [(a.code, a.name, a.kind, a.parent) for a in areas] == [
        ("WK036300", "Burgwallen-Oude Zijde", "wijk", ""),
        ("BU03630001", "Kop Zeedijk", "buurt", "WK036300"),
    ]


def test_rows_of_another_municipality_and_rows_without_a_code_are_named_by_line():
    text = "code,naam\nWK059900,Rotterdam Centrum\n,Zonder code\nWK036301,\n"
    areas, problems = cbs_areas.read(text, "GM0363")
    assert areas == []
    assert [p.line for p in problems] == [2, 3, 4]
    assert [p.code for p in problems] == ["other_municipality", "no_code", "no_name"]
    assert problems[0].params == {"code": "WK059900", "municipality": "GM0363"}


def test_a_file_without_a_name_column_is_refused():
    areas, problems = cbs_areas.read("code;iets\nWK036300;x\n", "GM0363")
    assert areas == [] and problems[0].line == 1


@given(st.integers(0, 99), st.integers(0, 99))
def test_a_buurt_lies_in_the_wijk_its_code_names(wijk, buurt):
    code = f"BU0363{wijk:02d}{buurt:02d}"
    assert cbs_areas.parent_wijk(code) == f"WK0363{wijk:02d}"
