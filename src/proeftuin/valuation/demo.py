"""Effects chains for three demo projects of Gemeente Voorbeeldstad.

The chains follow the examples of seed 004 (§2.2.1 Effectenarena: fewer out-of-home placements,
fewer evictions, less use of (mental) health care; §5.4.1: the health insurer as a benefiting
party). The seeds give no euro amounts, so the demo fills some prices with project prices that
say so: **voorbeeldwaarde (fictief, demo)**. Others stay *onbekend* on purpose, so the demo also
shows what an unknown price means for the conclusion.
"""

from __future__ import annotations

from collections.abc import Iterable

from proeftuin.accounts.models import Organisation
from proeftuin.portfolio.models import Project

from . import models

DEMO_SOURCE = (
    "voorbeeldwaarde (fictief, demo): geen echte bron; vervang door een eigen bedrag met bron"
)
DEMO_OBSERVED = "voorbeeld (fictief, demo): 0- en 1-meting uit tel en vertel"

MUNICIPALITY = "Gemeente Voorbeeldstad"
FUND = "Fonds Sociale Vernieuwing"
INSURER = "Zorgverzekeraar Zuid"
HOUSING = "Woonstede Voorbeeldstad"


def _org(name: str) -> Organisation | None:
    return Organisation.objects.filter(name=name).first()


def _party(name: str) -> dict:
    org = _org(name)
    return {"party_organisation": org} if org else {"party_name": name}


def _price(project, key, low, likely, high, year, label="", unit="") -> None:
    models.PriceOverride.objects.create(
        project=project,
        key=key,
        label=label,
        unit=unit,
        value_low=low,
        value_likely=likely,
        value_high=high,
        price_year=year if likely is not None else None,
        source=DEMO_SOURCE if likely is not None else "onbekend (demo): geen bron gevonden",
    )


def _effect(project, shares, **fields) -> models.Effect:
    effect = models.Effect.objects.create(project=project, **fields)
    for party, domain, share in shares:
        models.BenefitShare.objects.create(
            effect=effect, domain=domain, share=share, **_party(party)
        )
    return effect


def _link(project, source, target, assumption) -> None:
    models.Link.objects.create(
        project=project, source=source.core_id, target=target.core_id, assumption=assumption
    )


def _investment(project, name, party, domain, start, amounts, **extra) -> models.Investment:
    return models.Investment.objects.create(
        project=project,
        name=name,
        domain=domain,
        amounts={str(start + i): float(a) for i, a in enumerate(amounts)},
        **_party(party),
        **extra,
    )


def one_family_one_plan(project: Project) -> None:
    year = project.start_date.year
    models.Analysis.objects.create(
        project=project,
        base_year=year,  # the demo's decision year: its start
        reference_scenario=(
            "Zonder project werken gemiddeld vijf tot tien hulpverleners langs elkaar heen in een "
            "gezin, zonder gezamenlijk plan (voorbeeld, demo)."
        ),
    )
    pay = _investment(
        project,
        "Gezinsregisseurs (2 fte)",
        MUNICIPALITY,
        "jeugd",
        year,
        [180_000, 180_000, 180_000],
        cost_low=0.9,
        cost_high=1.2,
    )
    start = _investment(project, "Opstart en training", FUND, "overig", year, [60_000])
    plan = models.Activity.objects.create(
        project=project,
        name="Eén regisseur en één plan per gezin",
        description="De regisseur stelt met het gezin één plan op over alle leefgebieden.",
    )
    table = models.Activity.objects.create(
        project=project, name="Casusoverleg met alle hulpverleners aan één tafel"
    )
    # The same 100 families carry all three effects: declared once, so the tipping point moves
    # them together (the per-effect count said "41 gezinnen"; the shared break-even is higher).
    families = models.ParticipantGroup.objects.create(
        project=project, name="gezinnen", size_low=80, size_likely=100, size_high=120
    )
    uhp = _effect(
        project,
        [(MUNICIPALITY, "jeugd", 1.0)],
        indicator="Minder uithuisplaatsingen",
        size_kind="probability",
        size_low=0.04,
        size_likely=0.08,
        size_high=0.14,
        participants_low=80,
        participants_likely=100,
        participants_high=120,
        participant_label="gezinnen",
        group=families,
        case_phrase="een uithuisplaatsing wordt voorkomen",
        start_year=year + 1,
        duration=3,
        decay_likely=0.1,
        deadweight_low=0.1,
        deadweight_likely=0.2,
        deadweight_high=0.3,
        attribution_low=0.6,
        attribution_likely=0.8,
        attribution_high=1.0,
        price_key="uithuisplaatsing_jaar",
        basis="observed",
        observed_source=DEMO_OBSERVED,
        source="Aantal uithuisplaatsingen bij de 0- en 1-meting (voorbeeld, demo).",
    )
    workers = _effect(
        project,
        [(MUNICIPALITY, "wmo", 0.6), (MUNICIPALITY, "jeugd", 0.4)],
        indicator="Minder hulpverleners per gezin",
        size_kind="quantity",
        size_low=0.2,
        size_likely=0.5,
        size_high=1.0,
        participants_likely=100,
        participant_label="gezinnen",
        group=families,
        start_year=year + 1,
        duration=3,
        deadweight_likely=0.3,
        attribution_likely=0.7,
        price_key="hulpverlener_gezin_jaar",
        source="Schatting in de Effectenarena-sessie (voorbeeld, demo).",
    )
    ggz = _effect(
        project,
        [(INSURER, "zorg", 1.0)],
        indicator="Minder GGZ-behandeltrajecten bij ouders",
        size_kind="probability",
        size_low=0.05,
        size_likely=0.1,
        size_high=0.15,
        participants_likely=100,
        participant_label="gezinnen",
        group=families,
        case_phrase="een GGZ-traject van een ouder niet nodig is",
        start_year=year + 1,
        duration=3,
        deadweight_likely=0.2,
        attribution_likely=0.6,
        price_key="ggz_behandeltraject",
        source="Schatting in de Effectenarena-sessie (voorbeeld, demo).",
    )
    _link(project, pay, plan, "Als de gemeente regisseurs betaalt, dan krijgt elk gezin één plan.")
    _link(
        project, start, plan, "Als het fonds de opstart betaalt, dan kan het team direct beginnen."
    )
    _link(project, plan, table, "Als er één plan is, dan zitten alle hulpverleners aan één tafel.")
    _link(
        project,
        plan,
        uhp,
        "Als één regisseur het gezin volgt, dan escaleert minder tot een crisis.",
    )
    _link(
        project, table, workers, "Als hulpverleners samenwerken, dan zijn er minder tegelijk nodig."
    )
    _link(
        project, plan, ggz, "Als de stress in het gezin daalt, dan hebben ouders minder GGZ nodig."
    )
    _price(project, "uithuisplaatsing_jaar", 40_000, 50_000, 65_000, year)
    _price(project, "hulpverlener_gezin_jaar", 3_000, 4_500, 6_000, year)
    # ggz_behandeltraject stays onbekend: the demo shows what it would have to be worth.


def eviction_prevention(project: Project) -> None:
    year = project.start_date.year
    models.Analysis.objects.create(
        project=project,
        base_year=year,  # the demo's decision year: its start
        reference_scenario=(
            "Zonder project start de corporatie bij een huurachterstand de incasso en volgt bij "
            "een deel van de huurders een ontruiming (voorbeeld, demo)."
        ),
    )
    signal = _investment(
        project,
        "Vroegsignalering en huisbezoeken",
        HOUSING,
        "wonen",
        year,
        [60_000, 60_000, 60_000],
    )
    debt = _investment(
        project, "Schuldhulp aan tafel", MUNICIPALITY, "participatie", year, [40_000] * 3
    )
    table = models.Activity.objects.create(
        project=project,
        name="Samen aan tafel bij een huurachterstand",
        description="Corporatie, wijkteam en schuldhulp bespreken elke nieuwe achterstand.",
    )
    evictions = _effect(
        project,
        [(HOUSING, "wonen", 0.7), (MUNICIPALITY, "wmo", 0.3)],
        indicator="Minder huisuitzettingen",
        size_kind="probability",
        size_low=0.03,
        size_likely=0.06,
        size_high=0.1,
        participants_low=120,
        participants_likely=150,
        participants_high=180,
        participant_label="huurders",
        case_phrase="een huisuitzetting wordt voorkomen",
        duration=3,
        deadweight_likely=0.2,
        attribution_low=0.6,
        attribution_likely=0.8,
        attribution_high=0.9,
        price_key="huisuitzetting",
        source="Schatting van corporatie en wijkteam (voorbeeld, demo).",
    )
    later = _effect(
        project,
        [(MUNICIPALITY, "participatie", 1.0)],
        indicator="Minder zware schuldhulptrajecten later",
        size_kind="probability",
        size_low=0.05,
        size_likely=0.1,
        size_high=0.2,
        participants_likely=150,
        participant_label="huurders",
        case_phrase="een zwaar schuldhulptraject niet nodig is",
        start_year=year + 1,
        duration=3,
        deadweight_likely=0.3,
        attribution_likely=0.7,
        price_key="schuldhulptraject",
        source="Schatting in de Effectenarena-sessie (voorbeeld, demo).",
    )
    _link(
        project, signal, table, "Als de corporatie vroeg signaleert, dan komt het gesprek op tijd."
    )
    _link(
        project, debt, table, "Als schuldhulp aan tafel zit, dan wordt de schuld meteen aangepakt."
    )
    _link(
        project,
        table,
        evictions,
        "Als de achterstand vroeg wordt aangepakt, dan volgt minder vaak een ontruiming.",
    )
    _link(
        project,
        table,
        later,
        "Als schulden klein blijven, dan is later minder zware schuldhulp nodig.",
    )
    _price(project, "huisuitzetting", 6_000, 9_000, 14_000, year)
    # schuldhulptraject stays onbekend.


def mental_health_point(project: Project) -> None:
    year = project.start_date.year
    models.Analysis.objects.create(
        project=project,
        base_year=year,  # the demo's decision year: its start
        reference_scenario=(
            "Zonder steunpunt komen mensen met verward gedrag pas in beeld bij een crisis, via "
            "politie of spoedeisende GGZ (voorbeeld, demo)."
        ),
    )
    walk_in = _investment(
        project, "Inloop en kwartiermaker", MUNICIPALITY, "wmo", year, [90_000] * 4
    )
    insurer = _investment(project, "Bijdrage preventie", INSURER, "zorg", year, [30_000] * 2)
    inloop = models.Activity.objects.create(project=project, name="Inloop zonder verwijzing")
    team = models.Activity.objects.create(project=project, name="Koppeling met het wijkteam")
    crisis = _effect(
        project,
        [(INSURER, "zorg", 1.0)],
        indicator="Minder crisisopnames",
        size_kind="probability",
        size_low=0.03,
        size_likely=0.05,
        size_high=0.08,
        participants_low=100,
        participants_likely=120,
        participants_high=150,
        participant_label="bezoekers",
        case_phrase="een crisisopname wordt voorkomen",
        duration=4,
        deadweight_likely=0.2,
        attribution_likely=0.8,
        price_key="ggz_crisisopname",
        source="Vergelijkbare inloophuizen (004 hoofdstuk 1, De Tulp); getallen: voorbeeld, demo.",
    )
    outreach = _effect(
        project,
        [(MUNICIPALITY, "wmo", 1.0)],
        indicator="Minder bemoeizorgtrajecten",
        size_kind="probability",
        size_low=0.05,
        size_likely=0.1,
        size_high=0.15,
        participants_likely=120,
        participant_label="bezoekers",
        case_phrase="een bemoeizorgtraject niet nodig is",
        duration=4,
        deadweight_likely=0.2,
        attribution_likely=0.8,
        price_key="bemoeizorg_traject",
        source="Schatting in de Effectenarena-sessie (voorbeeld, demo).",
    )
    police = _effect(
        project,
        [("Politie", "veiligheid", 1.0)],
        indicator="Minder politie-inzet bij verward gedrag",
        size_kind="probability",
        size_low=0.05,
        size_likely=0.1,
        size_high=0.2,
        participants_likely=120,
        participant_label="bezoekers",
        case_phrase="een melding van verward gedrag wordt voorkomen",
        duration=4,
        deadweight_likely=0.3,
        attribution_likely=0.6,
        price_key="politie_inzet_verward_gedrag",
        source="Schatting van de wijkagent (voorbeeld, demo).",
    )
    _link(
        project,
        walk_in,
        inloop,
        "Als de gemeente de inloop betaalt, dan is er een plek zonder drempel.",
    )
    _link(
        project,
        insurer,
        team,
        "Als de verzekeraar bijdraagt, dan kan de kwartiermaker het wijkteam erbij halen.",
    )
    _link(
        project,
        inloop,
        crisis,
        "Als mensen vroeg binnenlopen, dan escaleert minder tot een crisis.",
    )
    _link(project, team, outreach, "Als het wijkteam meekijkt, dan is minder bemoeizorg nodig.")
    _link(
        project, inloop, police, "Als er een plek is om heen te gaan, dan is minder politie nodig."
    )
    _price(project, "ggz_crisisopname", 10_000, 15_000, 25_000, year)
    _price(project, "bemoeizorg_traject", 3_000, 5_000, 8_000, year)
    _price(
        project,
        "politie_inzet_verward_gedrag",
        None,
        None,
        None,
        year,
        label="Melding verward gedrag: inzet van de politie",
        unit="per melding",
    )


CHAINS = {
    "Eén gezin, één plan": one_family_one_plan,
    "Preventie huisuitzetting": eviction_prevention,
    "GGZ-steunpunt Zuiderpark": mental_health_point,
}


def add_demo_chains(projects: Iterable[Project]) -> int:
    """Give the demo projects named in :data:`CHAINS` their effects chain; returns how many."""
    done = 0
    for project in projects:
        build = CHAINS.get(project.name)
        if build is None or project.value_effects.exists():
            continue
        build(project)
        done += 1
    return done
