"""The sums behind the effect figures, aggregated in the database (issue 14, item 1).

An output's histograms (pairs and persons per cell of its key columns and the two scores) come
from the **cells** the triggers keep (:mod:`.pair_cell_models`, decision 0030), not from the
pairs: a few thousand rows for a large project instead of 130,000 pairs, in one query (two
more when someone has several trajectories; all three read one snapshot). A cell
counts each pair as a person, which is true for everyone with one trajectory in the chosen
projects (one pair per domain). Only a person with several trajectories there (the trajectory
counts say who, without scanning the trajectories) can have two pairs of one domain: their
pairs alone are read, taken out of the cells again, and one pair per person and domain is put
back (the core's :func:`proeftuin.core.monitoring.disclosure.one_pair_per_person`, the rule
the in-memory path applies). The core sums the cells per table (the total and each breakdown)
and turns the sums into figures (:mod:`proeftuin.core.monitoring.sums`), and the disclosure
gate protects them (:func:`proeftuin.core.monitoring.disclosure.protected_effect_sums`).

An output whose tables are not the domain plus at most one breakdown (none of the app's) is
counted from the pairs, as before the cells: the index ``pair_sums_covering`` serves that.
"""

from __future__ import annotations

from collections.abc import Iterator, Sequence
from contextlib import contextmanager
from datetime import date

import polars as pl
from django.db import connection, transaction
from django.db.models import Case, Count, F, IntegerField, QuerySet, Sum, Value, When, Window
from django.db.models.functions import RowNumber

from proeftuin.core.monitoring import disclosure, sums

from .models import Pair, PairCell, ParticipantTrajectories, Trajectory

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


def several_trajectories(project_ids: Sequence[int], *, per_project: bool = False) -> QuerySet:
    """The persons with more than one trajectory in these projects (``per_project``: in one of
    them): only they can have two pairs of one domain (in one project, when the figures are
    per project). All trajectories, so a superset of those with visible pairs. Only persons
    whose trajectory count is above one are looked at (a partial index), so this does not scan
    the projects' trajectories."""
    repeaters = ParticipantTrajectories.objects.filter(trajectories__gt=1).values("participant_id")
    keys = ("participant_id", "project_id") if per_project else ("participant_id",)
    return (
        Trajectory.all_objects.filter(
            project_id__in=list(project_ids), participant_id__in=repeaters
        )
        .values(*keys)
        .annotate(trajectories=Count("id"))
        .filter(trajectories__gt=1)
        .values("participant_id")
    )


def _dimension(table: Sequence[str]) -> str | None:
    """The breakdown of a table the cells hold (``""``: none), or None when they cannot serve it
    (no domain, or more than one breakdown column)."""
    rest = [c for c in table if c not in ("project_id", "domain")]
    if "domain" not in table or len(rest) > 1:
        return None
    return rest[0] if rest else ""


def _cells_sql(
    project_ids: Sequence[int],
    series: str,
    instrument_id: str | None,
    groups: Sequence[str],
    dimensions: Sequence[str],
) -> tuple[str, list]:
    """The cells of the breakdowns in ``dimensions``: ``dimension``, ``value``, ``groups`` (the
    project and the domain), the two scores and the pairs, summed over their rows (PostgreSQL
    appends rows per cell) and without the cells counted zero."""
    cells = PairCell.objects.filter(
        project_id__in=list(project_ids), series=series, dimension__in=list(dimensions)
    )
    if instrument_id is not None:
        cells = cells.filter(instrument=instrument_id)
    cells = cells.values("dimension", "value", *groups, "baseline_score", "latest_score")
    sql, params = cells.annotate(n=Sum("pairs")).exclude(n=0).query.sql_with_params()
    return sql, list(params)


#: The columns of a pair the correction for persons with several trajectories reads.
THEIR_PAIRS = {
    "project_id": pl.Int64,
    "participant_id": pl.Int64,
    "trajectory_id": pl.Int64,
    "domain": pl.String,
    "neighbourhood": pl.String,
    "age_group": pl.String,
    "period": pl.String,
    "baseline_on": pl.String,
    "baseline_score": pl.Int64,
    "latest_score": pl.Int64,
}


def _their_pairs(
    project_ids: Sequence[int], series: str, instrument_id: str | None, several: QuerySet
) -> pl.DataFrame:
    """The visible pairs of the persons with several trajectories in these projects, dates as
    ISO text (no converter per value; ISO text sorts as the dates do)."""
    theirs = Trajectory.all_objects.filter(
        project_id__in=list(project_ids), participant_id__in=several
    ).values("pk")
    pairs = _visible_pairs(project_ids, series, instrument_id).filter(trajectory_id__in=theirs)
    sql, params = pairs.values(*THEIR_PAIRS).query.sql_with_params()
    text = (
        "to_char({0}, 'YYYY-MM-DD')" if connection.vendor == "postgresql" else "CAST({0} AS TEXT)"
    )
    selected = ", ".join(
        text.format(c) if THEIR_PAIRS[c] == pl.String and c in DATES else c for c in THEIR_PAIRS
    )
    with connection.cursor() as cursor:
        cursor.execute(f"SELECT {selected} FROM ({sql}) theirs", params)  # noqa: S608
        rows = cursor.fetchall()
    return pl.DataFrame(rows, schema=THEIR_PAIRS, orient="row")


DATES = ("period", "baseline_on")


def _correction(
    their: pl.DataFrame, within: Sequence[str], groups: Sequence[str], dimensions: Sequence[str]
) -> pl.DataFrame:
    """Per cell of each breakdown: minus every pair of theirs (the cells count each as a
    person), plus one pair per person and domain (the rule of
    :func:`~proeftuin.core.monitoring.disclosure.one_pair_per_person`, the function the
    in-memory path uses) with its distinct persons."""
    kept = disclosure.one_pair_per_person(their, within=list(within))
    scores = ["baseline_score", "latest_score"]
    columns = ["dimension", "value", *groups, *scores, "pairs", "persons"]
    parts = []
    for dimension in dimensions:
        keys = [(pl.col(dimension) if dimension else pl.lit("")).alias("value"), *groups, *scores]
        label = pl.lit(dimension).alias("dimension")
        count = pl.len().cast(pl.Int64)
        persons = pl.col("participant_id").n_unique().cast(pl.Int64)
        minus = their.group_by(keys).agg(pairs=-count, persons=-count)
        plus = kept.group_by(keys).agg(pairs=count, persons=persons)
        parts += [
            minus.with_columns(label).select(columns),
            plus.with_columns(label).select(columns),
        ]
    return pl.concat(parts, how="vertical_relaxed")


def _from_cells(
    project_ids: Sequence[int],
    tables: Sequence[tuple[str, ...]],
    series: str,
    instrument_id: str | None,
    within: Sequence[str],
    levels: Sequence[int] | None,
    per_person: bool,
    min_change: int,
) -> list[sums.GroupSums]:
    """Each table's sums from its own histogram of the cells (one query, and one more for
    the persons with several trajectories, if any).

    Everyone with one trajectory in these projects is in the cells once per domain, so a cell's
    count is both its pairs and its persons. Persons with several trajectories there (the
    trajectory counts say who, cheaply) have their pairs read and corrected
    (:func:`_correction`). Without ``per_person`` (the attack tests' positive control) a
    trajectory counts as a person, as in the in-memory path, so the cells are the answer."""
    groups = [c for c in ("project_id", "domain") if any(c in t for t in tables)]
    dimensions = sorted({_dimension(t) for t in tables})
    with _one_snapshot():
        cells, their = _read_cells(
            project_ids, series, instrument_id, within, groups, dimensions, per_person
        )
    return _tables_from_cells(cells, their, tables, within, groups, dimensions, levels, min_change)


@contextmanager
def _one_snapshot() -> Iterator[None]:
    """The cells, who has several trajectories and their pairs, read as of one moment: else a
    rescore between the reads could take a person's pairs out of cells that never held them
    (and count them twice). SQLite: reads in one transaction share a snapshot. PostgreSQL: a
    repeatable-read transaction, unless the caller's transaction is already open (then its
    isolation applies)."""
    if connection.in_atomic_block:
        yield
        return
    with transaction.atomic():
        if connection.vendor == "postgresql":
            with connection.cursor() as cursor:
                cursor.execute("SET TRANSACTION ISOLATION LEVEL REPEATABLE READ READ ONLY")
        yield


def _read_cells(
    project_ids: Sequence[int],
    series: str,
    instrument_id: str | None,
    within: Sequence[str],
    groups: Sequence[str],
    dimensions: Sequence[str],
    per_person: bool,
) -> tuple[list[tuple], pl.DataFrame | None]:
    """The cells' rows, and the pairs of the persons with several trajectories (None: nobody)."""
    sql, params = _cells_sql(project_ids, series, instrument_id, groups, dimensions)
    with connection.cursor() as cursor:
        cursor.execute(sql, params)
        fetched = cursor.fetchall()
    several = several_trajectories(project_ids, per_project="project_id" in within)
    if not per_person or not several.exists():
        return fetched, None
    return fetched, _their_pairs(project_ids, series, instrument_id, several)


def _tables_from_cells(
    fetched: list[tuple],
    their: pl.DataFrame | None,
    tables: Sequence[tuple[str, ...]],
    within: Sequence[str],
    groups: Sequence[str],
    dimensions: Sequence[str],
    levels: Sequence[int] | None,
    min_change: int,
) -> list[sums.GroupSums]:
    """Each table's sums from the cells, corrected for the persons with several trajectories."""
    scores = ["baseline_score", "latest_score"]
    columns = ["dimension", "value", *groups, *scores]
    schema = {
        "dimension": pl.String,
        "value": pl.String,
        **{c: pl.Int64 if c == "project_id" else pl.String for c in groups},
        **dict.fromkeys(scores, pl.Int64),
        "pairs": pl.Int64,
    }
    cells = pl.DataFrame(fetched, schema=schema, orient="row")
    cells = cells.with_columns(persons=pl.col("pairs"))
    if their is not None:
        both = pl.concat([cells, _correction(their, within, groups, dimensions)])
        cells = (
            both.group_by(columns)
            .agg(pl.col("pairs").sum(), pl.col("persons").sum())
            .filter(pl.col("pairs") != 0)
        )
    built = []
    for table in tables:
        dimension = _dimension(table)
        rows = cells.filter(pl.col("dimension") == dimension)
        keys = {column: rows[column].to_list() for column in groups}
        if dimension:
            keys[dimension] = sums.key_column(
                rows["value"].to_list(), _parse_date if dimension in DATE_KEYS else None
            )
        histogram = sums.cells(*(rows[c].to_list() for c in (*scores, "pairs", "persons")))
        built.append(sums.from_histogram(table, keys, histogram, levels, min_change=min_change))
    return built


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
    per cell, from the cells the triggers keep (or the pairs, without the domain among the
    columns). That is one query whatever the number of tables; the core sums the cells up per
    table (:func:`proeftuin.core.monitoring.sums.from_histogram`)."""
    by = tuple(by)
    tables = [by, *((column, *by) for column in breakdowns)]
    columns = list(dict.fromkeys(c for keys in tables for c in keys))
    unknown = set(columns) - set(KEY_TYPES)
    if unknown:
        raise ValueError(f"cannot group the pairs by {sorted(unknown)}")
    within = [c for c in by if c != "domain"]
    if all(_dimension(t) is not None for t in tables):
        built = _from_cells(
            project_ids, tables, series, instrument_id, within, levels, per_person, min_change
        )
        return built[0], dict(zip(breakdowns, built[1:], strict=True))
    sql, params, rows_are_persons = _pairs_sql(
        project_ids, series, instrument_id, within, columns, per_person
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


def _pairs_sql(
    project_ids: Sequence[int],
    series: str,
    instrument_id: str | None,
    within: Sequence[str],
    columns: Sequence[str],
    per_person: bool,
) -> tuple[str, list, bool]:
    """The histogram counted from the pairs (an output without the domain among its columns)."""
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
    return sql, params, rows_are_persons


def _selected(column: str) -> str:
    """The key column as the histogram query selects it: a date as ISO text on SQLite (no
    date converter per cell; PostgreSQL's driver reads dates in C)."""
    if column in DATE_KEYS and connection.vendor == "sqlite":
        return f"CAST({column} AS TEXT)"
    return column


def _parse_date(value: object) -> object:
    return date.fromisoformat(value) if isinstance(value, str) else value
