"""Demo assessments for Gemeente Voorbeeldstad: 4+1 scans with evidence, so the matrix has rows.

Not wired into ``generate_demo`` by this app; the demo generator can call
:func:`generate_demo_assessments` after it has made the projects and users. The same seed gives
the same scans.
"""

from __future__ import annotations

import random
from datetime import timedelta

from django.db import transaction
from django.utils import timezone

from proeftuin.accounts.models import User
from proeftuin.core.frameworks import UNKNOWN

from . import services
from .models import Assessment, Rating

EVIDENCE = [
    "Besproken in de werkplaats met uitvoerders en management.",
    "Zie het jaarverslag en de casusbesprekingen.",
    "Blijkt uit de verhalen van deelnemers.",
    "Volgens de stuurgroep; nog niet met cijfers onderbouwd.",
    "Uit de tussenevaluatie van het kenniscentrum.",
]


def generate_demo_assessments(
    projects,
    *,
    seed: int = 2026,
    leader: str = "projectleider",
    adviser: str = "beleid",
    evaluator: str = "onderzoeker",
    framework_id: str = "four_plus_one",
) -> int:
    """A finalised self-scan for about two in three projects, some with an open follow-up and an
    external scan by the evaluator. Returns the number of assessments made."""
    framework = services.get_framework(framework_id)
    if framework is None:
        return 0
    rng = random.Random(seed)
    users = {u.username: u for u in User.objects.filter(username__in=[leader, adviser, evaluator])}
    made = 0
    now = timezone.now()
    with transaction.atomic():
        for project in projects:
            if rng.random() > 0.67:
                continue
            # The project's own people: the project leader when their organisation owns it,
            # otherwise the municipality's adviser (who holds an edit grant on every pilot).
            own = users.get(leader)
            if own is None or own.organisation_id != project.owner_id:
                own = users.get(adviser)
            if own is None:
                continue
            strength = {
                d.id: rng.randint(0, len(framework.scale.levels) - 1) for d in framework.dimensions
            }
            scan = _scan(project, framework, own, "zelfscan", "Zelfscan", strength, rng)
            scan.status = Assessment.Status.FINALISED
            scan.finalised_at = now - timedelta(days=rng.randint(30, 200))
            scan.finalised_by = own
            scan.save()
            made += 1
            if rng.random() < 0.3:
                better = {
                    k: min(v + 1, len(framework.scale.levels) - 1) for k, v in strength.items()
                }
                follow = _scan(project, framework, own, "zelfscan", "Vervolgscan", better, rng)
                follow.previous = scan
                follow.save()
                made += 1
            if evaluator in users and rng.random() < 0.4:
                _scan(project, framework, users[evaluator], "extern", "Externe scan", strength, rng)
                made += 1
    return made


def _scan(project, framework, user, kind, title, strength, rng) -> Assessment:
    scan = Assessment.objects.create(
        project=project,
        framework_id=framework.id,
        framework_version=framework.version,
        kind=kind,
        title=f"{title} {project.name}"[:200],
        organisation=user.organisation,
        created_by=user,
        previous=services.previous_for(project, framework.id),
    )
    top = len(framework.scale.levels) - 1
    ratings = []
    for dimension, indicator in framework.indicators():
        roll = rng.random()
        if roll < 0.08:
            continue  # not rated yet
        if roll < 0.2:
            value = UNKNOWN
        else:
            rank = max(0, min(top, strength[dimension.id] + rng.choice((-1, 0, 0, 1))))
            value = framework.scale.levels[rank].code
        ratings.append(
            Rating(
                assessment=scan,
                indicator_id=indicator.id,
                rater=user,
                value=value,
                evidence=rng.choice(EVIDENCE) if value != UNKNOWN else "",
            )
        )
    Rating.objects.bulk_create(ratings)
    return scan
