"""Forms for the continuation plan and its actions (Dutch labels; stale edits are caught)."""

from __future__ import annotations

from django import forms
from django.utils.translation import get_language
from django.utils.translation import gettext_lazy as _

from proeftuin.common.identifier_guard import guard
from proeftuin.common.versioning import VersionedFormMixin
from proeftuin.core.frameworks import Framework
from proeftuin.portfolio.forms import DateInput

from .models import ContinuationPlan, PlanAction


def _lang() -> str:
    return "en" if (get_language() or "nl").startswith("en") else "nl"


class PlanForm(VersionedFormMixin, forms.ModelForm):
    route = forms.ChoiceField(
        label=_("Route"),
        required=False,
        help_text=_("Kies bewust, met kennis van de nadelen (004 §5.2)."),
    )
    strategies = forms.MultipleChoiceField(
        label=_("Financieringsstrategieën"),
        required=False,
        widget=forms.CheckboxSelectMultiple,
    )

    class Meta:
        model = ContinuationPlan
        fields = ["route", "strategies", "owner", "deadline", "status", "notes"]
        widgets = {"deadline": DateInput(), "notes": forms.Textarea(attrs={"rows": 4})}

    def __init__(self, *args, framework: Framework, **kwargs):
        super().__init__(*args, **kwargs)
        lang = _lang()
        self.fields["route"].choices = [("", _("Nog niet gekozen"))] + [
            (o.id, o.name.get(lang)) for o in framework.sustainability_routes
        ]
        self.fields["strategies"].choices = [
            (o.id, o.name.get(lang)) for o in framework.financing_strategies
        ]


class PlanActionForm(VersionedFormMixin, forms.ModelForm):
    class Meta:
        model = PlanAction
        fields = ["text", "owner_user", "owner", "due_date", "status"]
        widgets = {"due_date": DateInput(), "text": forms.Textarea(attrs={"rows": 3})}

    def __init__(self, *args, owners=None, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["text"].error_messages["required"] = _("Beschrijf de actie.")
        owner_user = self.fields["owner_user"]
        # Only colleagues of the own tenant or of the project's owner; anyone else is refused.
        owner_user.queryset = owners if owners is not None else owner_user.queryset.none()
        owner_user.label_from_instance = lambda u: u.get_full_name() or u.username
        owner_user.empty_label = _("Niemand (of een partner hieronder)")

    def clean_text(self) -> str:
        text = self.cleaned_data["text"].strip()
        if not text:
            raise forms.ValidationError(_("Beschrijf de actie."))
        return text


# Notes may name officials, but never a resident's BSN, contact details or address.
guard(PlanForm, "notes", names=False)
guard(PlanActionForm, "text", names=False)
