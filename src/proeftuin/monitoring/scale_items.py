"""An instrument's questions as the scoring forms show them (the professional's entry screen and
the participant's self-report), in one place."""

from __future__ import annotations

from proeftuin.core.instruments import Instrument


def scale_items(instrument: Instrument, language: str) -> list[dict]:
    """Per item: its id, name, question and the options of the scale with their texts."""
    items = []
    for item in instrument.items:
        options = []
        for level in instrument.scale.levels:
            text = item.levels.get(level.value) if item.levels else None
            options.append(
                {
                    "value": str(level.value),
                    "label": level.label.get(language),
                    "text": text.get(language) if text else "",
                }
            )
        items.append(
            {
                "id": item.id,
                "name": item.name.get(language),
                "question": item.question.get(language) if item.question else "",
                "options": options,
            }
        )
    return items
