"""An MKBA effect whose size is an amount in euros (issue 13, the last gaps): recorded through
the form without a price, and the migration that retires the € 1 'euro' project price."""

from __future__ import annotations

import importlib

import pytest
from django.apps import apps
from test_case_timeline import _case
from test_valuation import effect_data, errors

from proeftuin.valuation.models import BenefitShare, Effect, PriceOverride


def test_an_observed_case_cost_effect_is_recorded_without_a_price(own_project, editor, settings):
    settings.PROEFTUIN_SMALL_CELL_THRESHOLD = 5
    data = effect_data(
        own_project,
        indicator="Lagere kosten van hulp (casusverloop)",
        size_kind="amount",
        size_low=None,
        size_likely="25000",
        size_high=None,
        price_key="",
        basis="observed",
        observed_measure="case_costs",
        measure="net",
    )
    response = editor.post(f"/waarde/{own_project.pk}/effect/nieuw/", data)
    assert response.status_code == 302, errors(response)
    effect = Effect.objects.get(project=own_project)
    assert effect.size_kind == "amount" and effect.price_key == ""
    for n in range(5):
        _case(own_project, n, 10_000, reference_cost=40_000)
    page = editor.get(f"/waarde/{own_project.pk}/resultaten/")
    assert page.status_code == 200
    value = next(
        v for v in page.context["outcome"].appraisal.effects if v.effect_id == effect.core_id
    )
    assert value.present_value is not None and value.present_value > 0
    html = page.content.decode()
    assert "geen prijs: de omvang is al in euro" in html
    assert "gevonden door waarneming" in editor.get(f"/waarde/{own_project.pk}/").content.decode()


def test_the_migration_turns_the_one_euro_price_into_an_amount(own_project):
    hacked = Effect.objects.create(
        project=own_project,
        indicator="Lagere kosten van hulp",
        size_kind="quantity",
        size_likely=1,
        participants_likely=20,
        price_key="euro",
        basis="observed",
        observed_measure="case_costs",
    )
    BenefitShare.objects.create(effect=hacked, party_name="Gemeente", domain="jeugd", share=1.0)
    PriceOverride.objects.create(
        project=own_project, key="euro", value_likely=1, source="één euro", label="één euro"
    )
    kept = Effect.objects.create(
        project=own_project,
        indicator="Minder uitzettingen",
        size_likely=0.1,
        participants_likely=20,
        price_key="huisuitzetting",
    )
    migration = importlib.import_module("proeftuin.valuation.migrations.0006_effect_size_in_euros")
    migration.size_in_euros(apps, None)
    hacked.refresh_from_db()
    kept.refresh_from_db()
    assert (hacked.size_kind, hacked.price_key) == ("amount", "")
    assert (kept.size_kind, kept.price_key) == ("probability", "huisuitzetting")
    assert not PriceOverride.objects.filter(project=own_project, key="euro").exists()
    migration.price_again(apps, None)
    hacked.refresh_from_db()
    assert (hacked.size_kind, hacked.price_key) == ("quantity", "euro")
    assert PriceOverride.objects.filter(project=own_project, key="euro", value_likely=1).exists()


@pytest.fixture
def editor(users):
    from integration_support import login

    return login(users[("own", "projectleider")])
