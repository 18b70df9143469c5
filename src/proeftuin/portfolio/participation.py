"""The *Participatie* tab: how residents take part in the project (seed 001 chapter 3), with a
form for those who may edit the project. The typology is a data file; this module only reads
and stores the choices."""

from __future__ import annotations

from django import forms as djforms
from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.shortcuts import redirect, render
from django.utils.translation import get_language
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy as _lazy

from proeftuin.common.identifier_guard import guard
from proeftuin.core.access import Capability
from proeftuin.core.participation import Typology, participation_typology

from .access import permissions_for, require, visible_project
from .participation_models import ProjectParticipation


def language() -> str:
    return "en" if (get_language() or "nl").startswith("en") else "nl"


class ParticipationForm(djforms.ModelForm):
    forms = djforms.MultipleChoiceField(
        label=_lazy("Vormen van participatie"),
        required=False,
        widget=djforms.CheckboxSelectMultiple,
        help_text=_lazy("Eén project kan meer vormen hebben."),
    )
    level = djforms.ChoiceField(
        label=_lazy("Hoogste trede op de participatieladder"), required=False
    )
    roles = djforms.MultipleChoiceField(
        label=_lazy("Vanuit welke rol doen bewoners mee?"),
        required=False,
        widget=djforms.CheckboxSelectMultiple,
    )

    class Meta:
        model = ProjectParticipation
        fields = ["forms", "level", "roles", "note"]
        widgets = {"note": djforms.Textarea(attrs={"rows": 4})}

    def __init__(self, *args, typology: Typology, **kwargs):
        super().__init__(*args, **kwargs)
        lang = language()
        self.fields["forms"].choices = typology.choices("forms", lang)
        self.fields["level"].choices = [("", "—"), *typology.choices("levels", lang)]
        self.fields["roles"].choices = typology.choices("roles", lang)


guard(ParticipationForm, "note", names=False)


def describe(participation: ProjectParticipation | None, typology: Typology) -> dict | None:
    """Labels for the tab and the report; None when nothing was recorded."""
    if participation is None or not (
        participation.forms or participation.level or participation.roles
    ):
        return None
    lang = language()
    by_id = {
        part: {e.id: e for e in getattr(typology, part)} for part in ("forms", "levels", "roles")
    }
    return {
        "forms": [by_id["forms"][f] for f in participation.forms if f in by_id["forms"]],
        "level": by_id["levels"].get(participation.level),
        "roles": [
            by_id["roles"][r].label(lang) for r in participation.roles if r in by_id["roles"]
        ],
        "note": participation.note,
        "language": lang,
    }


@login_required
def participation(request, pk: int):
    from .views import project_context

    project = visible_project(request, pk)
    perms = permissions_for(request, project)
    typology = participation_typology()
    current = ProjectParticipation.objects.filter(project=project).first()
    form = None
    if perms["can_edit"]:
        form = ParticipationForm(request.POST or None, instance=current, typology=typology)
    if request.method == "POST":
        require(request, Capability.EDIT, project)
        if form.is_valid():
            saved = form.save(commit=False)
            saved.project = project
            saved.save()
            messages.success(request, _("Participatie van bewoners opgeslagen."))
            return redirect("portfolio:participation", pk=project.pk)
    return render(
        request,
        "portfolio/tab_participation.html",
        project_context(
            request,
            project,
            "participatie",
            described=describe(current, typology),
            typology=typology,
            form=form,
        ),
    )


def report_section(project, today) -> dict | None:
    """The report's *Participatie van bewoners* section; None when nothing was recorded."""
    current = ProjectParticipation.objects.filter(project=project).first()
    described = describe(current, participation_typology())
    return None if described is None else {"described": described}
