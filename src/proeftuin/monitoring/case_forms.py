"""The form for one step of the case timeline. Free text is checked for identifiers."""

from __future__ import annotations

from django import forms
from django.utils.translation import gettext_lazy as _

from proeftuin.common.identifier_guard import guard
from proeftuin.portfolio.forms import DateInput

from .case_models import CaseEvent


def price_choices(project, language: str) -> list[tuple[str, str]]:
    """The price-list keys and the project's own prices, for the unit-cost choice."""
    from proeftuin.valuation.models import PriceOverride
    from proeftuin.valuation.prices import catalogue

    choices = [("", _("— geen: typ een projectprijs of laat onbekend —"))]
    own = {p.key: p for p in PriceOverride.objects.filter(project=project)}
    for entry in catalogue().entries.values():
        label = f"{entry.label.get(language)} ({entry.unit.get(language)})"
        if entry.key in own and own[entry.key].value_likely is not None:
            label += " · " + str(_("projectprijs"))
        elif entry.value is None:
            label += " · " + str(_("onbekend"))
        choices.append((entry.key, label))
    for key, price in own.items():
        if key not in dict(choices):
            choices.append((key, f"{price.label or key} · {_('projectprijs')}"))
    return choices


class CaseEventForm(forms.ModelForm):
    price_key = forms.ChoiceField(label=_("Prijs uit de prijslijst"), required=False)

    class Meta:
        model = CaseEvent
        fields = [
            "lane",
            "service",
            "provider",
            "started_on",
            "ended_on",
            "units",
            "unit",
            "price_key",
            "unit_cost",
            "price_source",
            "assumption",
            "source",
        ]
        widgets = {"started_on": DateInput(), "ended_on": DateInput()}

    def __init__(self, *args, project=None, language: str = "nl", **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["price_key"].choices = price_choices(project, language)
        self.fields["unit_cost"].help_text = _(
            "Een eigen bedrag (projectprijs) gaat voor de prijslijst. Leeg: onbekend, telt nooit "
            "als nul."
        )

    def clean(self):
        cleaned = super().clean()
        start, end = cleaned.get("started_on"), cleaned.get("ended_on")
        if start and end and end < start:
            self.add_error("ended_on", _("Het einde ligt voor de start."))
        if cleaned.get("unit_cost") is not None and not cleaned.get("price_source"):
            self.add_error("price_source", _("Noem de bron van dit bedrag."))
        if cleaned.get("lane") == CaseEvent.Lane.REFERENCE and not cleaned.get("assumption"):
            self.add_error(
                "assumption", _("Een stap zonder aanpak is een aanname: schrijf hem op.")
            )
        return cleaned


guard(CaseEventForm, "service", "provider", "assumption", "source", "price_source")
