"""Tel en vertel demo data for Gemeente Voorbeeldstad: participants, trajectories, measurements,
heavy measures, interventions and stories for several demo projects.

Sizes differ on purpose: some projects and domains have well over the small-cell threshold, others
stay below it, so the demo shows both figures and suppression. Everything is fictional and the
same seed gives the same data. Called at the end of :func:`proeftuin.demo.generator.generate`.
Everything is written through the one write path (:func:`.recording.record_generated`), so the
demo's rows have the history rows and pairs a screen entry gives them.
"""

from __future__ import annotations

import random
from datetime import date, timedelta

from django.db import transaction

from proeftuin.core.instruments import LIFE_DOMAINS
from proeftuin.portfolio.models import Project

from . import recording, releases, services
from .models import (
    EndReason,
    FigureRelease,
    HeavyMeasure,
    Intervention,
    Moment,
    Participant,
    Trajectory,
)

# Project name → (participants, share with a follow-up, domains measured (None: all), effect).
PLAN: dict[str, tuple[int, float, tuple[str, ...] | None, float]] = {
    "Eén gezin, één plan": (42, 0.85, None, 0.9),
    "Wijkteam 2.0 Oost": (30, 0.8, None, 0.5),
    "Schuldhulp Vroeg Eropaf": (
        22,
        0.8,
        ("finances", "housing", "mental_health", "daily_living", "social_network", "work_daytime"),
        0.8,
    ),
    "Mantelzorg in de wijk": (
        22,
        0.8,
        ("physical_health", "mental_health", "social_network", "daily_living", "participation"),
        0.4,
    ),
    "Jongeren Op Eigen Benen": (
        12,
        0.75,
        ("housing", "finances", "work_daytime", "mental_health", "social_network", "justice"),
        0.6,
    ),
    "Samen Sterk Ouderen": (6, 0.8, ("physical_health", "social_network", "participation"), 0.3),
}

NEIGHBOURHOODS = ["Oost", "Centrum", "Vogelbuurt", "De Haven", "Zuiderpark", "Westeinde"]

STORIES = [
    (
        "Eerst kwamen er elke week andere mensen over de vloer. Nu is er één vaste persoon en "
        "weten we waar we aan toe zijn.",
        "family_relations",
    ),
    (
        "De brieven van de deurwaarder lagen ongeopend in een la. Samen hebben we ze gesorteerd; "
        "sindsdien open ik zelf de post.",
        "finances",
    ),
    (
        "Ik durfde niet meer naar buiten. Via de buurtkamer ken ik nu mensen in mijn straat.",
        "social_network",
    ),
    (
        "De huurachterstand is in een regeling. We hoeven niet meer bang te zijn dat we eruit "
        "moeten.",
        "housing",
    ),
    ("Mijn zoon gaat weer naar school. Dat had ik een jaar geleden niet gedacht.", "parenting"),
    (
        "Het gaat met ups en downs. Maar ik weet nu bij wie ik terecht kan als het misgaat.",
        "mental_health",
    ),
    (
        "Ik doe vrijwilligerswerk in de moestuin, twee ochtenden per week. Het geeft structuur.",
        "work_daytime",
    ),
    ("Het plan is van ons, niet van de instanties. Dat maakt het verschil.", ""),
    (
        "Mijn moeder woont nog thuis en ik houd het vol, omdat ik een dag in de week vrij heb.",
        "daily_living",
    ),
    ("We zijn verhuisd naar een kleinere woning; de vaste lasten zijn nu te dragen.", "housing"),
]
PRIVATE_STORIES = [
    "Vandaag een moeilijk gesprek gehad over de thuissituatie; afgesproken om volgende week "
    "verder te praten.",
    "Nog geen toestemming gevraagd om dit verhaal te delen.",
]


def _score(rng: random.Random, start: int, effect: float) -> int:
    change = rng.choices([-1, 0, 1, 2], weights=[1.0, 2.5, 2.0 * effect + 0.5, effect])[0]
    return max(1, min(5, start + change))


def _measure(one, rng, start, today, instrument_id, items, effect, follow_share, totals) -> None:
    """A baseline, perhaps a follow-up, the heavy measures, an intervention and stories."""
    has_follow_up = rng.random() < follow_share
    baseline = {
        "measured_on": start + timedelta(days=rng.randint(0, 14)),
        "moment": Moment.BASELINE,
        "instrument": instrument_id,
        "professionals": rng.randint(3, 26),
        "organisations": rng.randint(2, 9),
        "supervision_order": rng.random() < 0.15,
        "out_of_home_placement": rng.random() < 0.1,
        "eviction": rng.random() < 0.15,
    }
    totals["measurements"] += 1
    starts: dict[str, int | None] = {}
    for item in items:
        starts[item] = None if rng.random() < 0.06 else rng.randint(1, 4)
    one.measurements.append((baseline, dict(starts)))
    if baseline["eviction"]:
        one.heavy_measures.append(
            {
                "kind": HeavyMeasure.Kind.EVICTION,
                "occurred_on": baseline["measured_on"] - timedelta(days=rng.randint(10, 90)),
            }
        )
    one.interventions.append(
        {
            "started_on": baseline["measured_on"] + timedelta(days=7),
            "kind": rng.choice(Intervention.Kind.values),
            "description": "",
        }
    )
    if has_follow_up:
        ended = rng.random() < 0.7
        end_day = min(start + timedelta(days=rng.randint(120, 400)), today - timedelta(1))
        follow = {
            "measured_on": end_day,
            "moment": Moment.END if ended else Moment.INTERIM,
            "instrument": instrument_id,
            "professionals": max(1, baseline["professionals"] - rng.randint(0, 12)),
            "organisations": max(1, baseline["organisations"] - rng.randint(0, 4)),
            "supervision_order": bool(baseline["supervision_order"] and rng.random() < 0.5),
            "out_of_home_placement": bool(baseline["out_of_home_placement"] and rng.random() < 0.6),
            "eviction": bool(baseline["eviction"] and rng.random() < 0.2),
        }
        totals["measurements"] += 1
        scores: dict[str, int | None] = {}
        for item in items:
            start_value = starts[item]
            if start_value is None or rng.random() < 0.04:
                scores[item] = None
            else:
                scores[item] = _score(rng, start_value, effect)
        one.measurements.append((follow, scores))
        if ended:
            one.trajectory["ended_on"] = end_day
            one.trajectory["end_reason"] = rng.choices(
                EndReason.values, weights=[6, 2, 1.5, 0.7, 0.5]
            )[0]
            one.trajectory["continues_without_help"] = rng.random() < 0.65
            one.trajectory["referred"] = rng.random() < 0.25
        if rng.random() < 0.45:
            text, domain = STORIES[rng.randrange(len(STORIES))]
            story = {
                "told_on": end_day,
                "text": text,
                "consent": True,
                "domain": domain if domain in items or not domain else "",
            }
            one.stories.append((1, story))
            totals["stories"] += 1
    if rng.random() < 0.12:
        story = {
            "told_on": baseline["measured_on"],
            "text": rng.choice(PRIVATE_STORIES),
            "consent": False,
        }
        one.stories.append((0, story))
        totals["stories"] += 1


@transaction.atomic
def generate(today: date | None = None, seed: int = 2026) -> dict[str, int]:
    """Add the monitoring demo to the demo projects that exist; returns counts."""
    today = today or date.today()
    rng = random.Random(seed * 31 + 4)
    instrument = services.instrument(LIFE_DOMAINS)
    totals = {"participants": 0, "trajectories": 0, "measurements": 0, "stories": 0}
    # After a reset the projects (and with them the trajectories) are gone: drop the orphans.
    Participant.objects.filter(trajectories__isnull=True).delete()
    counter = 0
    for name, (size, follow_share, domains, effect) in PLAN.items():
        project = Project.objects.filter(name=name).select_related("owner").first()
        if project is None:
            continue
        items = list(domains or instrument.item_ids)
        hoods = NEIGHBOURHOODS[: 2 + (size > 20) + (size > 35)]
        existing = set(
            Trajectory.objects.filter(project=project).values_list(
                "participant__pseudonym", "started_on"
            )
        )
        generated: list[recording.Generated] = []
        for i in range(size):
            counter += 1
            key = services.pseudonym_for(project.owner_id, f"VB-{counter:05d}")
            attributes = {
                "neighbourhood": hoods[i % len(hoods)],
                "birth_year": today.year - rng.randint(19, 78),
                "household_key": services.household_key_for(
                    project.owner_id, f"HH-{counter // 2:05d}"
                )
                if i % 5 == 0
                else "",
            }
            start = today - timedelta(days=rng.randint(150, 600))
            registered = start - timedelta(days=rng.randint(3, 40))
            if (key, start) in existing:
                continue
            one = recording.Generated(
                pseudonym=key,
                participant=attributes,
                trajectory={"started_on": start, "registered_on": registered},
            )
            generated.append(one)
            totals["participants"] += 1
            totals["trajectories"] += 1
            _measure(one, rng, start, today, instrument.id, items, effect, follow_share, totals)
        recording.record_generated(
            project,
            generated,
            by=recording.Actor(username="demo", organisation=project.owner.name),
        )
        # A first milestone release, so roles without participant-level access (the funder, the
        # policy adviser, the PDF) see figures "stand per" today, as they would after a release.
        releases.create_release(project, reason=FigureRelease.Reason.MILESTONE, released_on=today)
        totals.setdefault("releases", 0)
        totals["releases"] += 1
    return totals
