"""Portfolio resources in Dutch (the domain's language), camelCase keys.

The serializers only check types and shapes and describe the schema; the screens' model forms do
the validation that matters and the saving (see :mod:`.writing`), so there is one write path.
"""

from __future__ import annotations

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


class NeighbourhoodNames(serializers.ListField):
    """Neighbourhoods by name, as people know them (the ids mean nothing outside the app)."""

    def get_attribute(self, instance):
        return [n.name for n in instance.neighbourhoods.all()]


def _version():
    return serializers.IntegerField(source="version", required=False, help_text=VERSION_HELP)


class ProjectSerializer(serializers.ModelSerializer):
    naam = serializers.CharField(source="name", max_length=200)
    eigenaar = serializers.CharField(source="owner.name", read_only=True)
    samenvatting = serializers.CharField(source="summary", allow_blank=True)
    themas = serializers.ListField(
        source="themes", child=serializers.ChoiceField(choices=Theme.choices), required=False
    )
    doelgroep = serializers.CharField(
        source="target_group", max_length=300, allow_blank=True, required=False
    )
    wijken = NeighbourhoodNames(
        source="neighbourhoods",
        child=serializers.RegexField(r"^[^,]{1,100}$"),
        required=False,
        help_text="Namen van wijken; een onbekende naam wordt een nieuwe wijk, zoals op het scherm.",
    )
    startdatum = serializers.DateField(source="start_date")
    einddatum = serializers.DateField(source="end_date", allow_null=True, required=False)
    fase = serializers.ChoiceField(source="phase", choices=Phase.choices)
    status = serializers.ChoiceField(choices=Status.choices, default=Status.RUNNING)
    gearchiveerdOp = serializers.DateTimeField(source="archived_at", read_only=True)
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
            "wijken",
            "startdatum",
            "einddatum",
            "fase",
            "status",
            "gearchiveerdOp",
            "versie",
        ]


class FinancieringsstroomSerializer(serializers.ModelSerializer):
    naam = serializers.CharField(source="label", max_length=200)
    financier = serializers.IntegerField(
        source="funder_id", help_text="Id van de organisatie die betaalt."
    )
    financierNaam = serializers.CharField(source="funder.name", read_only=True)
    bedrag = serializers.DecimalField(source="amount", max_digits=14, decimal_places=2, min_value=0)
    startdatum = serializers.DateField(source="start_date")
    einddatum = serializers.DateField(source="end_date", allow_null=True, required=False)
    soort = serializers.ChoiceField(
        source="kind", choices=FundingStream.Kind.choices, default=FundingStream.Kind.INCIDENTAL
    )
    beleidsdomein = serializers.ChoiceField(source="policy_domain", choices=PolicyDomain.choices)
    voorwaarden = serializers.CharField(source="conditions", allow_blank=True, required=False)
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
    organisatie = serializers.IntegerField(
        source="organisation_id", allow_null=True, required=False
    )
    organisatieNaam = serializers.CharField(
        source="organisation.name", read_only=True, default=None, allow_null=True
    )
    contactpersoon = serializers.CharField(
        source="contact_person", max_length=200, allow_blank=True, required=False
    )
    functie = serializers.CharField(
        source="contact_function", max_length=200, allow_blank=True, required=False
    )
    rol = serializers.ChoiceField(source="role", choices=CoalitionMember.RoleChoice.choices)
    niveau = serializers.ChoiceField(source="level", choices=CoalitionMember.Level.choices)
    sinds = serializers.DateField(source="since", allow_null=True, required=False)
    tot = serializers.DateField(source="until", allow_null=True, required=False)
    toelichting = serializers.CharField(source="note", allow_blank=True, required=False)
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
    tekst = serializers.CharField(source="text")
    indicator = serializers.CharField(max_length=300, allow_blank=True, required=False)
    vervallen = serializers.BooleanField(source="retired", required=False)
    redenWijziging = serializers.CharField(
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
    beslotenDoor = serializers.CharField(source="decided_by", max_length=200)
    datum = serializers.DateField(source="decided_on")
    onderbouwing = serializers.CharField(source="rationale")
    vastgelegdOp = serializers.DateTimeField(source="created_at", read_only=True)

    class Meta:
        model = Decision
        fields = ["id", "soort", "beslotenDoor", "datum", "onderbouwing", "vastgelegdOp"]
