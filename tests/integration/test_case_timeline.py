"""Case timeline (issue 13, item 1): a professional records the help over time and a reference
"zonder aanpak" from a template; the difference per case, summed over cases with n and an
interval, feeds the MKBA as an observed effect; access log, tenancy, erasure."""

from __future__ import annotations

from datetime import date, timedelta
from decimal import Decimal

import pytest
from integration_support import login
from test_monitoring_builders import add_trajectory

from proeftuin.core.cases.references import load_references
from proeftuin.monitoring import case_recording
from proeftuin.monitoring.models import AccessLog, CaseEvent
from proeftuin.valuation.models import BenefitShare, Effect, PriceOverride
from proeftuin.valuation.monitoring import observed_inputs

REFERENCE_PRICES = {
    "hulpverlener_gezin_jaar": 10_000,
    "specialistische_jeugdhulp_maand": 3_000,
    "ondertoezichtstelling_jaar": 8_000,
    "huisuitzetting": 6_000,
    "uithuisplaatsing_jaar": 50_000,
}
REFERENCE_TOTAL = 2 * 10_000 + 12 * 3_000 + 8_000 + 6_000 + 50_000


def _prices(project, keys=REFERENCE_PRICES):
    for key, value in keys.items():
        PriceOverride.objects.create(
            project=project, key=key, value_likely=value, source=f"inkoopcontract {key}"
        )


def _url(trajectory, rest=""):
    return f"/tel-en-vertel/project/{trajectory.project_id}/trajecten/{trajectory.pk}/casusverloop/{rest}"


@pytest.fixture
def trajectory(own_project):
    return add_trajectory(own_project, {"housing": 2}, start=date(2025, 1, 6))


def test_professional_records_a_timeline_with_a_reference(users, own_project, trajectory):
    _prices(own_project)
    http = login(users[("own", "professional")])
    assert http.get(_url(trajectory)).status_code == 200
    response = http.post(
        _url(trajectory, "stap/"),
        {
            "lane": "actual",
            "service": "Gezinscoach",
            "provider": "Wijkteam",
            "started_on": "2025-01-10",
            "ended_on": "2025-07-10",
            "units": "26",
            "unit": "week",
            "unit_cost": "250",
            "price_source": "projectbegroting 2025",
        },
    )
    assert response.status_code == 302
    response = http.post(_url(trajectory, "referentie/"), {"reference": "crisis_path"})
    assert response.status_code == 302
    reference = trajectory.case_events.filter(lane="reference")
    assert reference.count() == len(load_references()["crisis_path"].steps)
    for event in reference:
        assert event.assumption and event.source[:4] in ("002 ", "004 ")
        assert event.unit_cost is not None and "projectprijs" in event.price_source
    page = http.get(_url(trajectory))
    html = page.content.decode()
    saving = REFERENCE_TOTAL - 26 * 250
    assert page.context["totals"]["saving"] == f"€ {saving:,}".replace(",", ".")
    assert "Aanname" in html and "case-chart" in html
    titles = [part["title"] for part in page.context["chart"]["vconcat"]]
    assert titles == ["Met aanpak", "Zonder aanpak (referentie)", "Opgetelde kosten"]
    actions = set(AccessLog.objects.values_list("action", flat=True))
    assert {"case_view", "case"} <= actions
    assert AccessLog.objects.filter(action="case", operation="write").exists()
    # Applying the template again replaces its steps instead of doubling them.
    http.post(_url(trajectory, "referentie/"), {"reference": "crisis_path"})
    assert trajectory.case_events.filter(lane="reference").count() == reference.count()


def test_an_unknown_price_is_a_gap_not_a_zero(users, trajectory):
    http = login(users[("own", "professional")])
    http.post(_url(trajectory, "referentie/"), {"reference": "crisis_path"})
    assert trajectory.case_events.filter(unit_cost__isnull=True).exists()
    page = http.get(_url(trajectory))
    assert page.context["totals"]["reference"] == "—"
    assert page.context["totals"]["saving"] == "—"
    assert page.context["totals"]["unknown"] == len(load_references()["crisis_path"].steps)


def test_the_form_asks_for_assumptions_and_sources_and_refuses_identifiers(users, trajectory):
    http = login(users[("own", "professional")])
    base = {"started_on": "2025-02-01", "units": "1", "unit": "keer"}
    refused = http.post(_url(trajectory, "stap/"), {**base, "lane": "reference", "service": "x"})
    assert refused.status_code == 200 and "assumption" in refused.context["form"].errors
    refused = http.post(
        _url(trajectory, "stap/"),
        {**base, "lane": "actual", "service": "x", "unit_cost": "10"},
    )
    assert "price_source" in refused.context["form"].errors
    refused = http.post(
        _url(trajectory, "stap/"), {**base, "lane": "actual", "service": "BSN 111222333"}
    )
    assert "service" in refused.context["form"].errors
    assert not CaseEvent.objects.exists()


def test_other_tenants_and_roles_are_refused(users, trajectory):
    assert login(users[("foreign", "professional")]).get(_url(trajectory)).status_code == 404
    policy = login(users[("own", "beleidsadviseur")])
    assert policy.get(_url(trajectory)).status_code == 403
    response = policy.post(_url(trajectory, "referentie/"), {"reference": "crisis_path"})
    assert response.status_code == 403
    assert not CaseEvent.objects.exists()


def test_erasure_removes_the_timeline_and_its_history(users, own_project, trajectory):
    http = login(users[("own", "professional")])
    http.post(_url(trajectory, "referentie/"), {"reference": "crisis_path"})
    participant = trajectory.participant
    erase = http.post(
        f"/tel-en-vertel/project/{own_project.pk}/deelnemers/{participant.pk}/wissen/",
        {"confirm": participant.code},
    )
    assert erase.status_code == 302
    assert not CaseEvent.objects.exists()
    assert not CaseEvent.history.model.objects.exists()


def _case(project, n: int, actual_cost: int, *, reference_cost: int | None) -> None:
    trajectory = add_trajectory(project, {"housing": 2}, client=f"CASE-{n}")
    start = trajectory.started_on
    case_recording.add_case_event(
        CaseEvent(
            lane="actual",
            service="Gezinscoach",
            started_on=start,
            units=Decimal(1),
            unit_cost=Decimal(actual_cost),
            price_source="projectbegroting",
        ),
        trajectory,
    )
    case_recording.add_case_event(
        CaseEvent(
            lane="reference",
            service="Uithuisplaatsing",
            started_on=start + timedelta(days=90),
            units=Decimal(1),
            unit_cost=None if reference_cost is None else Decimal(reference_cost),
            price_source="aanname",
            assumption="Aanname van het team",
        ),
        trajectory,
    )


def _case_effect(project) -> Effect:
    """An effect whose size is an amount in euros per person, fed by the case timelines: no
    price (no € 1 unit price)."""
    effect = Effect.objects.create(
        project=project,
        indicator="Lagere kosten van hulp",
        size_kind="amount",
        size_likely=1000,
        participants_likely=20,
        price_key="",
        basis="observed",
        observed_measure="case_costs",
    )
    BenefitShare.objects.create(effect=effect, party_name="Gemeente", domain="jeugd", share=1.0)
    return effect


def test_the_sum_over_cases_feeds_the_mkba_as_an_observed_effect(users, own_project, settings):
    settings.PROEFTUIN_SMALL_CELL_THRESHOLD = 5
    effect = _case_effect(own_project)
    savings = [40_000, 30_000, 50_000, 20_000, 35_000]
    for n, saving in enumerate(savings):
        _case(own_project, n, 10_000, reference_cost=10_000 + saving)
    for n in (97, 98, 99):  # incomplete: not counted, not zero
        _case(own_project, n, 10_000, reference_cost=None)
    observed = observed_inputs(own_project, live=True)[effect.pk]
    assert observed.n == 5
    assert observed.size.likely == pytest.approx(sum(savings) / 5)
    assert observed.size.low < observed.size.likely < observed.size.high
    assert "Casusverloop" in observed.source and "5 casussen" in observed.source
    assert "gevonden door waarneming" in observed.source and "standaardfout" in observed.source
    assert "5 onvolledig" in observed.source  # 3, rounded to base 5 like every small count
    from proeftuin.monitoring import releases
    from proeftuin.valuation import convert

    core_effect = convert.load(own_project, live=True).chain.effect(effect.core_id)
    assert core_effect.size == observed.size and core_effect.basis == "observed"
    assert core_effect.size_kind == "amount" and core_effect.price_key == ""
    assert not PriceOverride.objects.filter(project=own_project, key="euro").exists()
    # A role without participant access reads the released sum: none before a release.
    policy = login(users[("own", "beleidsadviseur")])
    assert (
        "Casusverloop (waargenomen" not in policy.get(f"/waarde/{own_project.pk}/").content.decode()
    )
    releases.create_release(own_project)
    html = policy.get(f"/waarde/{own_project.pk}/").content.decode()
    from django.utils.html import escape

    assert escape(observed_inputs(own_project)[effect.pk].source) in html
    assert "geen prijs: de omvang is al in euro" in html


def test_fewer_cases_than_the_threshold_feed_nothing(own_project, settings):
    settings.PROEFTUIN_SMALL_CELL_THRESHOLD = 5
    effect = _case_effect(own_project)
    for n in range(4):
        _case(own_project, n, 10_000, reference_cost=30_000)
    assert observed_inputs(own_project, live=True) == {}
    from proeftuin.valuation import convert

    assert convert.load(own_project, live=True).chain.effect(effect.core_id).size.likely == 1000


def test_the_demo_has_complete_case_timelines(db, settings):
    from proeftuin.demo.generator import generate
    from proeftuin.monitoring import case_demo
    from proeftuin.monitoring.case_summary import project_summary
    from proeftuin.portfolio.models import Project

    generate(projects=15, seed=2026)
    project = Project.objects.get(name=case_demo.PROJECT)
    summary = project_summary(project)
    assert summary.n == case_demo.HOW_MANY and summary.incomplete == 0
    assert summary.mean > 0 and summary.low < summary.mean < summary.high
    assert not CaseEvent.objects.filter(unit_cost__isnull=True).exists()
    # No € 1 "price per euro": an amount in euros needs no price.
    assert not PriceOverride.objects.filter(key="euro").exists()
