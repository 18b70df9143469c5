"""The neighbourhood monitor's map, where the installation supplies boundaries.

``settings.PROEFTUIN_NEIGHBOURHOOD_BOUNDARIES`` names a GeoJSON file (the installation's override;
the demo ships made-up squares). It is checked by the core (size cap, geometry types, a CBS code
per feature) and kept per (path, modification time). Without a file there is no map: the table
and charts carry the monitor. A file that fails the check gives no map and one sentence saying
why, for the beheerder to fix.
"""

from __future__ import annotations

import logging
from pathlib import Path

from django.conf import settings
from django.utils.translation import gettext as _

from proeftuin.core.neighbourhoods.boundaries import (
    MAX_BYTES,
    MAX_FEATURES,
    MAX_POINTS,
    Boundaries,
    BoundaryError,
    choropleth,
    parse_boundaries,
)

logger = logging.getLogger(__name__)
_cache: dict[tuple[str, float], Boundaries] = {}


def _explain(error: BoundaryError) -> str:
    d = error.details
    texts = {
        "too_big": _("het bestand is groter dan %(mb)s MB") % {"mb": MAX_BYTES // (1024 * 1024)},
        "not_json": _("het is geen leesbaar JSON-bestand"),
        "not_feature_collection": _("het is geen GeoJSON FeatureCollection"),
        "no_features": _("er staan geen gebieden in"),
        "too_many_features": _("er staan meer dan %(n)s gebieden in") % {"n": MAX_FEATURES},
        "too_many_points": _("de grenzen hebben meer dan %(n)s punten") % {"n": MAX_POINTS},
        "not_a_feature": _("onderdeel %(i)s is geen Feature") % {"i": d.get("feature")},
        "bad_geometry": _("gebied %(i)s is geen Polygon of MultiPolygon") % {"i": d.get("feature")},
        "bad_coordinates": _("gebied %(i)s heeft ongeldige coördinaten (lengte- en breedtegraad)")
        % {"i": d.get("feature")},
        "no_code": _("gebied %(i)s heeft geen CBS-code (GM, WK of BU met cijfers) in %(props)s")
        % {"i": d.get("feature"), "props": d.get("properties", "")},
        "duplicate_code": _("de code %(code)s staat er twee keer in") % {"code": d.get("area")},
        "unreadable": _("het bestand kan niet worden gelezen"),
    }
    return texts.get(error.code, error.code)


def boundaries() -> tuple[Boundaries | None, str]:
    """The installation's checked boundaries (or None) and, if the file is unusable, why."""
    path_text = str(getattr(settings, "PROEFTUIN_NEIGHBOURHOOD_BOUNDARIES", "") or "")
    if not path_text:
        return None, ""
    path = Path(path_text)
    try:
        stat = path.stat()
        key = (str(path), stat.st_mtime)
        if key in _cache:
            return _cache[key], ""
        if stat.st_size > MAX_BYTES:  # refused before it is read
            raise BoundaryError("too_big", size=stat.st_size, limit=MAX_BYTES)
        found = parse_boundaries(path.read_bytes())
    except BoundaryError as error:
        logger.warning("neighbourhood boundaries %s refused: %s", path, error.code)
        return None, _("De wijkgrenzen (%(file)s) worden niet gebruikt: %(why)s.") % {
            "file": path.name,
            "why": _explain(error),
        }
    except OSError:
        logger.warning("neighbourhood boundaries %s cannot be read", path)
        return None, _("De wijkgrenzen (%(file)s) worden niet gebruikt: %(why)s.") % {
            "file": path.name,
            "why": _explain(BoundaryError("unreadable")),
        }
    _cache.clear()
    _cache[key] = found
    return found, ""


def overview_map(panels) -> tuple[dict | None, str]:
    """The Vega-Lite choropleth of the overview's panels (None without boundaries or without an
    area that has both a boundary and figures), and a sentence if the boundaries are unusable."""
    found, problem = boundaries()
    if found is None:
        return None, problem
    rows = [
        {"code": p.code, "name": p.name, "below": p.below, "known": p.known, "alarm": p.alarm}
        for p in panels
    ]
    alarms = [p.name for p in panels if p.alarm and p.code in found.codes]
    description = _(
        "Kaart van de wijken, gekleurd naar het aantal indicatoren onder het stedelijk "
        "gemiddelde; dik zwart omlijnd: alarm."
    )
    if alarms:
        description += " " + _("In alarm: %(names)s.") % {"names": ", ".join(alarms)}
    description += " " + _("De tabel hieronder geeft dezelfde cijfers.")
    labels = {
        "title": _("Wijken op de kaart"),
        "description": description,
        "below": _("Onder gemiddeld"),
        "name": _("Wijk"),
        "code": _("Code"),
        "alarm": _("alarm"),
        "no_alarm": _("geen alarm"),
        "alarm_title": _("Alarm"),
    }
    return choropleth(found, rows, labels), ""
