"""Maatschappelijke waarde: the effects-chain screens, bad input, results, export, report, CLI.

Access for every URL × role × tenant is in test_url_matrix.py; here are the real elements (a
foreign element through an own project is a 404), the autosave of the workshop, every kind of bad
input (a Dutch message, never a server error), and what the results, export, report and ``mkba``
command say.
"""

from __future__ import annotations

import io
import re
from contextlib import redirect_stderr, redirect_stdout

import numpy as np
import openpyxl
import pytest
from django.core.management import call_command
from django.core.management.base import CommandError
from integration_support import login

from proeftuin import cli
from proeftuin.core.valuation import charts as core_charts
from proeftuin.core.valuation.pricelist import ENV_VAR
from proeftuin.valuation import convert, services
from proeftuin.valuation.models import (
    Activity,
    Analysis,
    BenefitShare,
    Effect,
    Investment,
    Link,
    PriceOverride,
)
from proeftuin.valuation.monitoring import ObservedInput, observed_inputs
from proeftuin.valuation.prices import check_price_lists, clear_cache

HX = {"HTTP_HX_REQUEST": "true"}
FICTIONAL = "voorbeeldwaarde (fictief, test)"


def build_chain(project, *, price: bool = True) -> dict:
    """Municipality pays for one approach that avoids out-of-home placements."""
    owner = project.owner
    inv = Investment.objects.create(
        project=project,
        name="Regisseurs",
        party_organisation=owner,
        domain="jeugd",
        amounts={"2025": 100_000.0, "2026": 100_000.0},
        cost_low=0.9,
        cost_high=1.2,
    )
    act = Activity.objects.create(project=project, name="Eén plan per gezin")
    eff = Effect.objects.create(
        project=project,
        indicator="Minder uithuisplaatsingen",
        size_low=0.04,
        size_likely=0.08,
        size_high=0.14,
        participants_likely=100,
        participant_label="gezinnen",
        case_phrase="een uithuisplaatsing wordt voorkomen",
        price_key="uithuisplaatsing_jaar",
        duration=3,
        basis="observed",
        observed_source="0- en 1-meting",
    )
    share = BenefitShare.objects.create(
        effect=eff, party_organisation=owner, domain="jeugd", share=1.0
    )
    Link.objects.create(project=project, source=inv.core_id, target=act.core_id, assumption="als")
    Link.objects.create(project=project, source=act.core_id, target=eff.core_id, assumption="dan")
    if price:
        PriceOverride.objects.create(
            project=project,
            key="uithuisplaatsing_jaar",
            value_low=40_000,
            value_likely=50_000,
            value_high=65_000,
            price_year=2025,
            source=FICTIONAL,
        )
    return {"investment": inv, "activity": act, "effect": eff, "share": share}


@pytest.fixture
def chain(own_project):
    return build_chain(own_project)


@pytest.fixture
def editor(users):
    return login(users[("own", "projectleider")])


def page(http, project, path="") -> str:
    response = http.get(f"/waarde/{project.pk}/{path}")
    assert response.status_code == 200, response.status_code
    return response.content.decode()


# The tab and the chain ------------------------------------------------------------------------


def test_tab_is_on_the_project_page_and_lists_the_chain(own_project, chain, editor):
    project_page = editor.get(f"/projecten/{own_project.pk}/").content.decode()
    assert f'href="/waarde/{own_project.pk}/"' in project_page
    assert "Maatschappelijke waarde" in project_page
    html = page(editor, own_project)
    for text in ("Regisseurs", "Eén plan per gezin", "Minder uithuisplaatsingen", "waargenomen"):
        assert text in html
    assert "voorbeeldwaarde" in html  # the fictional project price is labelled as such


def test_financier_sees_the_chain_but_no_edit_links(own_project, chain, users):
    http = login(users[("own", "financier")])
    html = page(http, own_project)
    assert "Minder uithuisplaatsingen" in html
    assert "/bewerken/" not in html
    assert 'hx-post="/waarde/' not in page(http, own_project, "werkplaats/")


# Tenancy and roles on real elements -----------------------------------------------------------


def test_an_element_of_another_project_is_404_through_an_own_project(
    own_project, foreign_project, users
):
    foreign = build_chain(foreign_project)
    http = login(users[("own", "beheerder")])
    pk = own_project.pk
    for url in (
        f"/waarde/{pk}/effect/{foreign['effect'].pk}/bewerken/",
        f"/waarde/{pk}/investering/{foreign['investment'].pk}/bewerken/",
        f"/waarde/{pk}/schakel/{Link.objects.filter(project=foreign_project).first().pk}/bewerken/",
    ):
        assert http.get(url).status_code == 404, url
    for kind, obj in (("effect", foreign["effect"]), ("aandeel", foreign["share"])):
        response = http.post(f"/waarde/{pk}/werkplaats/{kind}/{obj.pk}/", {}, **HX)
        assert response.status_code == 404
    response = http.post(f"/waarde/{pk}/effect/{foreign['effect'].pk}/verwijderen/")
    assert response.status_code == 404
    assert Effect.objects.filter(pk=foreign["effect"].pk).exists()
    # And the foreign project itself: 404, without its name.
    response = http.get(f"/waarde/{foreign_project.pk}/resultaten/")
    assert response.status_code == 404
    assert b"Project Elders" not in response.content


@pytest.mark.parametrize("role", ["financier", "onderzoeker", "professional"])
def test_roles_without_value_capability_get_403(own_project, chain, users, role):
    http = login(users[("own", role)])
    effect = chain["effect"]
    assert http.get(f"/waarde/{own_project.pk}/effect/{effect.pk}/bewerken/").status_code == 403
    response = http.post(
        f"/waarde/{own_project.pk}/werkplaats/effect/{effect.pk}/",
        {f"{effect.core_id}-size_likely": "0,5"},
        **HX,
    )
    assert response.status_code == 403
    effect.refresh_from_db()
    assert effect.size_likely == 0.08


def test_read_grant_may_read_but_not_change(shared_project, users):
    elements = build_chain(shared_project)
    http = login(users[("own", "beleidsadviseur")])
    assert "Minder uithuisplaatsingen" in page(http, shared_project, "resultaten/")
    effect = elements["effect"]
    response = http.post(
        f"/waarde/{shared_project.pk}/werkplaats/effect/{effect.pk}/",
        {f"{effect.core_id}-size_likely": "0,5"},
        **HX,
    )
    assert response.status_code == 403


# Adding elements through the forms -------------------------------------------------------------


def test_add_investment_effect_link_and_project_price(own_project, editor):
    pk = own_project.pk
    org = own_project.owner
    response = editor.post(
        f"/waarde/{pk}/investering/nieuw/",
        {"name": "Regie", "party_organisation": org.pk, "domain": "jeugd",
         "amounts": "2025: 120.000\n2026: 80.000,50"},
    )  # fmt: skip
    assert response.status_code == 302, response.content.decode()[:2000]
    investment = Investment.objects.get(project=own_project)
    assert investment.amounts == {"2025": 120000.0, "2026": 80000.5}

    data = effect_data(own_project)
    response = editor.post(f"/waarde/{pk}/effect/nieuw/", data)
    assert response.status_code == 302, errors(response)
    effect = Effect.objects.get(project=own_project)
    assert effect.size_likely == pytest.approx(0.08)
    shares = sorted((s.party, s.domain, s.share) for s in effect.shares.all())
    assert shares == sorted([("Woonstede", "wonen", 0.3), (org.name, "jeugd", 0.7)])

    response = editor.post(
        f"/waarde/{pk}/schakel/nieuw/",
        {"source": investment.core_id, "target": effect.core_id, "assumption": "als … dan …"},
    )
    assert response.status_code == 302
    assert Link.objects.filter(project=own_project, target=effect.core_id).exists()

    response = editor.post(
        f"/waarde/{pk}/prijs/nieuw/",
        {"key": "uithuisplaatsing_jaar", "value_likely": "50.000", "price_year": "2025",
         "source": "Inkoopcontract jeugdhulp 2025"},
    )  # fmt: skip
    assert response.status_code == 302, errors(response)
    assert PriceOverride.objects.get(project=own_project).value_likely == 50000
    assert "Inkoopcontract jeugdhulp 2025" in page(editor, own_project, "prijzen/")


def effect_data(project, **overrides) -> dict:
    data = {
        "indicator": "Minder uithuisplaatsingen",
        "size_kind": "probability",
        "size_low": "0,04",
        "size_likely": "0,08",
        "size_high": "0,14",
        "distribution": "pert",
        "participants_likely": "100",
        "participant_label": "gezinnen",
        "decay_likely": "0",
        "deadweight_likely": "0,2",
        "attribution_likely": "0,8",
        "price_key": "uithuisplaatsing_jaar",
        "basis": "assumed",
        "aandelen-TOTAL_FORMS": "2",
        "aandelen-INITIAL_FORMS": "0",
        "aandelen-MIN_NUM_FORMS": "0",
        "aandelen-MAX_NUM_FORMS": "1000",
        "aandelen-0-party_organisation": str(project.owner.pk),
        "aandelen-0-domain": "jeugd",
        "aandelen-0-share": "0,7",
        "aandelen-1-party_name": "Woonstede",
        "aandelen-1-domain": "wonen",
        "aandelen-1-share": "0,3",
    }
    data.update(overrides)
    return {k: v for k, v in data.items() if v is not None}


def errors(response) -> str:
    html = response.content.decode()
    return " | ".join(re.findall(r'error-message"[^>]*>(.*?)</div>', html, re.S)) or html[:3000]


# Bad input through the forms: a Dutch message on the form, nothing saved, never a 500 ---------

FORM_CASES = [
    ("effect", {"size_low": "0,3", "size_high": "0,1"}, "ligt boven de hoge"),
    ("effect", {"size_low": "-0,1"}, "negatieve kans bestaat niet"),
    ("effect", {"size_likely": "1,5", "size_high": "2"}, "Een kans ligt tussen 0 en 1"),
    ("effect", {"aandelen-1-share": "0,2"}, "tellen op tot 0,9"),
    ("effect", {"aandelen-1-share": "1,3"}, "Een aandeel ligt tussen 0 en 1"),
    ("effect", {"price_key": "bestaat_niet"}, "Kies een prijs uit de prijslijst"),
    ("effect", {"participants_likely": "-5"}, "Dit kan niet negatief zijn"),
    ("effect", {"aandelen-1-party_name": ""}, "Kies een organisatie of typ de naam"),
    ("effect", {"indicator": ""}, "Geef het effect een indicator"),
    ("effect", {"price_key": ""}, "Kies de prijs waarmee het effect in geld"),
    (
        "effect",
        {"size_kind": "amount", "size_low": "20000", "size_likely": "30000", "size_high": "40000"},
        "Een bedrag in euro is al een waarde: laat de prijs leeg",
    ),
    (
        "effect",
        {"basis": "observed", "observed_measure": "case_costs"},
        "Het casusverloop levert een bedrag in euro per deelnemer",
    ),
]


@pytest.mark.parametrize(("kind", "change", "message"), FORM_CASES, ids=[c[2] for c in FORM_CASES])
def test_bad_effect_form_input_gets_a_dutch_message(own_project, editor, kind, change, message):
    response = editor.post(
        f"/waarde/{own_project.pk}/effect/nieuw/", effect_data(own_project, **change)
    )
    assert response.status_code == 200
    assert message in response.content.decode()
    assert not Effect.objects.filter(project=own_project).exists()


@pytest.mark.parametrize(
    ("kind", "data", "message"),
    [
        ("investering", {"name": "X", "party_name": "Gemeente", "domain": "jeugd", "amounts": "veel geld"}, "begrijp ik niet"),
        ("investering", {"name": "X", "party_name": "Gemeente", "domain": "jeugd", "amounts": "2025: veel"}, "is geen bedrag"),
        ("investering", {"name": "X", "domain": "jeugd", "amounts": "2025: 5"}, "Kies een organisatie of typ"),
        ("investering", {"name": "X", "party_name": "G", "domain": "jeugd", "amounts": "2025: 5", "cost_low": "1,5"}, "ligt boven"),
        ("prijs", {"key": "huisuitzetting", "value_likely": "9000", "source": "x"}, "Bij een bedrag hoort het jaar"),
        ("prijs", {"key": "huisuitzetting", "value_likely": "9000", "price_year": "2025"}, "Zonder bron geen prijs"),
        ("prijs", {"key": "__nieuw__", "new_key": "politie", "source": "x"}, "heeft een omschrijving nodig"),
        ("schakel", {"source": "a999", "target": "e999"}, "Kies een element van de keten"),
    ],
)  # fmt: skip
def test_bad_form_input_gets_a_dutch_message(own_project, editor, kind, data, message):
    response = editor.post(f"/waarde/{own_project.pk}/{kind}/nieuw/", data)
    assert response.status_code == 200
    assert message in response.content.decode()


def test_settings_form_checks_its_numbers(own_project, editor):
    response = editor.post(
        f"/waarde/{own_project.pk}/instellingen/",
        {"horizon": "0", "seed": "1", "draws": "50", "discount_rate": "80"},
    )
    html = response.content.decode()
    assert response.status_code == 200
    assert "De horizon ligt tussen 1 en 100 jaar" in html
    assert "Kies tussen 1.000 en 100.000 trekkingen" in html
    assert "Kies een discontovoet tussen -10% en 30%" in html
    response = editor.post(
        f"/waarde/{own_project.pk}/instellingen/",
        {
            "horizon": "10",
            "seed": "7",
            "draws": "5000",
            "discount_rate": "4,5",
            "base_year": "2025",
        },
    )
    assert response.status_code == 302
    analysis = Analysis.objects.get(project=own_project)
    assert (analysis.horizon, float(analysis.discount_rate), analysis.draws) == (10, 4.5, 5000)


def test_a_link_that_closes_a_loop_is_refused_with_the_elements_named(own_project, chain, editor):
    effect, activity = chain["effect"], chain["activity"]
    response = editor.post(
        f"/waarde/{own_project.pk}/schakel/nieuw/",
        {"source": effect.core_id, "target": activity.core_id, "assumption": "terug"},
    )
    html = response.content.decode()
    assert response.status_code == 200
    assert "De keten loopt in een kring" in html
    assert "effect ‘Minder uithuisplaatsingen’" in html
    assert Link.objects.filter(project=own_project).count() == 2


# Bad input that bypassed the forms (imports, older data): the core's error in Dutch ------------


def corrupt(kind: str, elements: dict, project) -> None:
    effect, share = elements["effect"], elements["share"]
    if kind == "cycle":
        Link.objects.create(
            project=project, source=effect.core_id, target=elements["activity"].core_id
        )
    elif kind == "benefits_nobody":
        share.delete()
    elif kind == "low_above_high":
        Effect.objects.filter(pk=effect.pk).update(size_low=0.3, size_high=0.1)
    elif kind == "negative_probability":
        Effect.objects.filter(pk=effect.pk).update(size_low=-0.2)
    elif kind == "share_outside":
        BenefitShare.objects.filter(pk=share.pk).update(share=1.4)
    elif kind == "shares_do_not_add_up":
        BenefitShare.objects.filter(pk=share.pk).update(share=0.6)
    elif kind == "missing_price":
        Effect.objects.filter(pk=effect.pk).update(price_key="verdwenen_prijs")
    elif kind == "amounts_not_numbers":
        Investment.objects.filter(pk=elements["investment"].pk).update(amounts={"2025": "veel"})
    elif kind == "before_base_year":
        Effect.objects.filter(pk=effect.pk).update(start_year=2010)
    elif kind == "dangling_link":
        Link.objects.create(project=project, source=elements["activity"].core_id, target="e999999")


CORE_CASES = [
    ("cycle", "De keten loopt in een kring"),
    ("benefits_nobody", "komt bij niemand terecht"),
    ("low_above_high", "is de lage waarde van omvang (0,3) hoger dan de hoge waarde (0,1)"),
    ("negative_probability", "Een negatieve kans"),
    ("share_outside", "moet het batenaandeel van Gemeente Voorbeeldstad tussen 0 en 1 liggen"),
    ("shares_do_not_add_up", "tellen op tot 0,6 in plaats van 1"),
    ("missing_price", "‘verdwenen_prijs’, maar die staat niet in de prijslijst"),
    ("amounts_not_numbers", "zijn de bedragen per jaar geen getallen"),
    ("dangling_link", "verwijst naar een element dat niet (meer) bestaat"),
]


@pytest.mark.parametrize(("kind", "message"), CORE_CASES, ids=[c[0] for c in CORE_CASES])
def test_chain_errors_are_dutch_messages_on_every_screen(own_project, chain, editor, kind, message):
    corrupt(kind, chain, own_project)
    for path in ("", "werkplaats/", "resultaten/"):
        html = page(editor, own_project, path)
        assert (
            "De keten kan nog niet worden doorgerekend" in html
            or "Nog niet door te rekenen" in html
        )
        assert message in html, (path, message)
    # The element is named (except for a dangling link, whose end no longer exists).
    if kind not in ("dangling_link", "amounts_not_numbers"):
        assert "Minder uithuisplaatsingen" in html
    # Export, report and command say it too, without a server error.
    assert editor.get(f"/waarde/{own_project.pk}/export.xlsx").status_code == 200
    assert message in editor.get(f"/rapporten/project/{own_project.pk}.html").content.decode()
    with pytest.raises(CommandError, match=re.escape(message)):
        call_command("mkba", str(own_project.pk), stdout=io.StringIO())


def test_unknown_price_is_reported_not_counted(own_project, editor):
    build_chain(own_project, price=False)
    html = page(editor, own_project, "resultaten/")
    assert "Onbekend: wat het waard moet zijn" in html
    assert "Het project verdient zich terug als die ten minste" in html
    assert "niet meegeteld (ook niet als nul)" in html
    assert "Waar vindt u het bedrag?" in html  # where a municipality finds its own figure
    outcome = services.analyse(own_project, draws=1000)
    assert outcome.appraisal.benefits == 0.0 and outcome.appraisal.unknowns
    unknown = outcome.appraisal.unknowns[0]
    # "How much would it have to be worth?" is the break-even: plug it back in, NPV is zero.
    PriceOverride.objects.create(
        project=own_project,
        key="uithuisplaatsing_jaar",
        value_likely=unknown.break_even,
        price_year=2025,
        source="omslagwaarde",
    )
    assert services.analyse(own_project, montecarlo=False).appraisal.npv == pytest.approx(
        0, abs=1e-6
    )


# Results ----------------------------------------------------------------------------------------


def test_results_page_shows_balance_tipping_points_charts_and_uncertainty(
    own_project, chain, editor
):
    html = page(editor, own_project, "resultaten/")
    outcome = services.analyse(own_project)
    tip = outcome.tipping.sizes[0]
    sentence = (
        f"bij ten minste {tip.minimum_whole} van de 100 gezinnen een uithuisplaatsing wordt "
        "voorkomen"
    )
    assert sentence in html
    for chart in (
        "value-tornado-chart",
        "value-histogram-chart",
        "value-flow-chart",
        "value-balance-chart",
    ):
        assert f'id="{chart}"' in html, chart
    for text in (
        "Netto contante waarde",
        "Baten/kostenverhouding",
        "Interne rentevoet",
        "Kans op een positief saldo",
        "95e percentiel",
        "Voorstel cofinanciering",
        "Werkgroep Discontovoet 2020",  # the default rate's source
        "waargenomen",
        "Gemeente Voorbeeldstad",
    ):
        assert text in html, text
    # Seeded: the same page twice gives the same uncertainty figures.
    again = services.analyse(own_project)
    assert again.montecarlo.p_positive == outcome.montecarlo.p_positive
    assert np.array_equal(again.montecarlo.npv, outcome.montecarlo.npv)
    assert outcome.montecarlo.draws == 20_000


def test_observed_inputs_hook_is_empty_and_feeds_observed_effects(own_project, chain, monkeypatch):
    assert observed_inputs(own_project) == {}
    effect = chain["effect"]
    from proeftuin.core.valuation import Estimate

    observed = {effect.pk: ObservedInput(Estimate(0.2, 0.25, 0.3), source="tel en vertel 2025")}
    monkeypatch.setattr(convert, "observed_inputs", lambda project, live=False: observed)
    valuation = convert.load(own_project)
    core_effect = valuation.chain.effect(effect.core_id)
    assert core_effect.size.likely == 0.25 and core_effect.source == "tel en vertel 2025"
    assert core_effect.basis == "observed"


# Workshop mode: autosave ---------------------------------------------------------------------------


def test_workshop_autosaves_a_likely_value_and_updates_the_summary(own_project, chain, editor):
    effect = chain["effect"]
    html = page(editor, own_project, "werkplaats/")
    assert f'hx-post="/waarde/{own_project.pk}/werkplaats/effect/{effect.pk}/"' in html
    assert 'hx-trigger="change delay:500ms, submit"' in html
    prefix = effect.core_id
    data = {
        f"{prefix}-edit_version": str(effect.version),
        f"{prefix}-size_low": "0,04",
        f"{prefix}-size_likely": "0,1",
        f"{prefix}-size_high": "0,14",
        f"{prefix}-participants_likely": "100",
        f"{prefix}-deadweight_likely": "0",
        f"{prefix}-attribution_likely": "1",
    }
    response = editor.post(f"/waarde/{own_project.pk}/werkplaats/effect/{effect.pk}/", data, **HX)
    body = response.content.decode()
    assert response.status_code == 200
    assert "Opgeslagen om" in body
    assert 'id="value-summary" hx-swap-oob="innerHTML"' in body
    effect.refresh_from_db()
    assert effect.size_likely == pytest.approx(0.1)
    assert effect.version == 2
    assert f'name="{prefix}-edit_version" value="2"' in body
    # The same (now stale) version again: not saved over the newer one, and said so.
    data[f"{prefix}-size_likely"] = "0,12"
    response = editor.post(f"/waarde/{own_project.pk}/werkplaats/effect/{effect.pk}/", data, **HX)
    assert "Iemand anders heeft dit intussen gewijzigd" in response.content.decode()
    effect.refresh_from_db()
    assert effect.size_likely == pytest.approx(0.1)


def test_workshop_autosave_without_a_version_is_refused_as_stale(own_project, chain, editor):
    effect = chain["effect"]
    prefix = effect.core_id
    response = editor.post(
        f"/waarde/{own_project.pk}/werkplaats/effect/{effect.pk}/",
        {f"{prefix}-size_likely": "0,12", f"{prefix}-size_low": "0,04",
         f"{prefix}-size_high": "0,14", f"{prefix}-participants_likely": "100",
         f"{prefix}-deadweight_likely": "0", f"{prefix}-attribution_likely": "1"},
        **HX,
    )  # fmt: skip
    assert "Iemand anders heeft dit intussen gewijzigd" in response.content.decode()
    effect.refresh_from_db()
    assert effect.size_likely == pytest.approx(0.08)
    # The refusal carries the current version: saving again is a conscious choice and works.
    assert f'name="{prefix}-edit_version" value="{effect.version}"' in response.content.decode()


def test_workshop_autosave_refuses_bad_numbers_in_dutch(own_project, chain, editor):
    effect = chain["effect"]
    prefix = effect.core_id
    response = editor.post(
        f"/waarde/{own_project.pk}/werkplaats/effect/{effect.pk}/",
        {f"{prefix}-edit_version": "1", f"{prefix}-size_likely": "0,5", f"{prefix}-size_low": "0,04",
         f"{prefix}-size_high": "0,14", f"{prefix}-participants_likely": "100",
         f"{prefix}-deadweight_likely": "0", f"{prefix}-attribution_likely": "1"},
        **HX,
    )  # fmt: skip
    body = response.content.decode()
    assert response.status_code == 200
    assert "ligt onder de waarschijnlijke" in body and "Niet opgeslagen" in body
    effect.refresh_from_db()
    assert effect.size_likely == pytest.approx(0.08)


def test_workshop_autosaves_shares_and_amounts(own_project, chain, editor):
    share, investment = chain["share"], chain["investment"]
    key = f"s{share.pk}"
    response = editor.post(
        f"/waarde/{own_project.pk}/werkplaats/aandeel/{share.pk}/",
        {f"{key}-edit_version": "1", f"{key}-share": "0,5"},
        **HX,
    )
    assert "Opgeslagen om" in response.content.decode()
    # The summary now says why the chain cannot be computed: half the benefit lands nowhere.
    assert "tellen op tot 0,5" in response.content.decode()
    prefix = investment.core_id
    response = editor.post(
        f"/waarde/{own_project.pk}/werkplaats/investering/{investment.pk}/",
        {f"{prefix}-edit_version": "1", f"{prefix}-amounts": "2025: 90.000"},
    )
    assert response.status_code == 302  # without HTMX: back to the workshop
    investment.refresh_from_db()
    assert investment.amounts == {"2025": 90000.0}


def test_deleting_an_element_removes_its_links(own_project, chain, editor):
    activity = chain["activity"]
    response = editor.post(f"/waarde/{own_project.pk}/activiteit/{activity.pk}/verwijderen/")
    assert response.status_code == 302
    assert not Link.objects.filter(project=own_project).exists()
    assert (
        editor.get(f"/waarde/{own_project.pk}/activiteit/{activity.pk}/verwijderen/").status_code
        == 405
    )


def test_a_project_price_still_in_use_and_not_listed_cannot_be_deleted(own_project, chain, editor):
    own = PriceOverride.objects.create(
        project=own_project, key="eigen_prijs", label="Eigen", source="x"
    )
    Effect.objects.filter(pk=chain["effect"].pk).update(price_key="eigen_prijs")
    response = editor.post(f"/waarde/{own_project.pk}/prijs/{own.pk}/verwijderen/", follow=True)
    assert "wordt nog gebruikt door: Minder uithuisplaatsingen" in response.content.decode()
    assert PriceOverride.objects.filter(pk=own.pk).exists()


# Export ----------------------------------------------------------------------------------------------


def test_export_lists_every_assumption_and_escapes_formula_like_text(own_project, chain, users):
    Link.objects.filter(project=own_project).update(assumption='=HYPERLINK("http://x")')
    Effect.objects.filter(pk=chain["effect"].pk).update(source="+31 procent volgens de wijkagent")
    http = login(users[("own", "onderzoeker")])
    response = http.get(f"/waarde/{own_project.pk}/export.xlsx")
    assert response.status_code == 200
    assert "attachment" in response["Content-Disposition"]
    book = openpyxl.load_workbook(io.BytesIO(response.content))
    assert {"Instellingen", "Investeringen", "Activiteiten", "Effecten", "Wie profiteert",
            "Schakels", "Prijzen", "Resultaat"} <= set(book.sheetnames)  # fmt: skip
    cells = {
        name: [
            str(c) for row in book[name].iter_rows(values_only=True) for c in row if c is not None
        ]
        for name in book.sheetnames
    }
    assert '\'=HYPERLINK("http://x")' in cells["Schakels"]
    assert "'+31 procent volgens de wijkagent" in cells["Effecten"]
    assert "Minder uithuisplaatsingen" in cells["Effecten"]
    assert FICTIONAL in cells["Prijzen"]
    assert any("Werkgroep Discontovoet" in c for c in cells["Instellingen"])
    assert any(c == "onbekend" for c in cells["Prijzen"])  # other keys of the list stay onbekend
    assert any(c.startswith("Omslagpunt") for c in cells["Resultaat"])
    assert http.get(f"/waarde/{own_project.pk}/export.xlsx").status_code == 200
    financier = login(users[("own", "financier")])
    assert financier.get(f"/waarde/{own_project.pk}/export.xlsx").status_code == 403


# Report section ------------------------------------------------------------------------------------


def test_report_section_in_html_has_summary_tornado_and_cofunding(own_project, chain):
    from proeftuin.reporting.report import render_report_html

    html = render_report_html(own_project, for_pdf=True)
    assert "Maatschappelijke waarde (indicatieve MKBA)" in html
    assert "Voorstel cofinanciering" in html
    assert "een uithuisplaatsing wordt voorkomen" in html
    assert html.count('src="data:image/svg+xml;base64,') >= 2


def test_a_report_reads_the_chain_once(own_project, chain, monkeypatch):
    """The MKBA section and the advisor's facts (continuation section) share one read."""
    from proeftuin.reporting.report import render_report_html
    from proeftuin.valuation import convert, services

    reads = []
    real = convert.load

    def counting(project, **kwargs):
        reads.append(project.pk)
        return real(project, **kwargs)

    monkeypatch.setattr(convert, "load", counting)
    html = render_report_html(own_project, for_pdf=True)
    assert "Maatschappelijke waarde (indicatieve MKBA)" in html
    assert reads == [own_project.pk]
    # Outside a report nothing is kept: a page always reads the current chain.
    services.analyse(own_project)
    services.analyse(own_project)
    assert len(reads) == 3


def test_report_leaves_the_section_out_without_a_chain(own_project):
    from proeftuin.reporting.report import render_report_html

    assert "Maatschappelijke waarde (indicatieve MKBA)" not in render_report_html(own_project)


def test_pdf_report_holds_the_cofunding_proposal(own_project, chain):
    import pypdf

    from proeftuin.reporting.report import render_report_pdf

    data = render_report_pdf(own_project)
    text = "\n".join(p.extract_text() for p in pypdf.PdfReader(io.BytesIO(data)).pages)
    assert "Voorstel cofinanciering" in text
    assert "Gemeente Voorbeeldstad" in text


# The mkba command and the proeftuin CLI ------------------------------------------------------------


def test_mkba_command_prints_the_summary(own_project, chain):
    out = io.StringIO()
    call_command("mkba", own_project.name, "--draws", "2000", stdout=out)
    text = out.getvalue()
    for expected in (
        "Maatschappelijke waarde (indicatieve MKBA): Eén gezin, één plan",
        "Netto contante waarde",
        "baten/kostenverhouding",
        "Kans op een positief saldo",
        "Omslagpunten:",
        "van de 100 gezinnen een uithuisplaatsing wordt voorkomen",
        "- Gemeente Voorbeeldstad:",
        "2.000 trekkingen",
    ):
        assert expected in text, expected


def test_proeftuin_cli_mkba(own_project, chain):
    out, err = io.StringIO(), io.StringIO()
    with redirect_stdout(out), redirect_stderr(err):
        assert cli.main(["mkba", str(own_project.pk), "--draws", "1000"]) == 0
    assert "Omslagpunten" in out.getvalue()
    with redirect_stderr(err):
        assert cli.main(["mkba", "Bestaat niet"]) == 1
    assert "proeftuin: Geen eenduidig project gevonden" in err.getvalue()
    assert "Traceback" not in err.getvalue()


def test_mkba_without_a_chain_says_so(own_project):
    out = io.StringIO()
    call_command("mkba", str(own_project.pk), stdout=out)
    assert "nog geen effectenketen" in out.getvalue()


# The installation's price list ---------------------------------------------------------------------


def test_broken_installation_price_list_is_a_dutch_message_not_a_500(
    own_project, chain, editor, tmp_path, monkeypatch
):
    (tmp_path / "kapot.yaml").write_text("id: [kapot\n", encoding="utf-8")
    monkeypatch.setenv(ENV_VAR, str(tmp_path))
    clear_cache()
    try:
        for path in ("", "resultaten/", "prijzen/", "werkplaats/", "effect/nieuw/"):
            html = page(editor, own_project, path)
            assert "prijslijst van deze installatie kan niet worden gelezen" in html, path
            assert "kapot.yaml" in html
        assert check_price_lists()[0].id == "valuation.E001"
    finally:
        monkeypatch.delenv(ENV_VAR)
        clear_cache()
    assert check_price_lists() == []


def test_installation_price_fills_an_onbekend_value(own_project, editor, tmp_path, monkeypatch):
    build_chain(own_project, price=False)
    (tmp_path / "eigen.yaml").write_text(
        """id: voorbeeldstad
version: "2025.1"
name: {nl: Prijzen Voorbeeldstad}
currency: EUR
sources: [{code: "inkoop", title: "Inkoopcontract jeugdhulp 2025"}]
prices:
  - key: uithuisplaatsing_jaar
    label: {nl: "Uithuisplaatsing, per kind per jaar"}
    unit: {nl: "per kind per jaar"}
    value: 48000
    price_year: 2025
    indexation: cao_lonen
    source: "inkoop tarief verblijf"
""",
        encoding="utf-8",
    )
    monkeypatch.setenv(ENV_VAR, str(tmp_path))
    clear_cache()
    try:
        html = page(editor, own_project, "prijzen/")
        assert "inkoop tarief verblijf" in html and "installatie" in html
        outcome = services.analyse(own_project, montecarlo=False)
        assert outcome.appraisal.complete
    finally:
        monkeypatch.delenv(ENV_VAR)
        clear_cache()


# Demo data and charts ------------------------------------------------------------------------------


def test_demo_gives_three_projects_a_chain_with_honestly_labelled_prices(db):
    from proeftuin.demo.generator import generate
    from proeftuin.portfolio.models import Project

    generate(projects=15, seed=2026)
    for name in ("Eén gezin, één plan", "Preventie huisuitzetting", "GGZ-steunpunt Zuiderpark"):
        project = Project.objects.get(name=name)
        outcome = services.analyse(project, draws=1000)
        assert outcome.problem is None, (name, outcome.problem)
        assert outcome.appraisal.costs > 0 and outcome.appraisal.unknowns, name
        prices = project.value_prices.exclude(value_likely=None)
        assert prices and all("fictief, demo" in p.source for p in prices)
    assert not Project.objects.get(name="Herstelacademie").value_effects.exists()


def _fewer_professionals_observed(project) -> Effect:
    """An effect whose size Tel en vertel observes: fewer professionals per family."""
    return Effect.objects.create(
        project=project,
        indicator="Minder hulpverleners aan tafel",
        size_kind="quantity",
        size_likely=0.5,
        participants_likely=100,
        price_key="hulpverlener_gezin_jaar",
        basis="observed",
        observed_measure="professionals",
    )


def test_observed_effect_takes_its_size_from_tel_en_vertel_and_respects_suppression(db):
    """Issue 5 §4: monitoring feeds the chain, marked observed, with its uncertainty; a group
    below the small-cell threshold feeds nothing (the typed numbers stay)."""
    from proeftuin.demo.generator import generate
    from proeftuin.monitoring import analytics
    from proeftuin.portfolio.models import Project

    generate(projects=15, seed=2026)
    project = Project.objects.get(name="Eén gezin, één plan")
    effect = _fewer_professionals_observed(project)
    BenefitShare.objects.create(effect=effect, party_name="Gemeente", domain="wmo", share=1.0)
    observed = observed_inputs(project)
    assert set(observed) == {effect.pk}
    seen = observed[effect.pk]
    group = next(
        g for g in analytics.burden([project.pk]).groups if g.key["domain"] == "professionals"
    )
    assert seen.n == group.n >= 10
    assert seen.size.likely == pytest.approx(-group.mean_change)
    assert seen.size.low <= seen.size.likely <= seen.size.high
    assert seen.size.low < seen.size.high  # the uncertainty travels along
    assert "paren" in seen.source
    core_effect = convert.load(project).chain.effect(effect.core_id)
    assert core_effect.size == seen.size and core_effect.basis == "observed"
    from django.test import Client

    from proeftuin.accounts.models import User

    adviser = Client()
    adviser.force_login(User.objects.get(username="beleid"))
    html = page(adviser, project, "")
    assert "gemeten" in html and seen.source in html

    small = Project.objects.get(name="Jongeren Op Eigen Benen")
    few = Effect.objects.create(
        project=small,
        indicator="Minder hulpverleners",
        size_kind="quantity",
        size_likely=0.7,
        participants_likely=12,
        price_key="hulpverlener_gezin_jaar",
        basis="observed",
        observed_measure="professionals",
    )
    assert few.pk not in observed_inputs(small)
    assert convert.load(small).chain.effect(few.core_id).size.likely == 0.7


def test_histogram_puts_zero_on_a_bin_edge():
    rows = core_charts.histogram_bins(np.array([-150.0, -20.0, 5.0, 80.0, 300.0]), bins=10)
    assert sum(r["count"] for r in rows) == 5
    assert any(r["start"] == 0.0 or r["end"] == 0.0 for r in rows)
    assert not any(r["start"] < 0 < r["end"] for r in rows)
    assert core_charts.histogram_bins(np.array([7.0, 7.0]))[0]["count"] == 2


def test_benefit_landing_for_the_sustainability_advisor(own_project):
    assert services.benefit_landing(own_project) is None  # no chain: unknown, not zero
    build_chain(own_project, price=False)
    # Finding (issue 10): shares already entered counted as unknown until a euro price existed.
    pairs, basis = services.benefit_pairs(own_project)
    assert basis == "shares" and pairs == {("Gemeente Voorbeeldstad", "jeugd"): 1.0}
    assert services.benefit_landing(own_project) == {"jeugd": 1.0}
    PriceOverride.objects.create(
        project=own_project,
        key="uithuisplaatsing_jaar",
        value_likely=50_000,
        price_year=2025,
        source=FICTIONAL,
    )
    landing = services.benefit_landing(own_project)
    assert set(landing) == {"jeugd"} and landing["jeugd"] > 0
    # With a price the advisor reads the MKBA page's own balance.
    pairs, basis = services.benefit_pairs(own_project)
    outcome = services.analyse(own_project, montecarlo=False)
    gains = {
        (p.party, d.domain): d.gains
        for p in outcome.appraisal.parties
        for d in p.domains
        if d.gains > 0
    }
    assert basis == "value" and pairs == pytest.approx(gains)


def test_notes_link_to_edit_forms_only_for_who_may_edit():
    """A funder or researcher reads the notes; a link to a form they may not open is a 403."""
    from types import SimpleNamespace

    from django.template.loader import render_to_string

    note = SimpleNamespace(text="Effect zonder begunstigde", url="/waarde/1/effect/3/bewerken/")
    outcome = SimpleNamespace(problem=note, notes=[note])
    reader = render_to_string("valuation/_problems.html", {"outcome": outcome, "can_value": False})
    assert "Effect zonder begunstigde" in reader and "/bewerken/" not in reader
    editor = render_to_string("valuation/_problems.html", {"outcome": outcome, "can_value": True})
    assert editor.count("/waarde/1/effect/3/bewerken/") == 2


def test_unknown_price_sentences_read_plainly():
    """What an onbekend price means for the conclusion, in words a funder can use."""
    from types import SimpleNamespace

    from django.utils import translation

    from proeftuin.valuation.wording import unknown_sentence

    def say(break_even, flips_if="at_most"):
        reason = "holds_for_any" if break_even is not None and break_even < 0 else ""
        if break_even is not None and break_even < 0:
            break_even = None  # the core never reports a negative tipping value (issue 10)
        elif break_even is None:
            reason = "no_volume"
        unknown = SimpleNamespace(
            label="GGZ-traject",
            break_even=break_even,
            flips_if=flips_if,
            reason=reason,
            shown=break_even,
        )
        with translation.override("nl"):
            return unknown_sentence(unknown, "per traject", ["Minder GGZ"])

    assert "ten minste € 1.200 per traject" in say(1200.0, "at_least")
    positive = say(-28522.0)
    assert "nul of meer" in positive and "-28" not in positive
    assert "verandert de conclusie niet" in say(None)


def test_an_observed_tel_en_vertel_effect_shows_a_funder_the_release_not_live_figures(db):
    """Black-box finding (session 3): a funder read the MKBA's observed effect from live pairs, so
    one changed end measurement moved the funder's figure (4,27 → 5,53) while the released Tel en
    vertel tab still said 4,27. Roles without participant access read the latest release."""
    from proeftuin.demo.generator import generate
    from proeftuin.monitoring import releases
    from proeftuin.monitoring.models import Pair
    from proeftuin.portfolio.models import Project

    generate(projects=15, seed=2026)
    project = Project.objects.get(name="Eén gezin, één plan")
    effect = _fewer_professionals_observed(project)
    assert releases.latest_release(project) is not None  # the demo makes a first release
    frozen = observed_inputs(project, live=False)[effect.pk]
    assert observed_inputs(project, live=True)[effect.pk] == frozen  # same data, same figure
    # One person's end measurement changes after the release.
    pair = Pair.objects.filter(project=project, series="burden", domain="professionals").exclude(
        latest_score=None
    )[0]
    Pair.objects.filter(pk=pair.pk).update(latest_score=pair.latest_score + 40)
    live = observed_inputs(project, live=True)[effect.pk]
    assert live.size.likely != frozen.size.likely  # positive control: the change is visible live
    assert observed_inputs(project, live=False)[effect.pk] == frozen
    assert convert.load(project).chain.effect(effect.core_id).size == frozen.size
