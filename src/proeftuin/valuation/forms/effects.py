"""Forms for effects: the full form (sizes, shares, price, timing) and the workshop's quick edit."""

from __future__ import annotations

from django import forms
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy as _lazy

from proeftuin.common.versioning import VersionedFormMixin

from .. import models
from ..convert import ProjectValuation
from .base import (
    YEAR_MAX,
    YEAR_MIN,
    RangeChecksMixin,
    _decimal_widgets,
)

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
