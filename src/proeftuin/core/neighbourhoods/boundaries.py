"""Wijk and buurt boundaries an installation supplies (GeoJSON), checked before they are drawn.

The neighbourhood monitor works without boundaries (a table and charts). When the installation
supplies a GeoJSON file of its wijken or buurten, the overview adds a map. The file comes from
outside, so it is checked as strictly as an upload:

- a size cap (``MAX_BYTES``) before it is parsed, and caps on features and points;
- a ``FeatureCollection`` of ``Polygon`` / ``MultiPolygon`` features only, with finite
  longitude/latitude coordinates (WGS 84, what Vega-Lite projects);
- every feature carries the CBS code (``GM``, ``WK`` or ``BU`` and digits) in one of the
  properties :data:`CODE_PROPERTIES`; codes are unique.

A problem raises :class:`BoundaryError` with a ``code`` and the details; the Django layer turns it
into a sentence. Nothing here is Dutch or English.
"""

from __future__ import annotations

import json
import math
import re
from dataclasses import dataclass
from typing import Any

from proeftuin.core.charts import base_spec

MAX_BYTES = 5 * 1024 * 1024
MAX_FEATURES = 5_000
MAX_POINTS = 500_000
GEOMETRY_TYPES = ("Polygon", "MultiPolygon")
#: Where the CBS code may be: ours, then the names CBS and PDOK use in their downloads.
CODE_PROPERTIES = ("cbs_code", "statcode", "wijkcode", "buurtcode", "code")
NAME_PROPERTIES = ("name", "naam", "statnaam", "wijknaam", "buurtnaam")
CBS_CODE = re.compile(r"^(GM|WK|BU)\d{4,8}$")


class BoundaryError(ValueError):
    """The file cannot be used as boundaries; ``code`` says why, ``details`` where."""

    def __init__(self, reason: str, **details: Any) -> None:
        super().__init__(f"{reason}: {details}")
        self.code = reason
        self.details = details


@dataclass(frozen=True)
class Boundaries:
    """Checked boundaries: a FeatureCollection whose features carry ``cbs_code`` and ``name``."""

    features: tuple[dict[str, Any], ...]

    @property
    def codes(self) -> frozenset[str]:
        return frozenset(f["properties"]["cbs_code"] for f in self.features)

    def collection(self, codes: set[str] | frozenset[str] | None = None) -> dict[str, Any]:
        """The GeoJSON FeatureCollection, only the features with one of ``codes`` if given."""
        chosen = [
            {**f, "properties": dict(f["properties"])}  # a copy: callers may add properties
            for f in self.features
            if codes is None or f["properties"]["cbs_code"] in codes
        ]
        return {"type": "FeatureCollection", "features": chosen}


def _points(coordinates: Any, depth: int, feature: int) -> int:
    """Count the positions of a polygon (depth 2) or multipolygon (depth 3), checking each."""
    if not isinstance(coordinates, list):
        raise BoundaryError("bad_coordinates", feature=feature)
    if depth == 0:
        if len(coordinates) < 2 or not all(
            isinstance(c, int | float) and not isinstance(c, bool) and math.isfinite(c)
            for c in coordinates[:2]
        ):
            raise BoundaryError("bad_coordinates", feature=feature)
        lon, lat = coordinates[0], coordinates[1]
        if not (-180 <= lon <= 180 and -90 <= lat <= 90):
            raise BoundaryError("bad_coordinates", feature=feature)
        return 1
    if not coordinates:
        raise BoundaryError("bad_coordinates", feature=feature)
    return sum(_points(part, depth - 1, feature) for part in coordinates)


def _first(properties: dict[str, Any], names: tuple[str, ...]) -> str:
    lowered = {str(k).casefold(): v for k, v in properties.items()}
    for name in names:
        value = lowered.get(name)
        if value is not None and str(value).strip():
            return str(value).strip()
    return ""


def parse_boundaries(data: bytes, *, max_bytes: int = MAX_BYTES) -> Boundaries:
    """Check ``data`` (a GeoJSON file's bytes) and return the boundaries, or raise."""
    if len(data) > max_bytes:
        raise BoundaryError("too_big", size=len(data), limit=max_bytes)
    try:
        document = json.loads(data.decode("utf-8-sig"))
    except (UnicodeDecodeError, ValueError, RecursionError) as exc:
        raise BoundaryError("not_json") from exc
    if not isinstance(document, dict) or document.get("type") != "FeatureCollection":
        raise BoundaryError("not_feature_collection")
    features = document.get("features")
    if not isinstance(features, list) or not features:
        raise BoundaryError("no_features")
    if len(features) > MAX_FEATURES:
        raise BoundaryError("too_many_features", count=len(features), limit=MAX_FEATURES)
    checked: list[dict[str, Any]] = []
    seen: set[str] = set()
    points = 0
    for index, feature in enumerate(features, start=1):
        if not isinstance(feature, dict) or feature.get("type") != "Feature":
            raise BoundaryError("not_a_feature", feature=index)
        geometry = feature.get("geometry")
        kind = geometry.get("type") if isinstance(geometry, dict) else None
        if kind not in GEOMETRY_TYPES:
            raise BoundaryError("bad_geometry", feature=index, kind=str(kind)[:40])
        points += _points(geometry.get("coordinates"), 2 if kind == "Polygon" else 3, index)
        if points > MAX_POINTS:
            raise BoundaryError("too_many_points", limit=MAX_POINTS)
        properties = feature.get("properties")
        properties = properties if isinstance(properties, dict) else {}
        code = _first(properties, CODE_PROPERTIES).upper()
        if not CBS_CODE.match(code):
            raise BoundaryError("no_code", feature=index, properties=", ".join(CODE_PROPERTIES))
        if code in seen:
            raise BoundaryError("duplicate_code", feature=index, area=code)
        seen.add(code)
        checked.append(
            {
                "type": "Feature",
                "geometry": {"type": kind, "coordinates": geometry["coordinates"]},
                "properties": {"cbs_code": code, "name": _first(properties, NAME_PROPERTIES)[:100]},
            }
        )
    return Boundaries(tuple(checked))


def choropleth(
    boundaries: Boundaries, rows: list[dict[str, Any]], labels: dict[str, str]
) -> dict[str, Any] | None:
    """A Vega-Lite map: each area coloured by how many indicators are below the city average,
    alarm areas outlined, keyed by ``cbs_code``. ``rows`` are ``{code, name, below, known,
    alarm}``; only areas with a row are drawn (the organisation's own figures). ``None`` when no
    area has both a boundary and a row."""
    by_code = {r["code"]: r for r in rows}
    shown = boundaries.codes & set(by_code)
    if not shown:
        return None
    collection = boundaries.collection(shown)
    for feature in collection["features"]:
        row = by_code[feature["properties"]["cbs_code"]]
        feature["properties"] = {
            "cbs_code": row["code"],
            "name": row["name"],
            "below": row["below"],
            "known": row["known"],
            "alarm": labels["alarm"] if row["alarm"] else labels["no_alarm"],
            "in_alarm": bool(row["alarm"]),
        }
    spec = base_spec(labels["title"], labels["description"])
    spec.update(
        {
            "height": 360,
            "data": {"values": collection, "format": {"type": "json", "property": "features"}},
            "projection": {"type": "mercator"},
            "mark": {"type": "geoshape", "stroke": "#ffffff", "strokeWidth": 1},
            "encoding": {
                "color": {
                    "field": "properties.below",
                    "type": "quantitative",
                    "title": labels["below"],
                    "scale": {"scheme": "orangered", "domainMin": 0},
                },
                "strokeWidth": {
                    "condition": {"test": "datum.properties.in_alarm", "value": 4},
                    "value": 1,
                },
                "stroke": {
                    "condition": {"test": "datum.properties.in_alarm", "value": "#000000"},
                    "value": "#ffffff",
                },
                "tooltip": [
                    {"field": "properties.name", "type": "nominal", "title": labels["name"]},
                    {"field": "properties.cbs_code", "type": "nominal", "title": labels["code"]},
                    {"field": "properties.below", "type": "quantitative", "title": labels["below"]},
                    {
                        "field": "properties.alarm",
                        "type": "nominal",
                        "title": labels["alarm_title"],
                    },
                ],
            },
        }
    )
    return spec
