"""The cells behind the effect figures, kept by database triggers (issue 14 item 1, decision 0030).

Whatever writes the pairs or trajectories (the ORM, a bulk insert, a queryset update, the
collector's cascades, a discarded import's delete, a raw statement), the cells and the
trajectory counts equal a recount from the pairs, in the same transaction; on PostgreSQL
concurrent writers neither wait for each other on a cell nor lose a count.
"""

from __future__ import annotations

import threading
from datetime import date

import pytest
from django.core.management import call_command
from django.core.management.base import CommandError
from django.db import connection, connections, transaction
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st
from integration_support import make_project
from test_monitoring_builders import add_trajectory

from proeftuin.core.instruments import LIFE_DOMAINS
from proeftuin.monitoring import analytics, import_batch, pair_cell_sql, pair_sums, services
from proeftuin.monitoring.models import (
    ImportBatch,
    Pair,
    PairCell,
    Participant,
    ParticipantTrajectories,
    Trajectory,
)

NOTHING_DIFFERS = {"monitoring_paircell": 0, "monitoring_participanttrajectories": 0}


def _pair(trajectory: Trajectory, domain: str, b, a, hood="Oost", batch=None) -> Pair:
    return Pair(
        project_id=trajectory.project_id,
        trajectory=trajectory,
        participant_id=trajectory.participant_id,
        series=Pair.Series.DOMAIN,
        instrument=LIFE_DOMAINS,
        domain=domain,
        neighbourhood=hood,
        period=date(2025, 1, 1),
        baseline_score=b,
        latest_score=a,
        import_batch=batch,
    )


def test_the_triggers_are_installed_by_the_migrations(db):
    assert pair_cell_sql.missing_triggers() == []


def test_every_write_path_keeps_the_cells_equal_to_a_recount(own_project, own_org):
    """A positive control first: with the triggers off, the same writes leave the cells wrong."""
    first = add_trajectory(own_project, {"housing": 2, "finances": 3}, {"housing": 4})
    assert pair_cell_sql.differences() == NOTHING_DIFFERS
    assert PairCell.objects.filter(project=own_project).exists()
    # The screens' path: a new score and the pairs refreshed.
    second = add_trajectory(own_project, {"housing": 1}, {"housing": 5}, client="T-again")
    services.refresh_pairs([first.pk, second.pk])
    assert pair_cell_sql.differences() == NOTHING_DIFFERS
    # A queryset update, a raw delete, the collector's cascades.
    Pair.all_objects.filter(trajectory=first).update(latest_score=1, neighbourhood="Noord")
    assert pair_cell_sql.differences() == NOTHING_DIFFERS
    with connection.cursor() as cursor:
        cursor.execute("DELETE FROM monitoring_pair WHERE domain = %s", ["finances"])
    assert pair_cell_sql.differences() == NOTHING_DIFFERS
    second.delete()
    assert pair_cell_sql.differences() == NOTHING_DIFFERS
    Participant.all_objects.filter(pk=first.participant_id).delete()
    assert pair_cell_sql.differences() == NOTHING_DIFFERS
    add_trajectory(own_project, {"housing": 2}, {"housing": 3})
    own_project.delete()
    assert pair_cell_sql.differences() == NOTHING_DIFFERS
    # Positive control: without the triggers the cells go stale, and the check says so.
    other = make_project(own_org, name="Zonder triggers")
    pair_cell_sql.uninstall()
    try:
        add_trajectory(other, {"housing": 2}, {"housing": 3})
        assert pair_cell_sql.differences()["monitoring_paircell"] > 0
    finally:
        pair_cell_sql.install()
    pair_cell_sql.rebuild()
    assert pair_cell_sql.differences() == NOTHING_DIFFERS


operation = st.one_of(
    st.tuples(
        st.just("add"),
        st.integers(0, 5),
        st.lists(
            st.tuples(
                st.sampled_from(["housing", "finances"]),
                st.one_of(st.none(), st.integers(1, 5)),
                st.one_of(st.none(), st.integers(1, 5)),
            ),
            min_size=1,
            max_size=3,
            unique_by=lambda t: t[0],
        ),
        st.booleans(),
    ),
    st.tuples(st.just("rescore"), st.integers(0, 5), st.integers(1, 5)),
    st.tuples(st.just("drop"), st.integers(0, 5)),
    st.tuples(st.just("publish"), st.booleans()),
    st.tuples(st.just("compact"), st.booleans()),
)


@settings(
    max_examples=30,
    deadline=None,
    suppress_health_check=[HealthCheck.function_scoped_fixture, HealthCheck.too_slow],
)
@given(st.lists(operation, min_size=1, max_size=12))
def test_any_sequence_of_writes_keeps_the_cells_and_the_figures_true(own_project, operations):
    """Random inserts, rescores, deletes, a batch published or discarded and compactions: after
    each, the cells equal a recount, and the figures equal the in-memory path over the pairs."""
    instrument = services.instruments()[LIFE_DOMAINS]
    with transaction.atomic():
        batch = ImportBatch.objects.create(project=own_project)
        people = [
            Participant.objects.create(organisation_id=own_project.owner_id, pseudonym=f"C-{i}")
            for i in range(6)
        ]
        day = 0
        for op in operations:
            if op[0] == "add":
                _, who, scores, in_batch = op
                day += 1
                trajectory = Trajectory.objects.create(
                    participant=people[who], project=own_project, started_on=date(2025, 1, day)
                )
                Pair.objects.bulk_create(
                    _pair(trajectory, d, b, a, batch=batch if in_batch else None)
                    for d, b, a in scores
                )
            elif op[0] == "rescore":
                _, who, score = op
                Pair.all_objects.filter(participant_id=people[who].pk).update(latest_score=score)
            elif op[0] == "drop":
                first = Trajectory.all_objects.filter(participant=people[op[1]]).first()
                if first is not None:
                    first.delete()
            elif op[0] == "publish":
                state = ImportBatch.State.PUBLISHED if op[1] else ImportBatch.State.MERGING
                ImportBatch.objects.filter(pk=batch.pk).update(state=state)
            else:
                pair_cell_sql.compact(None if op[1] else [own_project.pk])
            assert pair_cell_sql.differences() == NOTHING_DIFFERS
            output = analytics.effect_output([own_project.pk], instrument)
            frame = analytics.pairs_frame([own_project.pk], Pair.Series.DOMAIN, instrument.id)
            total, splits = analytics.disclosure.protected_effect_reports(
                frame,
                ("domain",),
                analytics.DIMENSIONS,
                threshold=services.threshold(),
                levels=instrument.scale.values,
            )
            assert output.total == total
            assert output.splits == splits
        transaction.set_rollback(True)


def test_an_unpublished_import_stays_out_of_the_figures(own_project):
    instrument = services.instruments()[LIFE_DOMAINS]
    batch = ImportBatch.objects.create(project=own_project)
    for i in range(12):
        with import_batch.including(batch.pk):
            person = Participant.objects.create(
                organisation_id=own_project.owner_id, pseudonym=f"B-{i}"
            )
            trajectory = Trajectory.objects.create(
                participant=person, project=own_project, started_on=date(2025, 1, 6)
            )
            Pair.objects.bulk_create([_pair(trajectory, "housing", 2, 4, batch=batch)])
    hidden = analytics.effect_output([own_project.pk], instrument).total
    assert not any(g.n for g in hidden.groups)
    assert PairCell.all_objects.filter(import_batch=batch).exists()
    ImportBatch.objects.filter(pk=batch.pk).update(state=ImportBatch.State.PUBLISHED)
    shown = analytics.effect_output([own_project.pk], instrument).total
    assert [g.n for g in shown.groups if g.key["domain"] == "housing"] == [12]


def test_a_person_with_several_trajectories_is_found_without_the_trajectories(own_project, own_org):
    other = make_project(own_org, name="Tweede")
    once = add_trajectory(own_project, {"housing": 2}, {"housing": 3}, client="one")
    twice = add_trajectory(own_project, {"housing": 2}, {"housing": 3}, client="two")
    add_trajectory(other, {"housing": 1}, {"housing": 4}, client="two")
    counts = dict(ParticipantTrajectories.objects.values_list("participant_id", "trajectories"))
    assert counts[once.participant_id] == 1
    assert counts[twice.participant_id] == 2
    several = pair_sums.several_trajectories([own_project.pk, other.pk])
    assert [row["participant_id"] for row in several] == [twice.participant_id]
    assert not pair_sums.several_trajectories([own_project.pk]).exists()
    # One trajectory in each project: nobody to correct when the figures are per project.
    both = [own_project.pk, other.pk]
    assert not pair_sums.several_trajectories(both, per_project=True).exists()
    # Counted once per person in the figures over both projects.
    instrument = services.instruments()[LIFE_DOMAINS]
    total, _ = pair_sums.group_sums(
        [own_project.pk, other.pk],
        ("domain",),
        instrument_id=instrument.id,
        levels=instrument.scale.values,
    )
    assert dict(zip(total.keys, total.persons, strict=True))[("housing",)] == 2
    twice.delete()
    counts = dict(ParticipantTrajectories.objects.values_list("participant_id", "trajectories"))
    assert counts[once.participant_id] == 1 and counts.get(twice.participant_id) == 1


def test_the_system_check_and_the_command_find_missing_triggers_and_repair_them(own_project):
    add_trajectory(own_project, {"housing": 2}, {"housing": 3})
    assert pair_cell_sql.check_triggers(databases=["default"]) == []
    call_command("pair_cells", "--check")
    pair_cell_sql.uninstall()
    try:
        errors = pair_cell_sql.check_triggers(databases=["default"])
        assert [e.id for e in errors] == ["monitoring.E030"]
        add_trajectory(own_project, {"housing": 1}, {"housing": 5})
        with pytest.raises(CommandError, match="--rebuild"):
            call_command("pair_cells", "--check")
    finally:
        call_command("pair_cells", "--rebuild")
    assert pair_cell_sql.missing_triggers() == []
    call_command("pair_cells", "--check")
    call_command("pair_cells", "--compact")
    assert pair_cell_sql.differences() == NOTHING_DIFFERS


def test_a_migration_that_drops_the_triggers_gets_them_back(db):
    """A later migration that rebuilds the pairs table on SQLite drops its triggers; the
    ``post_migrate`` handler puts them back (here: dropped by hand, then ``migrate``)."""
    pair_cell_sql.uninstall()
    assert pair_cell_sql.missing_triggers()
    call_command("migrate", "monitoring", verbosity=0)
    assert pair_cell_sql.missing_triggers() == []


def test_compaction_folds_the_appended_rows(own_project):
    for i in range(4):
        add_trajectory(own_project, {"housing": 2}, {"housing": 3 + i % 2})
    before = PairCell.all_objects.count()
    watermark = pair_cell_sql.compact_recent(0)
    after = PairCell.all_objects.count()
    assert after <= before
    if connection.vendor == "postgresql":
        assert after < before  # four refreshes appended rows for the same cells
    assert pair_cell_sql.differences() == NOTHING_DIFFERS
    assert pair_cell_sql.compact_recent(watermark) == watermark


def _in_threads(*work):
    """Run each callable in its own thread and connection, started together."""
    barrier = threading.Barrier(len(work))
    errors: list[BaseException] = []

    def run(job):
        try:
            barrier.wait(timeout=30)
            job()
        except BaseException as error:  # noqa: BLE001 - reported below
            errors.append(error)
        finally:
            connections.close_all()

    threads = [threading.Thread(target=run, args=(job,)) for job in work]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join(timeout=120)
    assert not errors, errors


@pytest.mark.django_db(transaction=True)
def test_two_trajectories_for_one_person_at_once_are_both_counted(own_project, own_org):
    """The race a plain count would lose: two transactions each add a trajectory for the same
    person, each seeing only its own. The upsert on the person's row makes them take turns."""
    if connection.vendor != "postgresql":
        pytest.skip("SQLite has one writer at a time")
    other = make_project(own_org, name="Tweede")
    person = Participant.objects.create(organisation_id=own_org.pk, pseudonym="RACE")
    hold = threading.Event()

    def add(project, day, wait):
        with transaction.atomic():
            Trajectory.objects.create(
                participant=person, project=project, started_on=date(2025, 1, day)
            )
            if wait:
                hold.wait(timeout=5)
            else:
                hold.set()

    _in_threads(lambda: add(own_project, 1, True), lambda: add(other, 2, False))
    assert ParticipantTrajectories.objects.get(participant_id=person.pk).trajectories == 2
    assert pair_sums.several_trajectories([own_project.pk, other.pk]).exists()


@pytest.mark.django_db(transaction=True)
def test_writers_on_the_same_cells_at_once_neither_fail_nor_lose_a_count(own_project):
    """Four writers adding and changing pairs of the same cells at once (PostgreSQL: each
    statement appends its own rows, so nobody waits on a cell and no deadlock is possible)."""
    if connection.vendor != "postgresql":
        pytest.skip("SQLite has one writer at a time")
    instrument = services.instruments()[LIFE_DOMAINS]
    people = [
        Participant.objects.create(organisation_id=own_project.owner_id, pseudonym=f"W-{i}")
        for i in range(8)
    ]
    trajectories = [
        Trajectory.objects.create(participant=p, project=own_project, started_on=date(2025, 1, 6))
        for p in people
    ]

    def write(chunk):
        def job():
            for t in chunk:
                with transaction.atomic():
                    Pair.objects.bulk_create(
                        [_pair(t, "housing", 2, 4), _pair(t, "finances", 3, 3)]
                    )
                    Pair.objects.filter(trajectory=t, domain="finances").update(latest_score=4)

        return job

    _in_threads(*(write(trajectories[i::4]) for i in range(4)))
    assert pair_cell_sql.differences() == NOTHING_DIFFERS
    total, _ = pair_sums.group_sums(
        [own_project.pk], ("domain",), instrument_id=instrument.id, levels=instrument.scale.values
    )
    assert dict(zip(total.keys, total.n, strict=True)) == {("finances",): 8, ("housing",): 8}
