"""Gemeente Voorbeeldstad: a reproducible demo municipality with its partners and pilots.

The first fifteen projects are written out by hand after the kinds of pilots the seeds describe
(004 ch.2 cases, 002 neighbourhood teams, 003 networks); beyond fifteen (``--projects 1000`` for
benchmarks) variations are generated from the same material. The same seed gives the same data.
"""

from __future__ import annotations

import random
from dataclasses import dataclass
from datetime import date, timedelta
from decimal import Decimal

from django.db import transaction

from proeftuin.accounts.models import Organisation, User
from proeftuin.administration import roles
from proeftuin.core.funding import add_months
from proeftuin.learning import demo as learning_demo
from proeftuin.portfolio.demo import add_demo_registry
from proeftuin.portfolio.models import (
    CoalitionMember,
    Decision,
    FundingStream,
    Goal,
    Neighbourhood,
    Phase,
    Project,
    ProjectGrant,
    Status,
)

MUNICIPALITY = "Gemeente Voorbeeldstad"
DEMO_PASSWORD = "proeftuin-demo"  # noqa: S105 - documented demo credential, local only

ORGANISATIONS = [
    (MUNICIPALITY, Organisation.Kind.MUNICIPALITY),
    ("Welzijn Voorbeeldstad", Organisation.Kind.WELFARE),
    ("Stichting Jeugd & Gezin Oost", Organisation.Kind.WELFARE),
    ("GGZ Rivierenland", Organisation.Kind.WELFARE),
    ("Fonds Sociale Vernieuwing", Organisation.Kind.FUND),
    ("Zorgverzekeraar Zuid", Organisation.Kind.HEALTH_INSURER),
    ("Woonstede Voorbeeldstad", Organisation.Kind.HOUSING),
    ("Kenniscentrum Sociaal Domein", Organisation.Kind.KNOWLEDGE),
    ("Bewonersinitiatief De Buurtkamer", Organisation.Kind.RESIDENTS),
    ("Gemeente Buurdorp", Organisation.Kind.MUNICIPALITY),
]

NEIGHBOURHOODS = [
    "Centrum",
    "Oost",
    "Noordwijk",
    "De Haven",
    "Zuiderpark",
    "Westeinde",
    "Vogelbuurt",
]

USERS = [
    ("beheerder", "Bea", "Beheer", MUNICIPALITY, User.RoleChoice.BEHEERDER),
    ("beleid", "Bart", "de Beleidsman", MUNICIPALITY, User.RoleChoice.BELEIDSADVISEUR),
    ("projectleider", "Priya", "Jansen", "Welzijn Voorbeeldstad", User.RoleChoice.PROJECTLEIDER),
    ("professional", "Pim", "Wijkteam", "Welzijn Voorbeeldstad", User.RoleChoice.PROFESSIONAL),
    ("financier", "Fatima", "El Fonds", "Fonds Sociale Vernieuwing", User.RoleChoice.FINANCIER),
    (
        "onderzoeker",
        "Olga",
        "Onderzoek",
        "Kenniscentrum Sociaal Domein",
        User.RoleChoice.ONDERZOEKER,
    ),
    ("buurdorp", "Bram", "Buur", "Gemeente Buurdorp", User.RoleChoice.BELEIDSADVISEUR),
]


@dataclass(frozen=True)
class ProjectSeed:
    name: str
    summary: str
    themes: tuple[str, ...]
    target_group: str
    owner: str
    phase: str
    months_running: int
    months_left: int  # until the main incidental stream ends; negative means it has ended


PROJECTS: list[ProjectSeed] = [
    ProjectSeed(
        "Eén gezin, één plan",
        "Gezinnen met problemen op meerdere leefgebieden krijgen één regisseur en één plan, in plaats van soms tientallen hulpverleners naast elkaar.",
        ("jeugd_gezin", "schulden"),
        "Gezinnen met meervoudige problematiek",
        "Stichting Jeugd & Gezin Oost",
        Phase.IMPLEMENTATION,
        20,
        4,
    ),
    ProjectSeed(
        "Mantelzorg in de wijk",
        "Vrijwilligers ontlasten mantelzorgers met respijtzorg en een vast aanspreekpunt in het buurthuis.",
        ("mantelzorg", "ouderen"),
        "Overbelaste mantelzorgers",
        "Welzijn Voorbeeldstad",
        Phase.DIFFUSION,
        36,
        10,
    ),
    ProjectSeed(
        "Schuldhulp Vroeg Eropaf",
        "Bij betalingsachterstanden bij huur, energie of zorgverzekering gaat een schuldhulpmaatje binnen twee weken op huisbezoek.",
        ("schulden", "wonen"),
        "Huishoudens met beginnende schulden",
        MUNICIPALITY,
        Phase.IMPLEMENTATION,
        18,
        7,
    ),
    ProjectSeed(
        "Buurtkamer Vogelbuurt",
        "Een door bewoners gerunde huiskamer waar buren elkaar ontmoeten en vragen vroeg worden opgepikt.",
        ("wijk",),
        "Bewoners van de Vogelbuurt",
        "Bewonersinitiatief De Buurtkamer",
        Phase.IMPLEMENTATION,
        14,
        2,
    ),
    ProjectSeed(
        "Herstelacademie",
        "Mensen met psychische kwetsbaarheid volgen cursussen die door ervaringsdeskundigen worden gegeven.",
        ("ggz", "participatie"),
        "Volwassenen met psychische kwetsbaarheid",
        "GGZ Rivierenland",
        Phase.DIFFUSION,
        40,
        16,
    ),
    ProjectSeed(
        "Werkplaats Westeinde",
        "Een leerwerkbedrijf waar mensen met afstand tot de arbeidsmarkt vakmanschap opdoen, met begeleiding op alle leefgebieden.",
        ("participatie",),
        "Bijstandsgerechtigden",
        MUNICIPALITY,
        Phase.IMPLEMENTATION,
        26,
        20,
    ),
    ProjectSeed(
        "Jongeren Op Eigen Benen",
        "Begeleid wonen en een coach voor jongeren die uit de jeugdzorg komen en 18 worden.",
        ("jeugd_gezin", "wonen"),
        "Jongeren van 17–23 jaar",
        "Stichting Jeugd & Gezin Oost",
        Phase.SELECTION,
        6,
        11,
    ),
    ProjectSeed(
        "Preventie huisuitzetting",
        "Corporatie, wijkteam en schuldhulp zitten samen aan tafel zodra een huurachterstand ontstaat.",
        ("wonen", "schulden"),
        "Huurders met huurachterstand",
        "Woonstede Voorbeeldstad",
        Phase.IMPLEMENTATION,
        22,
        5,
    ),
    ProjectSeed(
        "Wijkteam 2.0 Oost",
        "Het wijkteam werkt met een vrij besteedbaar budget en zonder indicatie vooraf.",
        ("wijk", "jeugd_gezin"),
        "Inwoners van Oost met een hulpvraag",
        MUNICIPALITY,
        Phase.IMPLEMENTATION,
        30,
        30,
    ),
    ProjectSeed(
        "Samen Sterk Ouderen",
        "Huisbezoeken bij 75-plussers om eenzaamheid en valrisico vroeg te signaleren.",
        ("ouderen", "wijk"),
        "Thuiswonende 75-plussers",
        "Welzijn Voorbeeldstad",
        Phase.IMPLEMENTATION,
        12,
        9,
    ),
    ProjectSeed(
        "Praktijkondersteuner Jeugd bij de huisarts",
        "Een jeugdconsulent in de huisartsenpraktijk voorkomt onnodige verwijzingen naar specialistische zorg.",
        ("jeugd_gezin", "ggz"),
        "Kinderen en jongeren met een hulpvraag",
        MUNICIPALITY,
        Phase.DIFFUSION,
        48,
        -1,
    ),
    ProjectSeed(
        "Taalcafé De Haven",
        "Laagdrempelig taalcafé dat nieuwkomers verbindt met buurtbewoners en werkgevers.",
        ("participatie", "wijk"),
        "Nieuwkomers",
        "Welzijn Voorbeeldstad",
        Phase.IDEA,
        3,
        14,
    ),
    ProjectSeed(
        "Geldfit Jongeren",
        "Financiële educatie en een vast maatje voor jongeren met beginnende schulden.",
        ("schulden", "jeugd_gezin"),
        "Jongeren van 16–27 jaar",
        MUNICIPALITY,
        Phase.SELECTION,
        8,
        22,
    ),
    ProjectSeed(
        "Veilig Thuis in de Wijk",
        "Wijkagent, wijkteam en buurtbemiddeling pakken overlast en huiselijk geweld samen op.",
        ("veiligheid", "wijk"),
        "Huishoudens met overlast of geweld",
        MUNICIPALITY,
        Phase.IMPLEMENTATION,
        16,
        13,
    ),
    ProjectSeed(
        "GGZ-steunpunt Zuiderpark",
        "Inloop zonder verwijzing voor mensen met verward gedrag, met een koppeling naar het wijkteam.",
        ("ggz", "veiligheid"),
        "Mensen met verward gedrag",
        "GGZ Rivierenland",
        Phase.IMPLEMENTATION,
        10,
        8,
    ),
]

GOALS = [
    (
        Goal.GoalType.OUTCOME,
        "Minder uithuisplaatsingen en zwaardere zorg bij deelnemers",
        "Aantal zware maatregelen per 100 deelnemers",
    ),
    (
        Goal.GoalType.LEARNING,
        "Leren wat werkt voor wie, door tel en vertel per deelnemer",
        "Aandeel deelnemers met 0- en 1-meting",
    ),
    (Goal.GoalType.KNOWLEDGE, "Inzicht in waar de baten landen (Effectenarena)", ""),
    (
        Goal.GoalType.POLICY,
        "Een besluit over structurele inbedding vóór het einde van de subsidie",
        "Besluit in het college",
    ),
    (
        Goal.GoalType.DEVELOPMENT,
        "Een werkwijze die andere wijken kunnen overnemen",
        "Beschreven werkwijze",
    ),
]

PEOPLE = [
    "A. de Vries",
    "M. Bakker",
    "S. El Amrani",
    "J. Visser",
    "R. Smit",
    "K. Mulder",
    "L. Bos",
    "N. Yilmaz",
    "T. Dekker",
    "E. Meijer",
    "H. de Boer",
    "P. Hendriks",
    "D. Kaya",
    "I. van Dijk",
]

FUNDING_LABELS = {
    "Fonds Sociale Vernieuwing": (
        "Subsidie Sociale Innovatie",
        FundingStream.Kind.INCIDENTAL,
        "overig",
    ),
    "Zorgverzekeraar Zuid": (
        "Preventieakkoord zorgverzekeraar",
        FundingStream.Kind.INCIDENTAL,
        "zorg",
    ),
    "Woonstede Voorbeeldstad": ("Bijdrage leefbaarheid", FundingStream.Kind.INCIDENTAL, "wonen"),
    MUNICIPALITY: ("Transformatiefonds Jeugd", FundingStream.Kind.INCIDENTAL, "jeugd"),
}


def _variant(seed: ProjectSeed, index: int, rng: random.Random) -> ProjectSeed:
    """A believable variation for project 16 and up (benchmarks)."""
    base = PROJECTS[index % len(PROJECTS)]
    hood = NEIGHBOURHOODS[index % len(NEIGHBOURHOODS)]
    return ProjectSeed(
        name=f"{base.name} {hood} {index // len(PROJECTS) + 1}",
        summary=base.summary,
        themes=base.themes,
        target_group=base.target_group,
        owner=base.owner,
        phase=rng.choice(list(Phase.values)),
        months_running=rng.randint(1, 48),
        months_left=rng.randint(-6, 36),
    )


@transaction.atomic
def generate(
    projects: int = 15, seed: int = 2026, today: date | None = None, reset: bool = False
) -> dict:
    """Create (or with ``reset``, recreate) the demo municipality. Returns a short summary."""
    rng = random.Random(seed)
    today = today or date.today()
    if reset:
        Project.objects.all().delete()
        User.objects.filter(username__in=[u[0] for u in USERS]).delete()
        Neighbourhood.objects.all().delete()
    orgs = {}
    for name, kind in ORGANISATIONS:
        orgs[name], _ = Organisation.objects.get_or_create(
            name=name, defaults={"kind": kind, "city": "Voorbeeldstad"}
        )
    hoods = {}
    for name in NEIGHBOURHOODS:
        hoods[name], _ = Neighbourhood.objects.get_or_create(
            organisation=orgs[MUNICIPALITY], name=name
        )
    for username, first, last, org, role in USERS:
        if not User.objects.filter(username=username).exists():
            user = User(
                username=username,
                first_name=first,
                last_name=last,
                organisation=orgs[org],
                role=role,
                email=f"{username}@voorbeeldstad.example",
            )
            user.set_password(DEMO_PASSWORD)
            # Through the one write path: requested and approved by the loader, both logged.
            roles.grant_directly(user, via="demo")

    partner_names = [n for n, _ in ORGANISATIONS if n not in (MUNICIPALITY, "Gemeente Buurdorp")]
    created = []
    for i in range(projects):
        spec = PROJECTS[i] if i < len(PROJECTS) else _variant(PROJECTS[i % len(PROJECTS)], i, rng)
        created.append(_make_project(spec, i, rng, today, orgs, hoods, partner_names))
    from proeftuin.monitoring import demo as monitoring_demo

    monitoring_demo.generate(today=today, seed=seed)
    from proeftuin.monitoring import selfreport_demo

    selfreport_demo.generate(seed=seed)
    from proeftuin.valuation.demo import add_demo_chains

    add_demo_chains(created)
    from proeftuin.assessments.demo import generate_demo_assessments

    generate_demo_assessments(created, seed=seed)
    from proeftuin.monitoring import case_demo

    case_demo.generate(seed=seed)
    from proeftuin.portfolio import participation_demo

    participation_demo.generate()
    from proeftuin.neighbourhoods import demo as neighbourhood_demo

    _adopt_demo_plans(created, today)
    add_demo_registry(
        MUNICIPALITY, today, NEIGHBOURHOODS
    )  # registry, CBS codes, nieuw voor oud (issue 11)
    # After the registry: the statistics use the CBS codes the portfolio's neighbourhoods have.
    neighbourhood_demo.generate(list(NEIGHBOURHOODS), seed=seed)
    learning_demo.generate(today=today)  # signals, lessons, shared catalogue (issue 12)
    return {"projects": len(created), "organisations": len(orgs), "users": len(USERS)}


#: Projects with a demo continuation plan: the first agreed (route, owner, strategies), the second
#: still a draft, so the portfolio shows money ending with and without an agreed plan.
PLANNED = {
    "Eén gezin, één plan": ("absorption", "Afdeling Jeugd, gemeente Voorbeeldstad"),
    "Wijkteam 2.0 Oost": None,
}


def _adopt_demo_plans(projects, today: date) -> None:
    """Adopt the advisor's advice into a plan for the :data:`PLANNED` projects."""
    from proeftuin.sustainability.models import PlanStatus
    from proeftuin.sustainability.services import adopt_advice, project_advice

    for project in projects:
        if project.name not in PLANNED:
            continue
        plan, _added = adopt_advice(project, project_advice(project, today).advice, "nl")
        agreed = PLANNED[project.name]
        if agreed:
            plan.route, plan.owner = agreed
            plan.status = PlanStatus.AGREED
            plan.full_clean()
            plan.save_checked(plan.version)


def _make_project(spec, i, rng, today, orgs, hoods, partner_names) -> Project:
    owner = orgs[spec.owner]
    start = add_months(today, -spec.months_running).replace(day=1)
    main_end = add_months(today, spec.months_left)
    status = Status.RUNNING if spec.months_left > 0 else Status.COMPLETED
    if spec.phase == Phase.IDEA:
        status = Status.DRAFT
    project = Project.objects.create(
        owner=owner,
        name=spec.name,
        summary=spec.summary,
        themes=list(spec.themes),
        target_group=spec.target_group,
        start_date=start,
        end_date=add_months(main_end, 6 if spec.months_left > 0 else 0),
        phase=spec.phase,
        status=status,
    )
    project.neighbourhoods.set(rng.sample(list(hoods.values()), k=rng.randint(1, 3)))

    # Coalition: the owner at delivery and management, the municipality at civil-service level,
    # political backing only sometimes: the missing level the matrix should show.
    members = [
        (owner, CoalitionMember.RoleChoice.EXECUTOR, CoalitionMember.Level.DELIVERY),
        (owner, CoalitionMember.RoleChoice.EXECUTOR, CoalitionMember.Level.MANAGEMENT),
    ]
    municipality = orgs[MUNICIPALITY]
    members.append(
        (municipality, CoalitionMember.RoleChoice.COMMISSIONER, CoalitionMember.Level.CIVIL_SERVICE)
    )
    if rng.random() < 0.6:
        members.append(
            (municipality, CoalitionMember.RoleChoice.COMMISSIONER, CoalitionMember.Level.POLITICAL)
        )
    for partner in rng.sample(partner_names, k=rng.randint(1, 3)):
        if orgs[partner] != owner:
            members.append(
                (
                    orgs[partner],
                    rng.choice(
                        [CoalitionMember.RoleChoice.PARTNER, CoalitionMember.RoleChoice.FUNDER]
                    ),
                    rng.choice([CoalitionMember.Level.DELIVERY, CoalitionMember.Level.MANAGEMENT]),
                )
            )
    for org, role, level in members:
        left = rng.random() < 0.1  # staff turnover: some backing has ended
        CoalitionMember.objects.create(
            project=project,
            organisation=org,
            role=role,
            level=level,
            contact_person=rng.choice(PEOPLE),
            contact_function={
                "bestuurlijk": "Wethouder",
                "ambtelijk": "Beleidsadviseur",
                "management": "Manager",
                "uitvoerend": "Projectleider",
            }[level],
            since=start,
            until=add_months(today, -2) if left else None,
        )

    # Funding: one main incidental stream, sometimes co-funding, sometimes a structural part.
    funders = [municipality, orgs["Fonds Sociale Vernieuwing"]]
    if "wonen" in spec.themes:
        funders.append(orgs["Woonstede Voorbeeldstad"])
    if "ggz" in spec.themes or "ouderen" in spec.themes:
        funders.append(orgs["Zorgverzekeraar Zuid"])
    for n, funder in enumerate(funders[: rng.randint(1, len(funders))]):
        label, kind, domain = FUNDING_LABELS.get(
            funder.name, ("Bijdrage", FundingStream.Kind.INCIDENTAL, "overig")
        )
        end = main_end if n == 0 else add_months(main_end, rng.choice([-3, 0, 6, 12]))
        months = max((end.year - start.year) * 12 + end.month - start.month, 1)
        yearly = Decimal(rng.randrange(40, 400) * 1000)
        FundingStream.objects.create(
            project=project,
            funder=funder,
            label=label,
            kind=kind,
            policy_domain=domain,
            amount=(yearly * months / 12).quantize(Decimal("1000")),
            start_date=start,
            end_date=max(end, start + timedelta(days=30)),
            conditions=rng.choice(
                [
                    "",
                    "Jaarlijkse voortgangsrapportage",
                    "Cofinanciering van 25% vereist",
                    "Evaluatie door een kennisinstelling",
                ]
            ),
        )
    if rng.random() < 0.3:
        FundingStream.objects.create(
            project=project,
            funder=municipality,
            label="Reguliere Wmo-begroting",
            kind=FundingStream.Kind.STRUCTURAL,
            policy_domain="wmo",
            amount=Decimal(rng.randrange(20, 120) * 1000),
            start_date=start,
            end_date=None,
        )

    for goal_type, text, indicator in rng.sample(GOALS, k=rng.randint(2, 4)):
        Goal.objects.create(project=project, goal_type=goal_type, text=text, indicator=indicator)

    if spec.months_running > 12:
        Decision.objects.create(
            project=project,
            kind=Decision.Kind.CONTINUE,
            decided_by="Stuurgroep sociaal domein",
            decided_on=add_months(start, 12),
            rationale="Tussenevaluatie positief; doorgaan tot het einde van de subsidieperiode, "
            "met opdracht om een verduurzamingsplan op te stellen.",
        )

    # Share with the coalition's organisations, and always with the municipality.
    share_with = {m[0] for m in members} | {municipality, orgs["Kenniscentrum Sociaal Domein"]}
    share_with |= {s.funder for s in project.funding_streams.all()}
    for org in share_with - {owner}:
        level = ProjectGrant.Level.EDIT if org == municipality else ProjectGrant.Level.VIEW
        ProjectGrant.objects.create(project=project, organisation=org, level=level)
    return project
