"""The Django side of Tel en vertel's rules: pseudonyms, the maintained pairs table, access logs.

Views and the importer call these; the figures themselves come from the pure core
(:mod:`proeftuin.core.monitoring`).

**No stale results.** :func:`refresh_pairs` rebuilds the :class:`~.models.Pair` rows of the given
trajectories from all their measurements, under each project's pair definition, and must run inside the transaction that changed them
(it asserts so). The one write path (:mod:`.recording`) calls it for every change, so a report
computed after a change always includes it. It locks the trajectories it rebuilds, which makes
it idempotent when two writers refresh one trajectory at once (PostgreSQL).
"""

from __future__ import annotations

import logging
from collections.abc import Iterable
from datetime import date
from functools import lru_cache

import polars as pl
from django.conf import settings
from django.core import checks
from django.db import connection, transaction

from proeftuin.core import intake
from proeftuin.core import monitoring as core
from proeftuin.core.instruments import ENV_VAR as INSTRUMENTS_ENV_VAR
from proeftuin.core.instruments import (
    LIFE_DOMAINS,
    Instrument,
    InstrumentLoadError,
    load_instruments,
    load_instruments_skipping_broken,
)

from . import pairs_frames
from .models import (
    CaseEvent,
    Measurement,
    MonitoringSettings,
    Pair,
    Participant,
    Rating,
    Score,
    Trajectory,
)

logger = logging.getLogger(__name__)

BURDEN_VARIABLES = core.BURDEN_VARIABLES  # professionals, organisations, heavy_measures
CHUNK = 2000


# --- configuration ---------------------------------------------------------------------------------


def pseudonym_secret() -> bytes:
    return settings.PROEFTUIN_PSEUDONYM_SECRET.encode()


def threshold() -> int:
    """The small-cell threshold (settings; the core refuses anything below 5)."""
    return core.check_threshold(int(settings.PROEFTUIN_SMALL_CELL_THRESHOLD))


@lru_cache(maxsize=1)
def instruments() -> dict[str, Instrument]:
    """The shipped instruments plus the installation's own. A broken installation file never
    breaks a page: it is logged (and reported by ``manage.py check``) and the shipped instruments
    are used; a broken shipped file fails the tests."""
    try:
        return load_instruments()
    except InstrumentLoadError:
        return load_instruments_skipping_broken(
            lambda exc: logger.error("Instrument file skipped: %s", exc)
        )


class UnknownInstrument(LookupError):
    """A measurement or import names an instrument this installation does not (or no longer)
    have. Never substitute another one: its items would be saved onto the measurement."""


def known_instrument(instrument_id: str) -> Instrument:
    """The installed instrument ``instrument_id``, or :class:`UnknownInstrument`."""
    found = instruments()
    if instrument_id not in found:
        raise UnknownInstrument(instrument_id)
    return found[instrument_id]


def check_instruments(app_configs=None, **kwargs) -> list[checks.CheckMessage]:
    """System check: every instrument file loads (the error names file, path and rule)."""
    try:
        load_instruments()
    except InstrumentLoadError as exc:
        return [
            checks.Error(
                f"Instrument cannot be loaded: {exc}",
                hint=f"Fix the file, or remove it from {INSTRUMENTS_ENV_VAR}.",
                id="monitoring.E001",
            )
        ]
    return []


def instrument(instrument_id: str | None = None) -> Instrument:
    found = instruments()
    if instrument_id and instrument_id in found:
        return found[instrument_id]
    return found.get(LIFE_DOMAINS) or next(iter(found.values()))


def item_name(instrument_obj: Instrument, item_id: str, lang: str = "nl") -> str:
    try:
        return instrument_obj.item(item_id).name.get(lang)
    except KeyError:
        return item_id


# --- pseudonyms ----------------------------------------------------------------------------------


def intake_limits() -> intake.Limits:
    """The intake's limits with this installation's overrides (``PROEFTUIN_INTAKE_LIMITS``)."""
    return intake.Limits(**getattr(settings, "PROEFTUIN_INTAKE_LIMITS", {}))


def _isolate() -> bool:
    return bool(getattr(settings, "PROEFTUIN_INTAKE_ISOLATE", True))


def dry_run(project, path, mapping, instrument: Instrument, filename: str | None = None):
    """The core's dry run of a file for ``project``, keyed with this installation's secret and
    the owner's scope: the one way the web upload, the background job and the CLI check a file.

    It runs in a worker process with memory and time limits, so no file can take the web
    worker down; it never raises on bad input."""
    return intake.safe_dry_run(
        path,
        mapping,
        instrument,
        secret=pseudonym_secret(),
        scope=scope_for(project.owner_id),
        filename=filename,
        limits=intake_limits(),
        isolate=_isolate(),
    )


def suggest(path, instrument: Instrument, filename: str | None = None) -> intake.Suggestion:
    """The core's mapping suggestion, in the same limited worker as :func:`dry_run`."""
    return intake.safe_suggest_mapping(
        path, instrument, filename=filename, limits=intake_limits(), isolate=_isolate()
    )


def scope_for(organisation_id: int) -> str:
    """The HMAC scope: the organisation's id, so equal client numbers of two organisations differ."""
    return str(organisation_id)


def pseudonym_for(organisation_id: int, client_number: str) -> str:
    """The participant key for a client number: HMAC-SHA256 under the installation's secret."""
    return intake.participant_key(client_number, pseudonym_secret(), scope_for(organisation_id))


def household_key_for(organisation_id: int, household_number: str) -> str:
    return intake.participant_key(
        household_number, pseudonym_secret(), f"{scope_for(organisation_id)}\x1fhuishouden"
    )


def linking_key_for(organisation_id: int, label: str, value: str) -> str:
    """The keyed hash a "hash" column stores (the import's scope: organisation and column)."""
    return intake.participant_key(
        value, pseudonym_secret(), f"{scope_for(organisation_id)}\x1f{label}"
    )


def find_participant(project, client_number: str) -> Participant | None:
    """The participant with this client number in this project's organisation, if any."""
    try:
        key = pseudonym_for(project.owner_id, client_number)
    except ValueError:
        return None
    return Participant.objects.filter(organisation_id=project.owner_id, pseudonym=key).first()


# --- access log ----------------------------------------------------------------------------------


def log_access(request, action: str, project=None, participant=None, detail: str = "") -> None:
    """One access-log entry (see :mod:`.audit`); ``request`` may be None outside a request."""
    from . import audit

    audit.record(request, action, project, participant, detail)


# --- the pairs table -------------------------------------------------------------------------------


def pair_definitions(project_ids: Iterable[int]) -> dict[int, core.PairDefinition]:
    """Each project's pair definition (the default, baseline → end, without a settings row)."""
    ids = sorted({int(i) for i in project_ids})
    stored = dict(
        MonitoringSettings.objects.filter(project_id__in=ids).values_list(
            "project_id", "pair_definition"
        )
    )
    return {pk: core.PairDefinition(stored.get(pk, core.DEFAULT_PAIR_DEFINITION)) for pk in ids}


def pair_definition(project_id: int) -> core.PairDefinition:
    return pair_definitions([project_id])[project_id]


def quarter_start(day: date) -> date:
    return date(day.year, 3 * ((day.month - 1) // 3) + 1, 1)


def _refresh_chunk(ids: list[int], batch_id: int | None = None) -> None:
    """Rebuild the pairs of these trajectories, each under its project's pair definition (read
    after the trajectories were locked, so a concurrent change of definition is seen). The rows
    are read and written as frames (:mod:`.pairs_frames`: by COPY on PostgreSQL)."""
    Pair.objects.filter(trajectory_id__in=ids).delete()
    frame_t = pairs_frames.trajectory_frame(ids)
    if frame_t.height == 0:
        return
    _insert_pairs(frame_t, pairs_frames.score_frame, pairs_frames.session_frame, batch_id)


def insert_new_pairs(
    trajectories: pl.DataFrame, scores: pl.DataFrame, sessions: pl.DataFrame, batch_id: int
) -> None:
    """The pairs of trajectories a merge step of an import has just created, from the rows it
    wrote (frames in :data:`.pairs_frames.TRAJECTORY_ROWS`, ``SCORE_ROWS`` and ``SESSION_ROWS``
    form), so nothing is read back. No lock and no delete: these trajectories are new in this
    transaction, so nobody else sees them and they have no pairs yet."""
    frame_t = pairs_frames.trajectory_attributes(trajectories)
    measurements = pairs_frames.score_measurements(scores)
    counts = pairs_frames.session_counts(sessions)

    def only(frame: pl.DataFrame):
        return lambda ids: frame.filter(pl.col("trajectory_id").is_in(ids))

    # In chunks, as a refresh: the pairing's intermediate frames stay small.
    for start in range(0, frame_t.height, CHUNK):
        part = frame_t.slice(start, CHUNK)
        _insert_pairs(part, only(measurements), only(counts), batch_id)


def _insert_pairs(frame_t: pl.DataFrame, scores, sessions, batch_id: int | None) -> None:
    """Derive and insert the pairs of the trajectories in ``frame_t``; ``scores`` and
    ``sessions`` give the shaped rows of a list of trajectory ids."""
    definitions = pair_definitions(frame_t["project_id"].unique().to_list())
    frames: list[pl.DataFrame] = []
    for definition in sorted(set(definitions.values())):
        projects = [pk for pk, d in definitions.items() if d == definition]
        part = frame_t.filter(pl.col("project_id").is_in(projects))
        ids = part["trajectory_id"].to_list()
        frames += _derive(part, definition, scores(ids), sessions(ids))
    pairs_frames.insert_pairs(frames, batch_id)


def _derive(
    frame_t: pl.DataFrame,
    definition: core.PairDefinition,
    measurements: pl.DataFrame,
    sessions: pl.DataFrame,
) -> list[pl.DataFrame]:
    frames: list[pl.DataFrame] = []
    if measurements.height:
        pairs = core.pairs_by_definition(measurements, frame_t, definition)
        frames.append(pairs_frames.pair_frame(pairs, Pair.Series.DOMAIN))
    if sessions.height:
        burden = core.pairs_by_definition(core.burden_measurements(sessions), frame_t, definition)
        frames.append(pairs_frames.pair_frame(burden, Pair.Series.BURDEN))
    return frames


def lock_trajectories(ids: Iterable[int]) -> None:
    """Row locks on these trajectories until the transaction ends, taken in id order (so two
    writers never wait on each other crosswise). PostgreSQL: ``SELECT … FOR UPDATE``; SQLite has
    one writer at a time and ignores it."""
    ordered = sorted({int(i) for i in ids})
    for start in range(0, len(ordered), CHUNK):
        list(
            Trajectory.objects.select_for_update()
            .filter(pk__in=ordered[start : start + CHUNK])
            .order_by("pk")
            .values_list("pk", flat=True)
        )


def refresh_pairs(trajectory_ids: Iterable[int], *, batch_id: int | None = None) -> None:
    """Rebuild the pairs of these trajectories from all their measurements (same transaction).

    Idempotent under concurrency: the trajectories are locked first, so a second refresh of the
    same trajectory waits for the first to commit and then sees its pairs (without the lock, both
    deleted the old rows and both inserted: a duplicate key on ``unique_pair``)."""
    if not connection.in_atomic_block:
        raise RuntimeError("refresh_pairs must run inside the transaction that changed the data")
    ids = sorted({int(i) for i in trajectory_ids})
    lock_trajectories(ids)
    for start in range(0, len(ids), CHUNK):
        _refresh_chunk(ids[start : start + CHUNK], batch_id)


def refresh_project_pairs(project) -> None:
    """Rebuild every pair of a project (after a large import)."""
    ids = list(Trajectory.objects.filter(project=project).values_list("pk", flat=True))
    with transaction.atomic():
        refresh_pairs(ids)


# --- erasure ----------------------------------------------------------------------------------------


def erase_participant(project, participant) -> dict[str, int]:
    """Called by :func:`.recording.erase_participant` (which adds the lock and the log). Remove a participant's data from ``project``: trajectories with their measurements, scores,
    stories, heavy measures, interventions and pairs, and the history rows of all of these (an
    erasure that left copies in the history would not be one). The participant record itself
    goes when no other project holds a trajectory of theirs. Runs in one transaction."""
    with transaction.atomic():
        trajectories = set(
            Trajectory.objects.filter(project=project, participant=participant).values_list(
                "pk", flat=True
            )
        )
        # The history knows trajectories and measurements that were deleted earlier, too.
        trajectories |= set(
            Trajectory.history.filter(
                project_id=project.pk, participant_id=participant.pk
            ).values_list("id", flat=True)
        )
        measurements = set(
            Measurement.objects.filter(trajectory_id__in=trajectories).values_list("pk", flat=True)
        ) | set(
            Measurement.history.filter(trajectory_id__in=trajectories).values_list("id", flat=True)
        )
        Trajectory.objects.filter(pk__in=trajectories).delete()  # cascades to the rest
        # After the delete: deleting writes "-" history rows, which must go as well.
        Score.history.model.objects.filter(measurement_id__in=measurements).delete()
        Rating.history.model.objects.filter(measurement_id__in=measurements).delete()
        CaseEvent.history.model.objects.filter(trajectory_id__in=trajectories).delete()
        Measurement.history.model.objects.filter(trajectory_id__in=trajectories).delete()
        Trajectory.history.model.objects.filter(id__in=trajectories).delete()
        remaining = Trajectory.objects.filter(participant=participant).exists()
        if not remaining:
            participant.delete()
    return {
        "trajectories": len(trajectories),
        "measurements": len(measurements),
        "participant_removed": int(not remaining),
    }
