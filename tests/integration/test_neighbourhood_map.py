"""The neighbourhood map (issue 13, the last gaps): drawn where the installation supplies
boundaries, keyed by CBS code, only the organisation's own areas, with a text alternative; the
table stays. Without boundaries, or with an unusable file, no map."""

from __future__ import annotations

from pathlib import Path

import pytest
from django.utils.html import escape
from integration_support import login
from test_neighbourhood_monitor import AREAS, _import, _post_mapping, kerncijfers

from proeftuin.neighbourhoods import maps

DEMO = Path(maps.__file__).parent / "demo_boundaries.geojson"


@pytest.fixture
def imported(users):
    http = login(users[("own", "beleidsadviseur")])
    check_url, page = _import(http, kerncijfers(AREAS, bad={"WK099901", "WK099903"}))
    assert _post_mapping(http, check_url, page, "import").status_code == 302
    return http


def test_the_overview_draws_the_map_of_its_own_areas(imported, settings):
    settings.PROEFTUIN_NEIGHBOURHOOD_BOUNDARIES = str(DEMO)
    page = imported.get("/wijken/")
    spec = page.context["map_spec"]
    codes = {f["properties"]["cbs_code"] for f in spec["data"]["values"]["features"]}
    assert codes == set(AREAS)  # the demo file has seven; this organisation has figures for 3
    alarm = {
        f["properties"]["cbs_code"]
        for f in spec["data"]["values"]["features"]
        if f["properties"]["in_alarm"]
    }
    assert alarm == {"WK099901", "WK099903"}
    html = page.content.decode()
    assert 'id="neighbourhood-map"' in html and 'data-vega-spec="hood-map"' in html
    # The text alternative names the alarms, on the page and as the chart's label.
    description = spec["description"]
    alarms = description.split("In alarm: ")[1].split(".")[0]
    assert set(alarms.split(", ")) == {"Oost", "De Haven"}
    assert escape(description) in html
    assert 'id="neighbourhood-table"' in html  # the table stays


def test_another_organisation_gets_no_map_of_these_areas(imported, users, settings):
    settings.PROEFTUIN_NEIGHBOURHOOD_BOUNDARIES = str(DEMO)
    page = login(users[("foreign", "beleidsadviseur")]).get("/wijken/")
    assert page.status_code == 200
    assert page.context["map_spec"] is None
    assert "WK099901" not in page.content.decode()


def test_without_boundaries_a_table_and_no_map(imported, settings):
    settings.PROEFTUIN_NEIGHBOURHOOD_BOUNDARIES = ""
    page = imported.get("/wijken/")
    assert page.context["map_spec"] is None and page.context["map_problem"] == ""
    assert 'id="neighbourhood-map"' not in page.content.decode()


@pytest.mark.parametrize(
    ("content", "why"),
    [
        (b'{"type": "FeatureCollection", "features": [{"type": "Feature", "properties": '
         b'{"cbs_code": "WK099901"}, "geometry": {"type": "Point", "coordinates": [5, 52]}}]}',
         "geen Polygon of MultiPolygon"),
        (b'{"type": "FeatureCollection", "features": [{"type": "Feature", "properties": '
         b'{"naam": "Oost"}, "geometry": {"type": "Polygon", "coordinates": '
         b'[[[5, 52], [5.1, 52], [5.1, 52.1], [5, 52]]]}}]}',
         "geen CBS-code"),
        (b"niet eens json", "geen leesbaar JSON-bestand"),
    ],
)  # fmt: skip
def test_an_unusable_file_gives_no_map_and_says_why(imported, settings, tmp_path, content, why):
    path = tmp_path / "grenzen.geojson"
    path.write_bytes(content)
    settings.PROEFTUIN_NEIGHBOURHOOD_BOUNDARIES = str(path)
    page = imported.get("/wijken/")
    assert page.status_code == 200 and page.context["map_spec"] is None
    assert why in page.context["map_problem"] and "grenzen.geojson" in page.context["map_problem"]
    assert 'id="neighbourhood-table"' in page.content.decode()


def test_a_file_over_the_size_cap_is_not_read(imported, settings, tmp_path, monkeypatch):
    path = tmp_path / "groot.geojson"
    path.write_bytes(b" " * 2_000)
    monkeypatch.setattr(maps, "MAX_BYTES", 1_000)
    monkeypatch.setattr(Path, "read_bytes", lambda self: pytest.fail("read a file over the cap"))
    settings.PROEFTUIN_NEIGHBOURHOOD_BOUNDARIES = str(path)
    page = imported.get("/wijken/")
    assert page.context["map_spec"] is None and "groot.geojson" in page.context["map_problem"]
