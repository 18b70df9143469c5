"""Forms for activities and for participant groups shared by several effects."""

from __future__ import annotations

from django import forms
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy as _lazy

from proeftuin.common.versioning import VersionedFormMixin

from .. import models
from .base import (
    RangeChecksMixin,
    _decimal_widgets,
)

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
