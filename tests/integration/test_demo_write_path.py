"""Finding (issue 9 item 1): the demo created participants, trajectories, measurements and scores
directly, so its rows had no history and the demo was a second write path.

The demo now writes through :func:`recording.record_generated`. Its measurements and scores have
exactly the history rows a screen entry gives them, and its pairs are what a refresh computes.
"""

from __future__ import annotations

import datetime as dt

import pytest
from django.db.models import Count

from proeftuin.core.instruments import LIFE_DOMAINS
from proeftuin.demo.generator import generate
from proeftuin.monitoring import recording, services
from proeftuin.monitoring.models import (
    AccessLog,
    Measurement,
    Pair,
    Score,
    Story,
    Trajectory,
)
from proeftuin.portfolio.models import Project

DEMO_TODAY = dt.date(2026, 6, 1)


@pytest.fixture
def demo(db):
    generate(projects=15, seed=2026, today=DEMO_TODAY)
    return Project.objects.get(name="Eén gezin, één plan")


def _history(model, pk_name: str = "id") -> dict[int, list[str]]:
    rows: dict[int, list[str]] = {}
    for pk, kind in model.history.values_list(pk_name, "history_type"):
        rows.setdefault(pk, []).append(kind)
    return rows


def test_every_demo_row_has_the_history_a_screen_entry_gives(demo):
    measurements = list(Measurement.objects.values_list("pk", flat=True))
    scores = list(Score.objects.values_list("pk", flat=True))
    trajectories = list(Trajectory.objects.values_list("pk", flat=True))
    assert len(measurements) > 100 and len(scores) > 1000
    # One "+" row per measurement, score and trajectory: nothing without, nothing twice.
    assert _history(Measurement) == {pk: ["+"] for pk in measurements}
    assert _history(Score) == {pk: ["+"] for pk in scores}
    assert _history(Trajectory) == {pk: ["+"] for pk in trajectories}
    # The history rows hold the stored values.
    stored = dict(Score.objects.values_list("pk", "value"))
    assert dict(Score.history.values_list("id", "value")) == stored
    dates = dict(Measurement.objects.values_list("pk", "measured_on"))
    assert dict(Measurement.history.values_list("id", "measured_on")) == dates
    # The demo's writes are logged, one entry per project.
    assert AccessLog.objects.filter(action=AccessLog.Action.RECORD, username="demo").count() == 6
    assert Story.objects.filter(measurement__isnull=False).exists()


def test_demo_pairs_are_what_a_refresh_computes(demo):
    def pairs():
        return sorted(
            Pair.objects.filter(project=demo).values_list(
                "trajectory_id", "series", "domain", "baseline_score", "latest_score", "period"
            )
        )

    before = pairs()
    assert len(before) > 100
    services.refresh_project_pairs(demo)
    assert pairs() == before


def test_a_demo_measurement_matches_the_same_entry_made_on_the_screen(demo):
    """Replay one demo measurement through the entry screen's functions into a new trajectory:
    the same history rows (type and value per score) and the same pairs."""
    single = (
        Trajectory.objects.filter(project=demo)
        .annotate(n=Count("measurements"))
        .filter(n=1)
        .first()
    )
    measurement = single.measurements.get()
    scores = dict(measurement.scores.values_list("item", "value"))
    _p, trajectory = recording.register_participant(
        demo, "z" * 64, {}, {"started_on": measurement.trajectory.started_on}, by=None
    )
    entered = recording.create_measurement(
        Measurement(
            trajectory=trajectory,
            measured_on=measurement.measured_on,
            moment=measurement.moment,
            instrument=LIFE_DOMAINS,
            professionals=measurement.professionals,
            organisations=measurement.organisations,
        ),
        by=None,
    )
    recording.record_scores(entered, scores, expected=dict.fromkeys(scores, ""), by=None)

    def score_history(m):
        return sorted(
            Score.history.filter(measurement_id=m.pk).values_list("history_type", "item", "value")
        )

    assert score_history(entered) == score_history(measurement)
    assert list(Measurement.history.filter(id=entered.pk).values_list("history_type")) == [("+",)]

    def pair_values(t):
        return sorted(
            Pair.objects.filter(trajectory=t, series="domain").values_list(
                "domain", "baseline_score", "latest_score"
            )
        )

    assert pair_values(trajectory) == pair_values(single)
    assert len(pair_values(single)) == len(scores)
