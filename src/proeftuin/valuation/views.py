"""Screens of *Maatschappelijke waarde*: the chain editor (a project tab), the workshop mode,
the results of the indicative MKBA, the price list, the settings and the XLSX export.

Tenancy and roles as everywhere: a project is reached through ``visible_project`` (a foreign
project is a 404), child rows through the project, and every change needs ``Capability.VALUE``
plus write access to the project (403 otherwise). Views call :mod:`.services`; they do not compute.
"""

from __future__ import annotations

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.db import transaction
from django.db.models import Q
from django.http import Http404
from django.shortcuts import get_object_or_404, redirect, render
from django.urls import reverse
from django.utils import timezone
from django.utils.text import slugify
from django.utils.translation import get_language
from django.utils.translation import gettext as _
from django.views.decorators.http import require_POST

from proeftuin.administration.pickers import pickable_organisations
from proeftuin.common.exports import download
from proeftuin.core.access import Capability
from proeftuin.portfolio.access import require, visible_project, writable
from proeftuin.portfolio.models import Project
from proeftuin.portfolio.views import project_context

from . import charts, forms, models, services
from .convert import (
    ACTIVITY,
    EFFECT,
    GROUP,
    INVESTMENT,
    LINK,
    PRICE,
    analysis_for,
    base_year_of,
)
from .export import workbook
from .wording import discount_rate_source, horizon_source

TAB = "waarde"
SHARE = "aandeel"

KINDS = {
    INVESTMENT: (models.Investment, "value_investments", forms.InvestmentForm, "investeringen"),
    ACTIVITY: (models.Activity, "value_activities", forms.ActivityForm, "activiteiten"),
    EFFECT: (models.Effect, "value_effects", forms.EffectForm, "effecten"),
    LINK: (models.Link, "value_links", forms.LinkForm, "schakels"),
    PRICE: (models.PriceOverride, "value_prices", forms.PriceOverrideForm, "prijzen"),
    GROUP: (models.ParticipantGroup, "value_groups", forms.ParticipantGroupForm, "groepen"),
}

QUICK_FORMS = {
    INVESTMENT: forms.InvestmentQuickForm,
    EFFECT: forms.EffectQuickForm,
    SHARE: forms.ShareQuickForm,
}


def _access(request, project: Project) -> dict[str, bool]:
    user = request.user
    may_write = writable(request, project)
    return {
        "can_value": user.can(Capability.VALUE, write_access=may_write),
        "can_export": user.can(Capability.EXPORT),
    }


def _live(request, project: Project) -> bool:
    """Whether observed figures may be the live ones: only for participant-level readers
    (everyone else reads the project's latest release of the figures)."""
    from proeftuin.monitoring.access import may_see_participants

    return may_see_participants(request, project)


def _context(request, project: Project, sub: str, **extra) -> dict:
    return project_context(request, project, TAB, sub=sub, **_access(request, project), **extra)


def _problem_page(request, project, problem, sub: str):
    return render(
        request, "valuation/problem.html", _context(request, project, sub, problem=problem)
    )


# The tab: the chain as tables, with its problems ---------------------------------------------------


@login_required
def chain(request, pk: int):
    project = visible_project(request, pk)
    outcome = services.analyse(project, montecarlo=False, live=_live(request, project))
    return render(
        request,
        "valuation/tab_chain.html",
        _context(request, project, "keten", outcome=outcome, valuation=outcome.valuation),
    )


# Add, edit, delete ----------------------------------------------------------------------------


def _form_kwargs(kind: str, valuation, organisations=None) -> dict:
    if kind in (EFFECT, LINK, PRICE):
        return {"valuation": valuation}
    if kind == INVESTMENT:
        return {
            "base_year": valuation.base_year,
            "project": valuation.project,
            "organisations": organisations,
        }
    return {}


@login_required
def element_edit(request, pk: int, kind: str, item_pk: int | None = None):
    if kind not in KINDS:
        raise Http404
    model, related, form_class, anchor = KINDS[kind]
    project = visible_project(request, pk)
    require(request, Capability.VALUE, project)
    instance = get_object_or_404(getattr(project, related), pk=item_pk) if item_pk else None
    valuation, problem = services.load(project, live=_live(request, project))
    if valuation is None:
        return _problem_page(request, project, problem, "keten")
    data = request.POST if request.method == "POST" else None
    organisations = pickable_organisations(request.user.organisation_id, project)
    form = form_class(data, instance=instance, **_form_kwargs(kind, valuation, organisations))
    formset = None
    if kind == EFFECT:
        parent = instance or models.Effect(project=project)
        formset = forms.ShareFormSet(
            data,
            instance=parent,
            prefix="aandelen",
            form_kwargs={"organisations": organisations},
        )
    if data is not None and form.is_valid() and (formset is None or formset.is_valid()):

        def attach(obj):
            obj.project = project

        with transaction.atomic():
            saved = form.save_versioned(commit_extra=attach)
            if saved is not None and formset is not None:
                formset.instance = saved
                if not formset.save_versioned():
                    # A share changed since the form was shown (in the workshop, say): all or
                    # nothing, so the effect's own changes are not saved either.
                    transaction.set_rollback(True)
                    saved = None
                    form.add_error(None, form.stale_message)
        if saved is not None:
            messages.success(request, _("Opgeslagen."))
            target = "valuation:prices" if kind == PRICE else "valuation:project"
            return redirect(reverse(target, args=[project.pk]) + f"#{anchor}")
    back = "valuation:prices" if kind == PRICE else "valuation:project"
    return render(
        request,
        "valuation/element_form.html",
        _context(
            request,
            project,
            "keten",
            form=form,
            formset=formset,
            kind=kind,
            model_name=model._meta.verbose_name,
            editing=instance is not None,
            instance=instance,
            back_url=reverse(back, args=[project.pk]) + f"#{anchor}",
            valuation=valuation,
        ),
    )


@login_required
@require_POST
def element_delete(request, pk: int, kind: str, item_pk: int):
    if kind not in KINDS:
        raise Http404
    _model, related, _form, anchor = KINDS[kind]
    project = visible_project(request, pk)
    require(request, Capability.VALUE, project)
    row = get_object_or_404(getattr(project, related), pk=item_pk)
    back = reverse("valuation:prices" if kind == PRICE else "valuation:project", args=[project.pk])
    if kind == PRICE:
        users = list(project.value_effects.filter(price_key=row.key))
        valuation, _problem = services.load(project, live=_live(request, project))
        listed = valuation is not None and row.key in valuation.catalogue
        if users and not listed:
            messages.error(
                request,
                _(
                    "Deze projectprijs staat niet in de prijslijst en wordt nog gebruikt door: "
                    "%(effects)s. Kies daar eerst een andere prijs."
                )
                % {"effects": ", ".join(e.indicator for e in users)},
            )
            return redirect(back + f"#{anchor}")
    with transaction.atomic():
        if kind in (INVESTMENT, ACTIVITY, EFFECT):
            project.value_links.filter(Q(source=row.core_id) | Q(target=row.core_id)).delete()
        row.delete()
    messages.success(request, _("Verwijderd."))
    return redirect(back + f"#{anchor}")


# Workshop mode ----------------------------------------------------------------------------------


def _quick_forms(valuation, can_value: bool) -> dict[str, object]:
    """One small autosave form per number-carrying element (only for people who may edit)."""
    if not can_value:
        return {}
    found: dict[str, object] = {}
    for row in valuation.investments:
        found[row.core_id] = forms.InvestmentQuickForm(
            instance=row, base_year=valuation.base_year, prefix=row.core_id
        )
    for row in valuation.effects:
        found[row.core_id] = forms.EffectQuickForm(instance=row, prefix=row.core_id)
        for share in row.shares.all():
            key = f"s{share.pk}"
            found[key] = forms.ShareQuickForm(instance=share, prefix=key)
    return found


@login_required
def workshop(request, pk: int):
    """The Effectenarena on one shared screen: investments → activities → effects → who benefits."""
    project = visible_project(request, pk)
    outcome = services.analyse(project, montecarlo=False, live=_live(request, project))
    access = _access(request, project)
    valuation = outcome.valuation
    quick = _quick_forms(valuation, access["can_value"]) if valuation else {}
    return render(
        request,
        "valuation/workshop.html",
        _context(
            request,
            project,
            "werkplaats",
            outcome=outcome,
            valuation=valuation,
            quick=quick,
            columns=_columns(valuation, quick) if valuation else None,
        ),
    )


def _columns(valuation, quick) -> dict[str, list[dict]]:
    """The four columns of the Effectenarena, each card with its links and its quick form."""
    incoming: dict[str, list] = {}
    outgoing: dict[str, list] = {}
    for link in valuation.links:
        outgoing.setdefault(link.source, []).append(
            {"link": link, "other": valuation.name(link.target)}
        )
        incoming.setdefault(link.target, []).append(
            {"link": link, "other": valuation.name(link.source)}
        )
    beneficiaries: dict[tuple[str, str], dict] = {}
    for effect in valuation.effects:
        for share in effect.shares.all():
            entry = beneficiaries.setdefault(
                (share.party, share.domain),
                {"party": share.party, "domain": share.get_domain_display(), "effects": []},
            )
            key = f"s{share.pk}"
            entry["effects"].append(
                {"effect": effect, "share": share, "form": quick.get(key), "id": key}
            )

    def card(row):
        return {
            "row": row,
            "id": row.core_id,
            "out": outgoing.get(row.core_id, []),
            "in": incoming.get(row.core_id, []),
            "form": quick.get(row.core_id),
        }

    effects = []
    for row in valuation.effects:
        item = card(row)
        item["price"] = valuation.price_info.get(row.price_key)
        effects.append(item)
    return {
        "investments": [card(row) for row in valuation.investments],
        "activities": [card(row) for row in valuation.activities],
        "effects": effects,
        "beneficiaries": list(beneficiaries.values()),
    }


@login_required
@require_POST
def autosave(request, pk: int, kind: str, item_pk: int):
    """Save one element's numbers from the workshop (HTMX on change); answer with its state."""
    if kind not in QUICK_FORMS:
        raise Http404
    project = visible_project(request, pk)
    require(request, Capability.VALUE, project)
    if kind == SHARE:
        instance = get_object_or_404(
            models.BenefitShare.objects.filter(effect__project=project), pk=item_pk
        )
        prefix = f"s{instance.pk}"
    else:
        related = KINDS[kind][1]
        instance = get_object_or_404(getattr(project, related), pk=item_pk)
        prefix = instance.core_id
    kwargs = {}
    if kind == INVESTMENT:
        kwargs["base_year"] = base_year_of(project, analysis_for(project))
    form = QUICK_FORMS[kind](request.POST, instance=instance, prefix=prefix, **kwargs)
    saved = None
    if form.is_valid():
        with transaction.atomic():
            saved = form.save_versioned()
    if not request.htmx:
        if saved is not None:
            messages.success(request, _("Opgeslagen."))
        else:
            errors = [str(e) for field_errors in form.errors.values() for e in field_errors]
            messages.error(request, _("Niet opgeslagen: %(errors)s") % {"errors": " ".join(errors)})
        return redirect("valuation:workshop", pk=project.pk)
    if saved is not None:
        # A fresh form, so the hidden version is the saved one and the next edit is not stale.
        form = QUICK_FORMS[kind](instance=saved, prefix=prefix, **kwargs)
    outcome = services.analyse(project, montecarlo=False, live=_live(request, project))
    return render(
        request,
        "valuation/_autosave.html",
        {
            "project": project,
            "form": form,
            "state_id": prefix,
            "saved": saved is not None,
            "saved_at": timezone.localtime(),
            "outcome": outcome,
        },
    )


# Results ------------------------------------------------------------------------------------------


@login_required
def results(request, pk: int):
    project = visible_project(request, pk)
    outcome = services.analyse(project, live=_live(request, project))
    return render(
        request,
        "valuation/results.html",
        _context(
            request,
            project,
            "resultaten",
            outcome=outcome,
            valuation=outcome.valuation,
            tornado_spec=charts.tornado(outcome),
            histogram_spec=charts.histogram(outcome),
            flow_spec=charts.invest_benefit(outcome),
            balance_spec=charts.balance(outcome),
            parameter_names=outcome.valuation.parameter_names() if outcome.valuation else {},
            rate_source=discount_rate_source(),
            horizon_source=horizon_source(),
        ),
    )


# Prices, settings, export ----------------------------------------------------------------------------


@login_required
def prices(request, pk: int):
    project = visible_project(request, pk)
    valuation, problem = services.load(project, live=_live(request, project))
    if valuation is None:
        return _problem_page(request, project, problem, "prijzen")
    rows = sorted(valuation.price_info.values(), key=lambda info: info.label.lower())
    return render(
        request,
        "valuation/prices.html",
        _context(
            request,
            project,
            "prijzen",
            valuation=valuation,
            rows=rows,
            lists=[
                {
                    "name": info.name.get(get_language() or "nl"),
                    "version": info.version,
                    "description": info.description.get(get_language() or "nl")
                    if info.description
                    else "",
                }
                for info in valuation.catalogue.lists
            ],
        ),
    )


@login_required
def settings_edit(request, pk: int):
    project = visible_project(request, pk)
    require(request, Capability.VALUE, project)
    analysis = analysis_for(project)
    form = forms.AnalysisForm(request.POST or None, instance=analysis)
    if request.method == "POST" and form.is_valid():

        def attach(obj):
            obj.project = project

        with transaction.atomic():
            saved = form.save_versioned(commit_extra=attach)
        if saved is not None:
            messages.success(request, _("Instellingen opgeslagen."))
            return redirect("valuation:results", pk=project.pk)
    return render(
        request,
        "valuation/settings.html",
        _context(
            request,
            project,
            "instellingen",
            form=form,
            rate_source=discount_rate_source(),
            horizon_source=horizon_source(),
        ),
    )


@login_required
def export(request, pk: int):
    """Every assumption of the analysis in one workbook (through ``common.exports``)."""
    project = visible_project(request, pk)
    require(request, Capability.EXPORT)
    outcome = services.analyse(project, live=_live(request, project))
    if outcome.valuation is None:
        return _problem_page(request, project, outcome.problem, "keten")
    filename = f"mkba-{slugify(project.name) or project.pk}"
    return download(workbook(outcome), filename, "xlsx")
