"""Combining raters, comparing scans and the profile chart: pure functions, no database."""

from __future__ import annotations

from hypothesis import given, settings
from hypothesis import strategies as st

from proeftuin.core.frameworks import UNKNOWN, get_frameworks
from proeftuin.core.frameworks.charts import level_colours, profile_chart, profile_rows
from proeftuin.core.frameworks.combining import (
    Change,
    combine,
    combine_all,
    compare,
    summarize_combined,
)

FW = get_frameworks()["four_plus_one"]
PRESENCE = get_frameworks()["presence_model"]
SCALE = FW.scale
LEVELS = list(SCALE.codes)  # gering … groot


def test_median_of_known_ratings_lower_median_when_even():
    assert combine(SCALE, ["gering", "groot", "matig"]).value == "matig"
    assert combine(SCALE, ["gering", "groot"]).value == "gering"
    assert combine(SCALE, ["voldoende", "redelijk", "groot", "matig"]).value == "redelijk"


def test_unknown_only_when_every_rater_said_unknown():
    assert combine(SCALE, [UNKNOWN, UNKNOWN]).value == UNKNOWN
    assert combine(SCALE, [UNKNOWN, "matig"]).value == "matig"
    assert combine(SCALE, [None, ""]).value is None
    assert combine(SCALE, []).value is None
    # A value left over from an older framework version counts as not answered.
    assert combine(SCALE, ["uitstekend"]).value is None


def test_disagreement_is_spread_of_two_levels_or_mixed_known_and_unknown():
    assert not combine(SCALE, ["matig", "redelijk"]).disagreement
    spread = combine(SCALE, ["matig", "voldoende"])
    assert spread.disagreement and spread.spread == 2 and not spread.mixed
    mixed = combine(SCALE, ["matig", UNKNOWN])
    assert mixed.disagreement and mixed.mixed and mixed.spread == 0
    assert not combine(SCALE, [UNKNOWN, UNKNOWN]).disagreement


values = st.lists(st.sampled_from([*LEVELS, UNKNOWN, None]), max_size=6)


@settings(max_examples=150, deadline=None)
@given(values, st.integers(min_value=1, max_value=4))
def test_extra_unknown_raters_never_move_a_known_combined_rating(ratings, extra):
    before = combine(SCALE, ratings)
    after = combine(SCALE, [*ratings, *[UNKNOWN] * extra])
    if before.value not in (None, UNKNOWN):
        assert after.value == before.value
    else:
        assert after.value == UNKNOWN


@settings(max_examples=100, deadline=None)
@given(values)
def test_combined_rating_lies_within_the_known_ratings(ratings):
    result = combine(SCALE, ratings)
    known = [SCALE.rank(v) for v in ratings if v in LEVELS]
    if known:
        assert min(known) <= SCALE.rank(result.value) <= max(known)


@settings(max_examples=60, deadline=None)
@given(st.dictionaries(st.sampled_from(FW.indicator_ids), values, max_size=12))
def test_summary_of_combined_ratings_never_fails_and_covers_every_indicator(by_indicator):
    summary = summarize_combined(FW, combine_all(FW, by_indicator))
    assert summary.total == len(FW.indicator_ids)
    for dim in summary.dimensions:
        assert dim.rated + dim.unknown + dim.not_rated == dim.total


def test_compare_levels_and_unknowns():
    before = combine_all(
        FW,
        {
            "integrated_all_domains": ["matig"],
            "one_contact_person": ["groot"],
            "presence_outreach_staying_power": [UNKNOWN],
        },
    )
    after = combine_all(
        FW,
        {
            "integrated_all_domains": ["voldoende"],
            "one_contact_person": [UNKNOWN],
            "presence_outreach_staying_power": ["redelijk"],
            "baseline_measurement": ["gering"],
        },
    )
    result = compare(FW, before, after)
    by_id = {c.indicator_id: c for c in result.indicators}
    assert (by_id["integrated_all_domains"].change, by_id["integrated_all_domains"].steps) == (
        Change.UP,
        2,
    )
    assert by_id["one_contact_person"].change is Change.NOW_UNKNOWN
    assert by_id["one_contact_person"].steps is None
    assert by_id["presence_outreach_staying_power"].change is Change.NOW_KNOWN
    assert by_id["baseline_measurement"].change is Change.NEWLY_RATED
    assert len(result.dimensions) == len(FW.dimensions)
    assert len(result.for_dimension(FW, "effective_approach")) == 7


def test_profile_chart_shows_unknown_as_its_own_segment_never_as_zero():
    first_two = PRESENCE.dimensions[0].indicator_ids[:2]
    combined = combine_all(PRESENCE, {first_two[0]: [UNKNOWN, UNKNOWN], first_two[1]: ["ja"]})
    summary = summarize_combined(PRESENCE, combined)
    rows = profile_rows(PRESENCE, summary)
    first = PRESENCE.dimensions[0].name.nl
    kinds = {r["kind"]: r["count"] for r in rows if r["dimension"] == first}
    assert kinds["unknown"] == 1 and kinds["level"] == 1 and kinds["not_rated"] == 1
    assert all(r["count"] > 0 for r in rows)
    spec = profile_chart(PRESENCE, summary, labels={"unknown": "unknown"}, lang="en")
    colour = spec["encoding"]["color"]["scale"]
    assert colour["domain"] == ["no", "partly", "yes", "unknown", "nog niet beoordeeld"]
    assert colour["range"][3] == "#8c8c8c"
    assert len(set(colour["range"])) == 5


def test_level_colours_are_distinct():
    for n in range(2, 7):
        assert len(set(level_colours(n))) == n


def test_profile_chart_renders_to_svg():
    from proeftuin.reporting.charts import to_svg

    summary = summarize_combined(FW, combine_all(FW, {"integrated_all_domains": [UNKNOWN]}))
    svg = to_svg(profile_chart(FW, summary))
    assert svg.startswith("<svg") and "onbekend" in svg
