"""Forms of the beheer screens. None offers an organisation field: every user a beheerder creates
or edits belongs to the beheerder's own organisation, and nobody edits their own role here."""

from __future__ import annotations

from django import forms
from django.utils.translation import gettext_lazy as _

from proeftuin.accounts.models import Organisation, User
from proeftuin.monitoring.models import AccessLog
from proeftuin.portfolio.models import Project, ProjectGrant


class UserCreateForm(forms.ModelForm):
    """A new colleague in the beheerder's organisation. No password: the new user receives an
    invitation link at this e-mail address and chooses one (:mod:`.invitations`)."""

    class Meta:
        model = User
        fields = ["username", "first_name", "last_name", "email", "role"]
        help_texts = {
            "email": _("De uitnodiging om een wachtwoord te kiezen gaat naar dit adres."),
            "role": _(
                "Een rol met toegang tot deelnemersgegevens of beheer werkt pas als een tweede "
                "beheerder haar goedkeurt."
            ),
        }

    def __init__(self, *args, organisation: Organisation, **kwargs):
        super().__init__(*args, **kwargs)
        self.instance.organisation = organisation
        self.fields["email"].required = True

    def save(self, commit: bool = False) -> User:
        """The unsaved account, without a usable password; :mod:`.roles` saves it."""
        user = super().save(commit=False)
        user.is_superuser = False
        user.set_unusable_password()
        return user


class UserEditForm(forms.ModelForm):
    """Name, e-mail, role and whether the account is active; never organisation or superuser."""

    class Meta:
        model = User
        fields = ["first_name", "last_name", "email", "role", "is_active"]
        labels = {"is_active": _("Account actief")}
        help_texts = {
            "is_active": _("Zet uit om iemand de toegang te ontnemen; de gegevens blijven bewaard.")
        }

    def __init__(self, *args, editor: User, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["email"].help_text = _(
            "Een reset-link gaat naar dit adres. Bij een rol met deelnemers- of beheertoegang moet "
            "een tweede beheerder een nieuw adres goedkeuren."
        )
        if self.instance.pk == editor.pk:
            # Nobody changes their own role or e-mail address, nor locks themselves out.
            del self.fields["role"]
            del self.fields["is_active"]
            del self.fields["email"]


class AccessLogFilterForm(forms.Form):
    q = forms.CharField(label=_("Zoeken"), required=False)
    action = forms.ChoiceField(
        label=_("Handeling"),
        choices=[("", _("Alle handelingen")), *AccessLog.Action.choices],
        required=False,
    )
    project = forms.ModelChoiceField(
        label=_("Project"),
        queryset=Project.objects.none(),
        required=False,
        empty_label=_("Alle projecten"),
    )
    since = forms.DateField(
        label=_("Vanaf"), required=False, widget=forms.DateInput(attrs={"type": "date"})
    )
    until = forms.DateField(
        label=_("Tot en met"), required=False, widget=forms.DateInput(attrs={"type": "date"})
    )

    def __init__(self, *args, projects, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["project"].queryset = projects


class GrantForm(forms.ModelForm):
    """Share one of the own organisation's projects with a pickable organisation."""

    class Meta:
        model = ProjectGrant
        fields = ["project", "organisation", "level"]

    def __init__(self, *args, projects, organisations, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["project"].queryset = projects
        self.fields["organisation"].queryset = organisations
        self.fields["organisation"].help_text = _(
            "Staat de organisatie er niet bij? Voeg haar toe als partnerorganisatie."
        )

    def clean(self):
        data = super().clean()
        project, org = data.get("project"), data.get("organisation")
        if project and org:
            if org.pk == project.owner_id:
                self.add_error("organisation", _("De eigenaar heeft al toegang tot het project."))
            elif ProjectGrant.objects.filter(project=project, organisation=org).exists():
                self.add_error("organisation", _("Dit project is al gedeeld met deze organisatie."))
        return data


class PartnerForm(forms.Form):
    """A partner organisation by name and kind; an unknown name creates the organisation."""

    name = forms.CharField(label=_("Naam"), max_length=200)
    kind = forms.ChoiceField(
        label=_("Soort"),
        choices=Organisation.Kind.choices,
        help_text=_("Alleen gebruikt als de organisatie nog niet bestaat."),
    )
    city = forms.CharField(label=_("Plaats"), max_length=100, required=False)

    def clean_name(self) -> str:
        name = " ".join(self.cleaned_data["name"].split())
        if not name:
            raise forms.ValidationError(_("Geef de naam van de organisatie."))
        return name
