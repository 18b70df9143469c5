"""Forms for the portfolio. Validation messages are Dutch and sit on the field they concern."""

from __future__ import annotations

import re

from django import forms
from django.utils.formats import get_format
from django.utils.translation import gettext_lazy as _

from proeftuin.accounts.models import Organisation
from proeftuin.common.identifier_guard import guard
from proeftuin.common.versioning import VersionedFormMixin

from .models import (
    CoalitionMember,
    Decision,
    FundingStream,
    Goal,
    Neighbourhood,
    Phase,
    Project,
    ProjectGrant,
    Status,
    Theme,
)
from .registry import Municipality


class DateInput(forms.DateInput):
    input_type = "date"

    def __init__(self, **kwargs):
        super().__init__(format="%Y-%m-%d", **kwargs)


class AmountField(forms.DecimalField):
    """A euro amount as people type it: "1.234,50", "240.000" and "€ 5.000" in Dutch.

    Django drops thousand separators only with USE_THOUSAND_SEPARATOR, which would also put them
    in every number the templates print. Here they are dropped only where they group digits in
    threes, so "12.50" stays twelve and a half. It renders as a text input: a number input
    cannot show the localised "444000,00" and would post the amount back empty.
    """

    widget = forms.TextInput

    def widget_attrs(self, widget):
        attrs = super().widget_attrs(widget)
        attrs.update(inputmode="decimal", autocomplete="off")
        return attrs

    def to_python(self, value):
        if isinstance(value, str):
            value = value.strip().removeprefix("€").strip()
            thousands = re.escape(get_format("THOUSAND_SEPARATOR"))
            decimal = re.escape(get_format("DECIMAL_SEPARATOR"))
            if re.fullmatch(rf"-?\d{{1,3}}(?:{thousands}\d{{3}})+(?:{decimal}\d*)?", value):
                value = re.sub(thousands, "", value)
        return super().to_python(value)


def area_organisations(owner: Organisation) -> set[int]:
    """Whose municipalities and neighbourhoods a project of ``owner`` may name: its own, its
    partners' and those of the organisations whose projects it works on (grants)."""
    from proeftuin.administration.pickers import pickable_organisations

    ids = set(pickable_organisations(owner.pk).values_list("pk", flat=True)) | {owner.pk}
    granted = Project.objects.filter(grants__organisation=owner).values_list("owner_id", flat=True)
    return ids | set(granted)


class ProjectForm(VersionedFormMixin, forms.ModelForm):
    themes = forms.MultipleChoiceField(
        label=_("Thema's"),
        choices=Theme.choices,
        widget=forms.CheckboxSelectMultiple,
        required=False,
    )

    class Meta:
        model = Project
        fields = [
            "name",
            "summary",
            "target_group",
            "themes",
            "municipality",
            "neighbourhoods",
            "start_date",
            "end_date",
            "phase",
            "status",
        ]
        widgets = {
            "start_date": DateInput(),
            "end_date": DateInput(),
            "summary": forms.Textarea(attrs={"rows": 4}),
            "neighbourhoods": forms.CheckboxSelectMultiple,
        }

    def __init__(self, *args, owner: Organisation, **kwargs):
        super().__init__(*args, **kwargs)
        self.owner = owner
        # A managed list, no free text (issue 11): a neighbourhood exists once. A welfare
        # organisation works in its municipality's neighbourhoods: the lists of the organisations
        # it works with count too.
        areas = area_organisations(owner)
        self.fields["neighbourhoods"].queryset = Neighbourhood.objects.filter(
            organisation_id__in=areas
        ).select_related("municipality")
        self.fields["neighbourhoods"].help_text = _(
            "Staat een wijk er niet bij? Voeg haar toe bij Gemeenten en wijken."
        )
        self.fields["municipality"].queryset = Municipality.objects.filter(
            organisation_id__in=areas
        )
        self.fields["name"].error_messages["required"] = _("Geef het project een naam.")

    def clean_name(self) -> str:
        name = self.cleaned_data["name"].strip()
        if not name:
            raise forms.ValidationError(_("Geef het project een naam."))
        return name

    def clean(self):
        data = super().clean()
        municipality = data.get("municipality")
        hoods = data.get("neighbourhoods") or []
        if municipality is not None:
            elsewhere = [h for h in hoods if h.municipality_id not in (None, municipality.pk)]
            if elsewhere:
                self.add_error(
                    "neighbourhoods",
                    _("Deze wijken liggen niet in %(gemeente)s: %(wijken)s")
                    % {
                        "gemeente": municipality.name,
                        "wijken": ", ".join(h.name for h in elsewhere),
                    },
                )
        return data

    def save_with_owner(self):
        def attach(instance: Project) -> None:
            instance.owner = self.owner

        return self.save_versioned(commit_extra=attach)

    def _post_clean(self):
        # The owner is not a form field; set it before model validation runs.
        self.instance.owner = self.owner
        super()._post_clean()


class ScopedOrganisationsMixin:
    """Limits the organisation picker to what the user's organisation may pick (issue 8).

    ``organisations`` comes from :func:`proeftuin.administration.pickers.pickable_organisations`;
    without it the picker is empty rather than listing every tenant's partners.
    """

    organisation_field = "organisation"

    def __init__(self, *args, organisations=None, **kwargs):
        super().__init__(*args, **kwargs)
        field = self.fields[self.organisation_field]
        field.queryset = organisations if organisations is not None else Organisation.objects.none()


class CoalitionMemberForm(ScopedOrganisationsMixin, VersionedFormMixin, forms.ModelForm):
    class Meta:
        model = CoalitionMember
        fields = [
            "organisation",
            "contact_person",
            "contact_function",
            "role",
            "level",
            "since",
            "until",
            "note",
        ]
        widgets = {
            "since": DateInput(),
            "until": DateInput(),
            "note": forms.Textarea(attrs={"rows": 2}),
        }

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["organisation"].error_messages["invalid_choice"] = _(
            "Deze organisatie is onbekend. Kies een organisatie uit de lijst, of voeg haar eerst "
            "toe bij Partnerorganisaties (via het portfolio)."
        )


class FundingStreamForm(ScopedOrganisationsMixin, VersionedFormMixin, forms.ModelForm):
    organisation_field = "funder"

    class Meta:
        model = FundingStream
        fields = [
            "label",
            "funder",
            "amount",
            "start_date",
            "end_date",
            "kind",
            "policy_domain",
            "conditions",
        ]
        widgets = {
            "start_date": DateInput(),
            "end_date": DateInput(),
            "conditions": forms.Textarea(attrs={"rows": 2}),
        }
        field_classes = {"amount": AmountField}

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["funder"].error_messages["invalid_choice"] = _(
            "Deze financier is onbekend. Kies een organisatie uit de lijst, of voeg haar eerst "
            "toe bij Partnerorganisaties (via het portfolio)."
        )
        self.fields["amount"].localize = True
        self.fields["amount"].widget.is_localized = True


class GoalForm(VersionedFormMixin, forms.ModelForm):
    change_reason = forms.CharField(
        label=_("Reden van de wijziging"),
        widget=forms.Textarea(attrs={"rows": 2}),
        help_text=_("Doelen verouderen; leg vast waarom dit doel verandert (000 §2.5.2)."),
    )

    class Meta:
        model = Goal
        fields = ["goal_type", "text", "indicator", "retired"]
        widgets = {"text": forms.Textarea(attrs={"rows": 3})}

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        if not self.instance.pk:
            # A new goal needs no reason; its first version is the reason.
            self.fields["change_reason"].required = False
            del self.fields["retired"]


class DecisionForm(forms.ModelForm):
    class Meta:
        model = Decision
        fields = ["kind", "decided_by", "decided_on", "rationale"]
        widgets = {"decided_on": DateInput(), "rationale": forms.Textarea(attrs={"rows": 3})}


class GrantForm(forms.ModelForm):
    class Meta:
        model = ProjectGrant
        fields = ["organisation", "level"]

    def __init__(self, *args, project: Project, **kwargs):
        super().__init__(*args, **kwargs)
        self.project = project
        from proeftuin.administration.pickers import pickable_organisations

        self.fields["organisation"].queryset = pickable_organisations(
            project.owner_id, project
        ).exclude(pk=project.owner_id)

    def clean_organisation(self):
        org = self.cleaned_data["organisation"]
        if ProjectGrant.objects.filter(project=self.project, organisation=org).exists():
            raise forms.ValidationError(_("Dit project is al gedeeld met deze organisatie."))
        return org


class _ReadChoices(forms.models.ModelChoiceIterator):
    """A short list of choices read with one plain query: ``ModelChoiceIterator`` reads with
    ``iterator()``, which on PostgreSQL is a server-side cursor held open outside a transaction
    (DECLARE … WITH HOLD, FETCH, CLOSE: three round trips where one does; issue 14)."""

    def __iter__(self):
        if self.field.empty_label is not None:
            yield ("", self.field.empty_label)
        for obj in self.queryset.all():
            yield self.choice(obj)


class ReadModelChoiceField(forms.ModelChoiceField):
    """A ``ModelChoiceField`` for a short list, read in one plain query (``_ReadChoices``)."""

    iterator = _ReadChoices


class PortfolioFilterForm(forms.Form):
    q = forms.CharField(label=_("Zoeken"), required=False)
    theme = forms.ChoiceField(
        label=_("Thema"), choices=[("", _("Alle thema's")), *Theme.choices], required=False
    )
    neighbourhood = ReadModelChoiceField(
        label=_("Wijk"),
        queryset=Neighbourhood.objects.none(),
        required=False,
        empty_label=_("Alle wijken"),
    )
    phase = forms.ChoiceField(
        label=_("Fase"), choices=[("", _("Alle fasen")), *Phase.choices], required=False
    )
    status = forms.ChoiceField(
        label=_("Status"), choices=[("", _("Alle statussen")), *Status.choices], required=False
    )
    municipality = ReadModelChoiceField(
        label=_("Gemeente"),
        queryset=Municipality.objects.none(),
        required=False,
        empty_label=_("Alle gemeenten"),
    )
    cliff_within = forms.TypedChoiceField(
        label=_("Incidenteel geld stopt binnen"),
        choices=[
            ("", _("Geen filter")),
            (6, _("6 maanden")),
            (12, _("12 maanden")),
            (24, _("24 maanden")),
        ],
        coerce=int,
        empty_value=None,
        required=False,
    )
    sort = forms.ChoiceField(
        label=_("Sorteren op"),
        choices=[("", _("Naam")), ("klif", _("Datum financieringsklif"))],
        required=False,
    )
    participation = forms.ChoiceField(label=_("Participatie van bewoners"), required=False)
    archived = forms.BooleanField(label=_("Ook gearchiveerde projecten"), required=False)

    def __init__(self, *args, neighbourhoods, municipalities=None, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["neighbourhood"].queryset = neighbourhoods
        self.fields["municipality"].queryset = (
            municipalities if municipalities is not None else Municipality.objects.none()
        )
        from proeftuin.core.participation import participation_typology

        from .participation import language

        typology = participation_typology()
        self.fields["participation"].choices = [
            ("", _("Alle vormen")),
            *typology.choices("forms", language()),
            *((f"level:{key}", label) for key, label in typology.choices("levels", language())),
        ]


# Texts about a project may name officials, but never a resident's BSN, contact details or address.
guard(GoalForm, "text", "change_reason", names=False)
guard(DecisionForm, "rationale", names=False)
guard(CoalitionMemberForm, "note", names=False)
