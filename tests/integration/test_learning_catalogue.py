"""The shared catalogue and similar projects (issue 12, item 4)."""

from __future__ import annotations

from datetime import date

import pytest
from integration_support import login, make_project

from proeftuin.learning import catalogue
from proeftuin.learning.models import CatalogueEntry, Lesson

SIMILAR = dict(
    summary="Het wijkteam belt huishoudens met schulden zodra er een betalingsachterstand is.",
    themes=["schulden"],
    target_group="huishoudens met schulden",
)


@pytest.fixture
def pair(own_org, foreign_org):
    mine = make_project(own_org, name="Vroeg erop af Voorbeeldstad", target_group="huishoudens")
    theirs = make_project(foreign_org, name="Vroegsignalering Buurdorp", target_group="huishoudens")
    from proeftuin.portfolio.models import Project

    Project.objects.filter(pk__in=[mine.pk, theirs.pk]).update(
        summary=SIMILAR["summary"], themes=SIMILAR["themes"]
    )
    mine.refresh_from_db()
    theirs.refresh_from_db()
    Lesson.objects.create(
        project=theirs, kind="werkte", title="Bellen werkt beter dan brieven", text="Ja."
    )
    return mine, theirs


@pytest.mark.django_db
def test_an_unpublished_project_of_another_municipality_is_never_similar(users, pair):
    mine, theirs = pair
    page = login(users[("own", "beleidsadviseur")]).get(f"/leren/project/{mine.pk}/")
    assert theirs.name not in page.content.decode()
    assert catalogue.similar_projects(users[("own", "beleidsadviseur")], mine) == []


@pytest.mark.django_db
def test_a_published_project_appears_with_its_lessons_and_outcome(users, pair):
    mine, theirs = pair
    http = login(users[("foreign", "beleidsadviseur")])
    preview = http.get(f"/leren/project/{theirs.pk}/catalogus/").content.decode()
    assert "Bellen werkt beter dan brieven" in preview
    assert http.post(f"/leren/project/{theirs.pk}/catalogus/").status_code == 302
    entry = CatalogueEntry.objects.get()
    assert entry.snapshot == catalogue.snapshot(theirs)
    page = login(users[("own", "financier")]).get(f"/leren/project/{mine.pk}/").content.decode()
    assert theirs.name in page
    assert "Bellen werkt beter dan brieven" in page
    assert "Nog niet bekend" in page
    # The own user still cannot open the foreign project itself.
    assert login(users[("own", "financier")]).get(f"/projecten/{theirs.pk}/").status_code == 404
    # Withdrawn: gone again.
    assert http.post(f"/leren/project/{theirs.pk}/catalogus/intrekken/").status_code == 302
    page = login(users[("own", "financier")]).get(f"/leren/project/{mine.pk}/").content.decode()
    assert theirs.name not in page


@pytest.mark.django_db
def test_the_preview_is_exactly_the_snapshot_and_holds_no_participant_data(users, pair, settings):
    from proeftuin.monitoring.models import Participant, Story, Trajectory

    _mine, theirs = pair
    participant = Participant.objects.create(organisation=theirs.owner, pseudonym="P-777")
    trajectory = Trajectory.objects.create(
        participant=participant, project=theirs, started_on=date(2025, 1, 1)
    )
    Story.objects.create(
        trajectory=trajectory, told_on=date(2025, 2, 1), text="Mijn verhaal", consent=True
    )
    data = catalogue.snapshot(theirs)
    flat = repr(data)
    assert "P-777" not in flat and "Mijn verhaal" not in flat
    assert set(data) == {
        "name", "organisation", "summary", "themes", "theme_labels", "target_group", "phase",
        "start_date", "end_date", "outcome", "outcome_label", "lessons",
    }  # fmt: skip
    page = login(users[("foreign", "beleidsadviseur")]).get(
        f"/leren/project/{theirs.pk}/catalogus/"
    )
    for value in (data["name"], data["summary"], data["outcome_label"]):
        assert value in page.content.decode()


@pytest.mark.django_db
@pytest.mark.parametrize("role", ["professional", "financier", "onderzoeker"])
def test_only_share_roles_of_the_owner_may_publish(users, own_project, role):
    http = login(users[("own", role)])
    assert http.post(f"/leren/project/{own_project.pk}/catalogus/").status_code == 403
    assert not CatalogueEntry.objects.exists()


@pytest.mark.django_db
def test_a_read_grant_may_not_publish_someone_elses_project(users, shared_project):
    http = login(users[("own", "beleidsadviseur")])
    assert http.post(f"/leren/project/{shared_project.pk}/catalogus/").status_code == 403
    assert not CatalogueEntry.objects.exists()
