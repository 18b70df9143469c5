"""Forms for Tel en vertel. Dutch messages on the field they concern; no names, no BSN."""

from __future__ import annotations

from django import forms
from django.utils import timezone
from django.utils.translation import get_language
from django.utils.translation import gettext_lazy as _

from proeftuin.common.identifier_guard import guard, no_bsn
from proeftuin.common.versioning import VersionedFormMixin
from proeftuin.core import identifiers
from proeftuin.portfolio.forms import DateInput

from . import services
from .models import (
    AgeGroup,
    HeavyMeasure,
    Intervention,
    Measurement,
    Moment,
    PairDefinitionChoice,
    Story,
    Trajectory,
)

MAX_UPLOAD_BYTES = 25 * 1024 * 1024
UPLOAD_EXTENSIONS = (".xlsx", ".ods", ".csv")


def current_lang() -> str:
    return "en" if (get_language() or "nl").startswith("en") else "nl"


class YesNoUnknown(forms.NullBooleanSelect):
    def __init__(self, attrs=None):
        super().__init__(attrs)
        self.choices = (("unknown", _("Onbekend")), ("true", _("Ja")), ("false", _("Nee")))


def _no_future(value):
    if value and value > timezone.localdate():
        raise forms.ValidationError(_("Deze datum ligt in de toekomst."))
    return value


def looks_like_bsn(text: str) -> bool:
    """A BSN after normalising separators, prefixes, fullwidth characters (one guard)."""
    return identifiers.looks_like_bsn(text)


class ClientNumberField(forms.CharField):
    """The organisation's own client number: hashed at once, never stored; a BSN is refused."""

    def __init__(self, **kwargs):
        kwargs.setdefault("label", _("Cliëntnummer"))
        kwargs.setdefault("max_length", 64)
        kwargs.setdefault(
            "help_text",
            _(
                "Het cliëntnummer van uw eigen organisatie. Proeftuin bewaart het niet: alleen een "
                "versleutelde sleutel (pseudoniem). Vul nooit een BSN of naam in."
            ),
        )
        super().__init__(**kwargs)
        self.widget.attrs.update({"autocomplete": "off", "spellcheck": "false"})

    def clean(self, value):
        value = super().clean(value)
        no_bsn(value)
        return value


class PairDefinitionForm(forms.Form):
    """The project's pair definition (a plain form: the write goes through ``recording``)."""

    pair_definition = forms.ChoiceField(
        label=_("Paren"),
        choices=PairDefinitionChoice.choices,
        widget=forms.Select(attrs={"aria-describedby": "pair-definition-help"}),
        help_text=_(
            "Nulmeting → eindmeting (aanbevolen): alleen wie beide metingen heeft, telt mee. "
            "Eerste → laatste meting: de eerste en de laatste bekende score, ook als dat een "
            "tussenmeting is."
        ),
    )
    edit_version = forms.IntegerField(widget=forms.HiddenInput, required=False)
    stale_message = VersionedFormMixin.stale_message


class ParticipantSearchForm(forms.Form):
    client_number = ClientNumberField(required=False, label=_("Zoek op cliëntnummer"))


class ParticipantForm(forms.Form):
    """A new participant (or an existing one, found by client number) and a first trajectory."""

    client_number = ClientNumberField()
    household_number = forms.CharField(
        label=_("Huishoudnummer (optioneel)"),
        max_length=64,
        required=False,
        help_text=_("Om deelnemers uit één huishouden te groeperen; ook dit wordt versleuteld."),
        validators=[no_bsn],
    )
    neighbourhood = forms.CharField(label=_("Wijk"), max_length=100, required=False)
    birth_year = forms.IntegerField(
        label=_("Geboortejaar"), required=False, min_value=1900, max_value=2100
    )
    age_group = forms.ChoiceField(
        label=_("Of: leeftijdsgroep"),
        choices=[("", "—"), *AgeGroup.choices],
        required=False,
        help_text=_("Alleen als het geboortejaar niet bekend is."),
    )
    registered_on = forms.DateField(
        label=_("Aangemeld op"), required=False, widget=DateInput(), validators=[_no_future]
    )
    started_on = forms.DateField(
        label=_("Start traject"), widget=DateInput(), validators=[_no_future]
    )

    def __init__(self, *args, neighbourhoods=(), **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["started_on"].initial = timezone.localdate()
        self.neighbourhood_names = list(neighbourhoods)
        if self.neighbourhood_names:
            self.fields["neighbourhood"].widget.attrs["list"] = "pt-mon-hoods"

    def clean_birth_year(self):
        year = self.cleaned_data.get("birth_year")
        if year and year > timezone.localdate().year:
            raise forms.ValidationError(_("Dit geboortejaar ligt in de toekomst."))
        return year

    def clean(self):
        data = super().clean()
        registered, started = data.get("registered_on"), data.get("started_on")
        if registered and started and registered > started:
            self.add_error("registered_on", _("De aanmelding ligt na de start."))
        return data


class TrajectoryForm(VersionedFormMixin, forms.ModelForm):
    class Meta:
        model = Trajectory
        fields = [
            "registered_on",
            "started_on",
            "ended_on",
            "end_reason",
            "continues_without_help",
            "referred",
        ]
        widgets = {
            "registered_on": DateInput(),
            "started_on": DateInput(),
            "ended_on": DateInput(),
            "continues_without_help": YesNoUnknown(),
            "referred": YesNoUnknown(),
        }

    def clean(self):
        data = super().clean()
        start, end = data.get("started_on"), data.get("ended_on")
        registered = data.get("registered_on")
        if start and end and end < start:
            self.add_error("ended_on", _("Het einde ligt vóór de start."))
        if registered and start and registered > start:
            self.add_error("registered_on", _("De aanmelding ligt na de start."))
        if end and not data.get("end_reason"):
            self.add_error("end_reason", _("Kies de reden waarom het traject eindigde."))
        if data.get("end_reason") and not end:
            self.add_error("ended_on", _("Vul de einddatum in bij een reden einde."))
        for name in ("started_on", "ended_on", "registered_on"):
            if data.get(name) and data[name] > timezone.localdate():
                self.add_error(name, _("Deze datum ligt in de toekomst."))
        return data


def instrument_choices():
    lang = current_lang()
    return [(i.id, i.name.get(lang)) for i in services.instruments().values()]


class MeasurementCreateForm(forms.ModelForm):
    instrument = forms.ChoiceField(label=_("Instrument"))

    class Meta:
        model = Measurement
        fields = ["measured_on", "moment", "instrument"]
        widgets = {"measured_on": DateInput()}

    def __init__(self, *args, trajectory=None, **kwargs):
        super().__init__(*args, **kwargs)
        self.trajectory = trajectory
        self.fields["instrument"].choices = instrument_choices()
        self.fields["instrument"].initial = services.instrument().id
        self.fields["measured_on"].initial = timezone.localdate()
        if trajectory is not None and not trajectory.measurements.exists():
            self.fields["moment"].initial = Moment.BASELINE
        else:
            self.fields["moment"].initial = Moment.INTERIM

    def clean_measured_on(self):
        return _no_future(self.cleaned_data.get("measured_on"))

    def clean(self):
        data = super().clean()
        t = self.trajectory
        if t is not None and data.get("measured_on") and data.get("moment"):
            if data["measured_on"] < t.started_on:
                self.add_error("measured_on", _("Deze datum ligt vóór de start van het traject."))
            elif t.measurements.filter(
                measured_on=data["measured_on"], moment=data["moment"]
            ).exists():
                self.add_error(
                    "measured_on", _("Op deze datum is dit meetmoment al vastgelegd; open die.")
                )
            elif (
                data["moment"] == Moment.INTERIM
                and t.measurements.filter(
                    moment=Moment.END, measured_on__lt=data["measured_on"]
                ).exists()
            ):
                self.add_error(
                    "moment",
                    _(
                        "Er is al een eindmeting vóór deze datum; een tussenmeting daarna kan "
                        "niet. Kies een eerdere datum, of leg een nieuwe eindmeting vast."
                    ),
                )
        return data


class MeasurementDetailsForm(VersionedFormMixin, forms.ModelForm):
    """The measurement's own facts on the entry screen (autosaved, with the version check).

    After a stale save the screen keeps its old version, so every further autosave is refused
    too until the page is reloaded with the colleague's values: the fields still hold the
    user's old values, and saving them would overwrite the colleague's change unseen.
    """

    stale_message = _(
        "Iemand anders heeft de gegevens van deze meting intussen gewijzigd. Uw wijziging is niet "
        "opgeslagen. Vernieuw de pagina om de nieuwe stand te zien en vul daarna zo nodig opnieuw "
        "in."
    )

    class Meta:
        model = Measurement
        fields = [
            "measured_on",
            "moment",
            "professionals",
            "organisations",
            "supervision_order",
            "out_of_home_placement",
            "eviction",
        ]
        widgets = {
            "measured_on": DateInput(),
            "professionals": forms.NumberInput(
                attrs={"min": 0, "max": 200, "inputmode": "numeric"}
            ),
            "organisations": forms.NumberInput(
                attrs={"min": 0, "max": 200, "inputmode": "numeric"}
            ),
            "supervision_order": YesNoUnknown(),
            "out_of_home_placement": YesNoUnknown(),
            "eviction": YesNoUnknown(),
        }
        labels = {
            "supervision_order": _("OTS (ondertoezichtstelling) nodig of van kracht"),
            "out_of_home_placement": _("Uithuisplaatsing nodig of van kracht"),
            "eviction": _("Huisuitzetting dreigt of heeft plaatsgevonden"),
        }

    def clean_measured_on(self):
        return _no_future(self.cleaned_data.get("measured_on"))

    def clean(self):
        data = super().clean()
        t = self.instance.trajectory
        when, moment = data.get("measured_on"), data.get("moment")
        if when and when < t.started_on:
            self.add_error("measured_on", _("Deze datum ligt vóór de start van het traject."))
        if (
            when
            and moment
            and t.measurements.filter(measured_on=when, moment=moment)
            .exclude(pk=self.instance.pk)
            .exists()
        ):
            self.add_error("measured_on", _("Op deze datum is dit meetmoment al vastgelegd."))
        return data


class ScoreForm(forms.Form):
    """One domain's answer: a level of the scale, onbekend, or (empty) no answer."""

    value = forms.CharField(required=False)

    def __init__(self, *args, scale=(1, 2, 3, 4, 5), **kwargs):
        super().__init__(*args, **kwargs)
        self.scale = tuple(scale)

    def clean_value(self):
        raw = (self.cleaned_data.get("value") or "").strip()
        if raw in ("", "onbekend"):
            return raw
        try:
            number = int(raw)
        except ValueError:
            number = None
        if number not in self.scale:
            raise forms.ValidationError(_("Kies een score van de schaal of onbekend."))
        return number


class StoryForm(forms.ModelForm):
    domain = forms.ChoiceField(label=_("Leefgebied (optioneel)"), required=False)

    class Meta:
        model = Story
        fields = ["told_on", "domain", "text", "consent"]
        widgets = {"told_on": DateInput(), "text": forms.Textarea(attrs={"rows": 5})}

    def __init__(self, *args, instrument=None, **kwargs):
        super().__init__(*args, **kwargs)
        instrument = instrument or services.instrument()
        lang = current_lang()
        self.fields["domain"].choices = [("", "—")] + [
            (item.id, item.name.get(lang)) for item in instrument.items
        ]
        self.fields["told_on"].initial = timezone.localdate()

    def clean_told_on(self):
        return _no_future(self.cleaned_data.get("told_on"))


class HeavyMeasureForm(forms.ModelForm):
    class Meta:
        model = HeavyMeasure
        fields = ["kind", "occurred_on"]
        widgets = {"occurred_on": DateInput()}

    def clean_occurred_on(self):
        return _no_future(self.cleaned_data.get("occurred_on"))


class InterventionForm(forms.ModelForm):
    class Meta:
        model = Intervention
        fields = ["started_on", "kind", "description"]
        widgets = {"started_on": DateInput()}

    def clean_started_on(self):
        return _no_future(self.cleaned_data.get("started_on"))


class UploadForm(forms.Form):
    file = forms.FileField(
        label=_("Spreadsheet"),
        help_text=_("XLSX, ODS of CSV, tot 25 MB. Het bestand wordt na de import verwijderd."),
    )
    instrument = forms.ChoiceField(label=_("Instrument"))
    template = forms.ModelChoiceField(
        label=_("Koppelsjabloon (optioneel)"),
        queryset=None,
        required=False,
        empty_label=_("— eerst een voorstel maken —"),
        help_text=_("Een eerder bevestigde koppeling voor een bestand met dezelfde opbouw."),
    )
    #: The import this upload corrects: its confirmed mapping is reused (no template needed).
    previous = forms.IntegerField(required=False, widget=forms.HiddenInput)

    def __init__(self, *args, project=None, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["instrument"].choices = instrument_choices()
        self.fields["instrument"].initial = services.instrument().id
        self.fields["template"].queryset = project.mapping_templates.all()
        self.fields["file"].widget.attrs["accept"] = ",".join(UPLOAD_EXTENSIONS)

    def clean_file(self):
        upload = self.cleaned_data["file"]
        name = (upload.name or "").lower()
        if not name.endswith(UPLOAD_EXTENSIONS):
            raise forms.ValidationError(_("Kies een XLSX-, ODS- of CSV-bestand."))
        if upload.size > MAX_UPLOAD_BYTES:
            raise forms.ValidationError(
                _("Het bestand is groter dan 25 MB. Splits het in delen en importeer ze na elkaar.")
            )
        if upload.size == 0:
            raise forms.ValidationError(_("Het bestand is leeg."))
        return upload

    def clean(self):
        data = super().clean()
        template = data.get("template")
        if template and data.get("instrument") and template.instrument != data["instrument"]:
            self.add_error("template", _("Dit sjabloon hoort bij een ander instrument."))
        return data


# Free text about a participant: no BSN, contact details, address or name (issue 8, item 5).
guard(StoryForm, "text")
guard(InterventionForm, "description")
guard(ParticipantForm, "neighbourhood", names=False)
