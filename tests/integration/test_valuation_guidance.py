"""Issue 10 on the screens: expected values with the Monte Carlo mean beside them, shared
participant groups, sunk costs before the decision year, transfers apart, unknown co-funding."""

from __future__ import annotations

import pytest
from test_valuation import build_chain

from proeftuin.valuation import services
from proeftuin.valuation.models import (
    Analysis,
    BenefitShare,
    Effect,
    Investment,
    Link,
    ParticipantGroup,
)


@pytest.fixture
def editor(users):
    from integration_support import login

    return login(users[("own", "projectleider")])


def results(editor, project) -> str:
    response = editor.get(f"/waarde/{project.pk}/resultaten/")
    assert response.status_code == 200
    return response.content.decode()


def test_headline_says_expected_values_with_monte_carlo_mean_and_modal_scenario(
    own_project, editor
):
    build_chain(own_project)
    Analysis.objects.create(project=own_project, base_year=2025, draws=2000)
    outcome = services.analyse(own_project)
    assert outcome.appraisal.basis == "expected"
    assert outcome.modal is not None and outcome.modal.npv != outcome.appraisal.npv
    html = results(editor, own_project)
    assert "verwachte waarden" in html
    assert "Gemiddelde over de Monte Carlo-trekkingen" in html
    assert "Scenario met de waarschijnlijke waarden (modus)" in html
    report = editor.get(f"/rapporten/project/{own_project.pk}.html").content.decode()
    assert "Gemiddelde over de Monte Carlo-trekkingen" in report  # also in the PDF


def test_flows_before_the_decision_year_are_sunk_costs_not_refused(own_project, editor):
    elements = build_chain(own_project)
    Analysis.objects.create(project=own_project, base_year=2026)
    response = editor.post(
        f"/waarde/{own_project.pk}/investering/{elements['investment'].pk}/bewerken/",
        {
            "name": "Regisseurs",
            "party_organisation": own_project.owner.pk,
            "domain": "jeugd",
            "amounts": "2024: 30.000\n2026: 100.000",
            "edit_version": elements["investment"].version,
        },
    )
    assert response.status_code == 302, "an amount before the decision year is accepted"
    valuation, _problem = services.load(own_project)
    assert valuation.sunk == [("Regisseurs", 2024, 30_000.0)]
    outcome = services.analyse_valuation(valuation, montecarlo=False)
    assert outcome.appraisal.costs == pytest.approx(100_000.0)  # decision year: undiscounted
    html = results(editor, own_project)
    assert "Verzonken kosten" in html and "2024" in html


def test_group_break_even_sentence_on_the_results_page(own_project, editor):
    elements = build_chain(own_project)
    Analysis.objects.create(project=own_project, base_year=2025)
    response = editor.post(
        f"/waarde/{own_project.pk}/groep/nieuw/",
        {"name": "gezinnen", "size_likely": "100"},
    )
    assert response.status_code == 302, response.content.decode()[:1500]
    group = ParticipantGroup.objects.get(project=own_project)
    Effect.objects.filter(pk=elements["effect"].pk).update(group=group)
    second = Effect.objects.create(
        project=own_project,
        indicator="Minder huisuitzettingen",
        size_likely=0.05,
        participants_likely=10,  # ignored: the group counts
        price_key="uithuisplaatsing_jaar",
        duration=3,
        group=group,
    )
    BenefitShare.objects.create(effect=second, party_name="Woonstede", domain="wonen", share=1.0)
    Link.objects.create(
        project=own_project,
        source=elements["activity"].core_id,
        target=second.core_id,
        assumption="dan",
    )
    outcome = services.analyse(own_project, montecarlo=False)
    (point,) = outcome.tipping.groups
    assert point.label == "gezinnen" and point.minimum_whole is not None
    html = results(editor, own_project)
    assert "Met alle effecten van de groep ‘gezinnen’ samen" in html
    assert "gezinnen" in editor.get(f"/waarde/{own_project.pk}/").content.decode()


def test_transfer_effect_is_shown_apart(own_project, editor):
    elements = build_chain(own_project)
    Analysis.objects.create(project=own_project, base_year=2025)
    before = services.analyse(own_project, montecarlo=False).appraisal
    Effect.objects.filter(pk=elements["effect"].pk).update(transfer=True)
    after = services.analyse(own_project, montecarlo=False).appraisal
    assert after.benefits == 0 and before.benefits > 0
    assert [t.effect_id for t in after.transfers] == [elements["effect"].core_id]
    assert "Overdrachten (buiten het saldo)" in results(editor, own_project)


def test_project_price_of_another_year_is_indexed_with_the_cpi(own_project):
    """Finding: project prices from another price year were not indexed."""
    from proeftuin.core.valuation.indices import shipped_cpi
    from proeftuin.valuation.models import PriceOverride

    build_chain(own_project)
    Analysis.objects.create(project=own_project, base_year=2024)
    PriceOverride.objects.filter(project=own_project).update(price_year=2022)
    valuation, _problem = services.load(own_project)
    used = valuation.prices.get("uithuisplaatsing_jaar").value
    cpi = shipped_cpi().values
    assert used.likely == pytest.approx(50_000 * cpi[2024] / cpi[2022])
    assert valuation.price_info["uithuisplaatsing_jaar"].index_reason == ""


def test_investment_linked_to_a_funding_stream_takes_its_money(own_project, editor):
    """Finding: a fund paid 374,500 under Financiering but 60,000 in the MKBA (entered twice).
    A linked investment reads funder, domain and yearly amounts from the funding stream."""
    from proeftuin.portfolio.models import FundingStream

    elements = build_chain(own_project)
    Analysis.objects.create(project=own_project, base_year=2025, horizon=5)
    stream = FundingStream.objects.get(project=own_project)  # 240,000 over 2025–2026
    response = editor.post(
        f"/waarde/{own_project.pk}/investering/{elements['investment'].pk}/bewerken/",
        {
            "funding_stream": stream.pk,
            "name": "Regisseurs",
            "amounts": "",
            "edit_version": elements["investment"].version,
        },
    )
    assert response.status_code == 302, response.content.decode()[:3000]
    investment = Investment.objects.get(pk=elements["investment"].pk)
    assert investment.funding_stream == stream
    valuation, _problem = services.load(own_project)
    (core,) = valuation.chain.investments
    assert sum(core.amounts) == pytest.approx(240_000)
    assert core.party == stream.funder.name and core.domain == stream.policy_domain
    # Pro rata to the days: 365 of 730 days fall in 2025.
    assert core.amounts[0] == pytest.approx(120_000)


def test_funding_stream_form_offers_only_the_projects_own_streams(
    own_project, foreign_project, editor
):
    from proeftuin.portfolio.models import FundingStream

    foreign = FundingStream.objects.get(project=foreign_project)
    response = editor.post(
        f"/waarde/{own_project.pk}/investering/nieuw/",
        {"funding_stream": foreign.pk, "name": "Elders"},
    )
    assert response.status_code == 200
    assert not Investment.objects.filter(project=own_project).exists()


def test_demo_families_are_one_group_and_every_tipping_point_keeps_its_side(db):
    """The '41 gezinnen' finding on the demo: the families are one group now, and every shown
    tipping point of the three demo chains, applied as shown, keeps NPV ≥ 0."""
    from proeftuin.core.valuation import compile_model, evaluate, npv_at
    from proeftuin.core.valuation.rounding import tolerance
    from proeftuin.demo.generator import generate
    from proeftuin.portfolio.models import Project

    generate(projects=15, seed=2026)
    project = Project.objects.get(name="Eén gezin, één plan")
    outcome = services.analyse(project, montecarlo=False)
    (group,) = outcome.tipping.groups
    assert group.label == "gezinnen"
    assert all(p.reason == "group" for p in outcome.tipping.participants)
    for name in ("Eén gezin, één plan", "Preventie huisuitzetting", "GGZ-steunpunt Zuiderpark"):
        valuation, _problem = services.load(Project.objects.get(name=name))
        model = compile_model(valuation.chain, valuation.prices, valuation.settings)
        outcome = services.analyse_valuation(valuation, montecarlo=False)
        base = evaluate(model, model.center)
        tol = tolerance(float(base.benefits[0]), float(base.costs[0]))
        report = outcome.tipping
        for point in (*report.sizes, *report.participants, *report.groups, *report.prices):
            if point.shown is None or point.reason:
                continue
            assert npv_at(model, {point.key: point.shown}) >= -tol, (name, point)
        if report.joint.shown is not None:
            assert npv_at(model, benefit_scale=report.joint.shown) >= -tol
        plan = outcome.appraisal.cofunding
        for party in outcome.appraisal.parties:
            if party.cofunding_ask is not None:
                assert party.cofunding_ask <= party.gains + 1e-6
        if plan.closable:
            asks = sum(p.cofunding_ask or 0.0 for p in outcome.appraisal.parties)
            assert asks == pytest.approx(plan.gap, abs=1e-6)


def test_chain_tab_names_funding_streams_not_yet_in_the_mkba(own_project, editor):
    from proeftuin.portfolio.models import FundingStream

    elements = build_chain(own_project)
    html = editor.get(f"/waarde/{own_project.pk}/").content.decode()
    assert 'data-testid="unlinked-streams"' in html and "Transformatiefonds" in html
    stream = FundingStream.objects.get(project=own_project)
    Investment.objects.filter(pk=elements["investment"].pk).update(funding_stream=stream)
    html = editor.get(f"/waarde/{own_project.pk}/").content.decode()
    assert 'data-testid="unlinked-streams"' not in html


def test_migration_groups_effects_that_describe_the_same_participants(own_project):
    """Existing chains: effects with the same participant label and counts become one group."""
    import importlib

    from django.apps import apps

    migration = importlib.import_module(
        "proeftuin.valuation.migrations.0003_mkba_guidance_groups_displacement_transfers"
    )
    elements = build_chain(own_project)  # 100 gezinnen
    twin = Effect.objects.create(
        project=own_project,
        indicator="Minder GGZ",
        size_likely=0.1,
        participants_likely=100,
        participant_label="gezinnen",
        price_key="uithuisplaatsing_jaar",
    )
    other = Effect.objects.create(
        project=own_project,
        indicator="Andere groep",
        size_likely=0.1,
        participants_likely=30,
        participant_label="jongeren",
        price_key="uithuisplaatsing_jaar",
    )
    migration.group_shared_participants(apps, None)
    (group,) = ParticipantGroup.objects.filter(project=own_project)
    assert group.name == "gezinnen" and group.size_likely == 100
    grouped = set(Effect.objects.filter(group=group).values_list("pk", flat=True))
    assert grouped == {elements["effect"].pk, twin.pk}
    other.refresh_from_db()
    assert other.group is None


def test_forms_say_amounts_are_constant_prices(own_project, editor):
    """Finding: the forms did not say amounts must be in constant prices."""
    for kind in ("investering", "effect", "prijs"):
        html = editor.get(f"/waarde/{own_project.pk}/{kind}/nieuw/").content.decode()
        assert "constante prijzen" in html, kind
