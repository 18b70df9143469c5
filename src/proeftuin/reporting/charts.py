"""Render Vega-Lite specs to SVG for PDFs, offline, with vl-convert.

Rendering one chart takes a few hundred milliseconds, and a report draws the same charts again
and again while the figures do not change. The SVG is therefore cached under a hash of the
localised spec and the vl-convert version: the key *is* the content, so a changed figure, label
or language is a new key and nothing needs to be invalidated.
"""

from __future__ import annotations

import copy
import hashlib
import json
from importlib.metadata import version
from typing import Any

import vl_convert as vlc
from django.core.cache import cache
from django.utils.translation import get_language

from proeftuin.core.charts import localised

#: A day is enough: reports of the same figures are usually made on the same day.
TIMEOUT = 24 * 60 * 60
#: A new vl-convert may draw differently: its version is part of the key.
_VERSION = version("vl-convert-python")


def cache_key(spec: dict[str, Any]) -> str:
    """The cache key of a localised, fixed-width spec (SHA-256 of its canonical JSON)."""
    text = json.dumps(spec, sort_keys=True, separators=(",", ":"), default=str)
    digest = hashlib.sha256(f"{_VERSION}\n{text}".encode()).hexdigest()
    return f"proeftuin:chart-svg:{digest}"


def to_svg(spec: dict[str, Any], width: int = 640) -> str:
    """SVG text for ``spec``. A "container" width means nothing on paper, so a fixed one is set."""
    fixed = copy.deepcopy(localised(spec, get_language() or "nl"))
    if fixed.get("width") == "container":
        fixed["width"] = width
    key = cache_key(fixed)
    svg = cache.get(key)
    if svg is None:
        svg = vlc.vegalite_to_svg(vl_spec=fixed)
        cache.set(key, svg, TIMEOUT)
    return svg


def warm_up() -> None:
    """Start vl-convert's JavaScript engine: its first chart in a process costs about 0.8 CPU
    seconds more than the next (measured in ``bench/bench_report.py``); nothing is cached."""
    vlc.vegalite_to_svg(
        vl_spec={"data": {"values": [{"a": 1}]}, "mark": "point", "encoding": {"x": {"field": "a"}}}
    )
