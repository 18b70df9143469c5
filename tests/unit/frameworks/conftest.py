"""Fixtures for the framework tests: a small valid framework as data and as a YAML file."""

from __future__ import annotations

import copy
from pathlib import Path
from typing import Any

import pytest
import yaml

MINIMAL: dict[str, Any] = {
    "id": "mini",
    "version": "1.0",
    "name": {"nl": "Mini", "en": "Mini"},
    "description": {"nl": "Een klein raamwerk.", "en": "A small framework."},
    "sources": [{"code": "004", "file": "004_x.txt", "title": "Seed 004"}],
    "scale": {
        "levels": [
            {"code": "nee", "label": {"nl": "nee", "en": "no"}},
            {"code": "deels", "label": {"nl": "deels", "en": "partly"}},
            {"code": "ja", "label": {"nl": "ja", "en": "yes"}},
        ]
    },
    "dimensions": [
        {
            "id": "dim_a",
            "name": {"nl": "Dimensie A", "en": "Dimension A"},
            "source": "004 §3.1",
            "indicators": [
                {
                    "id": f"ind_{n}",
                    "text": {"nl": f"Indicator {n}", "en": f"Indicator {n}"},
                    "guiding_questions": {"nl": ["Vraag?"], "en": ["Question?"]},
                    "source": "004 §3.1",
                }
                for n in range(3)
            ],
            "summary": {"rules": [{"rule": "at_least", "count": 2, "level": "ja"}]},
        }
    ],
}


@pytest.fixture
def minimal() -> dict[str, Any]:
    """A fresh, valid framework as plain data (mutate freely)."""
    return copy.deepcopy(MINIMAL)


@pytest.fixture
def write_yaml(tmp_path: Path):
    """Write data (or raw text) as a YAML file in a fresh directory; returns the path."""

    def write(data: Any, name: str = "framework.yaml", directory: Path | None = None) -> Path:
        directory = directory or tmp_path
        directory.mkdir(parents=True, exist_ok=True)
        path = directory / name
        if isinstance(data, str | bytes):
            path.write_bytes(data.encode() if isinstance(data, str) else data)
        else:
            path.write_text(yaml.safe_dump(data, allow_unicode=True, sort_keys=False))
        return path

    return write
