"""Forms for the analysis as a whole: the project's own prices and the analysis settings."""

from __future__ import annotations

from django import forms
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy as _lazy

from proeftuin.common.versioning import VersionedFormMixin

from .. import models
from ..convert import ProjectValuation
from ..wording import number
from .base import (
    YEAR_MAX,
    YEAR_MIN,
    RangeChecksMixin,
    _decimal_widgets,
)

# Prices ---------------------------------------------------------------------------------------

NEW_KEY = "__nieuw__"


class PriceOverrideForm(RangeChecksMixin, VersionedFormMixin, forms.ModelForm):
    range_prefixes = ("value",)
    key = forms.ChoiceField(label=_lazy("Prijs uit de lijst"), required=False)
    new_key = forms.SlugField(
        label=_lazy("Sleutel van een nieuwe prijs"),
        required=False,
        help_text=_lazy("Alleen voor een prijs die niet in de lijst staat: kleine letters en _."),
    )

    class Meta:
        model = models.PriceOverride
        fields = [
            "label",
            "unit",
            "value_low",
            "value_likely",
            "value_high",
            "price_year",
            "source",
            "note",
        ]
        widgets = {"note": forms.Textarea(attrs={"rows": 2})}

    def __init__(self, *args, valuation: ProjectValuation, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["value_likely"].help_text = _lazy(
            "In constante prijzen van het prijsjaar hieronder. Proeftuin rekent het om naar het "
            "basisjaar met de consumentenprijsindex van het CBS. Leeg laten: de prijs blijft "
            "onbekend."
        )
        self.valuation = valuation
        if self.instance.pk:
            del self.fields["key"]
            del self.fields["new_key"]
        else:
            taken = {row.key for row in valuation.overrides}
            listed = [
                (key, info.label)
                for key, info in sorted(
                    valuation.price_info.items(), key=lambda kv: kv[1].label.lower()
                )
                if key not in taken and info.override is None
            ]
            self.fields["key"].choices = [
                ("", "—"),
                *listed,
                (NEW_KEY, _("Een nieuwe prijs (niet in de lijst)")),
            ]
            self.fields["key"].error_messages["invalid_choice"] = _lazy(
                "Kies een prijs uit de lijst; voor deze prijs bestaat al een projectprijs."
            )
        self.fields["source"].error_messages["required"] = _lazy(
            "Geef de bron: waar komt dit bedrag vandaan? Zonder bron geen prijs."
        )
        self.fields["label"].help_text = _lazy("Leeg: de omschrijving uit de prijslijst.")
        _decimal_widgets(self)

    def clean(self):
        cleaned = super().clean()
        if not self.instance.pk:
            key = cleaned.get("key")
            if not key:
                self.add_error("key", _("Kies een prijs uit de lijst of ‘een nieuwe prijs’."))
            elif key == NEW_KEY:
                new_key = cleaned.get("new_key")
                if not new_key:
                    self.add_error("new_key", _("Geef de nieuwe prijs een sleutel."))
                elif new_key.lower().replace("-", "_") in self.valuation.price_info:
                    self.add_error(
                        "new_key", _("Deze sleutel bestaat al; kies hem uit de lijst hierboven.")
                    )
                elif not (cleaned.get("label") or "").strip():
                    self.add_error("label", _("Een nieuwe prijs heeft een omschrijving nodig."))
                else:
                    self.instance.key = new_key.lower().replace("-", "_")
            else:
                self.instance.key = key
        self.check_ranges()
        if cleaned.get("value_likely") is None:
            for name in ("value_low", "value_high"):
                if cleaned.get(name) is not None:
                    self.add_error(
                        "value_likely",
                        _("Vul de waarschijnlijke waarde in, of laat alle drie leeg (onbekend)."),
                    )
                    break
        elif cleaned.get("price_year") is None:
            self.add_error("price_year", _("Bij een bedrag hoort het jaar van de prijs."))
        year = cleaned.get("price_year")
        if year is not None and not YEAR_MIN <= year <= YEAR_MAX:
            self.add_error("price_year", _("%(year)s is geen geldig jaar.") % {"year": year})
        return cleaned


# Settings ------------------------------------------------------------------------------------


class AnalysisForm(VersionedFormMixin, forms.ModelForm):
    class Meta:
        model = models.Analysis
        fields = ["reference_scenario", "discount_rate", "horizon", "base_year", "seed", "draws"]
        widgets = {"reference_scenario": forms.Textarea(attrs={"rows": 3})}

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        _decimal_widgets(self)
        self.fields["draws"].help_text = _lazy(
            "Tussen 1.000 en %(max)s; 20.000 is voor een scherm ruim voldoende."
        ) % {"max": number(models.MAX_DRAWS)}

    def clean_discount_rate(self):
        rate = self.cleaned_data.get("discount_rate")
        if rate is not None and not -10 <= rate <= 30:
            raise forms.ValidationError(_("Kies een discontovoet tussen -10% en 30%."))
        return rate

    def clean_horizon(self):
        horizon = self.cleaned_data.get("horizon")
        if horizon is not None and not 1 <= horizon <= 100:
            raise forms.ValidationError(_("De horizon ligt tussen 1 en 100 jaar."))
        return horizon

    def clean_base_year(self):
        year = self.cleaned_data.get("base_year")
        if year is not None and not YEAR_MIN <= year <= YEAR_MAX:
            raise forms.ValidationError(_("%(year)s is geen geldig jaar.") % {"year": year})
        return year

    def clean_draws(self):
        draws = self.cleaned_data.get("draws")
        if draws is not None and not 1_000 <= draws <= models.MAX_DRAWS:
            raise forms.ValidationError(
                _("Kies tussen 1.000 en %(max)s trekkingen.") % {"max": number(models.MAX_DRAWS)}
            )
        return draws
