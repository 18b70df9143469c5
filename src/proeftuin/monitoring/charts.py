"""Tel en vertel charts with translated labels (web pages and the report alike)."""

from __future__ import annotations

from typing import Any

from django.utils.translation import gettext as _

from proeftuin.common import numbers
from proeftuin.core import monitoring_charts as mc
from proeftuin.core.instruments import Instrument

from . import services
from .analytics import lang


def texts(mean, low, high) -> dict[str, str]:
    """The tooltip texts of one interval, rounded by the one formatter (as in the table)."""
    return {
        "mean_text": numbers.signed_text(mean),
        "low_text": numbers.signed_text(low),
        "high_text": numbers.signed_text(high),
    }


def _effect_labels(pairing: dict[str, str] | None = None) -> dict[str, str]:
    pairs = pairing["label"] if pairing else _("per project")
    return {
        "title": _("Gemiddelde verandering per leefgebied, met 95%-betrouwbaarheidsinterval"),
        "description": _(
            "Per leefgebied de gemiddelde verandering (%(pairs)s; punt) met het "
            "95%%-betrouwbaarheidsinterval (lijn). Rechts van nul is vooruitgang. Alleen "
            "groepen met genoeg deelnemers staan erin."
        )
        % {"pairs": pairs},
        "domain": _("Leefgebied"),
        "change": _("Gemiddelde verandering (punten)"),
        "low": _("Ondergrens"),
        "high": _("Bovengrens"),
        "n": _("Aantal paren (n)"),
        "project": _("Project"),
    }


def participant_chart(
    instrument: Instrument,
    first: dict[str, Any],
    latest: dict[str, Any],
    pairing: dict[str, str],
) -> dict[str, Any] | None:
    """``first`` / ``latest``: item id → (score or None, date), the two ends of the pairs under
    the project's definition (``pairing``). Unknown scores leave a gap."""
    language = lang()
    moments = (pairing["start"], pairing["end"])
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
            "title": _("Zelfredzaamheid per leefgebied (%(pairs)s)") % {"pairs": pairing["label"]},
            "description": _(
                "Staafgrafiek: per leefgebied de score bij de %(start)s en bij de %(end)s, "
                "van %(low)s tot %(high)s. Onbekend heeft geen staaf."
            )
            % {
                "start": pairing["start"].lower(),
                "end": pairing["end"].lower(),
                "low": instrument.scale.min,
                "high": instrument.scale.max,
            },
            "domain": _("Leefgebied"),
            "score": _("Score"),
            "moment": _("Meting"),
            "date": _("Datum"),
        },
    )


def effect_chart(rows: list[dict], pairing: dict[str, str]) -> dict[str, Any] | None:
    """From :func:`proeftuin.monitoring.analytics.effect_rows` (shown groups only);
    ``pairing``: :func:`proeftuin.monitoring.analytics.pairing` of the figures."""
    data = [
        {
            "domain": r["label"],
            "order": i,
            "mean": r["g"].mean_change,
            "low": r["g"].ci_low,
            "high": r["g"].ci_high,
            "n": r["g"].n,
            **texts(r["g"].mean_change, r["g"].ci_low, r["g"].ci_high),
        }
        for i, r in enumerate(rows)
        if r["g"].mean_change is not None
    ]
    if not data:
        return None
    return mc.effect_chart(data, labels=_effect_labels(pairing))


def distribution_chart(
    rows: list[dict], instrument: Instrument, pairing: dict[str, str]
) -> dict[str, Any] | None:
    language = lang()
    level_names = [
        f"{level.value} {level.label.get(language)}" for level in instrument.scale.levels
    ]
    moments = (pairing["start"], pairing["end"])
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
            "title": _("Verdeling over de niveaus (%(pairs)s)") % {"pairs": pairing["label"]},
            "description": _(
                "Gestapelde staven: per leefgebied het aandeel deelnemers op elk niveau bij de "
                "%(start)s en bij de %(end)s."
            )
            % {"start": pairing["start"].lower(), "end": pairing["end"].lower()},
            "domain": _("Leefgebied"),
            "share": _("Aandeel"),
            "level": _("Niveau"),
            "when": _("Meting"),
        },
    )


def comparison_chart(cells: list[dict], projects: list[str]) -> dict[str, Any] | None:
    """Several projects; their pair definitions may differ (the table beside names each)."""
    if not cells:
        return None
    cells = [{**c, **texts(c["mean"], c["low"], c["high"])} for c in cells]
    return mc.comparison_chart(cells, projects, labels=_effect_labels())


def item_label(instrument: Instrument, item_id: str) -> str:
    return services.item_name(instrument, item_id, lang())
