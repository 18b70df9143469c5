"""The report section *Leren*: the project's lessons, its end evaluation and its signals."""

from __future__ import annotations

from datetime import date

from django.db.models import Q

from proeftuin.core.learning import lifecycle

from .forms import CHARACTERISTIC_LABELS
from .models import CloseOut, Signal, SignalStatus
from .views import close_out_rows


def build_section(project, today: date) -> dict | None:
    lessons = list(project.lessons.all())
    close_out = CloseOut.objects.filter(project=project).first()
    # Only signals the owner organisation raised or received: the report goes to whoever may
    # read the project, and signals between other organisations are their business.
    owner = project.owner_id
    signals = list(
        Signal.objects.filter(project=project).filter(
            Q(organisation_id=owner) | Q(addressed_to_id=owner)
        )
    )
    if not (lessons or close_out or signals):
        return None
    labels = dict(SignalStatus.choices)
    return {
        "lessons": lessons,
        "characteristics": CHARACTERISTIC_LABELS,
        "close_out": close_out,
        "close_out_rows": close_out_rows(close_out),
        "signals": [
            {
                "signal": s,
                "status": labels.get(s.status, s.status),
                "overdue": lifecycle.is_overdue(s.status, s.deadline, today),
            }
            for s in signals
        ],
    }
