"""Dutch search (issue 12, item 3): the same results on SQLite and PostgreSQL, scoped by access.

Run this file on both back-ends (``DATABASE_URL=postgres://…`` for PostgreSQL): the expected
rankings below are fixed, so passing on both shows the two give the same top results.
"""

from __future__ import annotations

from datetime import date

import pytest
from integration_support import login

from proeftuin.core.learning import search as core
from proeftuin.learning import search
from proeftuin.learning.models import SearchEntry

Kind = SearchEntry.Kind

CORPUS = {
    "schulden": (
        "Wijkteam pakt schulden vroeg aan",
        "Het wijkteam belt inwoners met een betalingsachterstand.",
    ),
    "financien": ("Financiën op orde", "Samen met de inwoner de financiën en de post ordenen."),
    "gezinnen": (
        "Jongeren en hun gezinnen",
        "Gezinnen met jongeren krijgen één plan; het wijkteam coördineert.",
    ),
    "ouderen": ("Eenzaamheid bij ouderen", "Vrijwilligers bezoeken ouderen thuis."),
    "detentie": ("Wonen na detentie", "Een woning en werk voor wie uit detentie komt."),
}

EXPECTED = [
    ("wijkteams", ["schulden", "gezinnen"]),
    ("financien", ["financien"]),
    ("FINANCIËN", ["financien"]),
    ("gezinnen jongere", ["gezinnen"]),
    ("ouderen", ["ouderen"]),
    ("detentie woningen", ["detentie"]),
    ("schuld", ["schulden"]),
    ("de", []),
    ("zorg", []),
    ('" OR * NEAR(', []),
]


@pytest.fixture
def corpus(own_project):
    ids = {}
    for n, (key, (title, body)) in enumerate(CORPUS.items(), start=1000):
        entry = search.index(Kind.LESSON, n, title=title, body=body, project_id=own_project.pk)
        ids[entry.pk] = key
    return ids


@pytest.mark.django_db
@pytest.mark.parametrize(("query", "expected"), EXPECTED)
def test_same_ranked_results_on_both_backends(corpus, query, expected):
    ranked = [corpus[pk] for pk, _score in search._matches(query, 10) if pk in corpus]
    assert ranked == expected


@pytest.mark.django_db
def test_search_is_scoped_by_access(users, own_project, foreign_project, shared_project):
    search.index(Kind.LESSON, 1, title="Wijkteam eigen", project_id=own_project.pk)
    search.index(Kind.LESSON, 2, title="Wijkteam elders", project_id=foreign_project.pk)
    search.index(Kind.LESSON, 3, title="Wijkteam gedeeld", project_id=shared_project.pk)
    titles = {h.entry.title for h in search.search(users[("own", "financier")], "wijkteams")}
    assert titles == {"Wijkteam eigen", "Wijkteam gedeeld"}
    titles = {h.entry.title for h in search.search(users[("foreign", "financier")], "wijkteam")}
    assert titles == {"Wijkteam elders", "Wijkteam gedeeld"}


@pytest.mark.django_db
def test_signals_are_found_by_sender_and_addressee_only(users, own_org, partner_org):
    from integration_support import _shared_conftest

    from proeftuin.accounts.models import Organisation
    from proeftuin.learning import services
    from proeftuin.learning.models import Signal

    worker = _shared_conftest().make_user(partner_org, "professional", "werker")
    services.raise_signal(
        Signal(
            title="Wachtlijst voor schuldhulp",
            kind="capaciteit",
            what="Zes weken wachten.",
            blocker="Te weinig mensen.",
            addressed_to=own_org,
        ),
        worker,
    )
    other = Organisation.objects.create(name="Gemeente Nergens", kind="gemeente")
    stranger = _shared_conftest().make_user(other, "beleidsadviseur", "vreemde")
    for user, found in (
        (worker, 1),
        (users[("own", "beleidsadviseur")], 1),
        (users[("foreign", "beleidsadviseur")], 0),
        (stranger, 0),
    ):
        assert len(search.search(user, "wachtlijsten")) == found


@pytest.mark.django_db
def test_stories_only_with_consent_and_never_with_pseudonym(users, own_project):
    from proeftuin.monitoring.models import Participant, Story, Trajectory

    participant = Participant.objects.create(organisation=own_project.owner, pseudonym="P-geheim")
    trajectory = Trajectory.objects.create(
        participant=participant, project=own_project, started_on=date(2025, 1, 1)
    )
    story = Story.objects.create(
        trajectory=trajectory, told_on=date(2025, 3, 1), text="Dankzij het wijkteam rust."
    )
    user = users[("own", "beleidsadviseur")]
    assert search.search(user, "wijkteam") == []
    story.consent = True
    story.save()
    hits = search.search(user, "wijkteam")
    assert [h.entry.kind for h in hits] == [Kind.STORY]
    page = login(user).get("/leren/zoeken/?q=wijkteam").content.decode()
    assert "Dankzij het" in page and "P-geheim" not in page
    story.consent = False
    story.save()
    assert search.search(user, "wijkteam") == []


@pytest.mark.django_db
def test_the_write_paths_update_the_index(users, own_project):
    from proeftuin.portfolio.models import Goal

    goal = Goal.objects.create(project=own_project, goal_type="outcome", text="Minder schulden")
    user = users[("own", "financier")]
    assert [h.entry.kind for h in search.search(user, "schuld")] == [Kind.GOAL]
    goal.text = "Meer werk"
    goal.save()
    assert search.search(user, "schuld") == []
    goal_pk = goal.pk
    goal.delete()
    assert not SearchEntry.objects.filter(kind=Kind.GOAL, object_pk=goal_pk).exists()
    own_project.summary = "Een proeftuin voor mantelzorgers in de wijk."
    own_project.save()
    assert [h.entry.kind for h in search.search(user, "mantelzorger")] == [Kind.PROJECT]


@pytest.mark.django_db
def test_results_page_highlights_the_matching_words_escaped(users, own_project):
    search.index(
        Kind.LESSON,
        7,
        title="Het wijkteam <script>x</script> werkt",
        body="Drie wijkteams werkten samen.",
        project_id=own_project.pk,
    )
    page = login(users[("own", "financier")]).get("/leren/zoeken/?q=wijkteams").content.decode()
    assert "<mark>wijkteam</mark>" in page
    assert "<mark>wijkteams</mark>" in page
    assert "<script>x</script>" not in page


def test_highlight_marks_stems_not_substrings():
    pieces = core.highlight("Het wijkteam en de wijkteamleider", "wijkteams")
    assert [p.text for p in pieces if p.hit] == ["wijkteam"]


@pytest.mark.django_db
def test_rebuild_command_restores_a_lost_index(users, own_project):
    from django.core.management import call_command

    search.index(Kind.LESSON, 5, title="Weg", project_id=own_project.pk)  # stale: no such lesson
    SearchEntry.objects.filter(kind=Kind.PROJECT).delete()
    call_command("rebuild_search_index")
    kinds = set(SearchEntry.objects.values_list("kind", flat=True))
    assert Kind.PROJECT in kinds and Kind.GOAL in kinds
    assert not SearchEntry.objects.filter(kind=Kind.LESSON, object_pk=5).exists()
    user = users[("own", "financier")]
    assert [h.entry.object_pk for h in search.search(user, "regisseur")] == [own_project.pk]
