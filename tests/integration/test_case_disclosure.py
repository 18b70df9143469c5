"""The sum over case timelines through the disclosure module (issue 13, the last gaps): n in
persons, release-based visibility for roles without participant access, an access-log entry for
the live (participant-level) reading, and the differencing attack with its positive control."""

from __future__ import annotations

from datetime import date

import pytest
from integration_support import login
from test_case_timeline import _case, _case_effect
from test_monitoring_builders import add_trajectory

from proeftuin.monitoring import releases
from proeftuin.monitoring.case_summary import project_summary
from proeftuin.monitoring.models import AccessLog
from proeftuin.valuation.monitoring import observed_inputs

SAVINGS = [40_000, 30_000, 50_000, 20_000, 35_000, 45_000]
SECRET = 123_456


@pytest.fixture
def six_cases(own_project, settings):
    settings.PROEFTUIN_SMALL_CELL_THRESHOLD = 5
    effect = _case_effect(own_project)
    for n, saving in enumerate(SAVINGS):
        _case(own_project, n, 10_000, reference_cost=10_000 + saving)
    return effect


def _published(project, role_client, effect):
    """What a reader of the MKBA page learns: the observed effect's n and mean, from the page."""
    page = role_client.get(f"/waarde/{project.pk}/")
    assert page.status_code == 200
    valuation = page.context["valuation"]
    effect_ = valuation.chain.effect(effect.core_id)
    return effect_.basis, effect_.size, page.content.decode()


def test_roles_without_participant_access_read_the_released_sum(six_cases, own_project, users):
    funder = login(users[("own", "financier")])
    # No release yet: the effect keeps its typed numbers, nothing observed is shown.
    assert observed_inputs(own_project) == {}
    basis, size, _html = _published(own_project, funder, six_cases)
    assert size.likely == 1000
    releases.create_release(own_project, released_on=date(2026, 1, 31))
    released = observed_inputs(own_project)[six_cases.pk]
    assert released.n == len(SAVINGS)
    for role in ("financier", "beleidsadviseur"):
        _basis, size, html = _published(own_project, login(users[("own", role)]), six_cases)
        assert size == released.size, role
    assert not AccessLog.objects.filter(detail__contains="som over de casussen").exists()


def test_differencing_two_readings_of_the_sum_recovers_nothing(six_cases, own_project, users):
    funder = login(users[("own", "financier")])
    releases.create_release(own_project, released_on=date(2026, 1, 31))
    _b, first, _h = _published(own_project, funder, six_cases)
    _case(own_project, 77, 10_000, reference_cost=10_000 + SECRET)
    with pytest.raises(releases.ReleaseRefused):
        releases.create_release(own_project, released_on=date(2026, 2, 28))
    _b, second, _h = _published(own_project, funder, six_cases)
    assert second == first  # still the January sum: the difference is 0, not one person


def test_positive_control_without_the_release_rule_one_case_is_revealed(
    six_cases, own_project, users
):
    funder = login(users[("own", "financier")])
    releases.create_release(own_project, released_on=date(2026, 1, 31))
    first = releases.released_figures(own_project).case_summary()
    _case(own_project, 77, 10_000, reference_cost=10_000 + SECRET)
    releases.create_release(own_project, released_on=date(2026, 2, 28), require_difference=False)
    second = releases.released_figures(own_project).case_summary()
    _b, size, _h = _published(own_project, funder, six_cases)
    assert size.likely == pytest.approx(second.mean)
    assert second.mean * second.n - first.mean * first.n == pytest.approx(SECRET)


def test_participant_level_readers_see_the_live_sum_and_the_read_is_logged(
    six_cases, own_project, users
):
    http = login(users[("own", "projectleider")])
    _b, size, _h = _published(own_project, http, six_cases)
    assert size.likely == pytest.approx(sum(SAVINGS) / len(SAVINGS))
    entry = AccessLog.objects.get(detail__contains="som over de casussen")
    assert entry.action == "case_view" and entry.project_id == own_project.pk
    assert entry.username == users[("own", "projectleider")].username


def test_two_timelines_of_one_person_count_as_one_person(own_project, settings):
    settings.PROEFTUIN_SMALL_CELL_THRESHOLD = 5
    for n in range(4):
        _case(own_project, n, 10_000, reference_cost=30_000)
    first = add_trajectory(own_project, {"housing": 2}, client="CASE-0", start=date(2025, 9, 1))
    assert first.participant.trajectories.count() == 2
    _case_on(first)
    summary = project_summary(own_project)
    assert summary.n == 4 and summary.mean is None  # 5 timelines, 4 persons: not shown


def _case_on(trajectory):
    from decimal import Decimal

    from proeftuin.monitoring import case_recording
    from proeftuin.monitoring.models import CaseEvent

    for lane, cost in (("actual", 10_000), ("reference", 20_000)):
        case_recording.add_case_event(
            CaseEvent(
                lane=lane,
                service="Hulp",
                started_on=trajectory.started_on,
                units=Decimal(1),
                unit_cost=Decimal(cost),
                price_source="projectbegroting",
                assumption="Aanname" if lane == "reference" else "",
            ),
            trajectory,
        )
