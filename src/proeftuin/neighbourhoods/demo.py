"""Demo wijkcijfers for Gemeente Voorbeeldstad: three years for its neighbourhoods, fictitious
(labelled so in the docs), with two neighbourhoods in alarm in the latest year and a context
note for one of them. Written through :func:`.services.commit`, like an import."""

from __future__ import annotations

import random

from proeftuin.accounts.models import Organisation
from proeftuin.core.neighbourhoods.monitor import Figure
from proeftuin.core.neighbourhoods.reading import DryRun

from . import services
from .models import ContextNote

MUNICIPALITY = "Gemeente Voorbeeldstad"
YEARS = (2022, 2023, 2024)
#: Neighbourhoods that score worse on most indicators in the latest year.
STRUGGLING = ("Noordwijk", "De Haven")


def generate(neighbourhoods: list[str], seed: int = 2026) -> int:
    organisation = Organisation.objects.filter(name=MUNICIPALITY).first()
    if organisation is None or not neighbourhoods:
        return 0
    rng = random.Random(seed + 2)
    indicator_set = services.indicator_set()
    codes = _codes(organisation, neighbourhoods)
    figures = []
    for name in neighbourhoods:
        code = codes[name]
        for year in YEARS:
            worse = name in STRUGGLING and year == YEARS[-1]
            for indicator in indicator_set.indicators:
                base = 50 + rng.uniform(-8, 8)
                shift = rng.uniform(10, 20) if worse else rng.uniform(-6, 6)
                # Worse means lower where higher is better, and higher where lower is better.
                value = base - shift if indicator.higher_is_better else base + shift
                if rng.random() < 0.03:
                    value = None  # unknown, as CBS marks some cells
                figures.append(
                    Figure(
                        code, name, year, indicator.id, None if value is None else round(value, 1)
                    )
                )
    services.commit(organisation, DryRun(figures=figures))
    ContextNote.objects.update_or_create(
        organisation=organisation,
        code=codes.get(STRUGGLING[1], codes[neighbourhoods[0]]),
        year=YEARS[-1],
        defaults={
            "text": "Voorbeeld (demo): na de sluiting van de haven verloren veel bewoners hun werk; "
            "bewoners noemen het buurthuis het belangrijkste aanspreekpunt."
        },
    )
    return len(figures)


def _codes(organisation, names: list[str]) -> dict[str, str]:
    """The CBS code per neighbourhood: the one the portfolio's registry gives it, so the
    monitor's alarms find the pilots running there (black-box finding: two code schemes made
    Noordwijk look without a pilot); a made-up ``WK0999nn`` for a name the registry lacks."""
    from proeftuin.portfolio.models import Neighbourhood

    known = dict(
        Neighbourhood.objects.filter(organisation=organisation, name__in=names)
        .exclude(cbs_code="")
        .values_list("name", "cbs_code")
    )
    return {name: known.get(name, f"WK0999{i + 1:02d}") for i, name in enumerate(names)}
