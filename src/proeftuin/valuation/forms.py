"""Forms for the effects chain. Messages are Dutch and sit on the field they concern.

The forms catch what one row can tell (a low value above its high value, a probability outside
[0, 1], a year before the base year); what only the whole chain can tell (a cycle, an effect that
benefits nobody, shares that do not add up, a missing price) is the core's validation, shown in
Dutch by :mod:`proeftuin.valuation.messages`. The link form asks the core about cycles before it
saves.
"""

from __future__ import annotations

import math
import re
from dataclasses import replace

from django import forms
from django.forms import BaseInlineFormSet, inlineformset_factory
from django.utils.formats import get_format, number_format
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy as _lazy

from proeftuin.accounts.models import Organisation
from proeftuin.common.versioning import StaleEdit, VersionedFormMixin
from proeftuin.core.valuation import CycleError, Link, ValuationError, validate
from proeftuin.portfolio.forms import AmountField
from proeftuin.portfolio.models import FundingStream

from . import models
from .convert import ProjectValuation
from .messages import explain
from .wording import number

YEAR_MIN, YEAR_MAX = 1900, 2200
SHARE_TOLERANCE = 1e-6

# (prefix, Dutch name, lower bound, upper bound); the size's bounds depend on its kind.
SHARES = ("decay", "deadweight", "attribution", "displacement")


def _range_names() -> dict[str, str]:
    return {
        "size": _("de omvang"),
        "participants": _("het aantal deelnemers"),
        "decay": _("de afname per jaar"),
        "deadweight": _("de deadweight"),
        "attribution": _("de attributie"),
        "displacement": _("de verdringing"),
        "cost": _("de kostenfactor"),
        "value": _("de waarde"),
    }


def _ungroup(value):
    """Drop thousand separators where they group digits in threes ("50.000" is fifty thousand in
    Dutch); Django only does that with USE_THOUSAND_SEPARATOR, which would change every page."""
    if isinstance(value, str):
        value = value.strip().removeprefix("€").strip()
        thousands = re.escape(get_format("THOUSAND_SEPARATOR"))
        decimal = re.escape(get_format("DECIMAL_SEPARATOR"))
        if re.fullmatch(rf"-?\d{{1,3}}(?:{thousands}\d{{3}})+(?:{decimal}\d*)?", value):
            value = re.sub(thousands, "", value)
    return value


class LocalFloatField(forms.FloatField):
    def to_python(self, value):
        return super().to_python(_ungroup(value))


class LocalDecimalField(forms.DecimalField):
    def to_python(self, value):
        return super().to_python(_ungroup(value))


class DecimalTextInput(forms.TextInput):
    """A localised number as text, without a trailing ",0" on whole numbers (100, not 100,0)."""

    def format_value(self, value):
        if isinstance(value, float) and value.is_integer():
            value = int(value)
        return super().format_value(value)


def _decimal_widgets(form: forms.BaseForm) -> None:
    """Localised number fields render as text; ask phones for a numeric keyboard."""
    for field in form.fields.values():
        if isinstance(field, forms.FloatField | forms.DecimalField):
            # A number input cannot show "0,08": localised numbers need a text input.
            attrs = {k: v for k, v in field.widget.attrs.items() if k not in ("step", "min", "max")}
            attrs.update(inputmode="decimal", autocomplete="off")
            field.__class__ = (
                LocalDecimalField if isinstance(field, forms.DecimalField) else LocalFloatField
            )
            field.localize = True
            field.widget = DecimalTextInput(attrs=attrs)
            field.widget.is_localized = True
            field.widget.is_required = field.required


class RangeChecksMixin:
    """Checks low ≤ likely ≤ high and the hard bounds of each low/likely/high triple.

    Works on partial forms (the workshop's quick edits): a value the form does not carry is read
    from the instance, and an error lands on a field the form has.
    """

    range_prefixes: tuple[str, ...] = ()
    middle = "likely"

    def _value(self, name: str):
        if name in self.fields:
            return self.cleaned_data.get(name)
        return getattr(self.instance, name, None)

    def _error_field(self, *names: str) -> str | None:
        for name in names:
            if name in self.fields:
                return name
        return None

    def _bounds(self, prefix: str) -> tuple[float | None, float | None, str]:
        if prefix == "size":
            kind = self._value("size_kind") or models.Effect.Kind.PROBABILITY
            if kind == models.Effect.Kind.PROBABILITY:
                return (
                    0.0,
                    1.0,
                    _("Een kans ligt tussen 0 en 1 (0,08 is 8%); een negatieve kans bestaat niet."),
                )
            return None, None, ""
        if prefix in SHARES:
            return 0.0, 1.0, _("Een aandeel ligt tussen 0 en 1 (0,2 is 20%).")
        if prefix in ("participants", "cost", "groupsize"):
            return 0.0, None, _("Dit kan niet negatief zijn.")
        return None, None, ""

    def check_ranges(self) -> None:
        names = _range_names()
        for prefix in self.range_prefixes:
            low_name, mid_name, high_name = (
                f"{prefix}_low",
                f"{prefix}_{self.middle}",
                f"{prefix}_high",
            )
            low, mid, high = self._value(low_name), self._value(mid_name), self._value(high_name)
            if prefix == "cost":
                mid = 1.0
            lower, upper, bound_text = self._bounds(prefix)
            for name, value in ((low_name, low), (mid_name, mid), (high_name, high)):
                if value is None or name not in self.fields:
                    continue
                if not math.isfinite(value):
                    self.add_error(name, _("Vul een gewoon getal in."))
                elif (lower is not None and value < lower) or (upper is not None and value > upper):
                    self.add_error(name, bound_text)
            if mid is None:
                continue
            if low is not None and high is not None and low > high:
                field = self._error_field(low_name, high_name, mid_name)
                self.add_error(
                    field,
                    _("De lage waarde van %(what)s (%(low)s) ligt boven de hoge (%(high)s).")
                    % {"what": names[prefix], "low": number(low), "high": number(high)},
                )
            elif low is not None and low > mid:
                field = self._error_field(low_name, mid_name)
                self.add_error(
                    field,
                    _(
                        "De lage waarde van %(what)s (%(low)s) ligt boven de waarschijnlijke (%(mid)s)."
                    )
                    % {"what": names[prefix], "low": number(low), "mid": number(mid)},
                )
            elif high is not None and high < mid:
                field = self._error_field(high_name, mid_name)
                self.add_error(
                    field,
                    _(
                        "De hoge waarde van %(what)s (%(high)s) ligt onder de waarschijnlijke (%(mid)s)."
                    )
                    % {"what": names[prefix], "high": number(high), "mid": number(mid)},
                )


class PartyFormMixin:
    """Exactly one of: an organisation from the list, or a party name typed in."""

    def __init__(self, *args, organisations=None, **kwargs):
        super().__init__(*args, **kwargs)
        # Only what the user's organisation may pick (issue 8); see administration.pickers.
        self.fields["party_organisation"].queryset = (
            organisations if organisations is not None else Organisation.objects.none()
        )
        self.fields["party_organisation"].error_messages["invalid_choice"] = _lazy(
            "Deze organisatie is onbekend. Kies een organisatie uit de lijst of typ een naam."
        )

    def check_party(self) -> None:
        org = self.cleaned_data.get("party_organisation")
        name = (self.cleaned_data.get("party_name") or "").strip()
        if not org and not name:
            self.add_error("party_name", _("Kies een organisatie of typ de naam van een partij."))
        elif org and name:
            self.add_error("party_name", _("Kies een organisatie óf typ een naam, niet allebei."))


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


# Activities ----------------------------------------------------------------------------------


class ActivityForm(VersionedFormMixin, forms.ModelForm):
    class Meta:
        model = models.Activity
        fields = ["name", "description"]
        widgets = {"description": forms.Textarea(attrs={"rows": 3})}

    def __init__(self, *args, **kwargs):
        kwargs.pop("base_year", None)
        super().__init__(*args, **kwargs)
        self.fields["name"].error_messages["required"] = _lazy("Geef de activiteit een naam.")


class ParticipantGroupForm(RangeChecksMixin, VersionedFormMixin, forms.ModelForm):
    """A group of participants shared by several effects (declared once)."""

    range_prefixes = ("size",)

    class Meta:
        model = models.ParticipantGroup
        fields = ["name", "size_low", "size_likely", "size_high"]

    def __init__(self, *args, **kwargs):
        kwargs.pop("base_year", None)
        super().__init__(*args, **kwargs)
        self.fields["name"].error_messages["required"] = _lazy("Geef de groep een naam.")
        _decimal_widgets(self)

    def _bounds(self, prefix: str) -> tuple[float | None, float | None, str]:
        return 0.0, None, _("Een aantal deelnemers kan niet negatief zijn.")


# Effects -------------------------------------------------------------------------------------


def price_choices(valuation: ProjectValuation) -> list[tuple[str, str]]:
    choices = []
    for key, info in sorted(valuation.price_info.items(), key=lambda kv: kv[1].label.lower()):
        state = _("bekend") if info.known else _("onbekend")
        mark = _(", projectprijs") if info.override else ""
        choices.append((key, f"{info.label} ({state}{mark})"))
    return choices


class EffectForm(RangeChecksMixin, VersionedFormMixin, forms.ModelForm):
    range_prefixes = ("size", "participants", "decay", "deadweight", "attribution", "displacement")
    price_key = forms.ChoiceField(label=_lazy("Prijs"))

    class Meta:
        model = models.Effect
        fields = [
            "indicator",
            "description",
            "size_kind",
            "size_low",
            "size_likely",
            "size_high",
            "distribution",
            "participants_low",
            "participants_likely",
            "participants_high",
            "group",
            "participant_label",
            "case_phrase",
            "start_year",
            "duration",
            "decay_low",
            "decay_likely",
            "decay_high",
            "deadweight_low",
            "deadweight_likely",
            "deadweight_high",
            "attribution_low",
            "attribution_likely",
            "attribution_high",
            "displacement_low",
            "displacement_likely",
            "displacement_high",
            "measure",
            "transfer",
            "price_key",
            "basis",
            "observed_measure",
            "observed_source",
            "source",
        ]
        widgets = {
            "description": forms.Textarea(attrs={"rows": 2}),
            "source": forms.Textarea(attrs={"rows": 2}),
        }

    groups = (
        ("wat", _lazy("Wat verandert er?"), ("indicator", "description", "size_kind"), ""),
        (
            "omvang",
            _lazy("Hoe groot is het effect per deelnemer?"),
            ("size_low", "size_likely", "size_high"),
            _lazy(
                "Bij een kans: het aandeel deelnemers bij wie het effect optreedt (0,08 is 8 op de "
                "100). Laag en hoog leeg laten: geen onzekerheid."
            ),
        ),
        (
            "deelnemers",
            _lazy("Bij hoeveel deelnemers?"),
            ("participants_low", "participants_likely", "participants_high"),
            "",
        ),
        ("groep", _lazy("Gedeelde deelnemersgroep"), ("group",), ""),
        (
            "brutonetto",
            _lazy("Bruto of netto?"),
            ("measure",),
            _lazy(
                "Deadweight, attributie en verdringing gelden alleen voor een bruto effect. Is de "
                "omvang al het verschil met het nulalternatief, kies dan netto."
            ),
        ),
        ("zinnen", _lazy("In gewone taal"), ("participant_label", "case_phrase"), ""),
        ("wanneer", _lazy("Wanneer?"), ("start_year", "duration"), ""),
        (
            "afname",
            _lazy("Afname per jaar"),
            ("decay_low", "decay_likely", "decay_high"),
            _lazy("0,1: het effect wordt elk jaar 10% kleiner."),
        ),
        (
            "deadweight",
            _lazy("Deadweight: welk deel zou ook zonder het project gebeuren?"),
            ("deadweight_low", "deadweight_likely", "deadweight_high"),
            _lazy("Een aandeel tussen 0 en 1 (0,2 is 20%)."),
        ),
        (
            "attributie",
            _lazy("Attributie: welk deel komt door dit project (en niet door anderen)?"),
            ("attribution_low", "attribution_likely", "attribution_high"),
            _lazy("Een aandeel tussen 0 en 1 (1 is: helemaal door dit project)."),
        ),
        (
            "verdringing",
            _lazy("Verdringing: welk deel gaat elders verloren?"),
            ("displacement_low", "displacement_likely", "displacement_high"),
            _lazy("Een aandeel tussen 0 en 1 (0,1 is 10%)."),
        ),
        (
            "waarde",
            _lazy("Waarde en onzekerheid"),
            ("price_key", "distribution", "transfer"),
            _lazy(
                "Bedragen in constante prijzen van het basisjaar (het beslisjaar): zonder "
                "inflatie. Een overdracht (zoals minder bijstand) staat apart, buiten het saldo."
            ),
        ),
        (
            "basis",
            _lazy("Aangenomen of waargenomen?"),
            ("basis", "observed_measure", "observed_source", "source"),
            _lazy(
                "Waargenomen: uit de monitoring (tel en vertel); kies het cijfer, dan neemt "
                "Proeftuin de gemeten verandering met haar 90%-betrouwbaarheidsinterval over. "
                "Aangenomen: een schatting in de werkplaats of van deskundigen (004 §2.3)."
            ),
        ),
    )
    triples = ("omvang", "deelnemers", "afname", "deadweight", "attributie", "verdringing")

    def __init__(self, *args, valuation: ProjectValuation, **kwargs):
        super().__init__(*args, **kwargs)
        self.valuation = valuation
        self.base_year = valuation.base_year
        self.fields["price_key"].choices = [("", "—"), *price_choices(valuation)]
        self.fields["price_key"].error_messages["invalid_choice"] = _lazy(
            "Kies een prijs uit de prijslijst. Staat hij er niet bij? Voeg hem toe als projectprijs."
        )
        self.fields["price_key"].error_messages["required"] = _lazy(
            "Kies de prijs waarmee het effect in geld wordt uitgedrukt (onbekend mag)."
        )
        self.fields["indicator"].error_messages["required"] = _lazy(
            "Geef het effect een indicator, bijvoorbeeld 'Minder uithuisplaatsingen'."
        )
        self.fields["group"].queryset = models.ParticipantGroup.objects.filter(
            project=valuation.project
        )
        # New fields with safe defaults: older clients and imports may leave them out.
        self.fields["measure"].required = False
        self.fields["displacement_likely"].required = False
        # A size in euros takes no price; every other kind needs one (checked in ``clean``).
        self.fields["price_key"].required = False
        for prefix in (
            "size",
            "participants",
            "decay",
            "deadweight",
            "attribution",
            "displacement",
        ):
            self.fields[f"{prefix}_low"].label = _lazy("Laag")
            self.fields[f"{prefix}_high"].label = _lazy("Hoog")
            self.fields[f"{prefix}_likely"].label = _lazy("Waarschijnlijk")
        self.fields["start_year"].help_text = _lazy("Leeg: het basisjaar (%(year)s).") % {
            "year": self.base_year
        }
        _decimal_widgets(self)

    def grouped(self):
        """The fields by fieldset: (slug, legend, bound fields, is_triple, description)."""
        return [
            (slug, legend, [self[name] for name in names], slug in self.triples, description)
            for slug, legend, names, description in self.groups
        ]

    def clean_start_year(self):
        year = self.cleaned_data.get("start_year")
        if year is not None and not YEAR_MIN <= year <= YEAR_MAX:
            raise forms.ValidationError(_("%(year)s is geen geldig jaar.") % {"year": year})
        return year  # years before the decision year are sunk: shown apart, not refused

    def clean_measure(self):
        return self.cleaned_data.get("measure") or models.MeasureChoice.GROSS

    def clean_displacement_likely(self):
        value = self.cleaned_data.get("displacement_likely")
        return 0.0 if value is None else value

    def clean_duration(self):
        duration = self.cleaned_data.get("duration")
        if duration is not None and duration < 1:
            raise forms.ValidationError(_("Minstens 1 jaar, of leeg: tot de horizon."))
        return duration

    def clean(self):
        cleaned = super().clean()
        self.check_ranges()
        if cleaned.get("distribution") == models.Effect.DistributionChoice.LOGNORMAL:
            for prefix in ("size", "participants"):
                low, high = cleaned.get(f"{prefix}_low"), cleaned.get(f"{prefix}_high")
                if low is not None and high is not None and low < high and low <= 0:
                    self.add_error(
                        f"{prefix}_low",
                        _("Een lognormale verdeling vraagt een lage waarde boven nul."),
                    )
        self._check_price(cleaned)
        if (
            cleaned.get("observed_measure")
            and cleaned.get("basis") != models.Effect.BasisChoice.OBSERVED
        ):
            self.add_error(
                "observed_measure",
                _(
                    "Een cijfer uit de monitoring hoort bij een waargenomen effect: kies 'waargenomen'."
                ),
            )
        return cleaned

    def _check_price(self, cleaned) -> None:
        """A size in euros (an observed cost difference) is its own value: no price, and no
        fake € 1 unit price. Every other kind is valued by a price from the list."""
        in_euros = cleaned.get("size_kind") == models.Effect.Kind.AMOUNT
        if in_euros and cleaned.get("price_key"):
            self.add_error(
                "price_key",
                _("Een bedrag in euro is al een waarde: laat de prijs leeg."),
            )
        elif not in_euros and not cleaned.get("price_key") and "price_key" not in self.errors:
            self.add_error("price_key", self.fields["price_key"].error_messages["required"])
        if cleaned.get("observed_measure") == models.ObservedMeasure.CASE_COSTS and not in_euros:
            self.add_error(
                "size_kind",
                _(
                    "Het casusverloop levert een bedrag in euro per deelnemer: kies die soort "
                    "omvang (dan is geen prijs nodig)."
                ),
            )


class EffectQuickForm(RangeChecksMixin, VersionedFormMixin, forms.ModelForm):
    """The workshop's inline edit of an effect's numbers."""

    range_prefixes = ("size", "participants", "deadweight", "attribution")

    class Meta:
        model = models.Effect
        fields = [
            "size_low",
            "size_likely",
            "size_high",
            "participants_likely",
            "deadweight_likely",
            "attribution_likely",
        ]

    def __init__(self, *args, **kwargs):
        kwargs.pop("base_year", None)
        super().__init__(*args, **kwargs)
        _decimal_widgets(self)

    def clean(self):
        cleaned = super().clean()
        self.check_ranges()
        return cleaned


class BenefitShareForm(PartyFormMixin, VersionedFormMixin, forms.ModelForm):
    """One share in the effect's form. It carries its own version: the workshop edits a share
    without touching the effect, so the effect's version alone cannot tell that it changed."""

    class Meta:
        model = models.BenefitShare
        fields = ["party_organisation", "party_name", "domain", "share"]

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["party_organisation"].help_text = ""
        self.fields["party_name"].help_text = ""
        _decimal_widgets(self)

    def clean_share(self):
        share = self.cleaned_data.get("share")
        if share is not None and not (math.isfinite(share) and 0 <= share <= 1):
            raise forms.ValidationError(_("Een aandeel ligt tussen 0 en 1 (0,8 is 80%)."))
        return share

    def clean(self):
        cleaned = super().clean()
        if self.has_changed() and not cleaned.get("DELETE"):
            self.check_party()
        return cleaned


class BaseShareFormSet(BaseInlineFormSet):
    def save_versioned(self) -> bool:
        """Save the shares, each changed or deleted one only if its version is still the one the
        form was shown with. Returns False when one is stale: nothing of the formset is saved
        then, the stale forms carry the current version for a conscious re-save, and the caller
        rolls the effect back too (it runs inside the caller's transaction)."""
        stale = False
        for form in self.initial_forms:
            row = form.instance
            expected = form.cleaned_data.get("edit_version")
            if self._should_delete_form(form):
                current = type(row).objects.select_for_update().filter(pk=row.pk, version=expected)
                if expected is None or not current.exists():
                    stale = True
                else:
                    row.delete()
            elif form.has_changed():
                try:
                    row.save_checked(expected)
                except StaleEdit:
                    stale = True
            if stale:
                break
        if stale:
            for form in self.initial_forms:
                now = type(form.instance).objects.filter(pk=form.instance.pk)
                form.data = form.data.copy()
                form.data[form.add_prefix("edit_version")] = now.values_list(
                    "version", flat=True
                ).first()
            return False
        self.save_new_objects(commit=True)
        return True

    def clean(self):
        super().clean()
        if any(self.errors):
            return
        shares = [
            f.cleaned_data["share"]
            for f in self.forms
            if f.cleaned_data and not f.cleaned_data.get("DELETE") and "share" in f.cleaned_data
        ]
        total = math.fsum(s for s in shares if s is not None)
        if shares and abs(total - 1.0) > SHARE_TOLERANCE:
            raise forms.ValidationError(
                _(
                    "De aandelen tellen op tot %(total)s; samen moeten ze precies 1 zijn (100%%): "
                    "elke euro van het effect landt bij een partij."
                )
                % {"total": number(total)}
            )


ShareFormSet = inlineformset_factory(
    models.Effect,
    models.BenefitShare,
    form=BenefitShareForm,
    formset=BaseShareFormSet,
    extra=2,
    can_delete=True,
)


class ShareQuickForm(VersionedFormMixin, forms.ModelForm):
    """The workshop's inline edit of one benefit share."""

    class Meta:
        model = models.BenefitShare
        fields = ["share"]

    def __init__(self, *args, **kwargs):
        kwargs.pop("base_year", None)
        super().__init__(*args, **kwargs)
        _decimal_widgets(self)

    clean_share = BenefitShareForm.clean_share


# Links ----------------------------------------------------------------------------------------


class LinkForm(VersionedFormMixin, forms.ModelForm):
    source = forms.ChoiceField(label=_lazy("Van"))
    target = forms.ChoiceField(label=_lazy("Naar"))

    class Meta:
        model = models.Link
        fields = ["source", "target", "assumption"]
        widgets = {"assumption": forms.Textarea(attrs={"rows": 3})}

    def __init__(self, *args, valuation: ProjectValuation, **kwargs):
        super().__init__(*args, **kwargs)
        self.valuation = valuation

        def group(label, rows):
            return (label, [(row.core_id, str(row)) for row in rows])

        sources = [
            group(_("Investeringen"), valuation.investments),
            group(_("Activiteiten"), valuation.activities),
            group(_("Effecten"), valuation.effects),
        ]
        self.fields["source"].choices = [("", "—"), *[g for g in sources if g[1]]]
        self.fields["target"].choices = [("", "—"), *[g for g in sources[1:] if g[1]]]
        message = _lazy("Kies een element van de keten uit de lijst.")
        self.fields["source"].error_messages["invalid_choice"] = message
        self.fields["target"].error_messages["invalid_choice"] = message

    def clean(self):
        cleaned = super().clean()
        source, target = cleaned.get("source"), cleaned.get("target")
        if not source or not target:
            return cleaned
        if source == target:
            self.add_error("target", _("Een schakel verbindt twee verschillende elementen."))
            return cleaned
        duplicate = self.valuation.project.value_links.filter(source=source, target=target)
        if self.instance.pk:
            duplicate = duplicate.exclude(pk=self.instance.pk)
        if duplicate.exists():
            self.add_error("target", _("Deze schakel bestaat al."))
            return cleaned
        # Would this link close a loop? Ask the core, and say it the way the results page would.
        chain = self.valuation.chain
        links = [
            link
            for link, row in zip(chain.links, self.valuation.links, strict=True)
            if row.pk != self.instance.pk
        ]
        trial = replace(chain, links=(*links, Link(source, target, cleaned.get("assumption", ""))))
        try:
            validate(trial, self.valuation.prices, self.valuation.settings)
        except CycleError as exc:
            self.add_error(None, explain(exc, self.valuation).text)
        except ValuationError:
            pass  # other problems of the chain are shown on the chain page, not here
        return cleaned


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
