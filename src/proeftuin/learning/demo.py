"""Demo content for learning across pilots: signals at every stage and lessons with evidence.

Called with one line from ``demo/generator.py``. Signals go from the welfare organisation's
professional and project leader to the municipality, whose policy adviser moves them; Buurdorp
holds its own. Lessons and an end evaluation sit on a few of the municipality's projects.
"""

from __future__ import annotations

from datetime import date, timedelta

from proeftuin.accounts.models import User
from proeftuin.portfolio.models import Neighbourhood, Project

from . import services
from .models import CloseOut, Lesson, Signal

MUNICIPALITY = "Gemeente Voorbeeldstad"

# (title, kind, level, theme, what, blocker, people, raiser, addressed to, path, days ago)
SIGNALS = [
    (
        "Kostendelersnorm remt inwonen bij familie",
        "regel_blokkeert",
        "stelsel",
        "schulden",
        "Jongvolwassenen die tijdelijk bij familie intrekken, krijgen minder bijstand. Families "
        "zeggen daarom nee, en de jongere blijft dakloos.",
        "De kostendelersnorm in de Participatiewet.",
        9,
        "professional",
        ["in_behandeling", "opgepakt"],
        70,
    ),
    (
        "Drie formulieren voor één huishouden",
        "bureaucratie",
        "casus",
        "jeugd_gezin",
        "Een gezin vult voor jeugdhulp, Wmo en schuldhulp elk een eigen aanvraag in, met "
        "dezelfde vragen.",
        "Elke regeling heeft een eigen intake en een eigen systeem.",
        1,
        "professional",
        ["in_behandeling"],
        25,
    ),
    (
        "Overdracht bij 18 jaar loopt mis",
        "aansluiting",
        "stelsel",
        "jeugd_gezin",
        "Bij de overgang van jeugdhulp naar Wmo valt de begeleiding weg tot er een nieuwe "
        "indicatie is.",
        "Jeugdwet en Wmo kennen elk hun eigen toegang en termijnen.",
        14,
        "projectleider",
        ["in_behandeling", "opgepakt", "opgelost"],
        160,
    ),
    (
        "Geen budget voor preventie die zorg bespaart",
        "financiering",
        "stelsel",
        "ggz",
        "Het inloophuis voorkomt opnames, maar de besparing valt bij de zorgverzekeraar en niet "
        "bij de gemeente.",
        "Kosten en baten zitten in verschillende budgetten.",
        40,
        "projectleider",
        ["afgewezen"],
        120,
    ),
    (
        "Registratiesysteem kent geen gezinsplan",
        "systeem",
        "stelsel",
        "jeugd_gezin",
        "Het systeem vraagt per kind een plan, terwijl we met één plan per gezin werken.",
        "Het registratiesysteem van de toegang.",
        None,
        "professional",
        [],
        5,
    ),
    (
        "Wachtlijst schuldhulp na zomer",
        "capaciteit",
        "stelsel",
        "schulden",
        "Na de zomer wachten inwoners zes weken op een eerste gesprek.",
        "Te weinig schuldhulpverleners voor de nieuwe taken.",
        30,
        "professional",
        [],
        60,
    ),
]

REASONS = {
    "in_behandeling": "We leggen het voor aan het team Werk en Inkomen en horen binnen een "
    "maand terug.",
    "opgepakt": "Het staat op de agenda van het kwartaaloverleg met de wijkteams.",
    "opgelost": "Vanaf 1 januari loopt de begeleiding door tot de nieuwe indicatie er is.",
    "afgewezen": "De gemeente kan dit niet alleen oplossen; we brengen het in bij de regio.",
}

LESSONS = [
    (
        "werkte",
        "Eén vast aanspreekpunt per gezin",
        "Gezinnen hoefden hun verhaal maar één keer te vertellen; het wijkteam hield het "
        "overzicht.",
        "effective_approach",
        "succesfactor",
        "cijfer",
        "Na een jaar had 8 van de 10 gezinnen één plan in plaats van drie.",
    ),
    (
        "werkte_niet",
        "Te laat nagedacht over voortzetting",
        "Het wijkteam werkte goed, maar pas in het laatste half jaar is gezocht naar structureel "
        "geld.",
        "sustainability",
        "belemmering",
        "scan",
        "",
    ),
    (
        "voorwaarde",
        "Rugdekking van de wethouder",
        "Toen de wethouder zich uitsprak, durfden de afdelingen af te wijken van hun eigen regels.",
        "strategic_coalition",
        "succesfactor",
        "verhaal",
        "Een teamleider vertelde dat ze pas na het bezoek van de wethouder maatwerk durfde.",
    ),
]


def generate(today: date | None = None) -> dict:
    """Add the demo's signals, lessons and one end evaluation (idempotent by title)."""
    today = today or date.today()
    users = {u.username: u for u in User.objects.filter(username__in=USERNAMES)}
    if "beleid" not in users:
        return {"signals": 0, "lessons": 0}
    municipality = users["beleid"].organisation
    hood = Neighbourhood.objects.filter(organisation=municipality).first()
    projects = list(Project.objects.filter(owner=municipality).order_by("pk")[:3])
    made = 0
    for title, kind, level, theme, what, blocker, people, raiser, path, days in SIGNALS:
        if Signal.objects.filter(title=title).exists() or raiser not in users:
            continue
        signal = Signal(
            title=title,
            kind=kind,
            level=level,
            theme=theme,
            what=what,
            blocker=blocker,
            people_affected=people,
            addressed_to=municipality,
            neighbourhood=hood,
            project=projects[made % len(projects)] if projects and made % 2 == 0 else None,
        )
        services.raise_signal(signal, users[raiser], today=today - timedelta(days=days))
        for target in path:
            services.move_signal(signal, users["beleid"], target, REASONS[target], users["beleid"])
        made += 1
    if "buurdorp" in users:
        title = "Vervoer naar dagbesteding stopt bij de gemeentegrens"
        if not Signal.objects.filter(title=title).exists():
            services.raise_signal(
                Signal(
                    title=title,
                    kind="regel_blokkeert",
                    level="stelsel",
                    theme="ouderen",
                    what="Ouderen uit Buurdorp kunnen niet naar de dagbesteding in de stad.",
                    blocker="De vervoersregeling geldt alleen binnen de gemeente.",
                    people_affected=6,
                ),
                users["buurdorp"],
                today=today - timedelta(days=50),
            )
    lessons = 0
    for project in projects:
        if project.lessons.exists():
            continue
        scan = project.assessments.first()
        for kind, title, text, characteristic, factor, evidence, evidence_text in LESSONS:
            lesson = Lesson(
                kind=kind,
                title=title,
                text=text,
                theme=(project.themes or [""])[0],
                phase=project.phase,
                characteristic=characteristic,
                factor=factor,
                evidence_kind=evidence if (evidence != "scan" or scan) else "geen",
                evidence_assessment=scan if evidence == "scan" else None,
                evidence_text=evidence_text,
            )
            services.save_lesson(lesson, project, users.get("projectleider"))
            lessons += 1
    if projects and not CloseOut.objects.filter(project=projects[-1]).exists():
        services.save_close_out(
            projects[-1],
            users["beleid"],
            "afgerond",
            "voortgezet",
            {
                "effective_approach": "Ja: gezinnen kregen sneller één plan.",
                "measuring": "Nulmeting en eindmeting op de leefgebieden; vooral financiën ging "
                "vooruit.",
                "strategic_coalition": "Wethouder, wijkteam en woningcorporatie bleven betrokken.",
                "entrepreneurship": "De projectleider zocht zelf een tweede financier.",
                "sustainability": "Voortgezet in de reguliere Wmo-begroting.",
            },
        )
    published = _shared_catalogue(users, today)
    return {"signals": made, "lessons": lessons, "published": published}


# Buurdorp's projects: one published to the shared catalogue and one kept to itself, both like
# Voorbeeldstad's "Schuldhulp Vroeg Eropaf", so the similar-projects list has a case of each.
BUURDORP_PROJECTS = [
    (
        "Vroeg Eropaf Buurdorp",
        "Bij een betalingsachterstand bij huur of energie gaat een schuldhulpmaatje binnen twee "
        "weken op huisbezoek, samen met de woningcorporatie.",
        True,
        "opgeschaald",
        "Huisbezoek binnen twee weken werkt",
        "Wie snel langskomt, treft mensen voordat de schuld groeit; brieven werden niet gelezen.",
    ),
    (
        "Schuldenpreventie Buurdorp (intern)",
        "Schuldhulpmaatjes gaan op huisbezoek bij huishoudens met een betalingsachterstand bij "
        "huur, energie of zorgverzekering.",
        False,
        "gestopt",
        "Zonder gegevens van de verhuurder geen vroege signalen",
        "De afspraak met de verhuurder kwam te laat; het project is gestopt.",
    ),
]


def _shared_catalogue(users: dict, today: date) -> int:
    """Buurdorp's two projects, and a few of each municipality's projects published."""
    from proeftuin.portfolio.models import Phase

    from . import catalogue

    published = 0
    if "buurdorp" in users:
        buurdorp = users["buurdorp"]
        for name, summary, publish, outcome, lesson_title, lesson_text in BUURDORP_PROJECTS:
            project, created = Project.objects.get_or_create(
                owner=buurdorp.organisation,
                name=name,
                defaults={
                    "summary": summary,
                    "themes": ["schulden", "wonen"],
                    "target_group": "Huishoudens met beginnende schulden",
                    "start_date": today - timedelta(days=900),
                    "end_date": today - timedelta(days=60),
                    "phase": Phase.DIFFUSION if publish else Phase.IMPLEMENTATION,
                },
            )
            if created:
                services.save_lesson(
                    Lesson(
                        kind="werkte" if publish else "werkte_niet",
                        title=lesson_title,
                        text=lesson_text,
                        theme="schulden",
                    ),
                    project,
                    buurdorp,
                )
                services.save_close_out(project, buurdorp, "afgerond", outcome, {})
            if publish:
                catalogue.publish(project, buurdorp)
                published += 1
    if "beleid" in users:
        own = Project.objects.filter(owner=users["beleid"].organisation).order_by("pk")[:3]
        for project in own:
            catalogue.publish(project, users["beleid"])
            published += 1
    return published


USERNAMES = ("beleid", "professional", "projectleider", "buurdorp")
