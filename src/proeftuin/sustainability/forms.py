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
    """An action with its owner: a colleague or a partner from the registry, in one grouped select.

    ``owners`` is (users, partners) from :func:`~.services.owner_choices`; anyone outside it,
    e.g. another tenant's partner, is refused as an invalid choice."""

    owner_choice = forms.ChoiceField(label=_("Eigenaar"), required=False)

    class Meta:
        model = PlanAction
        fields = ["text", "owner_choice", "owner", "due_date", "status"]
        widgets = {"due_date": DateInput(), "text": forms.Textarea(attrs={"rows": 3})}

    def __init__(self, *args, owners=None, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["text"].error_messages["required"] = _("Beschrijf de actie.")
        users, partners = (list(o) for o in owners) if owners is not None else ([], [])
        self._owners = {f"user:{u.pk}": u for u in users} | {f"partner:{p.pk}": p for p in partners}
        field = self.fields["owner_choice"]
        field.help_text = _(
            "Een collega krijgt een herinnering per e-mail; voor een partner krijgt wie de actie "
            "aanmaakte die herinnering."
        )
        field.choices = [
            ("", _("Niemand")),
            (
                _("Collega's"),
                [(f"user:{u.pk}", u.get_full_name() or u.username) for u in users],
            ),
            (_("Partners"), [(f"partner:{p.pk}", p.name) for p in partners]),
        ]
        action = self.instance
        if action.owner_user_id:
            field.initial = f"user:{action.owner_user_id}"
        elif action.owner_partner_id:
            field.initial = f"partner:{action.owner_partner_id}"

    def clean_owner_choice(self) -> str:
        choice = self.cleaned_data.get("owner_choice") or ""
        owner = self._owners.get(choice)
        # The select refuses unknown values already; this keeps the instance in step with it.
        self.instance.owner_user = owner if choice.startswith("user:") else None
        self.instance.owner_partner = owner if choice.startswith("partner:") else None
        return choice

    def clean_text(self) -> str:
        text = self.cleaned_data["text"].strip()
        if not text:
            raise forms.ValidationError(_("Beschrijf de actie."))
        return text


# Notes may name officials, but never a resident's BSN, contact details or address.
guard(PlanForm, "notes", names=False)
guard(PlanActionForm, "text", names=False)
