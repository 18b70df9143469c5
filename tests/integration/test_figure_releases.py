"""Figure releases: made on demand at a milestone and monthly by a command; refused without the
threshold in changed persons; read back exactly as they were frozen."""

from __future__ import annotations

from io import StringIO

from django.core.management import call_command
from integration_support import login
from test_monitoring_builders import add_trajectory

from proeftuin.monitoring import releases
from proeftuin.monitoring.models import FigureRelease


def fill(project, count: int) -> None:
    for i in range(count):
        add_trajectory(
            project, {"housing": 2, "finances": 1 + i % 3}, {"housing": 4, "finances": 3}
        )


def test_a_project_leader_releases_at_a_milestone_and_a_repeat_is_refused(own_project, users):
    fill(own_project, 12)
    http = login(users[("own", "projectleider")])
    url = f"/tel-en-vertel/project/{own_project.pk}/cijfers-vrijgeven/"
    response = http.post(url, follow=True)
    assert "Cijfers vrijgegeven" in response.content.decode()
    release = FigureRelease.objects.get(project=own_project)
    assert release.reason == "milestone" and release.created_by == users[("own", "projectleider")]
    response = http.post(url, follow=True)
    assert (
        "Niet vrijgegeven: sinds de vorige vrijgave zijn 0 deelnemers" in response.content.decode()
    )
    assert FigureRelease.objects.filter(project=own_project).count() == 1


def test_the_monthly_command_releases_every_project_and_skips_the_unchanged(own_project):
    fill(own_project, 12)
    out = StringIO()
    call_command("release_figures", stdout=out)
    assert "stand per" in out.getvalue()
    add_trajectory(own_project, {"housing": 1}, {"housing": 5})
    out = StringIO()
    call_command("release_figures", str(own_project.pk), "--mijlpaal", stdout=out)
    assert "niet vrijgegeven, 1 personen gewijzigd (minstens 10 nodig)" in out.getvalue()


def test_a_release_reads_back_as_it_was_frozen(own_project):
    fill(own_project, 12)
    release = releases.create_release(own_project)
    live = releases.LiveFigures([own_project.pk])
    frozen = releases.ReleasedFigures(release)
    instrument = live.instruments_in_use()[0]
    assert frozen.effect_output(instrument).total == live.effect_output(instrument).total
    assert frozen.effect_output(instrument).splits == live.effect_output(instrument).splits
    assert frozen.burden() == live.burden()
    for by, every in releases.PROCESS_TABLES:
        assert frozen.process(by, every) == live.process(by, every)
    # Later changes do not reach the release.
    fill(own_project, 3)
    assert frozen.effect_output(instrument).total != live.effect_output(instrument).total


def test_the_release_holds_no_participant_identifier(own_project):
    fill(own_project, 12)
    release = releases.create_release(own_project)
    text = str(release.figures) + str(release.person_digests)
    for trajectory in own_project.trajectories.select_related("participant"):
        assert trajectory.participant.pseudonym not in text
        assert f"'participant_id': {trajectory.participant_id}" not in text


def test_the_person_digest_reads_the_same_pair_columns():
    """A new pair column must not enter the digests unnoticed: every person would look changed."""
    digested = " ".join(releases.DIGESTED_PAIR_COLUMNS)
    assert digested == (
        "trajectory_id series instrument domain neighbourhood age_group period"
        " baseline_score latest_score"
    )


def test_a_shown_release_is_parsed_once_and_a_new_release_is_read_at_once(own_project):
    """A release never changes, so its parsed figures are cached by id (for every worker alike);
    the write path (a new release) shows at once because the page then reads another id."""
    from django.db import connection
    from django.test.utils import CaptureQueriesContext

    fill(own_project, 12)
    first = releases.create_release(own_project)
    instrument = releases.LiveFigures([own_project.pk]).instruments_in_use()[0]
    before = releases.released_figures(own_project).effect_output(instrument).total
    with CaptureQueriesContext(connection) as ctx:
        shown = releases.released_figures(own_project)
        again = shown.effect_output(instrument).total
        assert shown.burden() == releases.ReleasedFigures(first).burden()
    assert again == before
    # One query for the latest release (without its JSON columns); the figures from the cache.
    assert len(ctx.captured_queries) == 1, [q["sql"] for q in ctx.captured_queries]
    assert "person_digests" not in ctx.captured_queries[0]["sql"]
    fill(own_project, 12)
    releases.create_release(own_project)
    after = releases.released_figures(own_project).effect_output(instrument).total
    assert after != before
    assert after == releases.LiveFigures([own_project.pk]).effect_output(instrument).total


def test_a_reused_release_id_never_meets_old_cached_figures(own_project):
    """The creation time is part of the key: a primary key handed out again (a fresh test
    database, a restored backup) is another release."""
    from datetime import timedelta

    fill(own_project, 12)
    release = releases.create_release(own_project)
    instrument = releases.LiveFigures([own_project.pk]).instruments_in_use()[0]
    old = releases.released_figures(own_project).effect_output(instrument).total
    fill(own_project, 12)
    FigureRelease.objects.filter(pk=release.pk).update(
        figures=releases.current_figures(own_project),
        created_at=release.created_at + timedelta(seconds=1),
    )
    new = releases.released_figures(own_project).effect_output(instrument).total
    assert new != old
