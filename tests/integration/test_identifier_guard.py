"""The identifier guard at every web entry point (issue 8, item 5, finding "BSNs get through"):
client-number form and search, household number, story text; a story with identifiers is never
shown to the funder; exports carry only the short code, not the keyed pseudonym."""

from __future__ import annotations

import io
import sys
from pathlib import Path

import pytest
from integration_support import login
from openpyxl import load_workbook
from test_monitoring_builders import add_trajectory

from proeftuin.monitoring.forms import ParticipantForm, ParticipantSearchForm, StoryForm
from proeftuin.monitoring.models import Participant, Story
from proeftuin.portfolio.forms import DecisionForm

sys.path.insert(0, str(Path(__file__).resolve().parents[1] / "unit"))
from test_identifiers import BSN_SPELLINGS  # noqa: E402


def _participant_form(**data):
    return ParticipantForm({"started_on": "2025-03-01", "client_number": "C-1", **data})


ENTRY_POINTS = {
    "client_number": lambda v: (_participant_form(client_number=v), "client_number"),
    "search": lambda v: (ParticipantSearchForm({"client_number": v}), "client_number"),
    "household_number": lambda v: (_participant_form(household_number=v), "household_number"),
    "story": lambda v: (
        StoryForm({"told_on": "2025-01-01", "text": f"Gesprek over {v}.", "consent": "on"}),
        "text",
    ),
    "decision_reason": lambda v: (
        DecisionForm({"kind": "go", "decided_by": "college", "rationale": f"Zie {v}"}),
        "rationale",
    ),
}


@pytest.mark.django_db
@pytest.mark.parametrize("entry", sorted(ENTRY_POINTS))
@pytest.mark.parametrize("spelling", BSN_SPELLINGS)
def test_every_bsn_spelling_is_refused_at_every_entry_point(entry, spelling):
    form, field = ENTRY_POINTS[entry](spelling)
    assert not form.is_valid()
    assert field in form.errors
    assert "BSN" in " ".join(form.errors[field])


def test_the_new_participant_form_refuses_a_dotted_bsn_over_http(users, own_project):
    http = login(users[("own", "professional")])
    base = f"/tel-en-vertel/project/{own_project.pk}/deelnemers/"
    for field, value in (("client_number", "111.222.333"), ("household_number", "NL111222333")):
        data = {"client_number": "C-9", "started_on": "2025-03-01", field: value}
        response = http.post(f"{base}nieuw/", data)
        assert response.status_code == 200
        assert "BSN" in response.context["form"].errors[field][0]
    assert not Participant.objects.exists()
    search = http.post(base, {"client_number": "ＢＳＮ１１１２２２３３３"})
    assert search.status_code == 200 and "BSN" in search.context["form"].errors["client_number"][0]


def test_a_story_with_identifiers_cannot_be_saved(users, own_project):
    trajectory = add_trajectory(own_project, {"housing": 2})
    http = login(users[("own", "professional")])
    url = f"/tel-en-vertel/project/{own_project.pk}/trajecten/{trajectory.pk}/verhaal/nieuw/"
    response = http.post(
        url, {"told_on": "2025-01-10", "text": "BSN 111222333, Jansen", "consent": "on"}
    )
    assert response.status_code == 200
    errors = " ".join(response.context["form"].errors["text"])
    assert "een BSN" in errors and "een naam" in errors
    assert not Story.objects.exists()


def test_a_consented_story_with_identifiers_is_never_shown_to_the_funder(users, own_project):
    """The finding: "BSN 111222333, Jansen" with consent was shown to the funder."""
    trajectory = add_trajectory(own_project, {"housing": 2}, {"housing": 4})
    Story.objects.create(
        trajectory=trajectory,
        told_on=trajectory.started_on,
        text="BSN 111222333, Jansen",
        consent=True,
    )
    Story.objects.create(
        trajectory=trajectory, told_on=trajectory.started_on, text="Eindelijk rust.", consent=True
    )
    funder = login(users[("own", "financier")])
    page = funder.get(f"/tel-en-vertel/project/{own_project.pk}/").content.decode()
    assert "Eindelijk rust." in page
    assert "111222333" not in page and "Jansen" not in page
    own = login(users[("own", "professional")])
    participant_page = own.get(
        f"/tel-en-vertel/project/{own_project.pk}/deelnemers/{trajectory.participant_id}/"
    ).content.decode()
    assert "niet gedeeld" in participant_page


def test_row_exports_carry_the_short_code_not_the_pseudonym(users, own_project):
    trajectory = add_trajectory(own_project, {"housing": 2}, {"housing": 4})
    participant = trajectory.participant
    http = login(users[("own", "projectleider")])
    for fmt in ("csv", "xlsx"):
        response = http.get(f"/tel-en-vertel/project/{own_project.pk}/gegevens.{fmt}")
        assert response.status_code == 200
        body = b"".join(response.streaming_content) if response.streaming else response.content
        if fmt == "xlsx":
            sheet = load_workbook(io.BytesIO(body)).active
            body = repr([c.value for row in sheet.iter_rows() for c in row]).encode()
        assert participant.code.encode() in body
        assert participant.pseudonym[:20].encode() not in body
    csv = http.get(f"/tel-en-vertel/project/{own_project.pk}/gegevens.csv").content.decode(
        "utf-8-sig"
    )
    assert participant.code in csv


def test_the_attack_spellings_are_refused_over_http(users, own_project):
    """Found by a black-box attack on the demo: Arabic-Indic digits, a zero-width space and a
    leading zero got a BSN in as client and household number."""
    from test_identifiers import ATTACK_SPELLINGS

    http = login(users[("own", "professional")])
    base = f"/tel-en-vertel/project/{own_project.pk}/deelnemers/"
    for spelling in ATTACK_SPELLINGS:
        for field in ("client_number", "household_number"):
            data = {"client_number": "C-9", "started_on": "2025-03-01", field: spelling}
            response = http.post(f"{base}nieuw/", data)
            assert response.status_code == 200, (spelling, field)
            assert "BSN" in response.context["form"].errors[field][0]
    assert not Participant.objects.exists()
