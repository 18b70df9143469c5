"""Render Vega-Lite specs to SVG for PDFs, offline, with vl-convert."""

from __future__ import annotations

import copy
from typing import Any

import vl_convert as vlc
from django.utils.translation import get_language

from proeftuin.core.charts import localised


def to_svg(spec: dict[str, Any], width: int = 640) -> str:
    """SVG text for ``spec``. A "container" width means nothing on paper, so a fixed one is set."""
    fixed = copy.deepcopy(localised(spec, get_language() or "nl"))
    if fixed.get("width") == "container":
        fixed["width"] = width
    return vlc.vegalite_to_svg(vl_spec=fixed)
