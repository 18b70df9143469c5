"""Forms for municipalities, neighbourhoods, the partner registry and the nieuw-voor-oud ledger."""

from __future__ import annotations

from django import forms
from django.utils.translation import gettext_lazy as _

from proeftuin.accounts.models import Organisation
from proeftuin.common.identifier_guard import guard

from .forms import AmountField, DateInput
from .models import Neighbourhood, Project
from .registry import Municipality, NewForOldEntry, PartnerOrganisation


class MunicipalityForm(forms.ModelForm):
    class Meta:
        model = Municipality
        fields = ["cbs_code", "name"]

    def __init__(self, *args, tenant, **kwargs):
        super().__init__(*args, **kwargs)
        self.instance.organisation = tenant

    def clean_cbs_code(self) -> str:
        code = self.cleaned_data["cbs_code"].strip().upper()
        taken = Municipality.objects.filter(
            organisation=self.instance.organisation, cbs_code=code
        ).exclude(pk=self.instance.pk)
        if taken.exists():
            raise forms.ValidationError(_("Deze gemeente staat al in de lijst."))
        return code


class NeighbourhoodForm(forms.ModelForm):
    class Meta:
        model = Neighbourhood
        fields = ["kind", "cbs_code", "name", "parent"]

    def __init__(self, *args, municipality: Municipality, **kwargs):
        super().__init__(*args, **kwargs)
        self.municipality = municipality
        self.instance.organisation_id = municipality.organisation_id
        self.instance.municipality = municipality
        self.fields["parent"].queryset = municipality.neighbourhoods.filter(kind="wijk")
        self.fields["cbs_code"].required = True
        self.fields["cbs_code"].help_text = _("Wijk: WK036300. Buurt: BU03630000.")

    def clean(self):
        data = super().clean()
        code = (data.get("cbs_code") or "").strip().upper()
        if code and code[2:6] != self.municipality.cbs_code[2:]:
            self.add_error(
                "cbs_code",
                _("Deze code hoort niet bij %(code)s.") % {"code": self.municipality.cbs_code},
            )
        taken = Neighbourhood.objects.filter(
            organisation_id=self.municipality.organisation_id, cbs_code=code
        ).exclude(pk=self.instance.pk)
        if code and taken.exists():
            self.add_error("cbs_code", _("Deze code staat al in de lijst."))
        data["cbs_code"] = code
        if data.get("kind") == "buurt" and not data.get("parent") and len(code) == 10:
            # A buurt's code names its wijk (BU03630001 lies in WK036300).
            data["parent"] = (
                self.fields["parent"].queryset.filter(cbs_code="WK" + code[2:8]).first()
            )
            self.instance.parent = data["parent"]
        return data


class NeighbourhoodCsvForm(forms.Form):
    file = forms.FileField(
        label=_("CSV-bestand van het CBS"),
        help_text=_("Met een kolom voor de code (WK… of BU…) en een kolom 'naam' of 'regio'."),
    )


class PartnerForm(forms.ModelForm):
    # People copy the number with spaces ("2403 1234"); the spaces go before the model's 8-digit
    # check.
    kvk_number = forms.CharField(
        label=_("KvK-nummer"),
        max_length=12,
        required=False,
        help_text=_("Niet verplicht. 8 cijfers."),
    )

    class Meta:
        model = PartnerOrganisation
        fields = ["name", "kind", "kvk_number", "municipality"]

    def __init__(self, *args, tenant, **kwargs):
        super().__init__(*args, **kwargs)
        self.instance.organisation = tenant
        self.fields["municipality"].queryset = Municipality.objects.filter(organisation=tenant)

    def clean_name(self) -> str:
        name = self.cleaned_data["name"].strip()
        taken = PartnerOrganisation.objects.filter(
            organisation=self.instance.organisation, name__iexact=name
        ).exclude(pk=self.instance.pk)
        if taken.exists():
            raise forms.ValidationError(_("Deze partner staat al in de lijst."))
        # A tenant (an organisation with its own accounts) becomes a partner only through the
        # beheerder (issue 8): that is what lets a project be shared with it.
        tenant = Organisation.objects.filter(name__iexact=name, users__isnull=False).exclude(
            pk=self.instance.organisation_id
        )
        if tenant.exists():
            raise forms.ValidationError(
                _(
                    "Deze organisatie werkt zelf met Proeftuin. Vraag de beheerder haar als "
                    "partner toe te voegen."
                )
            )
        return name

    def clean_kvk_number(self) -> str:
        return self.cleaned_data["kvk_number"].replace(" ", "").strip()


class NewForOldForm(forms.ModelForm):
    class Meta:
        model = NewForOldEntry
        fields = [
            "municipality",
            "budget_line",
            "policy_domain",
            "change",
            "amount_per_year",
            "since",
            "projects",
            "note",
        ]
        widgets = {
            "since": DateInput(),
            "projects": forms.CheckboxSelectMultiple,
            "note": forms.Textarea(attrs={"rows": 2}),
        }
        field_classes = {"amount_per_year": AmountField}

    def __init__(self, *args, tenant, **kwargs):
        super().__init__(*args, **kwargs)
        self.instance.organisation = tenant
        self.fields["municipality"].queryset = Municipality.objects.filter(organisation=tenant)
        # Only the tenant's own projects: it records its own budget, not a partner's.
        self.fields["projects"].queryset = Project.objects.filter(
            owner=tenant, archived_at__isnull=True
        )
        self.fields["amount_per_year"].localize = True
        self.fields["amount_per_year"].widget.is_localized = True


guard(NewForOldForm, "note", names=False)
