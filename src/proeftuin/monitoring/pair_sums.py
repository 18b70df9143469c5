"""The sums behind the effect figures, aggregated in the database (issue 14, item 1).

One query per output: the maintained pairs of the chosen projects, series and instrument are
narrowed to one pair per person and domain (a window function, the rule of
:func:`proeftuin.core.monitoring.disclosure.one_pair_per_person`), and one ``GROUP BY`` per table
of the output (the total and each breakdown) computes the counts and integer sums of
:mod:`proeftuin.core.monitoring.sums`, joined with ``UNION ALL``. No pair row leaves the database;
the core turns the sums into figures and the disclosure gate protects them
(:func:`proeftuin.core.monitoring.disclosure.protected_effect_sums`).

The same SQL runs on SQLite (3.30 or later: ``NULLS LAST``) and PostgreSQL. The pairs are selected
through the ORM (``Pair.objects``: scoped to the projects, without unpublished import batches),
so the visibility rules stay in one place.
"""

from __future__ import annotations

from collections.abc import Sequence
from datetime import date

from django.db import connection
from django.db.models import Case, F, IntegerField, Value, When, Window
from django.db.models.functions import RowNumber

from proeftuin.core.monitoring import sums

from .models import Pair

# Every column a table of an output may be grouped by, with its SQL type for the NULL of a
# table that does not group by it (PostgreSQL types the branches of a UNION).
KEY_TYPES = {
    "project_id": "BIGINT",
    "domain": "VARCHAR(64)",
    "neighbourhood": "VARCHAR(100)",
    "age_group": "VARCHAR(10)",
    "period": "DATE",
}
DATE_KEYS = ("period",)


def pairs_query(
    project_ids: Sequence[int],
    series: str,
    instrument_id: str | None,
    within: Sequence[str],
    *,
    ranked: bool = True,
):
    """The visible pairs, each with its person and, per person and domain (and ``within``), its
    rank: 1 for the most recent complete pair, else the most recent."""
    qs = Pair.objects.filter(project_id__in=list(project_ids), series=series)
    if instrument_id is not None:
        qs = qs.filter(instrument=instrument_id)
    complete = Case(
        When(baseline_score__isnull=False, latest_score__isnull=False, then=Value(1)),
        default=Value(0),
        output_field=IntegerField(),
    )
    person = F("trajectory__participant_id")
    qs = qs.values(*KEY_TYPES, "baseline_score", "latest_score").annotate(person=person)
    if not ranked:
        return qs
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


def _select(by: Sequence[str], table: int, levels: Sequence[int], min_change: int) -> str:
    """One ``GROUP BY`` over the kept pairs; every number is an integer literal."""
    complete = "b IS NOT NULL AND a IS NOT NULL"
    keys = [
        c if c in by else f"CAST(NULL AS {sql_type}) AS {c}" for c, sql_type in KEY_TYPES.items()
    ]
    counts = [
        "COUNT(*) AS n_rows",
        f"SUM(CASE WHEN {complete} THEN 1 ELSE 0 END) AS n",
        f"COUNT(DISTINCT CASE WHEN {complete} THEN person END) AS persons",
        f"SUM(CASE WHEN {complete} THEN b ELSE 0 END) AS sum_before",
        f"SUM(CASE WHEN {complete} THEN a ELSE 0 END) AS sum_after",
        f"SUM(CASE WHEN {complete} THEN a - b ELSE 0 END) AS sum_d",
        f"SUM(CASE WHEN {complete} THEN (a - b) * (a - b) ELSE 0 END) AS sum_d2",
        f"SUM(CASE WHEN {complete} AND a - b >= {int(min_change)} THEN 1 ELSE 0 END) AS n_up",
        f"SUM(CASE WHEN {complete} AND b - a >= {int(min_change)} THEN 1 ELSE 0 END) AS n_down",
        f"SUM(CASE WHEN {complete} AND b > 0 THEN 1 ELSE 0 END) AS n_any_before",
        f"SUM(CASE WHEN {complete} AND a > 0 THEN 1 ELSE 0 END) AS n_any_after",
        "MIN(CASE WHEN b IS NULL OR a < b THEN a ELSE b END) AS low",
        "MAX(CASE WHEN b IS NULL OR a > b THEN a ELSE b END) AS high",
    ]
    for i, level in enumerate(levels):
        counts.append(f"SUM(CASE WHEN {complete} AND b = {int(level)} THEN 1 ELSE 0 END) AS b{i}")
        counts.append(f"SUM(CASE WHEN {complete} AND a = {int(level)} THEN 1 ELSE 0 END) AS a{i}")
    group = f" GROUP BY {', '.join(by)}" if by else ""
    # Column names from KEY_TYPES (checked by group_sums), numbers as int literals.
    return f"SELECT {int(table)} AS tbl, {', '.join(keys + counts)} FROM kept{group}"  # noqa: S608


def _kept(inner_sql: str, per_person: bool) -> str:
    rank = " WHERE pair_rank = 1" if per_person else ""
    columns = ", ".join(KEY_TYPES)
    return (
        f"WITH kept AS (SELECT {columns}, person, CAST(baseline_score AS BIGINT) AS b, "  # noqa: S608 - the ORM's SQL, its values as parameters
        f"CAST(latest_score AS BIGINT) AS a FROM ({inner_sql}) ranked{rank})"
    )


def _observed_range(kept: str, params: Sequence) -> tuple[int | None, int | None]:
    with connection.cursor() as cursor:
        cursor.execute(
            f"{kept} SELECT MIN(CASE WHEN b IS NULL OR a < b THEN a ELSE b END), "  # noqa: S608 - no values inlined
            "MAX(CASE WHEN b IS NULL OR a > b THEN a ELSE b END) FROM kept",
            params,
        )
        low, high = cursor.fetchone()
    return (None if low is None else int(low)), (None if high is None else int(high))


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
    """The sums per ``by`` and per (column, *by) for each of ``breakdowns``, in one query (two
    when ``levels`` is None: the observed range first, as the engine does)."""
    by = tuple(by)
    tables = [by, *((column, *by) for column in breakdowns)]
    for keys in tables:
        unknown = set(keys) - set(KEY_TYPES)
        if unknown:
            raise ValueError(f"cannot group the pairs by {sorted(unknown)}")
    within = [c for c in by if c != "domain"]
    query = pairs_query(project_ids, series, instrument_id, within, ranked=per_person).query
    inner_sql, params = query.sql_with_params()
    kept = _kept(inner_sql, per_person)
    if levels is None:
        observed = sums.check_levels(None, *_observed_range(kept, params))
        level_values = [int(v) for v in observed] if len(observed) <= sums.MAX_LEVELS else []
        distributions = len(observed) <= sums.MAX_LEVELS
    else:
        level_values = [int(v) for v in sums.check_levels(levels, None, None)]
        distributions = True
    sql = " UNION ALL ".join(
        _select(keys, i, level_values, min_change) for i, keys in enumerate(tables)
    )
    with connection.cursor() as cursor:
        cursor.execute(f"{kept} {sql}", params)
        names = [c[0] for c in cursor.description]
        fetched = cursor.fetchall()
    per_table: list[list[dict]] = [[] for _ in tables]
    for values in fetched:
        record = dict(zip(names, values, strict=True))
        record["rows"] = record.pop("n_rows")
        for column in DATE_KEYS:
            if isinstance(record[column], str):
                record[column] = date.fromisoformat(record[column])
        for i in range(len(level_values)):
            record[f"before_{i}"] = record.pop(f"b{i}")
            record[f"after_{i}"] = record.pop(f"a{i}")
        per_table[int(record["tbl"])].append(record)
    built = [
        sums.from_rows(
            keys,
            records,
            levels if levels is not None else level_values or None,
            min_change=min_change,
            distributions=distributions,
        )
        for keys, records in zip(tables, per_table, strict=True)
    ]
    return built[0], dict(zip(breakdowns, built[1:], strict=True))
