"""Effect figures aggregated in the database (issue 14, item 1): the sums come from one GROUP BY
query per output, on SQLite and PostgreSQL, and give exactly the figures of the in-memory path
over the same pairs; the screens, export and API use a number of queries that does not grow
with domains × breakdowns."""

from __future__ import annotations

import importlib
from collections.abc import Sequence
from datetime import date, timedelta
from types import SimpleNamespace

import pytest
from django.apps import apps
from django.db import connection, transaction
from django.test.utils import CaptureQueriesContext
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st
from integration_support import login, make_project
from test_monitoring_builders import add_trajectory

from proeftuin.core.instruments import LIFE_DOMAINS
from proeftuin.core.monitoring import disclosure
from proeftuin.monitoring import analytics, pair_sums, services
from proeftuin.monitoring.models import Pair, Participant, Trajectory
from proeftuin.portfolio.models import Project

DOMAINS = ("housing", "finances", "health")
HOODS = ("Noord", "Oost", "")
AGES = ("18-26", "27-44", "")
PERIODS = (date(2025, 1, 1), date(2025, 4, 1), None)
score = st.one_of(st.none(), st.integers(1, 5), st.integers(1, 5), st.integers(1, 5))

trajectory = st.fixed_dictionaries(
    {
        "person": st.integers(0, 25),
        "hood": st.sampled_from(HOODS),
        "age": st.sampled_from(AGES),
        "period": st.sampled_from(PERIODS),
        "start": st.one_of(st.none(), st.integers(0, 3)),
        "scores": st.dictionaries(st.sampled_from(DOMAINS), st.tuples(score, score), min_size=1),
    }
)


def write_pairs(
    project: Project,
    trajectories: list[dict],
    instrument: str,
    projects: Sequence[Project] = (),
) -> None:
    """The pairs of these trajectories; with ``projects``, trajectory ``t`` is in
    ``projects[t["project"]]`` (a person may then have trajectories in several)."""
    persons = {}
    for i in sorted({t["person"] for t in trajectories}):
        persons[i] = Participant.objects.create(
            organisation_id=project.owner_id, pseudonym=f"SQL-{project.pk}-{i}"
        )
    pairs = []
    for number, t in enumerate(trajectories):
        in_project = projects[t["project"]] if projects else project
        row = Trajectory.objects.create(
            participant=persons[t["person"]],
            project=in_project,
            started_on=date(2025, 1, 6) + timedelta(days=number),
        )
        on = None if t["start"] is None else date(2025, 1, 6) + timedelta(days=t["start"])
        for domain, (b, a) in t["scores"].items():
            pairs.append(
                Pair(
                    project=in_project,
                    trajectory=row,
                    participant=row.participant,
                    series=Pair.Series.DOMAIN,
                    instrument=instrument,
                    domain=domain,
                    neighbourhood=t["hood"],
                    age_group=t["age"],
                    period=t["period"],
                    baseline_on=on if b is not None else None,
                    baseline_score=b,
                    latest_on=on + timedelta(days=90) if on and a is not None else None,
                    latest_score=a,
                )
            )
    Pair.objects.bulk_create(pairs)


def in_memory(project_ids, instrument):
    """The figures of the in-memory path: every pair read, the engine and the same gate."""
    frame = analytics.pairs_frame(project_ids, Pair.Series.DOMAIN, instrument.id)
    return disclosure.protected_effect_reports(
        frame,
        ("domain",),
        analytics.DIMENSIONS,
        threshold=services.threshold(),
        levels=instrument.scale.values,
    )


@settings(
    max_examples=25,
    deadline=None,
    suppress_health_check=[HealthCheck.function_scoped_fixture, HealthCheck.too_slow],
)
@given(st.lists(trajectory, min_size=1, max_size=60), st.sampled_from([5, 10]))
def test_figures_from_the_database_equal_the_figures_from_the_pairs(
    own_project, django_settings, trajectories, threshold
):
    django_settings.PROEFTUIN_SMALL_CELL_THRESHOLD = threshold
    instrument = services.instruments()[LIFE_DOMAINS]
    with transaction.atomic():
        write_pairs(own_project, trajectories, instrument.id)
        output = analytics.effect_output([own_project.pk], instrument)
        total, splits = in_memory([own_project.pk], instrument)
        assert output.total == total
        assert output.splits == splits
        by_project = analytics.effects([own_project.pk], instrument, by=("project_id",))
        frame = analytics.pairs_frame([own_project.pk], Pair.Series.DOMAIN, instrument.id)
        expected, _ = disclosure.protected_effect_reports(
            frame,
            ("project_id", "domain"),
            threshold=threshold,
            levels=instrument.scale.values,
        )
        assert by_project == expected
        transaction.set_rollback(True)


@settings(
    max_examples=25,
    deadline=None,
    suppress_health_check=[HealthCheck.function_scoped_fixture, HealthCheck.too_slow],
)
@given(
    st.lists(
        st.fixed_dictionaries({"project": st.integers(0, 1)}).flatmap(
            lambda p: trajectory.map(lambda t: {**t, **p})
        ),
        min_size=1,
        max_size=60,
    ),
    st.booleans(),
)
def test_persons_counted_as_rows_equal_the_distinct_persons(
    own_project, own_org, trajectories, everyone_once
):
    """Rows per cell count the persons once one pair per person and domain is kept (no
    DISTINCT): per domain and breakdown, and per project and domain over two projects, with
    persons who have several trajectories in one project or one in each, or (``everyone_once``)
    nobody with more than one trajectory (the pairs are then kept without the window)."""
    if everyone_once:
        trajectories = [{**t, "person": i} for i, t in enumerate(trajectories)]
    instrument = services.instruments()[LIFE_DOMAINS]
    with transaction.atomic():
        other = make_project(own_org, name="Tweede")
        write_pairs(own_project, trajectories, instrument.id, projects=(own_project, other))
        both = [own_project.pk, other.pk]
        for by, breakdowns in ((("domain",), analytics.DIMENSIONS), (("project_id", "domain"), ())):
            total, splits = pair_sums.group_sums(
                both, by, breakdowns, instrument_id=instrument.id, levels=instrument.scale.values
            )
            frame = analytics.pairs_frame(both, Pair.Series.DOMAIN, instrument.id)
            kept = disclosure.one_pair_per_person(frame, within=[c for c in by if c != "domain"])
            expected = {}
            for row in kept.iter_rows(named=True):
                if row["baseline_score"] is None or row["latest_score"] is None:
                    continue
                for table, keys in (("", by), *((c, (c, *by)) for c in breakdowns)):
                    cell = (table, *(row[k] for k in keys))
                    expected.setdefault(cell, set()).add(row["participant_id"])
            found = {}
            for table, sums_ in (("", total), *splits.items()):
                for key, persons in zip(sums_.keys, sums_.persons, strict=True):
                    if persons:
                        found[(table, *key)] = int(persons)
            assert found == {cell: len(people) for cell, people in expected.items()}
        transaction.set_rollback(True)


@pytest.fixture
def django_settings(settings):
    return settings


def test_one_query_per_output_whatever_the_breakdowns(own_project, django_assert_num_queries):
    instrument = services.instruments()[LIFE_DOMAINS]
    write_pairs(
        own_project,
        [
            {
                "person": i,
                "hood": HOODS[i % 3],
                "age": AGES[i % 2],
                "period": PERIODS[i % 3],
                "start": i % 4,
                "scores": {d: (1 + i % 5, 1 + (i * 7) % 5) for d in DOMAINS},
            }
            for i in range(40)
        ],
        instrument.id,
    )
    # Whether anyone has several trajectories (then their pairs go through the window), and the
    # GROUP BY.
    with django_assert_num_queries(2):
        pair_sums.group_sums(
            [own_project.pk],
            ("domain",),
            analytics.DIMENSIONS,
            instrument_id=instrument.id,
            levels=instrument.scale.values,
        )


def test_the_burden_figures_equal_the_figures_from_the_pairs(own_project):
    for i in range(14):
        add_trajectory(
            own_project,
            {"housing": 2},
            {"housing": 3},
            professionals=(3 + i % 4, i % 3),
            neighbourhood=HOODS[i % 2],
        )
    frame = analytics.pairs_frame([own_project.pk], Pair.Series.BURDEN)
    expected, _ = disclosure.protected_effect_reports(
        frame, ("domain",), threshold=services.threshold(), higher_is_better=False
    )
    assert analytics.burden([own_project.pk]) == expected
    assert any(not g.suppressed for g in expected.groups)


def _fill(project, domains, hoods, count=12):
    for i in range(count):
        add_trajectory(
            project,
            {d: 1 + (i + j) % 5 for j, d in enumerate(domains)},
            {d: 1 + (i * 3 + j) % 5 for j, d in enumerate(domains)},
            neighbourhood=hoods[i % len(hoods)],
            start=date(2025, 1 + (i % len(hoods)) * 3, 6),
        )


def _queries(http, url) -> int:
    with CaptureQueriesContext(connection) as queries:
        response = http.get(url)
    assert response.status_code == 200, url
    return len(queries)


@pytest.mark.parametrize(
    "path", ["/tel-en-vertel/project/{pk}/", "/tel-en-vertel/project/{pk}/export.csv"]
)
def test_screens_and_exports_use_queries_independent_of_domains_and_breakdowns(
    users, own_org, path, django_assert_max_num_queries
):

    narrow = make_project(own_org, name="Smal")
    wide = make_project(own_org, name="Breed")
    _fill(narrow, ["housing"], ["Oost"])
    instrument = services.instruments()[LIFE_DOMAINS]
    _fill(wide, list(instrument.item_ids), ["Noord", "Oost", "Zuid", "West"], count=24)
    http = login(users[("own", "projectleider")])
    _queries(http, path.format(pk=narrow.pk))  # warm the per-process caches
    small = _queries(http, path.format(pk=narrow.pk))
    large = _queries(http, path.format(pk=wide.pk))
    assert large == small
    with django_assert_max_num_queries(small):
        http.get(path.format(pk=wide.pk))


def test_the_api_effects_use_queries_independent_of_domains_and_breakdowns(
    users, own_org, django_assert_max_num_queries
):

    narrow = make_project(own_org, name="Smal")
    wide = make_project(own_org, name="Breed")
    _fill(narrow, ["housing"], ["Oost"])
    instrument = services.instruments()[LIFE_DOMAINS]
    _fill(wide, list(instrument.item_ids), ["Noord", "Oost", "Zuid", "West"], count=24)
    http = login(users[("own", "projectleider")])
    url = "/api/v1/projecten/{pk}/effecten"
    _queries(http, url.format(pk=narrow.pk))
    small = _queries(http, url.format(pk=narrow.pk))
    large = _queries(http, url.format(pk=wide.pk))
    assert large == small
    for dimension in ("wijk", "leeftijd", "periode"):
        with django_assert_max_num_queries(small):
            http.get(url.format(pk=wide.pk) + f"?uitsplitsing={dimension}")


def test_the_pairs_keep_their_trajectorys_participant_and_the_migration_fills_it(own_project):
    """The person on a pair is derived: refresh_pairs writes it, the data migration copies it
    from the trajectory for the pairs written before."""
    trajectories = [add_trajectory(own_project, {"housing": 2}, {"housing": 3}) for _ in range(3)]
    pairs = Pair.all_objects.filter(trajectory__in=trajectories)
    assert pairs.count() >= 3
    assert all(p.participant_id == p.trajectory.participant_id for p in pairs)
    other = Participant.objects.create(organisation_id=own_project.owner_id, pseudonym="SQL-other")
    pairs.update(participant=other)
    migration = importlib.import_module(
        "proeftuin.monitoring.migrations.0015_pair_participant_for_the_effect_sums"
    )
    migration.fill(apps, SimpleNamespace(connection=connection))
    assert all(p.participant_id == p.trajectory.participant_id for p in pairs.all())


def _plan(sql: str) -> str:
    """The plan of ``sql`` with sequential scans priced out (a tiny test table would otherwise
    be read whole): which index would serve it at scale."""
    with connection.cursor() as cursor:
        if connection.vendor == "postgresql":
            cursor.execute("SET LOCAL enable_seqscan = off")
            cursor.execute("EXPLAIN " + sql)
        else:
            cursor.execute("EXPLAIN QUERY PLAN " + sql)
        return "\n".join(" ".join(str(c) for c in row) for row in cursor.fetchall())


@pytest.mark.django_db(transaction=False)
def test_the_municipal_report_reads_the_cells_not_the_pairs(own_project, own_org):
    """The report per project × domain (issue 14 item 1, at 1M trajectories) reads the cells the
    triggers keep (decision 0030), through their index, and not one pair while nobody has
    several trajectories in the projects."""
    instrument = services.instruments()[LIFE_DOMAINS]
    other = make_project(own_org, name="Tweede")
    write_pairs(
        own_project,
        [
            {
                "person": i,
                "project": i % 2,
                "hood": HOODS[i % 3],
                "age": AGES[i % 2],
                "period": PERIODS[i % 3],
                "start": i % 4,
                "scores": {d: (1 + i % 5, 1 + (i * 7) % 5) for d in DOMAINS},
            }
            for i in range(20)
        ],
        instrument.id,
        projects=(own_project, other),
    )
    with CaptureQueriesContext(connection) as queries:
        analytics.effects([own_project.pk, other.pk], instrument, by=("project_id",))
    read = [q["sql"] for q in queries.captured_queries]
    assert not any('"monitoring_pair"' in sql for sql in read), read
    (grouping,) = [sql for sql in read if "monitoring_paircell" in sql]
    assert "GROUP BY" in grouping
    plan = _plan(grouping)
    assert "pair_cell_key" in plan, plan
