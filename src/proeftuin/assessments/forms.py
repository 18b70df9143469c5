"""Forms: starting an assessment, and one rater's rating of one indicator with its evidence."""

from __future__ import annotations

import zipfile
from pathlib import Path

from django import forms
from django.core.exceptions import ValidationError
from django.core.files.uploadedfile import UploadedFile
from django.db import IntegrityError, transaction
from django.utils.text import get_valid_filename
from django.utils.translation import gettext_lazy as _

from proeftuin.common.identifier_guard import guard
from proeftuin.common.links import is_safe_link
from proeftuin.common.versioning import StaleEdit, VersionedFormMixin
from proeftuin.core.frameworks import UNKNOWN, Framework, Indicator, RatingError, check_rating

from .models import EVIDENCE_MAX_BYTES, EVIDENCE_TYPES, Assessment, Rating

# The first bytes of each allowed document type: a renamed executable is refused.
MAGIC = {
    "pdf": (b"%PDF-",),
    "png": (b"\x89PNG\r\n\x1a\n",),
    "jpg": (b"\xff\xd8\xff",),
    "jpeg": (b"\xff\xd8\xff",),
    "docx": (b"PK\x03\x04",),
    "xlsx": (b"PK\x03\x04",),
}
# Office files are zip archives; the part that makes them a document or a workbook.
OFFICE_PART = {"docx": "word/document.xml", "xlsx": "xl/workbook.xml"}


class StartForm(forms.Form):
    framework = forms.ChoiceField(label=_("Kader"))
    kind = forms.ChoiceField(
        label=_("Soort scan"), choices=Assessment.Kind.choices, widget=forms.RadioSelect
    )
    title = forms.CharField(
        label=_("Titel"),
        max_length=200,
        required=False,
        help_text=_("Bijvoorbeeld: Zelfscan voorjaar 2026. Leeg laten geeft een titel met datum."),
    )

    def __init__(
        self, *args, frameworks: dict[str, Framework], lang: str, self_allowed: bool, **kwargs
    ):
        super().__init__(*args, **kwargs)
        self.frameworks = frameworks
        self.fields["framework"].choices = [
            (fid, fw.name.get(lang)) for fid, fw in sorted(frameworks.items())
        ]
        if "four_plus_one" in frameworks:
            self.fields["framework"].initial = "four_plus_one"
        # The project's own people do a self-scan; an external scan is an outsider's, so that a
        # self-assessment can never be presented as an independent one.
        own = Assessment.Kind.SELF if self_allowed else Assessment.Kind.EXTERNAL
        kinds = [c for c in Assessment.Kind.choices if c[0] == own]
        self.fields["kind"].choices = kinds
        self.fields["kind"].initial = own
        self.fields["kind"].help_text = (
            _(
                "U hoort bij het project en doet dus een zelfscan; een externe scan is er voor "
                "een evaluator van buiten het project."
            )
            if self_allowed
            else _(
                "Een zelfscan is er voor wie het project mag bewerken; u kunt een externe scan "
                "doen."
            )
        )


def _check_document(upload: UploadedFile) -> str:
    """Refuse anything but a pdf/docx/xlsx/png/jpg of at most 10 MB; returns the extension."""
    ext = Path(upload.name or "").suffix.lower().lstrip(".")
    if ext not in EVIDENCE_TYPES:
        raise ValidationError(
            _("Dit bestandstype kan niet. Toegestaan zijn pdf, docx, xlsx, png en jpg.")
        )
    if upload.size > EVIDENCE_MAX_BYTES:
        raise ValidationError(_("Het bestand is groter dan 10 MB."))
    upload.seek(0)
    head = upload.read(16)
    upload.seek(0)
    if not head.startswith(MAGIC[ext]):
        raise ValidationError(_("De inhoud van het bestand past niet bij de extensie .%s.") % ext)
    if ext in OFFICE_PART:
        try:
            with zipfile.ZipFile(upload) as archive:
                ok = OFFICE_PART[ext] in archive.namelist()
        except zipfile.BadZipFile:
            ok = False
        upload.seek(0)
        if not ok:
            raise ValidationError(
                _("De inhoud van het bestand past niet bij de extensie .%s.") % ext
            )
    return ext


class EvidenceLinkField(forms.CharField):
    """A web address (http or https) or a path inside Proeftuin (``/…``), e.g. to a story.

    Anything else (``javascript:``, ``//host``, ``/\\host``, backslashes) is refused: see
    :func:`proeftuin.common.links.is_safe_link`.
    """

    default_validators: list = []

    def clean(self, value):
        value = super().clean(value).strip()
        if not value:
            return ""
        if not is_safe_link(value):
            raise ValidationError(
                _(
                    "Geef een webadres dat begint met https:// of http://, of een pad binnen "
                    "Proeftuin dat begint met /."
                )
            )
        return value


class RatingForm(VersionedFormMixin, forms.ModelForm):
    """One rater's rating of one indicator. Prefixed with the indicator id (one per row)."""

    value = forms.CharField(label=_("Oordeel"), required=False, widget=forms.RadioSelect)
    evidence_url = EvidenceLinkField(
        label=_("Link naar bewijs"),
        required=False,
        max_length=500,
        help_text=_("Bijvoorbeeld naar een verhaal, een meting of een rapport."),
    )
    evidence_file = forms.FileField(label=_("Document"), required=False)
    remove_file = forms.BooleanField(label=_("Document verwijderen"), required=False)

    stale_message = _(
        "Dit oordeel is intussen ook ergens anders opgeslagen (in een ander venster, of door "
        "een gelijktijdige wijziging). Uw invoer is niet opgeslagen en staat hier nog. Bekijk het "
        "opgeslagen oordeel hieronder; wijzig of sla daarna opnieuw op als uw versie moet gelden."
    )

    class Meta:
        model = Rating
        fields = ["value", "evidence", "evidence_url"]
        widgets = {"evidence": forms.Textarea(attrs={"rows": 2})}
        labels = {"evidence": _("Onderbouwing")}

    def __init__(
        self, *args, framework: Framework, indicator: Indicator, lang: str = "nl", **kwargs
    ):
        kwargs.setdefault("prefix", indicator.id)
        super().__init__(*args, **kwargs)
        self.framework = framework
        self.indicator = indicator
        choices = [(level.code, level.label.get(lang)) for level in framework.scale.levels]
        choices.append((UNKNOWN, _("onbekend")))
        self.fields["value"].widget.choices = choices
        self.new_upload_ext: str | None = None

    def clean_value(self) -> str:
        value = (self.cleaned_data.get("value") or "").strip()
        if not value:
            return ""
        try:
            check_rating(self.framework, self.indicator.id, value)
        except RatingError as exc:
            raise ValidationError(
                _("‘%(value)s’ staat niet op de schaal van dit kader. Kies een van: %(allowed)s."),
                params={
                    "value": value,
                    "allowed": ", ".join((*self.framework.scale.codes, UNKNOWN)),
                },
            ) from exc
        return value

    def clean_evidence_file(self):
        upload = self.cleaned_data.get("evidence_file")
        if isinstance(upload, UploadedFile):
            self.new_upload_ext = _check_document(upload)
        return upload

    def save_rating(self) -> Rating | None:
        """Save with the version check; ``None`` (and a form error) when another save came first.

        A row the form did not know about (created meanwhile in another window) counts as a
        change by someone else too, so nothing is silently overwritten.
        """
        instance: Rating = self.save(commit=False)
        upload = self.cleaned_data.get("evidence_file")
        if isinstance(upload, UploadedFile):
            instance.evidence_file = upload
            instance.evidence_filename = get_valid_filename(Path(upload.name).name)[:200]
        elif self.cleaned_data.get("remove_file"):
            instance.evidence_file = ""
            instance.evidence_filename = ""
        expected = self.cleaned_data.get("edit_version")
        try:
            with transaction.atomic():
                if instance.pk is None:
                    instance.save()
                elif expected is None:
                    raise StaleEdit
                else:
                    instance.save_checked(expected)
        except (StaleEdit, IntegrityError):
            self.add_error(None, self.stale_message)
            current = Rating.objects.filter(
                assessment_id=instance.assessment_id,
                indicator_id=instance.indicator_id,
                rater_id=instance.rater_id,
            ).values_list("version", flat=True)
            self.data = self.data.copy()
            self.data[self.add_prefix("edit_version")] = current.first()
            return None
        return instance


# Evidence may name officials, but never a resident's BSN, contact details or address.
guard(RatingForm, "evidence", names=False)
