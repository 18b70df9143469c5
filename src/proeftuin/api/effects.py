"""Tel en vertel effect figures in API v1: Dutch keys and a complete schema.

The figures come from :func:`proeftuin.monitoring.api.effect_figures`, the same function the old
endpoint uses, which goes through the disclosure core like the screens: groups below the threshold
are left out (``verborgenGroepen`` counts them) and a role without participant access gets the
latest release (``vrijgegeven``, ``stand``), never live figures.
"""

from __future__ import annotations

from django.utils.translation import gettext as _
from drf_spectacular.utils import OpenApiParameter, extend_schema
from rest_framework import serializers
from rest_framework.exceptions import ValidationError
from rest_framework.response import Response

from proeftuin.monitoring.api import BREAKDOWNS, effect_figures
from proeftuin.portfolio.access import visible_project

from .base import V1View

#: English keys of the shared figures → the Dutch keys of v1.
GROUP_KEYS = {
    "domain": "domein",
    "n": "n",
    "n_unpaired": "nZonderPaar",
    "mean_before": "gemiddeldeVoor",
    "mean_after": "gemiddeldeNa",
    "mean_change": "gemiddeldeVerandering",
    "sd_change": "sdVerandering",
    "ci_low": "intervalOnder",
    "ci_high": "intervalBoven",
    "confidence": "betrouwbaarheid",
    "share_improved": "aandeelVooruit",
    "share_stable": "aandeelGelijk",
    "share_worse": "aandeelAchteruit",
    "effect_size": "effectgrootte",
    "rounded": "afgerond",
    "before": "verdelingVoor",
    "after": "verdelingNa",
}
SPLIT_NAMES = {v: k for k, v in BREAKDOWNS.items()}


def _num(help_text: str):
    return serializers.FloatField(allow_null=True, help_text=help_text)


class Distribution(serializers.DictField):
    child = serializers.IntegerField(allow_null=True)


class EffectgroepSerializer(serializers.Serializer):
    domein = serializers.CharField(help_text="Leefgebied (item van het instrument).")
    groep = serializers.CharField(
        allow_null=True, help_text="Waarde van de uitsplitsing (wijk, leeftijd of periode)."
    )
    n = serializers.IntegerField(allow_null=True, help_text="Personen met een volledig paar.")
    nZonderPaar = serializers.IntegerField(allow_null=True)
    gemiddeldeVoor = _num("Gemiddelde score bij de nulmeting.")
    gemiddeldeNa = _num("Gemiddelde score bij de laatste meting.")
    gemiddeldeVerandering = _num("Gemiddelde verandering (na − voor).")
    sdVerandering = _num("Standaardafwijking van de verandering.")
    intervalOnder = _num("Ondergrens van het betrouwbaarheidsinterval.")
    intervalBoven = _num("Bovengrens van het betrouwbaarheidsinterval.")
    betrouwbaarheid = serializers.FloatField(help_text="Betrouwbaarheid van het interval (0,95).")
    aandeelVooruit = _num("Aandeel dat vooruitging.")
    aandeelGelijk = _num("Aandeel dat gelijk bleef.")
    aandeelAchteruit = _num("Aandeel dat achteruitging.")
    effectgrootte = _num("Cohen's d_z; leeg als de spreiding 0 is.")
    afgerond = serializers.BooleanField(help_text="Waar: afgerond door de openbaarmakingsregels.")
    verdelingVoor = Distribution(help_text="Aantal paren per scoreniveau bij de nulmeting.")
    verdelingNa = Distribution(help_text="Aantal paren per scoreniveau bij de laatste meting.")


class EffectenSerializer(serializers.Serializer):
    project = serializers.IntegerField()
    instrument = serializers.CharField()
    drempel = serializers.IntegerField(help_text="Kleinste groep die getoond wordt.")
    vrijgegeven = serializers.BooleanField(
        help_text="Waar: cijfers van een vrijgegeven stand, niet de actuele cijfers."
    )
    stand = serializers.DateField(allow_null=True)
    eenheid = serializers.CharField()
    paardefinitie = serializers.CharField(
        allow_null=True, help_text="Hoe de paren zijn gemaakt (code); leeg als niet bekend."
    )
    paardefinitieLabel = serializers.CharField(
        allow_blank=True, help_text="Dezelfde paardefinitie in woorden."
    )
    uitsplitsing = serializers.ChoiceField(choices=list(BREAKDOWNS), allow_null=True)
    verborgenGroepen = serializers.IntegerField(help_text="Groepen weggelaten (te klein).")
    groepen = EffectgroepSerializer(many=True)


def dutch(figures: dict) -> dict:
    split = figures["breakdown"]
    groups = []
    for group in figures["groups"]:
        row = {GROUP_KEYS[k]: v for k, v in group.items() if k in GROUP_KEYS}
        value = group.get(split) if split else None
        row["groep"] = None if value is None else str(value)
        groups.append(row)
    return {
        "project": figures["project"],
        "instrument": figures["instrument"],
        "drempel": figures["threshold"],
        "vrijgegeven": figures["released"],
        "stand": figures["stand"],
        "eenheid": "personen: één traject per persoon (het laatste volledige paar)",
        "paardefinitie": figures.get("pair_definition"),
        "paardefinitieLabel": str(figures.get("pair_definition_label") or ""),
        "uitsplitsing": SPLIT_NAMES.get(split) if split else None,
        "verborgenGroepen": figures["suppressed_groups"],
        "groepen": groups,
    }


class ProjectEffects(V1View):
    """Verandering per leefgebied: n, gemiddelde verandering, 95%-interval, aandelen,
    effectgrootte en verdelingen. Kleine groepen zijn weggelaten."""

    scope_group = "tel-en-vertel"
    serializer_class = EffectenSerializer

    @extend_schema(
        parameters=[
            OpenApiParameter("instrument", str, description="Id van het instrument."),
            OpenApiParameter(
                "uitsplitsing", str, enum=list(BREAKDOWNS), description="Uitsplitsing per groep."
            ),
        ],
        responses={200: EffectenSerializer},
    )
    def get(self, request, **kwargs):
        project = visible_project(request, kwargs["projectId"])
        split = request.query_params.get("uitsplitsing")
        if split is not None and split not in BREAKDOWNS:
            raise ValidationError(
                {"uitsplitsing": [_("Kies uit: %(choices)s.") % {"choices": ", ".join(BREAKDOWNS)}]}
            )
        wanted = request.query_params.get("instrument")
        figures = effect_figures(request, project, wanted, split)
        return Response(dutch(figures))
