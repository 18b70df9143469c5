"""Neighbourhood monitor (issue 13, item 2): the indicator set as data, the city average, the
alarm at 5 of 10 below average (direction-aware, unknown never counts) and the CBS-style import."""

from __future__ import annotations

import pytest
from hypothesis import given
from hypothesis import strategies as st

from proeftuin.core.neighbourhoods import monitor, reading
from proeftuin.core.neighbourhoods.indicators import (
    IndicatorSetLoadError,
    default_set,
    parse_indicator_set,
)
from proeftuin.core.neighbourhoods.monitor import Figure

SET = default_set()
IDS = [i.id for i in SET.indicators]


def test_the_shipped_set_has_ten_indicators_in_five_domains_with_a_direction():
    assert len(SET.indicators) == 10 and len(SET.domains) == 5 and SET.alarm_at == 5
    for domain, _name in SET.domains:
        assert sum(i.domain == domain for i in SET.indicators) == 2
    assert {i.higher_is_better for i in SET.indicators} == {True, False}
    assert all(i.cites for i in SET.indicators)


def test_an_indicator_in_an_undeclared_domain_is_refused():
    data = {
        "id": "x",
        "version": "1",
        "name": {"nl": "x", "en": "x"},
        "alarm_at": 1,
        "sources": [{"code": "002", "file": "f", "title": "t"}],
        "domains": [{"id": "a", "name": {"nl": "a", "en": "a"}}],
        "indicators": [
            {"id": "i", "domain": "b", "name": {"nl": "i", "en": "i"}, "better": "lower",
             "cites": ["002 x"]}
        ],
    }  # fmt: skip
    with pytest.raises(IndicatorSetLoadError, match="domain"):
        parse_indicator_set(data)


def _figures(area_values: dict[str, dict[str, float | None]], year=2024) -> list[Figure]:
    return [
        Figure(code, code, year, indicator, value)
        for code, values in area_values.items()
        for indicator, value in values.items()
    ]


def test_alarm_at_five_of_ten_worse_than_the_city_average_in_the_right_direction():
    good = dict.fromkeys(IDS, 0.0)
    for i in SET.indicators:
        good[i.id] = 100.0 if i.higher_is_better else 1.0
    bad = {i.id: (1.0 if i.higher_is_better else 100.0) for i in SET.indicators}
    half = {i.id: (bad if n < 5 else good)[i.id] for n, i in enumerate(SET.indicators)}
    four = {i.id: (bad if n < 4 else good)[i.id] for n, i in enumerate(SET.indicators)}
    figures = _figures({"WK000101": good, "WK000102": half, "WK000103": four, "WK000104": bad})
    result = {p.code: p for p in monitor.panels(figures, SET, 2024)}
    assert result["WK000104"].below == 10 and result["WK000104"].alarm
    assert result["WK000102"].below == 5 and result["WK000102"].alarm
    assert result["WK000103"].below == 4 and not result["WK000103"].alarm
    assert result["WK000101"].below == 0


def test_the_municipality_row_is_the_average_and_unknown_never_counts():
    figures = _figures(
        {
            "GM0001": {"income": 30.0, "crime": 50.0},
            "WK000101": {"income": 25.0, "crime": None},
            "WK000102": {"income": 35.0, "crime": 60.0},
        }
    )
    averages = monitor.city_averages(figures)
    assert averages[(2024, "income")] == 30.0  # the GM row, not the mean of the wijken
    panels = {p.code: p for p in monitor.panels(figures, SET, 2024)}
    assert "GM0001" not in panels
    assert panels["WK000101"].rows["crime"] == (None, 50.0, None)
    assert panels["WK000101"].known == 1 and panels["WK000101"].below == 1


@given(
    st.lists(
        st.dictionaries(st.sampled_from(IDS), st.one_of(st.none(), st.floats(0, 1000))),
        min_size=1,
        max_size=8,
    )
)
def test_below_never_exceeds_the_known_and_alarm_follows_the_rule(areas):
    figures = _figures({f"WK{n:06d}": values for n, values in enumerate(areas)})
    for panel in monitor.panels(figures, SET, 2024):
        assert 0 <= panel.below <= panel.known <= panel.total == 10
        assert panel.alarm == (panel.below >= SET.alarm_at)


def test_trend_gives_value_and_average_per_year():
    figures = _figures({"WK1": {"income": 20.0}, "WK2": {"income": 30.0}}, 2023) + _figures(
        {"WK1": {"income": 22.0}, "WK2": {"income": 34.0}}, 2024
    )
    assert monitor.trend(figures, "WK1", "income") == [(2023, 20.0, 25.0), (2024, 22.0, 28.0)]


CSV = (
    "Codering;Wijken en buurten;Perioden;Gemiddeld inkomen per inwoner;Misdrijven;Onbekend\n"
    "GM0001;Voorbeeldstad;2024;30,5;50;x\n"
    "WK000101;Oost;2024;25,1;.;x\n"
    "WK000102;Centrum;2024;veel;60;x\n"
    ";Zonder code;2024;1;1;x\n"
)


def test_reading_a_cbs_style_file_suggests_a_mapping_and_lists_every_problem():
    sheet = reading.read_sheet(CSV.encode("utf-8"), "kerncijfers.csv")
    mapping = reading.suggest_mapping(sheet.headers, SET)
    assert mapping == {
        "Codering": "code",
        "Wijken en buurten": "name",
        "Perioden": "year",
        "Gemiddeld inkomen per inwoner": "income",
        "Misdrijven": "crime",
    }
    result = reading.dry_run(sheet, mapping, SET)
    assert not result.ok
    # The shared intake's problem reporting: file, sheet, row, column letter and header.
    problems = {(p.file, p.row, p.column, p.header) for p in result.problems}
    assert ("kerncijfers.csv", 4, "D", "Gemiddeld inkomen per inwoner") in problems  # "veel"
    assert ("kerncijfers.csv", 5, "A", "Codering") in problems
    from proeftuin.common import intake_text

    assert all(p.is_error and p.code and intake_text.action(p) for p in result.problems)
    assert "rij 4, kolom D (Gemiddeld inkomen per inwoner)" in intake_text.where(result.problems[0])
    assert intake_text.reason(result.problems[0]) == "Geen getal: 'veel'."
    oost = [f for f in result.figures if f.code == "WK000101"]
    assert {f.indicator: f.value for f in oost} == {"income": 25.1, "crime": None}


def test_a_missing_mapping_is_a_problem_before_any_row():
    sheet = reading.read_sheet(CSV.encode("utf-8"), "kerncijfers.csv")
    result = reading.dry_run(sheet, {"Codering": "code"}, SET)
    assert {p.code for p in result.problems} >= {
        "area_no_name_column",
        "area_no_year_column",
        "area_no_indicator",
    }
    assert all(p.file == "kerncijfers.csv" and p.row is None for p in result.problems)
    assert result.figures == []


def test_the_dry_run_reports_progress_up_to_100():
    sheet = reading.read_sheet(CSV.encode("utf-8"), "kerncijfers.csv")
    seen: list[int] = []
    reading.dry_run(sheet, reading.suggest_mapping(sheet.headers, SET), SET, progress=seen.append)
    assert seen[0] == 0 and seen[-1] == 100 and seen == sorted(seen)


def test_the_indicator_sets_are_cached_and_a_changed_file_is_noticed(tmp_path):
    """The portfolio reads the set on every request: parsed once, read again when a file
    changes (the stamps of the files are the key, as for the frameworks)."""
    import os

    import yaml

    from proeftuin.core.neighbourhoods.indicators import (
        ENV_VAR,
        get_indicator_sets,
        shipped_dir,
    )

    environ = {ENV_VAR: str(tmp_path)}
    first, second = get_indicator_sets(environ), get_indicator_sets(environ)
    assert first["ten_in_five"] is second["ten_in_five"]  # served from the cache
    assert first is not second  # callers get their own dict
    data = yaml.safe_load((shipped_dir() / "ten_in_five.yaml").read_text(encoding="utf-8"))
    data["alarm_at"] = 4
    path = tmp_path / "ten_in_five.yaml"
    path.write_text(yaml.safe_dump(data, allow_unicode=True), encoding="utf-8")
    os.utime(path, ns=(path.stat().st_atime_ns, path.stat().st_mtime_ns + 1_000_000))
    assert get_indicator_sets(environ)["ten_in_five"].alarm_at == 4
    assert get_indicator_sets({})["ten_in_five"].alarm_at == 5
