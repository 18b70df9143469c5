"""The lock file pins every direct dependency at the version pyproject.toml names."""

from __future__ import annotations

import re
import tomllib
from pathlib import Path

ROOT = Path(__file__).resolve().parents[2]


def _locked() -> dict[str, str]:
    text = (ROOT / "requirements.lock").read_text(encoding="utf-8")
    return {
        m.group(1).lower().replace("_", "-"): m.group(2)
        for m in re.finditer(r"^([A-Za-z0-9_.\-]+)(?:\[[^\]]*\])?==([^\s;\\]+)", text, re.M)
    }


def test_every_direct_pin_is_in_the_lock_at_the_same_version():
    project = tomllib.loads((ROOT / "pyproject.toml").read_text(encoding="utf-8"))["project"]
    pins = list(project["dependencies"])
    for extra in project["optional-dependencies"].values():
        pins.extend(extra)
    locked = _locked()
    stale = []
    for pin in pins:
        name, version = re.split(r"==", pin, maxsplit=1)
        name = re.sub(r"\[.*\]", "", name).strip().lower().replace("_", "-")
        if locked.get(name) != version.strip():
            stale.append(f"{name}=={version} (lock: {locked.get(name)})")
    assert not stale, f"run `make lock`: {stale}"
