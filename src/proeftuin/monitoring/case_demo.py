"""Demo case timelines: in one demo project, a dozen trajectories get the help they received and
the reference "zonder aanpak" from the shipped template, with demo project prices (labelled as
fictitious). Everything goes through :mod:`.case_recording`. No MKBA effect is added: the demo
chain of another project already counts avoided placements, and counting them twice would be
wrong; docs/tour.md shows how to add one (an effect whose size is an amount in euros, fed by
the case timelines: no price needed)."""

from __future__ import annotations

import random
from datetime import timedelta
from decimal import Decimal

from proeftuin.core.cases.references import get_references

from . import case_recording
from .case_models import CaseEvent
from .models import Trajectory
from .recording import Actor

PROJECT = "Mantelzorg in de wijk"
HOW_MANY = 12
DEMO_SOURCE = "voorbeeldwaarde (fictief, demo): geen echte bron; vervang door een eigen bedrag"
#: Demo unit prices for the template's keys (fictitious, labelled so on every screen).
PRICES = {
    "hulpverlener_gezin_jaar": 4_500,
    "specialistische_jeugdhulp_maand": 3_000,
    "ondertoezichtstelling_jaar": 8_000,
    "huisuitzetting": 6_000,
    "uithuisplaatsing_jaar": 50_000,
}


def generate(seed: int = 2026) -> int:
    """Timelines for the first trajectories of :data:`PROJECT`; returns how many."""
    from proeftuin.valuation.models import PriceOverride

    trajectories = list(
        Trajectory.objects.filter(project__name=PROJECT)
        .select_related("project__owner", "participant")
        .order_by("pk")[:HOW_MANY]
    )
    if not trajectories:
        return 0
    project = trajectories[0].project
    for key, value in PRICES.items():
        PriceOverride.objects.get_or_create(
            project=project,
            key=key,
            defaults={
                "value_likely": value,
                "source": DEMO_SOURCE,
            },
        )
    rng = random.Random(seed + 1)
    reference = get_references()["crisis_path"]
    demo = Actor(username="demo", organisation=project.owner.name)
    for trajectory in trajectories:
        start = trajectory.started_on
        coach_months = rng.randint(4, 12)
        case_recording.add_case_event(
            CaseEvent(
                lane=CaseEvent.Lane.ACTUAL,
                service="Vast aanspreekpunt in de wijk",
                provider="Welzijn Voorbeeldstad",
                started_on=start,
                ended_on=start + timedelta(days=30 * coach_months),
                units=Decimal(coach_months) / Decimal(12),
                unit="gezinsjaar",
                price_key="hulpverlener_gezin_jaar",
            ),
            trajectory,
            by=demo,
        )
        if rng.random() < 0.4:
            months = rng.randint(1, 6)
            case_recording.add_case_event(
                CaseEvent(
                    lane=CaseEvent.Lane.ACTUAL,
                    service="Specialistische hulp",
                    started_on=start + timedelta(days=60),
                    ended_on=start + timedelta(days=60 + 30 * months),
                    units=Decimal(months),
                    unit="maand",
                    price_key="specialistische_jeugdhulp_maand",
                ),
                trajectory,
                by=demo,
            )
        case_recording.apply_reference(trajectory, reference, by=demo)
    return len(trajectories)
