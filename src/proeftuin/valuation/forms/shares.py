"""Forms for who benefits from an effect: one share, the formset whose shares add up to one,
and the workshop's quick edit."""

from __future__ import annotations

import math

from django import forms
from django.forms import BaseInlineFormSet, inlineformset_factory
from django.utils.translation import gettext as _

from proeftuin.common.versioning import StaleEdit, VersionedFormMixin

from .. import models
from ..wording import number
from .base import (
    SHARE_TOLERANCE,
    PartyFormMixin,
    _decimal_widgets,
)

# Benefit shares ---------------------------------------------------------------------------


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
