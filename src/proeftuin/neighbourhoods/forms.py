from __future__ import annotations

from django import forms
from django.utils.translation import gettext_lazy as _

from proeftuin.common.identifier_guard import guard

from .models import ContextNote

MAX_BYTES = 20 * 1024 * 1024


class UploadForm(forms.Form):
    file = forms.FileField(
        label=_("Bestand met wijkcijfers"),
        help_text=_("CSV, XLSX of ODS, tot 20 MB: één rij per wijk of buurt per jaar."),
    )

    def clean_file(self):
        file = self.cleaned_data["file"]
        if file.size > MAX_BYTES:
            raise forms.ValidationError(_("Het bestand is groter dan 20 MB."))
        return file


class NoteForm(forms.ModelForm):
    class Meta:
        model = ContextNote
        fields = ["text"]
        widgets = {"text": forms.Textarea(attrs={"rows": 5})}


guard(NoteForm, "text", names=False)
