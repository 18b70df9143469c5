"""Fixtures for the instrument tests: a small valid instrument as data and as a YAML file."""

from __future__ import annotations

import copy
from pathlib import Path
from typing import Any

import pytest
import yaml

MINIMAL: dict[str, Any] = {
    "id": "mini_scale",
    "version": "1.0",
    "name": {"nl": "Mini", "en": "Mini"},
    "description": {"nl": "Een klein instrument.", "en": "A small instrument."},
    "item_label": {"nl": "leefgebied", "en": "life domain"},
    "sources": [{"code": "004", "file": "004_x.txt", "title": "Seed 004"}],
    "scale": {
        "levels": [
            {"value": v, "label": {"nl": f"niveau {v}", "en": f"level {v}"}} for v in (1, 2, 3)
        ]
    },
    "items": [
        {
            "id": "housing",
            "name": {"nl": "Wonen", "en": "Housing"},
            "cites": ["004 §2.3"],
            "levels": [
                {"value": v, "text": {"nl": f"wonen {v}", "en": f"housing {v}"}} for v in (1, 2, 3)
            ],
        },
        {"id": "finances", "name": {"nl": "Financiën", "en": "Finances"}, "cites": ["004 §2.3"]},
    ],
}


@pytest.fixture
def minimal() -> dict[str, Any]:
    """A fresh, valid instrument as plain data (mutate freely)."""
    return copy.deepcopy(MINIMAL)


@pytest.fixture
def write_yaml(tmp_path: Path):
    """Write data (or raw text) as a YAML file in a directory; returns the path."""

    def write(data: Any, name: str = "instrument.yaml", directory: Path | None = None) -> Path:
        directory = directory or tmp_path
        directory.mkdir(parents=True, exist_ok=True)
        path = directory / name
        if isinstance(data, str):
            path.write_text(data, encoding="utf-8")
        else:
            path.write_text(
                yaml.safe_dump(data, allow_unicode=True, sort_keys=False), encoding="utf-8"
            )
        return path

    return write
