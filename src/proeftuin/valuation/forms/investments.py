"""Forms for investments: the full form and the workshop's quick edit of the amounts per year."""

from __future__ import annotations

import math
import re

from django import forms
from django.utils.formats import number_format
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy as _lazy

from proeftuin.common.versioning import VersionedFormMixin
from proeftuin.portfolio.forms import AmountField
from proeftuin.portfolio.models import FundingStream

from .. import models
from .base import (
    YEAR_MAX,
    YEAR_MIN,
    PartyFormMixin,
    RangeChecksMixin,
    _decimal_widgets,
)

# Investments ---------------------------------------------------------------------------------


def format_amounts(amounts: dict) -> str:
    lines = []
    for year, amount in sorted(amounts.items()):
        try:
            value = float(amount)
        except (TypeError, ValueError):
            lines.append(f"{year}: {amount}")
            continue
        decimals = 0 if value == int(value) else 2
        lines.append(f"{year}: {number_format(value, decimals, force_grouping=True)}")
    return "\n".join(lines)


class AmountsField(forms.CharField):
    """Amounts by calendar year, one per line: "2025: 120.000" (Dutch number format)."""

    line = re.compile(r"^(\d{4})\s*[:=]\s*(.+)$")

    def __init__(self, **kwargs):
        kwargs.setdefault("widget", forms.Textarea(attrs={"rows": 3}))
        kwargs.setdefault(
            "help_text",
            _lazy(
                "Per regel een jaar en het extra bedrag in euro's, bijvoorbeeld '2025: 120.000'. "
                "Een negatief bedrag is geld dat vrijkomt (nieuw voor oud)."
            ),
        )
        super().__init__(**kwargs)

    def to_python(self, value):
        text = super().to_python(value) or ""
        amounts: dict[str, float] = {}
        reader = AmountField(localize=True)
        for part in re.split(r"[\n;]+", text):
            part = part.strip()
            if not part:
                continue
            match = self.line.match(part)
            if not match:
                raise forms.ValidationError(
                    _("‘%(part)s’ begrijp ik niet: schrijf per regel ‘2025: 120.000’.")
                    % {"part": part}
                )
            year, raw = match.groups()
            if not YEAR_MIN <= int(year) <= YEAR_MAX:
                raise forms.ValidationError(_("%(year)s is geen geldig jaar.") % {"year": year})
            if year in amounts:
                raise forms.ValidationError(
                    _("Het jaar %(year)s staat er twee keer in.") % {"year": year}
                )
            try:
                amount = reader.to_python(raw.strip())
            except forms.ValidationError:
                amount = None
            if amount is None or not math.isfinite(float(amount)):
                raise forms.ValidationError(
                    _("‘%(amount)s’ (%(year)s) is geen bedrag.") % {"amount": raw, "year": year}
                )
            amounts[year] = float(amount)
        return amounts


class InvestmentForm(PartyFormMixin, RangeChecksMixin, VersionedFormMixin, forms.ModelForm):
    amounts = AmountsField(label=_lazy("Bedragen per jaar"))
    range_prefixes = ("cost",)

    class Meta:
        model = models.Investment
        fields = [
            "funding_stream",
            "name",
            "party_organisation",
            "party_name",
            "domain",
            "amounts",
            "cost_low",
            "cost_high",
            "note",
        ]
        widgets = {"note": forms.Textarea(attrs={"rows": 2})}
        help_texts = {
            "cost_low": _lazy("Onzekerheid over de kosten als factor: 0,9 is 10% meevaller."),
            "cost_high": _lazy("1,25 is 25% overschrijding. Leeg: geen onzekerheid."),
        }

    def __init__(self, *args, base_year: int, project=None, **kwargs):
        super().__init__(*args, **kwargs)
        self.base_year = base_year
        if not self.is_bound and self.instance.pk:
            self.initial["amounts"] = format_amounts(self.instance.amounts)
        project = project or getattr(self.instance, "project", None)
        streams = FundingStream.objects.filter(project=project) if project else None
        self.fields["funding_stream"].queryset = (
            streams if streams is not None else FundingStream.objects.none()
        )
        self.fields["funding_stream"].empty_label = _lazy("— geen: bedragen hieronder —")
        self.fields["amounts"].required = False
        self.fields["domain"].required = False
        self.fields["amounts"].help_text = _lazy(
            "Per kalenderjaar, in constante prijzen van het basisjaar (zonder inflatie). Jaren "
            "vóór het basisjaar zijn verzonken kosten. Leeg bij een gekozen financieringsstroom."
        )
        self.fields["name"].error_messages["required"] = _lazy("Geef de investering een naam.")
        _decimal_widgets(self)

    def clean_amounts(self):
        amounts = self.cleaned_data.get("amounts") or {}
        if self.cleaned_data.get("funding_stream"):
            return {}  # the stream's amounts count (one source of truth)
        if not amounts:
            raise forms.ValidationError(
                _("Vul minstens één jaar met een bedrag in, bijvoorbeeld '%(year)s: 100.000'.")
                % {"year": self.base_year}
            )
        # Years before the decision year are sunk costs: kept and shown apart, not refused.
        return amounts

    def clean(self):
        cleaned = super().clean()
        stream = cleaned.get("funding_stream")
        if stream is not None:
            cleaned["party_organisation"] = stream.funder
            cleaned["party_name"] = ""
            cleaned["domain"] = stream.policy_domain
            self.instance.party_organisation = stream.funder
            self.instance.party_name = ""
            self.instance.domain = stream.policy_domain
        else:
            self.check_party()
            if not cleaned.get("domain"):
                self.add_error("domain", _("Kies het beleidsdomein waaruit betaald wordt."))
        self.check_ranges()
        return cleaned


class InvestmentQuickForm(VersionedFormMixin, forms.ModelForm):
    """The workshop's inline edit of an investment's amounts."""

    amounts = AmountsField(label=_lazy("Bedragen per jaar"), help_text="")

    class Meta:
        model = models.Investment
        fields = ["amounts"]

    def __init__(self, *args, base_year: int, **kwargs):
        super().__init__(*args, **kwargs)
        self.base_year = base_year
        if not self.is_bound:
            self.initial["amounts"] = format_amounts(self.instance.amounts)

    clean_amounts = InvestmentForm.clean_amounts
