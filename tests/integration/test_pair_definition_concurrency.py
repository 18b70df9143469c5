"""A change of pair definition at the same moment as other writes (PostgreSQL): everything
commits, no duplicate key on ``unique_pair``, and the pairs are those of the definition that is
stored in the end."""

from __future__ import annotations

import pytest
from django.db import connection, transaction
from test_concurrent_writes import _overlap
from test_monitoring_builders import add_trajectory

from proeftuin.monitoring import recording, services
from proeftuin.monitoring.models import Measurement, Pair, Score

pytestmark = [
    pytest.mark.django_db(transaction=True),
    pytest.mark.skipif(connection.vendor != "postgresql", reason="row locks need PostgreSQL"),
]


def snapshot(project) -> list[tuple]:
    return sorted(
        Pair.objects.filter(project=project).values_list(
            "trajectory_id", "series", "domain", "baseline_score", "latest_score"
        )
    )


def rebuilt(project) -> list[tuple]:
    with transaction.atomic():
        services.refresh_pairs(project.trajectories.values_list("pk", flat=True))
    return snapshot(project)


def test_a_definition_change_during_a_score_save_pairs_under_the_stored_definition(
    own_project, users
):
    t = add_trajectory(own_project, {"housing": 2})
    interim = Measurement.objects.create(
        trajectory=t,
        measured_on=t.started_on.replace(month=5),
        moment="interim",
        instrument=t.measurements.first().instrument,
    )
    user = users[("own", "professional")]
    errors = _overlap(
        lambda: recording.record_scores(interim, {"housing": 4}, by=user),
        lambda: recording.set_pair_definition(own_project, "first_latest", by=user),
    )
    assert errors == []
    assert Score.objects.filter(measurement=interim).count() == 1
    assert services.pair_definition(own_project.pk) == "first_latest"
    pair = Pair.objects.get(trajectory=t, series="domain", domain="housing")
    assert (pair.baseline_score, pair.latest_score) == (2, 4)  # first → latest: the interim
    assert snapshot(own_project) == rebuilt(own_project)


def test_two_definition_changes_at_once_both_commit(own_project, users):
    for _ in range(3):
        add_trajectory(own_project, {"housing": 2}, {"housing": 3})
    user = users[("own", "projectleider")]
    errors = _overlap(
        lambda: recording.set_pair_definition(own_project, "first_latest", by=user),
        lambda: recording.set_pair_definition(own_project, "baseline_end", by=user),
    )
    assert errors == []
    assert services.pair_definition(own_project.pk) == "baseline_end"
    assert snapshot(own_project) == rebuilt(own_project)
