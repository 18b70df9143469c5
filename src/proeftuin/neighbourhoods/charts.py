"""The panel's chart: per indicator the neighbourhood's value and the city average over the
years (small multiples). Built from the core's trend rows; unknown values are gaps."""

from __future__ import annotations

from django.utils.translation import gettext as _

from proeftuin.core.charts import base_spec


def trend_chart(rows: list[dict], lang: str) -> dict:
    values = []
    for row in rows:
        for year, value, average in row["trend"]:
            if value is not None:
                values.append(
                    {"indicator": row["label"], "year": year, "series": _("Wijk"), "value": value}
                )
            if average is not None:
                values.append(
                    {"indicator": row["label"], "year": year, "series": _("Stad"), "value": average}
                )
    spec = base_spec(
        _("Wijk en stedelijk gemiddelde per jaar"),
        _(
            "Per indicator de waarde van de wijk en het stedelijk gemiddelde per jaar; de tabel geeft dezelfde cijfers."
        ),
    )
    spec.pop("height", None)
    spec.pop("width", None)
    spec.update(
        {
            "data": {"values": values},
            "facet": {"field": "indicator", "type": "nominal", "title": None},
            "columns": 2,
            "resolve": {"scale": {"y": "independent"}},
            "spec": {
                "width": 220,
                "height": 110,
                "mark": {"type": "line", "point": True, "tooltip": True},
                "encoding": {
                    "x": {"field": "year", "type": "ordinal", "title": _("Jaar")},
                    "y": {"field": "value", "type": "quantitative", "title": None},
                    "color": {"field": "series", "type": "nominal", "title": None},
                },
            },
        }
    )
    return spec
