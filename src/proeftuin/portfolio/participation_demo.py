"""Demo: how residents take part in a few demo pilots (forms, ladder rung, roles)."""

from __future__ import annotations

from .models import Project
from .participation_models import ProjectParticipation

#: Project name → (forms, level, roles, note). Fictitious, like all demo data.
DEMO = {
    "Eén gezin, één plan": (
        ["co_deciding"],
        "advising",
        ["client"],
        "Gezinnen denken mee over hun eigen plan; een klankbordgroep van ouders adviseert.",
    ),
    "Mantelzorg in de wijk": (
        ["delivery"],
        "co_producing",
        ["resident", "expert_by_experience"],
        "Vrijwilligers en oud-mantelzorgers geven zelf respijtzorg.",
    ),
    "Taalcafé De Haven": (
        ["citizen_initiative", "delivery"],
        "deciding",
        ["resident"],
        "Bewoners zijn met het taalcafé begonnen en beslissen zelf over het programma.",
    ),
}


def generate() -> int:
    done = 0
    for name, (forms, level, roles, note) in DEMO.items():
        project = Project.objects.filter(name=name).first()
        if project is None:
            continue
        ProjectParticipation.objects.update_or_create(
            project=project, defaults={"forms": forms, "level": level, "roles": roles, "note": note}
        )
        done += 1
    return done
