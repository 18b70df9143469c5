"""Derived tables behind the effect figures: pairs counted per cell, trajectories per person.

The effect figures need, per cell of an output (project, domain, the breakdown columns and the
baseline and latest score), how many pairs and how many persons are in it. Counting the pairs for
every request costs a ``GROUP BY`` over all of them (130,000 for one large project, 13 million
for a municipality). These tables hold the counts, kept up to date **by database triggers on the
pairs and trajectories tables** (:mod:`.pair_cell_sql`, decision 0030), so every write path
(the screens, an import's COPY, a cascade of the collector, a raw ``DELETE``) changes them in
its own transaction, and a figure reads a few thousand cells instead of the pairs.

Nothing writes these tables but the triggers, the migration's backfill,
:func:`.pair_cell_sql.rebuild` and :func:`.pair_cell_sql.compact`. On PostgreSQL a statement appends its changes as rows of
``+n``/``-n`` (no two writers ever wait on one cell, so none can deadlock on them); a cell is
the sum of its rows, and :func:`.pair_cell_sql.compact` folds them together now and then. On
SQLite (one writer at a time) a row trigger updates the cell in place.
"""

from __future__ import annotations

from django.db import models

from proeftuin.portfolio.models import Project

from .import_batch import ImportBatch, VisibleManager


def _project() -> models.ForeignKey:
    # Derived rows: no constraint (a deleted project's pairs leave cells that sum to zero, which
    # compaction removes) and no cascade of the collector (the pairs' own deletes cancel them).
    return models.ForeignKey(
        Project,
        on_delete=models.DO_NOTHING,
        related_name="+",
        db_constraint=False,
        db_index=False,  # the key index starts with it
    )


def _batch() -> models.ForeignKey:
    # The pair's import batch, so the cells of an unpublished import stay invisible
    # (:class:`.import_batch.VisibleManager`), exactly like its pairs.
    return models.ForeignKey(
        ImportBatch,
        on_delete=models.DO_NOTHING,
        related_name="+",
        null=True,
        db_constraint=False,
        db_index=False,
    )


class PairCell(models.Model):
    """Visible pairs per project, series, instrument, domain, scores, and one breakdown.

    Each pair is counted once per breakdown ``dimension``: once with the dimension ``""`` (the
    total per domain, and per project and domain for the municipal report), and once under each
    of its neighbourhood, age group and period (``value``; a period as ISO text, missing as
    null). An output's tables are the total and one breakdown each, so these marginal counts are
    all it needs: about a hundred cells per domain and breakdown value, whatever the number of
    pairs."""

    project = _project()
    series = models.CharField(max_length=10)
    instrument = models.CharField(max_length=64)
    domain = models.CharField(max_length=64)
    dimension = models.CharField(max_length=20)
    value = models.CharField(max_length=100, null=True)
    baseline_score = models.SmallIntegerField(null=True)
    latest_score = models.SmallIntegerField(null=True)
    import_batch = _batch()
    pairs = models.IntegerField()

    all_objects = models.Manager()
    objects = VisibleManager()

    class Meta:
        base_manager_name = "all_objects"
        default_manager_name = "objects"
        indexes = [
            models.Index(
                fields=[
                    "project",
                    "series",
                    "instrument",
                    "dimension",
                    "domain",
                    "value",
                    "baseline_score",
                    "latest_score",
                    "import_batch",
                ],
                name="pair_cell_key",
            )
        ]

    def __str__(self) -> str:
        return f"{self.project_id}/{self.domain}/{self.dimension}={self.value}: ×{self.pairs}"


class ParticipantTrajectories(models.Model):
    """How many trajectories a person has (all of them, in every project and import batch).

    A cell counts each pair as a person, which holds for everyone with one trajectory: they have
    one pair per domain. Only a person counted here more than once can have two pairs of one
    domain, so only their pairs are read again for a figure (one pair per person). The count is
    an upsert on this row, so two transactions adding a trajectory for the same person at once
    take turns on it and the second sees the first: no person with two trajectories goes
    unnoticed."""

    participant_id = models.BigIntegerField(primary_key=True)
    trajectories = models.IntegerField()

    class Meta:
        indexes = [
            models.Index(
                fields=["participant_id"],
                name="participant_several",
                condition=models.Q(trajectories__gt=1),
            )
        ]

    def __str__(self) -> str:
        return f"{self.participant_id}: {self.trajectories}"
