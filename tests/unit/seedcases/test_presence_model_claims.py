"""Seed 002 gives no case with a verdict for the presence model (see cases/README.md).

What it does state, and what the rules must respect: each of the four perspectives is made of
three aspects (002, kader 2), and the four levels of direction depend on each other (002,
kader 3). So a perspective with one aspect entirely missing, or direction with one level missing,
is never "present", however high the rest.
"""

from __future__ import annotations

import pytest

from proeftuin.core.frameworks import Outcome, load_frameworks, summarize

FRAMEWORK = load_frameworks([])["presence_model"]
PERSPECTIVES = ["presence", "legitimacy", "professionalism", "integrality"]


def all_yes() -> dict[str, str]:
    return dict.fromkeys(FRAMEWORK.indicator_ids, "ja")


@pytest.mark.parametrize("dimension_id", PERSPECTIVES)
def test_a_perspective_needs_each_of_its_three_aspects(dimension_id):
    dimension = FRAMEWORK.dimension(dimension_id)
    assert len(dimension.indicator_ids) == 3
    assert summarize(FRAMEWORK, all_yes()).dimension(dimension_id).outcome is Outcome.PRESENT
    for aspect in dimension.indicator_ids:
        ratings = {**all_yes(), aspect: "nee"}
        outcome = summarize(FRAMEWORK, ratings).dimension(dimension_id).outcome
        assert outcome is Outcome.NOT_PRESENT, aspect


def test_direction_needs_every_level():
    dimension = FRAMEWORK.dimension("multilevel_direction")
    levels = [
        i.id for i in dimension.indicators if any(t.startswith("direction_level:") for t in i.tags)
    ]
    assert len(levels) == 4
    for level in levels:
        ratings = {**all_yes(), level: "nee"}
        outcome = summarize(FRAMEWORK, ratings).dimension("multilevel_direction").outcome
        assert outcome is Outcome.NOT_PRESENT, level
