"""The one write path of Tel en vertel: every change to participant data goes through here.

Each function writes the rows, their history (django-simple-history), the refreshed pairs and an
access-log entry in **one transaction**: either all of it is there or none of it. Views, the
import (web job and command line) and the demo call only these functions.

Concurrent writers on one trajectory are serialised by a row lock on the trajectory (PostgreSQL;
SQLite has one writer anyway), taken before anything else is written, so two autosaves on one
measurement cannot interleave their pairs refreshes (``unique_pair``) or their score inserts.

Who acts is an :class:`Actor`: a request (the log gets what :func:`.services.log_access` records),
a user (a background job) or a system account (the command line).
"""

from __future__ import annotations

from collections.abc import Callable, Iterable, Mapping
from dataclasses import dataclass, field
from typing import Any

from django.db import IntegrityError, transaction
from django.http import HttpRequest
from django.utils import timezone
from django.utils.translation import gettext as _

from proeftuin.common import intake_text
from proeftuin.core import selfreport
from proeftuin.core.instruments import Instrument
from proeftuin.core.intake import DryRunResult

from . import audit, importer, services, staged_import
from .history import write_history
from .models import (
    AccessLog,
    HeavyMeasure,
    Intervention,
    Measurement,
    MonitoringSettings,
    Participant,
    Score,
    Story,
    Trajectory,
)
from .selfreport_models import Rating, SelfReportLink

CLEAR = ""  # a score value that removes the answer (not answered is not the same as onbekend)


@dataclass(frozen=True)
class Actor:
    """Who writes: the request of a signed-in user, a user without a request, or a named account."""

    request: HttpRequest | None = None
    user: Any = None
    username: str = ""
    organisation: str = ""

    @classmethod
    def of(cls, who) -> Actor:
        if isinstance(who, Actor):
            return who
        if isinstance(who, HttpRequest):
            return cls(request=who, user=who.user)
        if who is None:
            return cls(username="system")
        return cls(user=who)

    def log(
        self,
        action: str,
        project=None,
        participant=None,
        detail: str = "",
        operation: str = AccessLog.Operation.READ,
    ) -> None:
        """The access-log entry, in the caller's transaction. ``operation`` counts only without a
        request (a request's method says whether it reads or writes)."""
        if self.request is not None:
            services.log_access(self.request, action, project, participant, detail=detail)
            return
        participant, subject = audit.subject_of(participant, action)
        user = self.user
        organisation = self.organisation
        if user is not None and not organisation and getattr(user, "organisation_id", None):
            organisation = user.organisation.name
        AccessLog.objects.create(
            user=user,
            username=(user.get_username() if user is not None else self.username)[:150],
            organisation=organisation[:200],
            action=action,
            project=project,
            participant=participant,
            subject=subject,
            detail=detail[:300],
            operation=operation,
        )


@dataclass
class Generated:
    """One generated trajectory with what is recorded in it (the demo), for :func:`record_generated`.

    ``measurements`` holds (fields, scores by item) per measurement; stories name the index of
    their measurement (or None)."""

    pseudonym: str
    participant: dict[str, Any]
    trajectory: dict[str, Any]
    measurements: list[tuple[dict[str, Any], dict[str, int | None]]] = field(default_factory=list)
    stories: list[tuple[int | None, dict[str, Any]]] = field(default_factory=list)
    heavy_measures: list[dict[str, Any]] = field(default_factory=list)
    interventions: list[dict[str, Any]] = field(default_factory=list)


def record_generated(project, generated: list[Generated], *, by) -> list[Trajectory]:
    """Many new trajectories at once (generated demo data), in one transaction: the rows, the
    history rows a screen entry writes ("+" for every trajectory, measurement and score), the
    pairs and one access-log entry. Bulk inserts, so ``proeftuin demo`` stays fast."""
    actor = Actor.of(by)
    user = _user(actor)
    with transaction.atomic():
        keys = [g.pseudonym for g in generated]
        found = {
            p.pseudonym: p
            for p in Participant.objects.filter(
                organisation_id=project.owner_id, pseudonym__in=keys
            )
        }
        new = {}
        for g in generated:
            if g.pseudonym not in found and g.pseudonym not in new:
                new[g.pseudonym] = Participant(
                    organisation_id=project.owner_id, pseudonym=g.pseudonym, **g.participant
                )
        Participant.objects.bulk_create(list(new.values()))
        found.update(new)
        trajectories = [
            Trajectory(participant=found[g.pseudonym], project=project, **g.trajectory)
            for g in generated
        ]
        Trajectory.objects.bulk_create(trajectories)
        write_history(Trajectory, [t.pk for t in trajectories], history_type="+", user=user)
        measurements: list[list[Measurement]] = []
        for g, trajectory in zip(generated, trajectories, strict=True):
            measurements.append(
                [Measurement(trajectory=trajectory, **fields) for fields, _s in g.measurements]
            )
        flat = [m for group in measurements for m in group]
        Measurement.objects.bulk_create(flat)
        write_history(Measurement, [m.pk for m in flat], history_type="+", user=user)
        scores = [
            Score(measurement=m, item=item, value=value)
            for g, group in zip(generated, measurements, strict=True)
            for m, (_f, values) in zip(group, g.measurements, strict=True)
            for item, value in values.items()
        ]
        Score.objects.bulk_create(scores, batch_size=1000)
        write_history(Score, [s.pk for s in scores], history_type="+", user=user)
        stories, heavy, interventions = [], [], []
        for g, trajectory, group in zip(generated, trajectories, measurements, strict=True):
            for index, fields in g.stories:
                measurement = group[index] if index is not None else None
                stories.append(Story(trajectory=trajectory, measurement=measurement, **fields))
            heavy += [HeavyMeasure(trajectory=trajectory, **f) for f in g.heavy_measures]
            interventions += [Intervention(trajectory=trajectory, **f) for f in g.interventions]
        Story.objects.bulk_create(stories)
        HeavyMeasure.objects.bulk_create(heavy, ignore_conflicts=True)
        Intervention.objects.bulk_create(interventions)
        services.refresh_pairs([t.pk for t in trajectories])
        actor.log(
            AccessLog.Action.RECORD,
            project,
            detail=_("%(t)s trajecten met %(m)s metingen en %(n)s scores vastgelegd")
            % {"t": len(trajectories), "m": len(flat), "n": len(scores)},
        )
    return trajectories


def _user(actor: Actor):
    user = actor.user
    return user if getattr(user, "is_authenticated", False) else None


lock_trajectories = services.lock_trajectories


def refresh_pairs(trajectory_ids: Iterable[int]) -> None:
    """Rebuild the pairs of these trajectories under their row locks (see the module)."""
    services.refresh_pairs(trajectory_ids)


# --- the pair definition ----------------------------------------------------------------------------


def set_pair_definition(
    project, definition: str, *, expected_version: int | None = None, by=None
) -> MonitoringSettings:
    """Store the project's pair definition and rebuild its pairs in the same transaction.

    The settings row is locked first, so two changes of definition are serialised; the pairs
    refresh then locks the trajectories (as every write does), so a score saved at the same time
    is paired under the definition that is committed last. ``expected_version`` is the version
    the form showed (raises :class:`~proeftuin.common.versioning.StaleEdit` when outdated).
    Setting the same definition again changes nothing."""
    from proeftuin.core.monitoring import PairDefinition

    code = PairDefinition(definition).value
    actor = Actor.of(by)
    with transaction.atomic():
        MonitoringSettings.objects.get_or_create(project=project)
        current = MonitoringSettings.objects.select_for_update().get(project=project)
        if current.pair_definition == code:
            return current
        current.pair_definition = code
        current.save_checked(current.version if expected_version is None else expected_version)
        services.refresh_pairs(
            Trajectory.objects.filter(project=project).values_list("pk", flat=True)
        )
        actor.log(
            AccessLog.Action.RECORD,
            project,
            detail=_("Paren opnieuw bepaald: %(label)s")
            % {"label": current.get_pair_definition_display()},
        )
    return current


# --- the entry screen ----------------------------------------------------------------------------


def score_text(score: Score | None) -> str:
    """A stored score as the entry screen sends it: "" (no answer), "onbekend" or the level."""
    if score is None:
        return ""
    return "onbekend" if score.value is None else str(score.value)


def record_scores(
    measurement: Measurement,
    values: Mapping[str, int | str | None],
    *,
    expected: Mapping[str, str | None] | None = None,
    by=None,
) -> tuple[list[str], dict[str, str]]:
    """Store scores (``None`` is onbekend, :data:`CLEAR` removes the answer).

    ``expected`` is what the screen showed per item (``was-<item>``; None: not sent). It is
    compared under the trajectory's lock, so of two simultaneous saves one wins and the other
    is told: an item whose stored answer differs from what was shown (or that was shown nothing
    at all) is not saved, unless the new answer equals the stored one. Returns the saved items
    and the refused ones with what is stored now."""
    actor = Actor.of(by)
    saved: list[str] = []
    refused: dict[str, str] = {}
    with transaction.atomic():
        lock_trajectories([measurement.trajectory_id])
        current = {s.item: s for s in Score.objects.filter(measurement=measurement)}
        for item, value in values.items():
            score = current.get(item)
            stored = score_text(score)
            wanted = "onbekend" if value is None else str(value)
            if expected is not None and expected.get(item) != stored and wanted != stored:
                refused[item] = stored
                continue
            saved.append(item)
            if value == CLEAR:
                if score is not None:
                    score.delete()  # through the model: the deletion gets its history row
                continue
            if score is None:
                score = Score(measurement=measurement, item=item, value=value)
            elif score.value == value:
                continue
            score.value = value
            score.save()
        if not saved:
            return saved, refused
        Measurement.objects.filter(pk=measurement.pk).update(updated_at=timezone.now())
        services.refresh_pairs([measurement.trajectory_id])
        actor.log(
            AccessLog.Action.SCORES,
            measurement.trajectory.project,
            measurement.trajectory.participant,
            detail=_("Scores %(items)s bij %(moment)s %(date)s")
            % {
                "items": ", ".join(saved),
                "moment": measurement.get_moment_display(),
                "date": f"{measurement.measured_on:%d-%m-%Y}",
            },
        )
    return saved, refused


def create_measurement(measurement: Measurement, *, by=None) -> Measurement:
    actor = Actor.of(by)
    with transaction.atomic():
        lock_trajectories([measurement.trajectory_id])
        measurement.recorded_by = measurement.recorded_by or _user(actor)
        measurement.save()
        services.refresh_pairs([measurement.trajectory_id])
        actor.log(
            AccessLog.Action.MEASUREMENT_NEW,
            measurement.trajectory.project,
            measurement.trajectory.participant,
            detail=_("Meting toegevoegd: %(moment)s %(date)s")
            % {
                "moment": measurement.get_moment_display(),
                "date": f"{measurement.measured_on:%d-%m-%Y}",
            },
        )
    return measurement


def edit_versioned(form, trajectory: Trajectory, *, by=None, what: str = ""):
    """Save a versioned form (trajectory, measurement details) with its pairs and log entry.
    Returns the saved instance, or None when the edit was stale (the form says so)."""
    actor = Actor.of(by)
    with transaction.atomic():
        lock_trajectories([trajectory.pk])
        saved = form.save_versioned()
        if saved is None:
            return None
        services.refresh_pairs([trajectory.pk])
        edited_measurement = isinstance(saved, Measurement)
        actor.log(
            AccessLog.Action.DETAILS if edited_measurement else AccessLog.Action.TRAJECTORY,
            trajectory.project,
            trajectory.participant,
            detail=what or _("Gewijzigd"),
        )
    return saved


def delete_measurement(measurement: Measurement, *, by=None) -> None:
    actor = Actor.of(by)
    trajectory = measurement.trajectory
    with transaction.atomic():
        lock_trajectories([trajectory.pk])
        Story.objects.filter(measurement=measurement).update(measurement=None)
        detail = _("Meting verwijderd: %(moment)s %(date)s") % {
            "moment": measurement.get_moment_display(),
            "date": f"{measurement.measured_on:%d-%m-%Y}",
        }
        measurement.delete()
        services.refresh_pairs([trajectory.pk])
        actor.log(
            AccessLog.Action.MEASUREMENT_DELETE, trajectory.project, trajectory.participant, detail
        )


def add_to_trajectory(obj, trajectory: Trajectory, *, by=None) -> None:
    """A story, heavy measure or intervention (raises IntegrityError when already recorded)."""
    actor = Actor.of(by)
    with transaction.atomic():
        obj.trajectory = trajectory
        obj.recorded_by = _user(actor)
        obj.save()
        actor.log(
            AccessLog.Action.TRAJECTORY_ADD,
            trajectory.project,
            trajectory.participant,
            detail=_("Vastgelegd: %(what)s") % {"what": obj._meta.verbose_name},
        )


def register_participant(
    project, pseudonym: str, attributes: Mapping[str, Any], trajectory: Mapping[str, Any], *, by
) -> tuple[Participant, Trajectory | None]:
    """The participant (found or created by pseudonym) and a new trajectory; the trajectory is
    None when the participant already has one with this start in the project."""
    actor = Actor.of(by)
    with transaction.atomic():
        participant, created_participant = Participant.objects.get_or_create(
            organisation_id=project.owner_id, pseudonym=pseudonym
        )
        # The answer tells whether the client number was known: logged either way.
        actor.log(
            AccessLog.Action.PARTICIPANT_NEW,
            project,
            participant,
            detail=_("nieuwe deelnemer") if created_participant else _("bestaande deelnemer"),
        )
        for name, value in attributes.items():
            setattr(participant, name, value)
        participant.save()
        try:
            with transaction.atomic():
                created = Trajectory.objects.create(
                    participant=participant, project=project, **trajectory
                )
        except IntegrityError:
            return participant, None
        refresh_pairs(participant.trajectories.filter(project=project).values_list("pk", flat=True))
        actor.log(AccessLog.Action.RECORD, project, participant, detail=_("Traject vastgelegd"))
    return participant, created


# --- erasure ---------------------------------------------------------------------------------------


def erase_participant(project, participant: Participant, *, by=None) -> dict[str, int]:
    """Erase a participant from the project with their history (see
    :func:`.services.erase_participant`); the log keeps no pseudonym."""
    actor = Actor.of(by)
    with transaction.atomic():
        lock_trajectories(
            Trajectory.objects.filter(project=project, participant=participant).values_list(
                "pk", flat=True
            )
        )
        erased = services.erase_participant(project, participant)
        # No pseudonym in the log: only the keyed subject, which survives the erasure.
        actor.log(
            AccessLog.Action.ERASE,
            project,
            participant,
            detail=_("Een deelnemer gewist: %(t)s traject(en), %(m)s meting(en)")
            % {"t": erased["trajectories"], "m": erased["measurements"]},
        )
    return erased


# --- the import ------------------------------------------------------------------------------------


def import_records(
    project,
    result: DryRunResult,
    instrument: Instrument,
    *,
    by=None,
    progress: Callable[[int, str], None] | None = None,
    confirm_date_changes: bool = False,
    source: str = "",
) -> dict[str, int]:
    """Commit a clean dry run: rows, history, pairs and the log entry, all visible at once.

    Large files are merged in short transactions and published in a small last one
    (:mod:`.staged_import`), so other users keep working meanwhile. Raises :class:`.importer.ImportFailed` (and writes nothing) on errors, and on a date change of
    an existing moment the user did not confirm."""
    actor = Actor.of(by)
    errors, count = importer.all_errors(result)
    if count:
        first = next((e for e in errors if e.is_error), None)
        raise importer.ImportFailed(
            intake_text.described(first) if first else _("Het bestand bevat fouten.")
        )
    records = result.record_sequence()  # made per merge step, never all at once
    planned = importer.plan(project, records)  # read-only: no lock held
    if planned.date_changes and not confirm_date_changes:
        first = importer.date_change_errors(result, planned.date_changes)[0]
        raise importer.ImportFailed(intake_text.described(first))
    name = source or result.file or ""

    def log(stats: dict[str, int]) -> None:
        # In the publishing transaction: the entry is there exactly when the data is.
        if progress:
            progress(95, _("Analyses bijgewerkt"))
        actor.log(AccessLog.Action.IMPORT, project, detail=f"{name}: {stats.get('records', 0)}")

    return staged_import.run(
        project,
        records,
        instrument,
        planned,
        user=_user(actor),
        log=log,
        progress=progress,
        source=name,
    )


# --- self-report and agreed ratings ----------------------------------------------------------------

#: The name the access log gives the participant who fills in a self-report (no account).
SELF_REPORT_ACTOR = "deelnemer (zelfrapportage)"


def _store_ratings(
    measurement: Measurement,
    kind: str,
    values: Mapping[str, int | None],
    support: Mapping[str, list[str]],
) -> list[str]:
    """Create or update one rating per item (``None``: weet ik niet), through the model so each
    change gets its history row. Returns the items written."""
    current = {r.item: r for r in Rating.objects.filter(measurement=measurement, kind=kind)}
    written = []
    for item, value in values.items():
        rating = current.get(item) or Rating(measurement=measurement, kind=kind, item=item)
        wanted_support = list(support.get(item, []))
        if rating.pk and rating.value == value and rating.support == wanted_support:
            continue
        rating.value = value
        rating.support = wanted_support
        rating.save()
        written.append(item)
    return written


def record_self_report(
    link,
    values: Mapping[str, int | None],
    support: Mapping[str, list[str]],
    *,
    now=None,
) -> bool:
    """The participant's own ratings through a one-time link, and the link marked used, in one
    transaction. Returns False (and writes nothing) when the link is no longer valid; the check
    runs under a row lock, so two simultaneous submissions store one self-report."""
    now = now or timezone.now()
    measurement = link.measurement
    trajectory = measurement.trajectory
    with transaction.atomic():
        lock_trajectories([trajectory.pk])
        link = SelfReportLink.objects.select_for_update().get(pk=link.pk)
        state = selfreport.link_state(
            now=now, expires_at=link.expires_at, used_at=link.used_at, opens=link.opens
        )
        # A link may be opened up to the limit; submitting after the last allowed opening is fine.
        if link.revoked or state in (selfreport.LinkState.USED, selfreport.LinkState.EXPIRED):
            return False
        # One self-report per measurement: a later link must not overwrite what the participant
        # already answered (the thank-you page promises nobody can change it).
        answered = (
            SelfReportLink.objects.filter(measurement=measurement, used_at__isnull=False)
            .exclude(pk=link.pk)
            .exists()
        )
        if answered:
            return False
        written = _store_ratings(measurement, Rating.Kind.SELF, values, support)
        link.used_at = now
        link.save(update_fields=["used_at"])
        Actor(username=SELF_REPORT_ACTOR, organisation=trajectory.project.owner.name).log(
            AccessLog.Action.SELF_REPORT,
            trajectory.project,
            trajectory.participant,
            detail=_("Zelfrapportage: %(n)s leefgebieden bij %(moment)s %(date)s")
            % {
                "n": len(written),
                "moment": measurement.get_moment_display(),
                "date": f"{measurement.measured_on:%d-%m-%Y}",
            },
            operation=AccessLog.Operation.WRITE,
        )
    return True


def record_agreed_ratings(
    measurement: Measurement,
    values: Mapping[str, int | None],
    support: Mapping[str, list[str]],
    *,
    by=None,
) -> list[str]:
    """The rating professional and participant agreed on after comparing, with its log entry."""
    actor = Actor.of(by)
    trajectory = measurement.trajectory
    with transaction.atomic():
        lock_trajectories([trajectory.pk])
        written = _store_ratings(measurement, Rating.Kind.AGREED, values, support)
        if written:
            actor.log(
                AccessLog.Action.AGREED,
                trajectory.project,
                trajectory.participant,
                detail=_("Afgesproken: %(items)s") % {"items": ", ".join(written)},
                operation=AccessLog.Operation.WRITE,
            )
    return written


def create_self_report_link(measurement: Measurement, *, days: int, language: str, by=None):
    """A new one-time link. Returns (link, token): the token exists only in this return value."""
    actor = Actor.of(by)
    token = selfreport.new_token()
    trajectory = measurement.trajectory
    with transaction.atomic():
        # One open link per measurement: a new link ends the earlier unused ones, so a link
        # handed out before cannot be used beside it.
        SelfReportLink.objects.filter(
            measurement=measurement, used_at__isnull=True, revoked=False
        ).update(revoked=True)
        link = SelfReportLink.objects.create(
            measurement=measurement,
            token_digest=selfreport.token_digest(token),
            created_by=_user(actor),
            expires_at=selfreport.expiry(timezone.now(), days),
            language=language if language in ("nl", "en") else "nl",
        )
        actor.log(
            AccessLog.Action.SELF_REPORT_LINK,
            trajectory.project,
            trajectory.participant,
            detail=_("Link gemaakt, geldig tot %(until)s")
            % {"until": f"{timezone.localtime(link.expires_at):%d-%m-%Y %H:%M}"},
            operation=AccessLog.Operation.WRITE,
        )
    return link, token


def revoke_self_report_link(link, *, by=None) -> None:
    actor = Actor.of(by)
    trajectory = link.measurement.trajectory
    with transaction.atomic():
        SelfReportLink.objects.filter(pk=link.pk).update(revoked=True)
        actor.log(
            AccessLog.Action.SELF_REPORT_LINK,
            trajectory.project,
            trajectory.participant,
            detail=_("Link ingetrokken"),
            operation=AccessLog.Operation.WRITE,
        )
