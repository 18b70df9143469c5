"""The signal screens: the portfolio of signals, raising one, following it, moving it, export.

Signals belong to the organisation of the person who raised them; another organisation's signal
is a 404. Raising needs RAISE_SIGNAL, moving needs HANDLE_SIGNAL, the export needs EXPORT
(403 otherwise). Everyone of the organisation may read the list, so the raiser sees the outcome.
"""

from __future__ import annotations

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.exceptions import PermissionDenied
from django.http import Http404, HttpResponse
from django.shortcuts import get_object_or_404, redirect, render
from django.utils import timezone
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy
from django.views.decorators.http import require_POST

from proeftuin.common import exports, listing
from proeftuin.core.access import Capability
from proeftuin.core.learning import lifecycle

from . import services
from .forms import MoveForm, SignalFilterForm, SignalForm, lang
from .models import Signal, SignalStatus

ERRORS = {
    "not-allowed": gettext_lazy("Deze stap kan niet vanuit de huidige status."),
    "reason-required": gettext_lazy("Geef een toelichting."),
    "owner-required": gettext_lazy("Kies een eigenaar bij beleid."),
    "unknown-state": gettext_lazy("Onbekende status."),
}


def _need(request, capability: Capability) -> None:
    if not request.user.can(capability):
        raise PermissionDenied


SIGNAL_PAGE_SIZE = 50


def filtered(request, today):
    """The organisation's signals with the filters of the query string applied."""
    form = SignalFilterForm(request.GET or None, user=request.user)
    rows = services.signals_of(request.user).select_related(
        "owner", "neighbourhood", "project", "organisation", "addressed_to"
    )
    if form.is_valid():
        data = form.cleaned_data
        if data["theme"]:
            rows = rows.filter(theme=data["theme"])
        if data["neighbourhood"]:
            rows = rows.filter(neighbourhood=data["neighbourhood"])
        if data["status"] == "open":
            rows = rows.exclude(status__in=[s.value for s in lifecycle.CLOSED])
        elif data["status"]:
            rows = rows.filter(status=data["status"])
        if data["age"]:
            earliest, latest = lifecycle.bucket_bounds(data["age"], today)
            rows = rows.filter(submitted_on__lte=latest)
            if earliest is not None:
                rows = rows.filter(submitted_on__gte=earliest)
        if data["mine"]:
            rows = rows.filter(raised_by=request.user)
    return form, rows


def _label(tax, kind: str) -> str:
    term = tax.kind(kind)
    return term.label(lang()) if term else kind


def rows_for_table(signals, today) -> list[dict]:
    tax = services.taxonomy()
    return [
        {
            "signal": s,
            "kind": _label(tax, s.kind),
            "overdue": lifecycle.is_overdue(s.status, s.deadline, today),
            "awaiting": s.status in {x.value for x in lifecycle.AWAITING_RESPONSE},
        }
        for s in signals
    ]


@login_required
def signal_list(request):
    today = timezone.localdate()
    form, rows = filtered(request, today)
    tax = services.taxonomy()
    page = listing.page_of(request, rows, SIGNAL_PAGE_SIZE)
    context = {
        "taxonomy_name": tax.name.get(lang()) or tax.name["nl"],
        "taxonomy_agreed": tax.agreed_by.get(lang()) or tax.agreed_by["nl"],
        "form": form,
        "rows": rows_for_table(page.object_list, today),
        "page": page,
        "count": page.paginator.count,
        "can_raise": request.user.can(Capability.RAISE_SIGNAL),
        "can_export": request.user.can(Capability.EXPORT),
        "taxonomy": tax,
        "query": listing.query_without_page(request),
    }
    template = "learning/_signal_rows.html" if request.htmx else "learning/signal_list.html"
    return render(request, template, context)


@login_required
def signal_create(request):
    _need(request, Capability.RAISE_SIGNAL)
    form = SignalForm(request.POST or None, user=request.user)
    if request.method == "POST" and form.is_valid():
        signal = services.raise_signal(form.save(commit=False), request.user)
        messages.success(request, _("Uw signaal is ingediend. Hier ziet u wat ermee gebeurt."))
        return redirect("learning:signal", signal.pk)
    return render(request, "learning/signal_form.html", {"form": form})


def _signal_of(request, signal_pk: int) -> Signal:
    return get_object_or_404(services.signals_of(request.user), pk=signal_pk)


@login_required
def signal_detail(request, signal_pk: int):
    signal = _signal_of(request, signal_pk)
    today = timezone.localdate()
    can_handle = services.may_handle(request.user, signal)
    move_form = MoveForm(signal=signal) if can_handle else None
    return render(request, "learning/signal_detail.html", _detail_context(signal, today, move_form))


def _detail_context(signal: Signal, today, move_form) -> dict:
    tax = services.taxonomy()
    level = tax.level(signal.level) if signal.level else None
    return {
        "signal": signal,
        "kind": _label(tax, signal.kind),
        "level": level.label(lang()) if level else "",
        "events": signal.events.select_related("by"),
        "overdue": lifecycle.is_overdue(signal.status, signal.deadline, today),
        "move_form": move_form if move_form and move_form.fields["target"].choices else None,
        "statuses": dict(SignalStatus.choices),
    }


@login_required
@require_POST
def signal_move(request, signal_pk: int):
    _need(request, Capability.HANDLE_SIGNAL)
    signal = _signal_of(request, signal_pk)
    if not services.may_handle(request.user, signal):
        raise PermissionDenied
    form = MoveForm(request.POST, signal=signal)
    if form.is_valid():
        try:
            services.move_signal(
                signal,
                request.user,
                form.cleaned_data["target"],
                form.cleaned_data["reason"],
                form.cleaned_data["owner"],
            )
        except lifecycle.TransitionError as exc:
            form.add_error(None, ERRORS.get(exc.code, exc.code))
        else:
            messages.success(request, _("De status is bijgewerkt."))
            return redirect("learning:signal", signal.pk)
    context = _detail_context(signal, timezone.localdate(), form)
    return render(request, "learning/signal_detail.html", context, status=200)


EXPORT_HEADER = [
    "id",
    "titel",
    "van",
    "aan",
    "soort",
    "niveau",
    "thema",
    "wijk",
    "project",
    "aantal mensen",
    "status",
    "eigenaar",
    "ingediend op",
    "reactie uiterlijk",
    "te laat",
    "indelingsversie",
]


@login_required
def signal_export(request, fmt: str):
    if fmt not in ("csv", "xlsx"):
        raise Http404
    _need(request, Capability.EXPORT)
    today = timezone.localdate()
    _form, signals = filtered(request, today)
    tax = services.taxonomy()
    statuses = dict(SignalStatus.choices)
    rows = [
        [
            s.pk,
            s.title,
            s.organisation.name,
            s.addressed_to.name,
            _label(tax, s.kind),
            s.level,
            s.get_theme_display() if s.theme else "",
            s.neighbourhood.name if s.neighbourhood else "",
            s.project.name if s.project else "",
            s.people_affected if s.people_affected is not None else "",
            str(statuses.get(s.status, s.status)),
            (s.owner.get_full_name() or s.owner.username) if s.owner else "",
            s.submitted_on.isoformat(),
            s.deadline.isoformat(),
            "ja" if lifecycle.is_overdue(s.status, s.deadline, today) else "nee",
            s.taxonomy_version,
        ]
        for s in signals
    ]
    if fmt == "csv":
        body = exports.csv_bytes(EXPORT_HEADER, rows)
        content_type = "text/csv; charset=utf-8"
    else:
        body = exports.xlsx_bytes({"Signalen": (EXPORT_HEADER, rows)})
        content_type = "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet"
    response = HttpResponse(body, content_type=content_type)
    response["Content-Disposition"] = f'attachment; filename="signalen.{fmt}"'
    return response
