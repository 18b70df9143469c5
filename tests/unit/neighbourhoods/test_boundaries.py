"""Boundaries an installation supplies for the neighbourhood map (issue 13, the last gaps):
checked like an upload (size cap, geometry types, a CBS code per feature) and drawn as a
Vega-Lite choropleth keyed by the CBS code."""

from __future__ import annotations

import json
from pathlib import Path

import pytest

from proeftuin.core.neighbourhoods.boundaries import BoundaryError, choropleth, parse_boundaries

DEMO = Path(__file__).parents[3] / "src/proeftuin/neighbourhoods/demo_boundaries.geojson"
SQUARE = [[[5.0, 52.0], [5.1, 52.0], [5.1, 52.1], [5.0, 52.1], [5.0, 52.0]]]


def _file(*features, **extra) -> bytes:
    return json.dumps({"type": "FeatureCollection", "features": list(features), **extra}).encode()


def _feature(code="WK099901", kind="Polygon", coordinates=SQUARE, key="cbs_code"):
    return {
        "type": "Feature",
        "properties": {key: code, "naam": "Oost"},
        "geometry": {"type": kind, "coordinates": coordinates},
    }


def test_the_demo_file_is_seven_made_up_squares_with_cbs_codes():
    found = parse_boundaries(DEMO.read_bytes())
    assert found.codes == {f"WK0999{i:02d}" for i in range(1, 8)}
    assert "not real boundaries" in json.loads(DEMO.read_text())["description"]


def test_cbs_and_pdok_property_names_are_read_and_the_code_upper_cased():
    found = parse_boundaries(_file(_feature("wk099901", key="statcode")))
    assert found.codes == {"WK099901"}
    assert found.features[0]["properties"] == {"cbs_code": "WK099901", "name": "Oost"}


@pytest.mark.parametrize(
    ("data", "code"),
    [
        (b"{" * 10, "not_json"),
        (json.dumps({"type": "Feature"}).encode(), "not_feature_collection"),
        (_file(), "no_features"),
        (_file(_feature(kind="Point", coordinates=[5.0, 52.0])), "bad_geometry"),
        (_file(_feature(kind="LineString", coordinates=SQUARE[0])), "bad_geometry"),
        (_file(_feature(code="Oost")), "no_code"),
        (_file(_feature(key="naam_van_iets")), "no_code"),
        (_file(_feature(), _feature()), "duplicate_code"),
        (
            _file(_feature(coordinates=[[[500.0, 52.0], [5.1, 52.0], [5.1, 52.1]]])),
            "bad_coordinates",
        ),
        (_file(_feature(coordinates=[[["5", 52.0]]])), "bad_coordinates"),
        (_file(_feature(coordinates=[])), "bad_coordinates"),
        (b"[]", "not_feature_collection"),
        (b"\xff\xfe\x00", "not_json"),
    ],
)
def test_unusable_files_are_refused_with_a_code(data, code):
    with pytest.raises(BoundaryError) as refused:
        parse_boundaries(data)
    assert refused.value.code == code


def test_the_size_cap_refuses_before_parsing():
    big = _file(_feature(), padding="x" * 2_000)
    with pytest.raises(BoundaryError) as refused:
        parse_boundaries(big, max_bytes=1_000)
    assert refused.value.code == "too_big"


def test_a_deeply_nested_file_is_refused_not_a_crash():
    with pytest.raises(BoundaryError):
        parse_boundaries(b"[" * 100_000 + b"]" * 100_000)


LABELS = {
    "title": "Wijken",
    "description": "Kaart; de tabel geeft dezelfde cijfers.",
    "below": "Onder gemiddeld",
    "name": "Wijk",
    "code": "Code",
    "alarm": "alarm",
    "no_alarm": "geen alarm",
    "alarm_title": "Alarm",
}


def test_the_choropleth_is_keyed_by_cbs_code_and_draws_only_areas_with_figures():
    found = parse_boundaries(DEMO.read_bytes())
    rows = [
        {"code": "WK099901", "name": "Centrum", "below": 2, "known": 10, "alarm": False},
        {"code": "WK099903", "name": "Noordwijk", "below": 7, "known": 10, "alarm": True},
        {"code": "WK123456", "name": "Elders", "below": 9, "known": 10, "alarm": True},
    ]
    spec = choropleth(found, rows, LABELS)
    features = spec["data"]["values"]["features"]
    assert {f["properties"]["cbs_code"] for f in features} == {"WK099901", "WK099903"}
    noordwijk = next(f for f in features if f["properties"]["cbs_code"] == "WK099903")
    assert noordwijk["properties"]["below"] == 7 and noordwijk["properties"]["in_alarm"]
    assert spec["mark"]["type"] == "geoshape" and spec["description"] == LABELS["description"]
    assert spec["encoding"]["color"]["field"] == "properties.below"
    # The boundaries themselves are not changed by drawing them.
    assert found.features[0]["properties"] == {"cbs_code": "WK099901", "name": "Centrum"}


def test_no_map_without_an_area_that_has_both_a_boundary_and_figures():
    found = parse_boundaries(DEMO.read_bytes())
    rows = [{"code": "WK123456", "name": "Elders", "below": 1, "known": 10, "alarm": False}]
    assert choropleth(found, rows, LABELS) is None
