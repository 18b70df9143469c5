"""Two writers on one trajectory at the same moment (PostgreSQL): both commit, no duplicate key on
``unique_pair``, and the pairs are those of all measurements. Reproduces the 500s of concurrent
autosaves: each save refreshes the trajectory's pairs in its own transaction."""

from __future__ import annotations

import threading
import time

import pytest
from django.db import connection, connections, transaction
from test_monitoring_builders import add_trajectory

from proeftuin.monitoring import recording
from proeftuin.monitoring.models import Pair, Score

pytestmark = [
    pytest.mark.django_db(transaction=True),
    pytest.mark.skipif(connection.vendor != "postgresql", reason="row locks need PostgreSQL"),
]

WAIT_LIMIT = 60  # seconds: a bound on waiting for a condition, not a timing assertion


def _someone_waits_on_a_lock() -> bool:
    with connections["default"].cursor() as cursor:
        cursor.execute(
            "SELECT count(*) FROM pg_stat_activity "
            "WHERE datname = current_database() AND wait_event_type = 'Lock'"
        )
        return cursor.fetchone()[0] > 0


def _overlap(first, second) -> list[BaseException]:
    """Run ``first`` in a transaction that stays open until ``second`` (in another thread and
    transaction) is blocked on a lock; then commit both. Returns what either raised."""
    errors: list[BaseException] = []
    first_done = threading.Event()
    release = threading.Event()

    def run_first():
        try:
            with transaction.atomic():
                first()
                first_done.set()
                release.wait(WAIT_LIMIT)
        except BaseException as exc:  # noqa: BLE001 - reported to the test
            errors.append(exc)
            first_done.set()
        finally:
            connections.close_all()

    def run_second():
        try:
            with transaction.atomic():
                second()
        except BaseException as exc:  # noqa: BLE001 - reported to the test
            errors.append(exc)
        finally:
            connections.close_all()

    a = threading.Thread(target=run_first)
    b = threading.Thread(target=run_second)
    a.start()
    assert first_done.wait(WAIT_LIMIT)
    b.start()
    deadline = time.monotonic() + WAIT_LIMIT
    while b.is_alive() and not _someone_waits_on_a_lock() and time.monotonic() < deadline:
        time.sleep(0.05)
    release.set()
    a.join(WAIT_LIMIT)
    b.join(WAIT_LIMIT)
    return errors


def test_two_pairs_refreshes_of_one_trajectory_both_commit(own_project):
    t = add_trajectory(own_project, {"housing": 2, "finances": 3}, {"housing": 4})
    before = Pair.objects.filter(trajectory=t).count()
    errors = _overlap(
        lambda: recording.refresh_pairs([t.pk]), lambda: recording.refresh_pairs([t.pk])
    )
    assert errors == []
    assert Pair.objects.filter(trajectory=t).count() == before


def test_two_autosaves_on_two_measurements_of_one_trajectory_both_land(own_project, users):
    t = add_trajectory(own_project, {"housing": 2}, {"housing": 3})
    baseline, follow = t.measurements.order_by("measured_on")
    user = users[("own", "professional")]
    errors = _overlap(
        lambda: recording.record_scores(baseline, {"finances": 3}, by=user),
        lambda: recording.record_scores(follow, {"finances": 4}, by=user),
    )
    assert errors == []
    assert Score.objects.filter(item="finances").count() == 2
    pair = Pair.objects.get(trajectory=t, series="domain", domain="finances")
    assert (pair.baseline_score, pair.latest_score) == (3, 4)


def test_two_stale_score_saves_at_once_one_wins_the_other_is_told(own_project, users):
    t = add_trajectory(own_project, {"housing": 2})
    m = t.measurements.get()
    user = users[("own", "professional")]
    outcomes: dict[str, tuple] = {}

    def save(name: str, value: int):
        def run():
            outcomes[name] = recording.record_scores(
                m, {"finances": value}, expected={"finances": ""}, by=user
            )

        return run

    errors = _overlap(save("first", 3), save("second", 5))
    assert errors == []
    assert outcomes["first"] == (["finances"], {})
    assert outcomes["second"] == ([], {"finances": "3"})
    assert Score.objects.get(measurement=m, item="finances").value == 3
