"""Demo self-reports: a few participants of one demo project rated themselves, and for some the
professional recorded the agreed score. Everything goes through :mod:`.recording`."""

from __future__ import annotations

import random

from proeftuin.core.selfreport import SUPPORT

from . import recording
from .models import Measurement

PROJECT = "Eén gezin, één plan"
HOW_MANY = 6


def generate(seed: int = 2026) -> int:
    """Self-reports for the first baselines of :data:`PROJECT`; returns how many were stored."""
    rng = random.Random(seed + 13)
    measurements = (
        Measurement.objects.filter(trajectory__project__name=PROJECT, moment="baseline")
        .select_related("trajectory__project__owner", "trajectory__participant")
        .prefetch_related("scores")
        .order_by("pk")[:HOW_MANY]
    )
    stored = 0
    for index, measurement in enumerate(measurements):
        owner = measurement.trajectory.project.owner.name
        demo = recording.Actor(username="demo", organisation=owner)
        link, _token = recording.create_self_report_link(
            measurement, days=5, language="nl", by=demo
        )
        values: dict[str, int | None] = {}
        support: dict[str, list[str]] = {}
        for score in measurement.scores.all():
            if score.value is None or rng.random() < 0.1:
                values[score.item] = None  # weet ik niet
            else:
                # Participants often see themselves a little more positively (or less).
                values[score.item] = min(5, max(1, score.value + rng.choice((-1, 0, 0, 1, 1))))
            support[score.item] = sorted(rng.sample(SUPPORT, rng.randint(1, 2)))
        if recording.record_self_report(link, values, support):
            stored += 1
        if index % 2 == 0:
            agreed = {item: value for item, value in values.items() if value is not None}
            recording.record_agreed_ratings(measurement, agreed, {}, by=demo)
    return stored
