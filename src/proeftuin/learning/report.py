"""The report section *Leren*: the project's lessons, its end evaluation and its signals."""

from __future__ import annotations

from datetime import date

from proeftuin.core.learning import lifecycle

from .forms import CHARACTERISTIC_LABELS
from .models import CloseOut, Signal, SignalStatus
from .views import close_out_rows


def build_section(project, today: date) -> dict | None:
    lessons = list(project.lessons.all())
    close_out = CloseOut.objects.filter(project=project).first()
    # Only the owner organisation's signals: the report goes to whoever may read the project,
    # and another organisation's signals are that organisation's business.
    signals = list(Signal.objects.filter(project=project, organisation_id=project.owner_id))
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
