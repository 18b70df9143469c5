"""Render Vega-Lite specs to SVG for PDFs, offline, with vl-convert."""

from __future__ import annotations

import copy
from typing import Any

import vl_convert as vlc


def to_svg(spec: dict[str, Any], width: int = 640) -> str:
    """SVG text for ``spec``. A "container" width means nothing on paper, so a fixed one is set."""
    fixed = copy.deepcopy(spec)
    if fixed.get("width") == "container":
        fixed["width"] = width
    return vlc.vegalite_to_svg(vl_spec=fixed)
