"""The sums behind the effect figures, aggregated in the database (issue 14, item 1).

One GROUP BY per output: the maintained pairs of the chosen projects, series and instrument are
narrowed to one pair per person and domain (the rule of
:func:`proeftuin.core.monitoring.disclosure.one_pair_per_person`; the person is the participant
kept on the pair, so no join), and one ``GROUP BY`` over the key columns of the output and the
two scores returns the joint histogram: pair rows and persons per cell. Only a person with more
than one trajectory in the projects can have two pairs of one domain: a cheap query first asks
whether there is one, and only their pairs then go through a window function. No pair row leaves
the database; the core sums the cells per table (the total and each breakdown) and turns the
sums into figures (:mod:`proeftuin.core.monitoring.sums`), and the disclosure gate protects them
(:func:`proeftuin.core.monitoring.disclosure.protected_effect_sums`). The index
``pair_sums_covering`` serves the query.
"""

from __future__ import annotations

from collections.abc import Sequence
from datetime import date

from django.db import connection
from django.db.models import Case, Count, F, IntegerField, QuerySet, Value, When, Window
from django.db.models.functions import RowNumber

from proeftuin.core.monitoring import sums

from .models import Pair, Trajectory

# Every column a table of an output may be grouped by (the values are their SQL types).
KEY_TYPES = {
    "project_id": "BIGINT",
    "domain": "VARCHAR(64)",
    "neighbourhood": "VARCHAR(100)",
    "age_group": "VARCHAR(10)",
    "period": "DATE",
}
DATE_KEYS = ("period",)


def _visible_pairs(project_ids: Sequence[int], series: str, instrument_id: str | None) -> QuerySet:
    qs = Pair.objects.filter(project_id__in=list(project_ids), series=series)
    if instrument_id is not None:
        qs = qs.filter(instrument=instrument_id)
    return qs


def pairs_query(
    project_ids: Sequence[int],
    series: str,
    instrument_id: str | None,
    within: Sequence[str],
    *,
    columns: Sequence[str] = tuple(KEY_TYPES),
    ranked: bool = True,
) -> QuerySet:
    """The visible pairs' ``columns``, scores and person (the participant kept on the pair, so
    no join) and, per person and domain (and ``within``), their rank: 1 for the most recent
    complete pair, else the most recent."""
    qs = _visible_pairs(project_ids, series, instrument_id)
    person = F("participant_id")
    qs = qs.values(*columns, "baseline_score", "latest_score").annotate(person=person)
    if not ranked:
        return qs
    complete = Case(
        When(baseline_score__isnull=False, latest_score__isnull=False, then=Value(1)),
        default=Value(0),
        output_field=IntegerField(),
    )
    return qs.annotate(
        pair_rank=Window(
            RowNumber(),
            partition_by=[person, *(F(c) for c in within), F("domain")],
            order_by=[
                complete.desc(),
                F("baseline_on").desc(nulls_last=True),
                F("trajectory_id").desc(),
            ],
        ),
    )


def several_trajectories(project_ids: Sequence[int]) -> QuerySet:
    """The persons with more than one trajectory in these projects: only they can have two
    pairs of one domain (all trajectories, so a superset of those with visible pairs)."""
    return (
        Trajectory.all_objects.filter(project_id__in=list(project_ids))
        .values("participant_id")
        .annotate(trajectories=Count("id"))
        .filter(trajectories__gt=1)
        .values("participant_id")
    )


def _kept_sql(
    project_ids: Sequence[int],
    series: str,
    instrument_id: str | None,
    within: Sequence[str],
    columns: Sequence[str],
    per_person: bool,
) -> tuple[str, list]:
    """``WITH kept AS (...)``: one pair per person and domain (and ``within``).

    Only a person with more than one trajectory in these projects can have two pairs of one
    domain, so only their pairs go through the window (a sort); the others are kept as they are.
    When nobody has several (one cheap query says so), the pairs are kept as they are."""
    names = ", ".join(columns)
    select = f"SELECT {names}, person, baseline_score AS b, latest_score AS a FROM "  # noqa: S608
    plain = pairs_query(project_ids, series, instrument_id, within, columns=columns, ranked=False)
    several = several_trajectories(project_ids)
    if not per_person or not several.exists():
        sql, params = plain.query.sql_with_params()
        return f"WITH kept AS ({select}({sql}) plain)", list(params)
    single = plain.exclude(participant_id__in=several)
    multiple = pairs_query(project_ids, series, instrument_id, within, columns=columns).filter(
        participant_id__in=several
    )
    single_sql, single_params = single.query.sql_with_params()
    multiple_sql, multiple_params = multiple.query.sql_with_params()
    sql = (
        f"WITH kept AS ({select}({single_sql}) single UNION ALL "  # noqa: S608 - the ORM's SQL
        f"{select}({multiple_sql}) ranked WHERE pair_rank = 1)"
    )
    return sql, [*single_params, *multiple_params]


def group_sums(
    project_ids: Sequence[int],
    by: Sequence[str],
    breakdowns: Sequence[str] = (),
    *,
    series: str = Pair.Series.DOMAIN,
    instrument_id: str | None = None,
    levels: Sequence[int] | None = None,
    per_person: bool = True,
    min_change: int = 1,
) -> tuple[sums.GroupSums, dict[str, sums.GroupSums]]:
    """The sums per ``by`` and per (column, *by) for each of ``breakdowns``, from one query.

    The database returns the joint histogram of the kept pairs over every key column of the
    output (and only those) and the baseline and latest score: pair rows and distinct persons
    per cell. That is
    one pass over the pairs whatever the number of tables; the core sums the cells up per table
    (:func:`proeftuin.core.monitoring.sums.from_histogram`)."""
    by = tuple(by)
    tables = [by, *((column, *by) for column in breakdowns)]
    columns = list(dict.fromkeys(c for keys in tables for c in keys))
    unknown = set(columns) - set(KEY_TYPES)
    if unknown:
        raise ValueError(f"cannot group the pairs by {sorted(unknown)}")
    within = [c for c in by if c != "domain"]
    kept, params = _kept_sql(project_ids, series, instrument_id, within, columns, per_person)
    grouping = ", ".join([*columns, "b", "a"])
    selected = ", ".join([*(_selected(c) for c in columns), "b", "a"])
    # After one pair per person and domain (and ``within``, part of every table), a person has
    # at most one row in a cell that is per domain: the rows are the persons, no DISTINCT (and
    # the count is selected once).
    rows_are_persons = per_person and "domain" in columns
    persons = "" if rows_are_persons else ", COUNT(DISTINCT person)"
    sql = (
        f"{kept} SELECT {selected}, COUNT(*){persons} "  # noqa: S608 - column names from KEY_TYPES
        f"FROM kept GROUP BY {grouping}"
    )
    with connection.cursor() as cursor:
        cursor.execute(sql, params)
        fetched = cursor.fetchall()
    width = len(columns)
    cells = list(zip(*fetched, strict=True)) if fetched else [()] * (width + 4 - rows_are_persons)
    if rows_are_persons:
        cells.append(cells[-1])
    # Each key column factorised once for all the tables (few distinct values); a date column
    # comes as text and its distinct values are parsed once.
    keys = {
        column: sums.key_column(cells[i], _parse_date if column in DATE_KEYS else None)
        for i, column in enumerate(columns)
    }
    histogram = sums.cells(*cells[width : width + 4])
    built = [
        sums.from_histogram(table, keys, histogram, levels, min_change=min_change)
        for table in tables
    ]
    return built[0], dict(zip(breakdowns, built[1:], strict=True))


def _selected(column: str) -> str:
    """The key column as the histogram query selects it: a date as ISO text on SQLite (no
    date converter per cell; PostgreSQL's driver reads dates in C)."""
    if column in DATE_KEYS and connection.vendor == "sqlite":
        return f"CAST({column} AS TEXT)"
    return column


def _parse_date(value: object) -> object:
    return date.fromisoformat(value) if isinstance(value, str) else value
