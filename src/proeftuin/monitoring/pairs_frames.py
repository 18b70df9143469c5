"""What a pairs refresh reads and writes, as polars frames (issue 14 item 5).

:func:`.services.refresh_pairs` rebuilds the pairs of trajectories from their scores and
measurements. A large import refreshes hundreds of thousands of trajectories with millions of
scores, so these rows are never turned into Python tuples on PostgreSQL: the readers go through
the default managers (so an unpublished import's rows stay out, decision 0023) and
:func:`proeftuin.common.bulk.read_frame` (``COPY … TO STDOUT``), and the pairs go back with
:func:`proeftuin.common.bulk.copy_frame` (``COPY … FROM STDIN``). SQLite reads through the
cursor and inserts plain rows, as before.
"""

from __future__ import annotations

import polars as pl
from django.db import connection

from proeftuin.common.bulk import copy_frame, insert_rows, read_frame

from .models import AgeGroup, Measurement, Pair, Score, Trajectory

PAIR_COLUMNS = (
    "project_id",
    "trajectory_id",
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
    "participant_id",
)
TRAJECTORY_SCHEMA = {
    "trajectory_id": pl.Int64,
    "project_id": pl.Int64,
    "participant_id": pl.Int64,
    "neighbourhood": pl.String,
    "age_group": pl.String,
    "period": pl.Date,
}


def _age_groups(frame: pl.DataFrame) -> pl.Expr:
    ages = frame.select((pl.col("started_on").dt.year() - pl.col("birth_year")).alias("age"))
    groups = {age: AgeGroup.for_age(age) for age in ages["age"].drop_nulls().unique().to_list()}
    by_age = (pl.col("started_on").dt.year() - pl.col("birth_year")).replace_strict(
        groups, default=None, return_dtype=pl.String
    )
    return (
        pl.when(pl.col("birth_year").is_not_null())
        .then(by_age)
        .otherwise(pl.col("age_group"))
        .fill_null("")
    )


#: The rows each reader takes from the database, in this order; a merge step of an import builds
#: the same rows from what it has just written (:func:`.import_sql.write_new`), without reading.
TRAJECTORY_ROWS = {
    "trajectory_id": pl.Int64,
    "project_id": pl.Int64,
    "participant_id": pl.Int64,
    "started_on": pl.Date,
    "neighbourhood": pl.String,
    "birth_year": pl.Int64,
    "age_group": pl.String,
}
SCORE_ROWS = {
    "trajectory_id": pl.Int64,
    "instrument": pl.String,
    "item": pl.String,
    "measured_on": pl.Date,
    "score": pl.Int64,
    "measurement_id": pl.Int64,
    "moment": pl.String,
}
SESSION_ROWS = {
    "measurement_id": pl.Int64,
    "trajectory_id": pl.Int64,
    "measured_on": pl.Date,
    "moment": pl.String,
    "professionals": pl.Int64,
    "organisations": pl.Int64,
    **dict.fromkeys(Measurement.HEAVY_FIELDS, pl.Boolean),
}


def trajectory_frame(ids: list[int]) -> pl.DataFrame:
    """The attributes copied onto each pair: project, participant (the person the effect sums
    count), neighbourhood, age group (from the birth year at the start, else the stored group),
    period (the start's quarter)."""
    frame = read_frame(
        Trajectory.objects.filter(pk__in=ids)
        .order_by("pk")
        .values_list(
            "pk",
            "project_id",
            "participant_id",
            "started_on",
            "participant__neighbourhood",
            "participant__birth_year",
            "participant__age_group",
        ),
        TRAJECTORY_ROWS,
    )
    return trajectory_attributes(frame)


def trajectory_attributes(frame: pl.DataFrame) -> pl.DataFrame:
    """:func:`trajectory_frame` of rows in :data:`TRAJECTORY_ROWS` form."""
    if frame.height == 0:
        return pl.DataFrame(schema=TRAJECTORY_SCHEMA)
    return frame.select(
        "trajectory_id",
        "project_id",
        "participant_id",
        pl.col("neighbourhood").fill_null(""),
        _age_groups(frame).alias("age_group"),
        pl.col("started_on").dt.truncate("1q").alias("period"),
    )


def score_frame(ids: list[int]) -> pl.DataFrame:
    """Every score of these trajectories as a measurement row of the pairs engine."""
    frame = read_frame(
        Score.objects.filter(measurement__trajectory_id__in=ids).values_list(
            "measurement__trajectory_id",
            "measurement__instrument",
            "item",
            "measurement__measured_on",
            "value",
            "measurement_id",
            "measurement__moment",
        ),
        SCORE_ROWS,
    )
    return score_measurements(frame)


def score_measurements(frame: pl.DataFrame) -> pl.DataFrame:
    """:func:`score_frame` of rows in :data:`SCORE_ROWS` form."""
    return frame.select(
        "trajectory_id",
        pl.concat_str("instrument", pl.lit("/"), "item").alias("domain"),
        "measured_on",
        "score",
        "measurement_id",
        "moment",
    )


def session_frame(ids: list[int]) -> pl.DataFrame:
    """One row per measurement of these trajectories with its burden counts (the number of
    heavy measures known to be in place, null when none is known)."""
    flags = list(Measurement.HEAVY_FIELDS)
    boolean = pl.String if connection.vendor == "postgresql" else pl.Boolean
    frame = read_frame(
        Measurement.objects.filter(trajectory_id__in=ids).values_list(
            "pk",
            "trajectory_id",
            "measured_on",
            "moment",
            "professionals",
            "organisations",
            *flags,
        ),
        {**SESSION_ROWS, **dict.fromkeys(flags, boolean)},
    )
    if boolean is pl.String:
        frame = frame.with_columns(
            pl.when(pl.col(f).is_null()).then(None).otherwise(pl.col(f) == "t").alias(f)
            for f in flags
        )
    return session_counts(frame)


def session_counts(frame: pl.DataFrame) -> pl.DataFrame:
    """:func:`session_frame` of rows in :data:`SESSION_ROWS` form."""
    flags = list(Measurement.HEAVY_FIELDS)
    known = pl.sum_horizontal(pl.col(f).cast(pl.Int64) for f in flags)
    any_known = pl.any_horizontal(pl.col(f).is_not_null() for f in flags)
    return frame.select(
        "trajectory_id",
        "measured_on",
        "measurement_id",
        "moment",
        "professionals",
        "organisations",
        pl.when(any_known).then(known).otherwise(None).alias("heavy_measures"),
    )


def pair_frame(pairs: pl.DataFrame, series: str) -> pl.DataFrame:
    """The pairs engine's output as rows of the pairs table, in :data:`PAIR_COLUMNS` order."""
    if series == Pair.Series.DOMAIN:
        split = pl.col("domain").str.splitn("/", 2)
        pairs = pairs.with_columns(
            split.struct.field("field_0").alias("instrument"),
            split.struct.field("field_1").alias("domain"),
        )
    else:
        pairs = pairs.with_columns(pl.lit("").alias("instrument"))
    return pairs.with_columns(
        pl.lit(str(series)).alias("series"),
        pl.col("neighbourhood").fill_null(""),
        pl.col("age_group").fill_null(""),
    ).select(PAIR_COLUMNS)


def insert_pairs(frames: list[pl.DataFrame], batch_id: int | None = None) -> None:
    """Insert the pairs (frames from :func:`pair_frame`), marked with the import batch
    ``batch_id`` if given: COPY on PostgreSQL, plain rows else."""
    frames = [f for f in frames if f.height]
    if not frames:
        return
    if batch_id is not None:
        frames = [
            f.with_columns(pl.lit(batch_id, pl.Int64).alias("import_batch_id")) for f in frames
        ]
    table = Pair._meta.db_table
    if connection.vendor == "postgresql":
        for frame in frames:
            copy_frame(table, frame)
        return
    adapt = connection.ops.adapt_datefield_value
    rows = []
    for frame in frames:
        for row in frame.iter_rows():
            rows.append((*row[:7], adapt(row[7]), adapt(row[8]), row[9], adapt(row[10]), *row[11:]))
    insert_rows(table, frames[0].columns, rows)
