"""Forms for signals (raise, move, filter). Free text passes the identifier guard."""

from __future__ import annotations

from django import forms
from django.db.models import Q
from django.utils.translation import get_language
from django.utils.translation import gettext_lazy as _

from proeftuin.common.identifier_guard import guard
from proeftuin.common.versioning import VersionedFormMixin
from proeftuin.core.learning import lifecycle
from proeftuin.portfolio.models import Neighbourhood, Project, Theme

from .models import Lesson, Signal, SignalStatus
from .services import addressees_for, handlers_of, signals_of, taxonomy


def lang() -> str:
    return "en" if (get_language() or "nl").startswith("en") else "nl"


class SignalForm(forms.ModelForm):
    class Meta:
        model = Signal
        fields = [
            "title",
            "addressed_to",
            "kind",
            "level",
            "what",
            "blocker",
            "project",
            "theme",
            "neighbourhood",
            "where",
            "people_affected",
        ]
        widgets = {
            "what": forms.Textarea(attrs={"rows": 4}),
            "blocker": forms.Textarea(attrs={"rows": 3}),
        }
        help_texts = {
            "what": _(
                "Beschrijf wat u ziet, zonder namen of andere gegevens die naar een persoon leiden."
            ),
            "where": _("Bijvoorbeeld het team of de plek, zonder adres."),
        }

    def __init__(self, *args, user, **kwargs):
        super().__init__(*args, **kwargs)
        tax = taxonomy()
        code = lang()
        self.fields["kind"] = forms.ChoiceField(
            label=_("Soort signaal"),
            choices=[("", "—")] + [(k.id, k.label(code)) for k in tax.kinds],
            help_text=_("Volgens de indeling die de partners afspraken (versie %(v)s).")
            % {"v": tax.version},
        )
        self.fields["level"] = forms.ChoiceField(
            label=_("Niveau"),
            required=False,
            choices=[("", "—")] + [(t.id, t.label(code)) for t in tax.levels],
        )
        self.fields["project"].queryset = Project.objects.visible_to(user).order_by("name")
        self.fields["project"].required = False
        addressees = addressees_for(user)
        self.fields["addressed_to"].queryset = addressees
        municipality = addressees.filter(kind="gemeente").first()
        self.fields["addressed_to"].initial = (municipality.pk if municipality else None) or (
            user.organisation_id
        )
        self.fields["neighbourhood"].queryset = Neighbourhood.objects.filter(
            organisation__in=addressees
        )


# Texts about work may name officials, never residents: the full guard on the free text.
guard(SignalForm, "title", "what", "blocker", "where")


class MoveForm(forms.Form):
    target = forms.ChoiceField(label=_("Nieuwe status"))
    owner = forms.ModelChoiceField(label=_("Eigenaar bij beleid"), queryset=None, required=False)
    reason = forms.CharField(
        label=_("Toelichting voor wie het signaal gaf"),
        widget=forms.Textarea(attrs={"rows": 3}),
        help_text=_("Wat gebeurt er met het signaal, en waarom? De indiener leest dit."),
    )

    def __init__(self, *args, signal: Signal, **kwargs):
        super().__init__(*args, **kwargs)
        labels = dict(SignalStatus.choices)
        self.fields["target"].choices = [
            (s.value, labels[s.value]) for s in lifecycle.allowed_targets(signal.status)
        ]
        self.fields["owner"].queryset = handlers_of(signal.addressed_to_id)
        self.fields["owner"].label_from_instance = lambda u: u.get_full_name() or u.username
        self.fields["owner"].initial = signal.owner_id
        self.fields["reason"].error_messages["required"] = _(
            "Geef een toelichting: de indiener wil weten wat er met het signaal gebeurt."
        )


guard(MoveForm, "reason", names=False)

AGE_CHOICES = [
    ("", _("Alle")),
    ("0-30", _("tot 30 dagen")),
    ("31-90", _("31 tot 90 dagen")),
    ("90+", _("meer dan 90 dagen")),
]


class SignalFilterForm(forms.Form):
    theme = forms.ChoiceField(label=_("Thema"), required=False)
    neighbourhood = forms.ModelChoiceField(label=_("Wijk"), queryset=None, required=False)
    status = forms.ChoiceField(label=_("Status"), required=False)
    age = forms.ChoiceField(label=_("Leeftijd"), required=False, choices=AGE_CHOICES)
    mine = forms.BooleanField(label=_("Alleen mijn signalen"), required=False)

    def __init__(self, *args, user, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["theme"].choices = [("", _("Alle"))] + list(Theme.choices)
        self.fields["status"].choices = [
            ("", _("Alle")),
            ("open", _("Open")),
            *SignalStatus.choices,
        ]
        self.fields["neighbourhood"].queryset = Neighbourhood.objects.filter(
            Q(organisation_id=user.organisation_id)
            | Q(pk__in=signals_of(user).values("neighbourhood_id"))
        )


# Lessons and the end evaluation -------------------------------------------------------------

CHARACTERISTIC_LABELS = {
    "effective_approach": _("Een effectieve aanpak"),
    "measuring": _("Meten: weten en begrijpen"),
    "strategic_coalition": _("Een strategische coalitie"),
    "entrepreneurship": _("Ondernemerschap"),
    "sustainability": _("+1: verduurzaming"),
}

#: The 4+1 questions of the end evaluation, one per characteristic (004 ch. 1–5).
CLOSE_OUT_QUESTIONS = {
    "effective_approach": _("Werkte de aanpak? Waaraan ziet u dat?"),
    "measuring": _("Wat heeft u gemeten, en wat laten de cijfers en verhalen zien?"),
    "strategic_coalition": _("Wie steunden het project, op welk niveau, en bleef die steun?"),
    "entrepreneurship": _("Wie trokken het project, en wat deden zij tegen de stroom in?"),
    "sustainability": _("Hoe gaat het verder: voortzetten, opschalen of stoppen? Wie betaalt?"),
}


class LessonForm(forms.ModelForm):
    class Meta:
        model = Lesson
        fields = [
            "kind",
            "title",
            "text",
            "theme",
            "phase",
            "factor",
            "characteristic",
            "evidence_kind",
            "evidence_assessment",
            "evidence_text",
        ]
        widgets = {"text": forms.Textarea(attrs={"rows": 4})}

    def __init__(self, *args, project, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["characteristic"] = forms.ChoiceField(
            label=_("Kenmerk uit de 4+1"),
            required=False,
            choices=[("", "—"), *CHARACTERISTIC_LABELS.items()],
        )
        self.fields["evidence_assessment"].queryset = project.assessments.all()

    def clean(self):
        data = super().clean()
        kind = data.get("evidence_kind")
        if kind == "scan" and not data.get("evidence_assessment"):
            self.add_error("evidence_assessment", _("Kies de scan die de les onderbouwt."))
        if kind in ("cijfer", "verhaal") and not (data.get("evidence_text") or "").strip():
            self.add_error("evidence_text", _("Noem het cijfer of vertel het verhaal in het kort."))
        return data


guard(LessonForm, "title", "text", "evidence_text")


class CloseOutForm(VersionedFormMixin):
    reason = forms.ChoiceField(label=_("Waarom nu?"))
    outcome = forms.ChoiceField(label=_("Hoe gaat het verder?"))

    def __init__(self, *args, **kwargs):
        from .models import CloseOut

        super().__init__(*args, **kwargs)
        self.fields["reason"].choices = CloseOut.Reason.choices
        self.fields["outcome"].choices = CloseOut.Outcome.choices
        for key, question in CLOSE_OUT_QUESTIONS.items():
            self.fields[f"q_{key}"] = forms.CharField(
                label=question,
                required=False,
                widget=forms.Textarea(attrs={"rows": 3}),
                validators=[_guard_text],
            )

    def answers(self) -> dict[str, str]:
        return {k: self.cleaned_data.get(f"q_{k}", "").strip() for k in CLOSE_OUT_QUESTIONS}


def _guard_text(value: str) -> None:
    from proeftuin.common.identifier_guard import no_identifiers

    no_identifiers(value)
