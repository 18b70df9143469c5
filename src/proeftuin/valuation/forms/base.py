"""What the valuation forms share: the bounds, localised number fields (Dutch thousand
separators), the low/likely/high range checks and the party choice."""

from __future__ import annotations

import math
import re

from django import forms
from django.utils.formats import get_format
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy as _lazy

from proeftuin.accounts.models import Organisation

from .. import models
from ..wording import number

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
