"""Tel en vertel charts with translated labels (web pages and the report alike)."""

from __future__ import annotations

from typing import Any

from django.utils.translation import gettext as _

from proeftuin.core import monitoring_charts as mc
from proeftuin.core.instruments import Instrument

from . import services
from .analytics import lang


def _effect_labels() -> dict[str, str]:
    return {
        "title": _("Gemiddelde verandering per leefgebied, met 95%-betrouwbaarheidsinterval"),
        "description": _(
            "Per leefgebied de gemiddelde verandering van de eerste naar de laatste meting (punt) "
            "met het 95%-betrouwbaarheidsinterval (lijn). Rechts van nul is vooruitgang. Alleen "
            "groepen met genoeg deelnemers staan erin."
        ),
        "domain": _("Leefgebied"),
        "change": _("Gemiddelde verandering (punten)"),
        "low": _("Ondergrens"),
        "high": _("Bovengrens"),
        "n": _("Aantal paren (n)"),
        "project": _("Project"),
    }


def participant_chart(
    instrument: Instrument, first: dict[str, Any], latest: dict[str, Any]
) -> dict[str, Any] | None:
    """``first`` / ``latest``: item id → (score or None, date). Unknown scores leave a gap."""
    language = lang()
    moments = (_("Eerste meting"), _("Laatste meting"))
    rows = []
    for order, item in enumerate(instrument.items):
        for moment, source in zip(moments, (first, latest), strict=True):
            value, when = source.get(item.id, (None, None))
            if value is None:
                continue
            rows.append(
                {
                    "domain": item.name.get(language),
                    "order": order,
                    "moment": moment,
                    "score": value,
                    "date": when.strftime("%d-%m-%Y") if when else "",
                }
            )
    if not rows:
        return None
    return mc.participant_chart(
        rows,
        scale_max=instrument.scale.max,
        moments=moments,
        labels={
            "title": _("Zelfredzaamheid per leefgebied: eerste en laatste meting"),
            "description": _(
                "Staafgrafiek: per leefgebied de score bij de eerste en bij de laatste meting, "
                "van %(low)s tot %(high)s. Onbekend heeft geen staaf."
            )
            % {"low": instrument.scale.min, "high": instrument.scale.max},
            "domain": _("Leefgebied"),
            "score": _("Score"),
            "moment": _("Meting"),
            "date": _("Datum"),
        },
    )


def effect_chart(rows: list[dict]) -> dict[str, Any] | None:
    """From :func:`proeftuin.monitoring.analytics.effect_rows` (shown groups only)."""
    data = [
        {
            "domain": r["label"],
            "order": i,
            "mean": r["g"].mean_change,
            "low": r["g"].ci_low,
            "high": r["g"].ci_high,
            "n": r["g"].n,
        }
        for i, r in enumerate(rows)
        if r["g"].mean_change is not None
    ]
    if not data:
        return None
    return mc.effect_chart(data, labels=_effect_labels())


def distribution_chart(rows: list[dict], instrument: Instrument) -> dict[str, Any] | None:
    language = lang()
    level_names = [
        f"{level.value} {level.label.get(language)}" for level in instrument.scale.levels
    ]
    moments = (_("Vóór"), _("Na"))
    data = []
    for i, r in enumerate(rows):
        g = r["g"]
        for when, counts in zip(moments, (g.before, g.after), strict=True):
            for level_order, (name, count) in enumerate(
                zip(level_names, counts or (), strict=False)
            ):
                data.append(
                    {
                        "domain": r["label"],
                        "order": i,
                        "when": when,
                        "level": name,
                        "level_order": level_order,
                        "count": count,
                    }
                )
    if not data:
        return None
    return mc.distribution_chart(
        data,
        level_names,
        moments=moments,
        labels={
            "title": _("Verdeling over de niveaus, vóór en na"),
            "description": _(
                "Gestapelde staven: per leefgebied het aandeel deelnemers op elk niveau bij de "
                "eerste en bij de laatste meting."
            ),
            "domain": _("Leefgebied"),
            "share": _("Aandeel"),
            "level": _("Niveau"),
            "when": _("Meting"),
        },
    )


def comparison_chart(cells: list[dict], projects: list[str]) -> dict[str, Any] | None:
    if not cells:
        return None
    return mc.comparison_chart(cells, projects, labels=_effect_labels())


def item_label(instrument: Instrument, item_id: str) -> str:
    return services.item_name(instrument, item_id, lang())
