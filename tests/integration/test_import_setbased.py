"""Finding (issue 14 item 5): a 1M-row import took about 85 s, far from 20 s on PostgreSQL. A
merge step built a model instance per participant, trajectory and measurement, read the ids of
millions of scores back through the ORM, and the pairs refresh read every score as a Python
tuple, in chunks of a few hundred rows.

On PostgreSQL a merge step is now set-based (``monitoring/import_sql.py``): rows copied in with
ids from their sequences, the scores expanded in SQL, history by ``INSERT … SELECT``, the pairs
read and written by COPY. These tests pin down that it writes exactly what the stepwise writer
writes (rows, history rows, pairs), and that a step's number of queries does not grow with its
rows. On SQLite both paths are the stepwise one, and the first test holds trivially.
"""

from __future__ import annotations

import datetime as dt

import pytest
from django.db import connection, transaction
from django.test.utils import CaptureQueriesContext

from proeftuin.core.instruments import LIFE_DOMAINS
from proeftuin.monitoring import import_writer, importer, services, staged_import
from proeftuin.monitoring.models import (
    HeavyMeasure,
    Measurement,
    Pair,
    Participant,
    Score,
    Story,
    Trajectory,
)

D = dt.date


def _record(key, when, phase, scores, **extra):
    return {
        "sheet": "Blad1",
        "row": 1,
        "participant_key": key,
        "measured_on": when,
        "phase": phase,
        "scores": scores,
        **extra,
    }


def _records() -> list[dict]:
    return [
        # No start column: the trajectory starts at the first measurement.
        _record(
            "p1",
            D(2025, 2, 3),
            "baseline",
            {"housing": 2, "finances": "onbekend"},
            birth_year=1990,
            neighbourhood=" Noord ",
            hashed__bsn="abc",
            professionals=3,
        ),
        _record(
            "p1",
            D(2025, 8, 3),
            "end",
            {"housing": 4, "finances": 3},
            story="Het gaat beter",
            consent=True,
            eviction=True,
            eviction_on=D(2025, 7, 1),
            supervision_order=False,
        ),
        # A start, an end and a reason; an age instead of a birth year; a household.
        _record(
            "p2",
            D(2025, 1, 10),
            "baseline",
            {"housing": 1},
            trajectory_start=D(2025, 1, 5),
            age=15,
            household_key="h1",
        ),
        _record(
            "p2",
            D(2025, 3, 10),
            "interim",
            {"housing": 2},
            trajectory_start=D(2025, 1, 5),
            organisations=2,
        ),
        # The same moment twice: the later row's values win.
        _record(
            "p2",
            D(2025, 6, 10),
            "end",
            {"housing": 3, "social_network": 2},
            trajectory_start=D(2025, 1, 5),
            trajectory_end=D(2025, 6, 30),
            end_reason="according_to_plan",
            professionals=1,
        ),
        _record(
            "p2",
            D(2025, 6, 10),
            "end",
            {"housing": 5},
            trajectory_start=D(2025, 1, 5),
            professionals=2,
        ),
        # Two trajectories of one participant.
        _record("p3", D(2024, 1, 2), "baseline", {"housing": 3}, trajectory_start=D(2024, 1, 1)),
        _record("p3", D(2025, 1, 2), "baseline", {"housing": 4}, trajectory_start=D(2025, 1, 1)),
        # A row without a start and one whose start is that first measurement: one trajectory.
        _record("p4", D(2025, 4, 1), "baseline", {"housing": 2}),
        _record("p4", D(2025, 9, 1), "end", {"housing": 3}, trajectory_start=D(2025, 4, 1)),
    ]


def _snapshot(project) -> dict[str, list]:
    trajectories = Trajectory.objects.filter(project=project)
    ids = list(trajectories.values_list("pk", flat=True))
    measurements = Measurement.objects.filter(trajectory_id__in=ids)
    m_ids = list(measurements.values_list("pk", flat=True))
    who = "participant__pseudonym"
    t_who = "trajectory__participant__pseudonym"
    m_who = "measurement__trajectory__participant__pseudonym"
    return {
        "participants": sorted(
            Participant.objects.filter(organisation=project.owner).values_list(
                "pseudonym",
                "household_key",
                "neighbourhood",
                "birth_year",
                "age_group",
                "linking_keys",
                "import_batch_id",
            ),
            key=str,
        ),
        "trajectories": sorted(
            trajectories.values_list(
                who, "started_on", "ended_on", "end_reason", "version", "registered_on"
            )
        ),
        "measurements": sorted(
            measurements.values_list(
                t_who,
                "trajectory__started_on",
                "measured_on",
                "moment",
                "instrument",
                "professionals",
                "organisations",
                *Measurement.HEAVY_FIELDS,
                "version",
                "recorded_by",
            ),
            key=str,
        ),
        "scores": sorted(
            Score.objects.filter(measurement_id__in=m_ids).values_list(
                m_who, "measurement__measured_on", "item", "value"
            ),
            key=str,
        ),
        "stories": sorted(
            Story.objects.filter(trajectory_id__in=ids).values_list(
                t_who, "told_on", "text", "consent", "measurement__measured_on"
            )
        ),
        "heavy": sorted(
            HeavyMeasure.objects.filter(trajectory_id__in=ids).values_list(
                t_who, "kind", "occurred_on"
            )
        ),
        "pairs": sorted(
            Pair.objects.filter(trajectory_id__in=ids).values_list(
                t_who,
                "trajectory__started_on",
                "series",
                "instrument",
                "domain",
                "neighbourhood",
                "age_group",
                "period",
                "baseline_on",
                "baseline_score",
                "latest_on",
                "latest_score",
            ),
            key=str,
        ),
        "history": sorted(
            [
                *Trajectory.history.filter(id__in=ids).values_list(
                    "participant__pseudonym", "started_on", "history_type", "history_change_reason"
                ),
                *Measurement.history.filter(id__in=m_ids).values_list(
                    "measured_on", "moment", "history_type", "professionals"
                ),
                *Score.history.filter(measurement_id__in=m_ids).values_list(
                    "measurement__measured_on", "item", "history_type", "value"
                ),
            ],
            key=str,
        ),
    }


def _without_batch(snapshot: dict[str, list]) -> dict[str, list]:
    return {
        **snapshot,
        "participants": [row[:-1] for row in snapshot["participants"]],
    }


def _staged(project, records):
    instrument = services.instrument(LIFE_DOMAINS)
    planned = importer.plan(project, records)
    return staged_import.run(project, records, instrument, planned, user=None, log=lambda s: None)


def _stepwise(project, records):
    instrument = services.instrument(LIFE_DOMAINS)
    planned = importer.plan(project, records)
    with transaction.atomic():
        written = import_writer.write_records(project, records, instrument, planned)
        services.refresh_pairs(written.pop("trajectory_ids"))
    return written


def test_a_merge_step_writes_what_the_stepwise_writer_writes(own_project, foreign_project):
    staged = _staged(own_project, _records())
    stepwise = _stepwise(foreign_project, _records())
    for name in import_writer.STATS:
        assert staged[name] == stepwise[name], name
    assert staged["participants_created"] == 4 and staged["trajectories_created"] == 5
    assert staged["scores_created"] == 12 and staged["heavy_measures_created"] == 1
    ours = _without_batch(_snapshot(own_project))
    theirs = _without_batch(_snapshot(foreign_project))
    for name in ours:
        assert ours[name] == theirs[name], name
    assert len(ours["pairs"]) > 0 and len(ours["history"]) == 5 + 9 + 12
    # The pairs are what a full refresh makes of the rows.
    services.refresh_project_pairs(own_project)
    assert _snapshot(own_project)["pairs"] == ours["pairs"]
    # And a second import changes nothing (without the doubled moment: the stepwise writer,
    # which writes known participants, counts a moment given twice with other values as updated).
    again = _staged(own_project, [r for i, r in enumerate(_records()) if i != 4])
    assert again["measurements_created"] == again["measurements_updated"] == 0
    assert again["scores_created"] == again["scores_updated"] == 0
    assert _without_batch(_snapshot(own_project))["history"] == ours["history"]


def _people(count: int) -> list[dict]:
    records = []
    for i in range(count):
        scores = {"housing": 1 + i % 5, "finances": 1 + i % 4, "social_network": "onbekend"}
        records.append(_record(f"q{i}", D(2025, 2, 3), "baseline", scores, neighbourhood="Zuid"))
        records.append(_record(f"q{i}", D(2025, 8, 3), "end", scores, story="Verder"))
    return records


@pytest.mark.skipif(connection.vendor != "postgresql", reason="the set-based merge is PostgreSQL's")
def test_a_merge_step_takes_as_many_queries_for_many_rows_as_for_few(
    own_project, foreign_project, settings
):
    settings.PROEFTUIN_IMPORT_MERGE_ROWS = 100_000
    counts = []
    for project, people in ((own_project, 10), (foreign_project, 400)):
        with CaptureQueriesContext(connection) as queries:
            stats = _staged(project, _people(people))
        assert stats["measurements_created"] == 2 * people
        counts.append(len(queries))
    assert counts[0] == counts[1]


@pytest.mark.parametrize("definition", ["baseline_end", "first_latest"])
def test_a_merge_steps_pairs_are_what_a_full_refresh_makes(own_project, definition):
    # Finding (issue 14 item 5): the pairs refresh of a merge step read every row it had just
    # written back by COPY (13 of 97 s). It now derives them from the rows it holds; under
    # either pair definition they must be what reading the rows back gives.
    from proeftuin.monitoring import recording

    recording.set_pair_definition(own_project, definition, by=None)
    _staged(own_project, _records())
    merged = _snapshot(own_project)["pairs"]
    assert merged
    services.refresh_project_pairs(own_project)
    assert _snapshot(own_project)["pairs"] == merged


@pytest.mark.skipif(connection.vendor != "postgresql", reason="the set-based merge is PostgreSQL's")
def test_the_rows_a_merge_step_hands_to_the_pairs_are_the_rows_it_wrote(own_project, monkeypatch):
    from proeftuin.monitoring import pairs_frames

    handed = []
    original = services.insert_new_pairs

    def capture(trajectories, scores, sessions, batch_id):
        handed.append((trajectories, scores, sessions))
        original(trajectories, scores, sessions, batch_id=batch_id)

    monkeypatch.setattr(services, "insert_new_pairs", capture)
    _staged(own_project, _records())
    [(trajectories, scores, sessions)] = handed
    ids = trajectories["trajectory_id"].to_list()

    def rows(frame):
        return sorted(frame.rows(), key=str)

    assert rows(pairs_frames.trajectory_attributes(trajectories)) == rows(
        pairs_frames.trajectory_frame(ids)
    )
    assert rows(pairs_frames.score_measurements(scores)) == rows(pairs_frames.score_frame(ids))
    assert rows(pairs_frames.session_counts(sessions)) == rows(pairs_frames.session_frame(ids))
