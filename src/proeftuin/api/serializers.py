"""Portfolio resources in Dutch (the domain's language), camelCase keys.

The serializers only check types and shapes and describe the schema; the screens' model forms do
the validation that matters and the saving (see :mod:`.writing`), so there is one write path.
"""

from __future__ import annotations

from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy as _lazy
from rest_framework import serializers

from proeftuin.portfolio.models import (
    CoalitionMember,
    Decision,
    FundingStream,
    Goal,
    Phase,
    PolicyDomain,
    Project,
    Status,
    Theme,
)

VERSION_HELP = (
    "Versie die u las. Bij wijzigen verplicht, hier of als ETag in If-Match; zonder versie of "
    "met een oude versie volgt 412."
)


class Strict:
    """JSON types as the schema says: no "5" for a number, no 5 for a text, no 1 for true.

    DRF coerces by default; a contract that says ``string`` must refuse a number."""

    json_types: tuple[type, ...] = ()

    def to_internal_value(self, data):
        if not isinstance(data, self.json_types) or (
            bool not in self.json_types and isinstance(data, bool)
        ):
            raise serializers.ValidationError(
                _("Verkeerd type: verwacht %(type)s.") % {"type": self.type_label},
                code="invalid_type",
            )
        return super().to_internal_value(data)


class Text(Strict, serializers.CharField):
    json_types = (str,)
    type_label = _lazy("tekst")


class Number(Strict, serializers.IntegerField):
    json_types = (int,)
    type_label = _lazy("geheel getal")


class Flag(Strict, serializers.BooleanField):
    json_types = (bool,)
    type_label = _lazy("true of false")


class Amount(Strict, serializers.DecimalField):
    json_types = (str,)
    type_label = _lazy('een bedrag als tekst, bijvoorbeeld "1234.50"')


class NeighbourhoodNames(serializers.ListField):
    """Neighbourhoods by name, as people know them (the ids mean nothing outside the app)."""

    def get_attribute(self, instance):
        return [n.name for n in instance.neighbourhoods.all()]


def _version():
    return Number(source="version", required=False, help_text=VERSION_HELP)


class ProjectSerializer(serializers.ModelSerializer):
    naam = Text(source="name", max_length=200)
    eigenaar = serializers.CharField(source="owner.name", read_only=True)
    samenvatting = Text(source="summary", allow_blank=True)
    themas = serializers.ListField(
        source="themes", child=serializers.ChoiceField(choices=Theme.choices), required=False
    )
    doelgroep = Text(source="target_group", max_length=300, allow_blank=True, required=False)
    wijken = NeighbourhoodNames(
        source="neighbourhoods",
        child=Text(max_length=100),
        required=False,
        help_text="Namen van wijken uit de lijst van Gemeenten en wijken (geen vrije tekst).",
    )
    gemeente = Number(
        source="municipality_id",
        min_value=1,
        max_value=2**31 - 1,
        allow_null=True,
        required=False,
        help_text="Id van de gemeente waar het project hoort (Gemeenten en wijken).",
    )
    startdatum = serializers.DateField(source="start_date")
    einddatum = serializers.DateField(source="end_date", allow_null=True, required=False)
    fase = serializers.ChoiceField(source="phase", choices=Phase.choices)
    status = serializers.ChoiceField(choices=Status.choices, default=Status.RUNNING)
    gearchiveerdOp = serializers.DateTimeField(
        source="archived_at", read_only=True, allow_null=True
    )
    versie = _version()

    class Meta:
        model = Project
        fields = [
            "id",
            "naam",
            "eigenaar",
            "samenvatting",
            "themas",
            "doelgroep",
            "gemeente",
            "wijken",
            "startdatum",
            "einddatum",
            "fase",
            "status",
            "gearchiveerdOp",
            "versie",
        ]


class FinancieringsstroomSerializer(serializers.ModelSerializer):
    naam = Text(source="label", max_length=200)
    financier = Number(
        source="funder_id",
        min_value=1,
        max_value=2**31 - 1,
        help_text="Id van de organisatie die betaalt.",
    )
    financierNaam = serializers.CharField(source="funder.name", read_only=True)
    bedrag = serializers.DecimalField(source="amount", max_digits=14, decimal_places=2, min_value=0)
    startdatum = serializers.DateField(source="start_date")
    einddatum = serializers.DateField(source="end_date", allow_null=True, required=False)
    soort = serializers.ChoiceField(
        source="kind", choices=FundingStream.Kind.choices, default=FundingStream.Kind.INCIDENTAL
    )
    beleidsdomein = serializers.ChoiceField(source="policy_domain", choices=PolicyDomain.choices)
    voorwaarden = Text(source="conditions", allow_blank=True, required=False)
    versie = _version()

    class Meta:
        model = FundingStream
        fields = [
            "id",
            "naam",
            "financier",
            "financierNaam",
            "bedrag",
            "startdatum",
            "einddatum",
            "soort",
            "beleidsdomein",
            "voorwaarden",
            "versie",
        ]


class CoalitielidSerializer(serializers.ModelSerializer):
    organisatie = Number(
        source="organisation_id", min_value=1, max_value=2**31 - 1, allow_null=True, required=False
    )
    organisatieNaam = serializers.CharField(
        source="organisation.name", read_only=True, default=None, allow_null=True
    )
    contactpersoon = Text(source="contact_person", max_length=200, allow_blank=True, required=False)
    functie = Text(source="contact_function", max_length=200, allow_blank=True, required=False)
    rol = serializers.ChoiceField(source="role", choices=CoalitionMember.RoleChoice.choices)
    niveau = serializers.ChoiceField(source="level", choices=CoalitionMember.Level.choices)
    sinds = serializers.DateField(source="since", allow_null=True, required=False)
    tot = serializers.DateField(source="until", allow_null=True, required=False)
    toelichting = Text(source="note", allow_blank=True, required=False)
    versie = _version()

    class Meta:
        model = CoalitionMember
        fields = [
            "id",
            "organisatie",
            "organisatieNaam",
            "contactpersoon",
            "functie",
            "rol",
            "niveau",
            "sinds",
            "tot",
            "toelichting",
            "versie",
        ]


class DoelSerializer(serializers.ModelSerializer):
    soort = serializers.ChoiceField(source="goal_type", choices=Goal.GoalType.choices)
    tekst = Text(source="text")
    indicator = Text(max_length=300, allow_blank=True, required=False)
    vervallen = Flag(source="retired", required=False)
    redenWijziging = Text(
        source="change_reason",
        write_only=True,
        required=False,
        allow_blank=True,
        help_text="Waarom dit doel verandert; verplicht bij wijzigen (000 §2.5.2).",
    )
    versie = _version()

    class Meta:
        model = Goal
        fields = ["id", "soort", "tekst", "indicator", "vervallen", "redenWijziging", "versie"]


class BesluitSerializer(serializers.ModelSerializer):
    soort = serializers.ChoiceField(source="kind", choices=Decision.Kind.choices)
    beslotenDoor = Text(source="decided_by", max_length=200)
    datum = serializers.DateField(source="decided_on")
    onderbouwing = Text(source="rationale")
    vastgelegdOp = serializers.DateTimeField(source="created_at", read_only=True)

    class Meta:
        model = Decision
        fields = ["id", "soort", "beslotenDoor", "datum", "onderbouwing", "vastgelegdOp"]
