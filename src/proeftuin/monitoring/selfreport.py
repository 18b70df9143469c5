"""Self-report screens: the professional's link and comparison page, and the participant's page.

The participant's page needs no account. It is reached only by a one-time token (stored as a
digest), shows only the instrument's questions, and after use or expiry shows a plain message
and nothing else. Unknown tokens count against the visitor's address (a keyed hash) under a
generous budget; tries at a dead link count against that link only, so valid links from a shared
address (a NAT) keep working. Rules: :mod:`proeftuin.core.selfreport`; writes: :mod:`.recording`.
"""

from __future__ import annotations

from datetime import timedelta

import segno
from django.conf import settings
from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.db.models import F
from django.shortcuts import get_object_or_404, redirect, render
from django.urls import reverse
from django.utils import timezone
from django.utils.translation import gettext as _
from django.utils.translation import override
from django.views.decorators.cache import never_cache
from django.views.decorators.http import require_POST

from proeftuin.core import selfreport as rules
from proeftuin.core.instruments import Instrument
from proeftuin.portfolio.views import project_context

from . import analytics, audit, recording, services
from .access import monitor_project
from .models import Measurement
from .scale_items import scale_items
from .selfreport_models import Rating, SelfReportFailure, SelfReportLink

TAB = "tel-en-vertel"
UNKNOWN = "onbekend"


def _measurement_of(project, mpk: int) -> Measurement:
    return get_object_or_404(
        Measurement.objects.filter(trajectory__project=project).select_related(
            "trajectory__participant", "trajectory__project__owner"
        ),
        pk=mpk,
    )


def _support_labels(participant: bool = False) -> dict[str, str]:
    """The split's answers: in the participant's own words, or the professional's."""
    if participant:
        return {
            "own_strength": _("Ik zelf"),
            "network": _("Mensen om mij heen (familie, vrienden, buren)"),
            "professional": _("Hulpverleners"),
        }
    return {
        "own_strength": _("Eigen kracht"),
        "network": _("Netwerk"),
        "professional": _("Professionele hulp"),
    }


def _form_items(instrument: Instrument, chosen: dict | None = None) -> list[dict]:
    """The questions as the forms show them; ``chosen`` maps item → (value text, support)."""
    chosen = chosen or {}
    items = scale_items(instrument, analytics.lang())
    for item in items:
        item["chosen"], item["support"] = chosen.get(item["id"], ("", []))
    return items


def _read_answers(post, instrument: Instrument) -> tuple[dict, dict, list[str]]:
    """Values (``None``: weet ik niet), support split and errors from a posted form."""
    values: dict[str, int | None] = {}
    support: dict[str, list[str]] = {}
    errors = []
    allowed = {str(v) for v in instrument.scale.values}
    for item in instrument.items:
        raw = post.get(f"score-{item.id}", "")
        if raw == "":
            continue
        if raw == UNKNOWN:
            values[item.id] = None
        elif raw in allowed:
            values[item.id] = int(raw)
        else:
            errors.append(item.name.get(analytics.lang()))
            continue
        if instrument.support_split:
            support[item.id] = rules.clean_support(post.getlist(f"support-{item.id}"))
    return values, support, errors


# --- the professional's side ----------------------------------------------------------------------


def _ratings(measurement: Measurement, kind: str) -> dict[str, Rating]:
    return {r.item: r for r in measurement.ratings.filter(kind=kind)}


def _comparison_rows(measurement: Measurement, instrument: Instrument) -> list[dict]:
    language = analytics.lang()
    professional = {s.item: s.value for s in measurement.scores.all()}
    own = _ratings(measurement, Rating.Kind.SELF)
    agreed = _ratings(measurement, Rating.Kind.AGREED)
    compared = rules.compare(
        instrument.item_ids, professional, {k: r.value for k, r in own.items()}
    )
    labels = _support_labels()
    rows = []
    for c in compared:
        rows.append(
            {
                "item": c.item,
                "name": instrument.item(c.item).name.get(language),
                "professional": c.professional,
                "has_professional": c.item in professional,
                "participant": c.participant,
                "has_participant": c.item in own,
                "agreement": c.agreement.value,
                "gap": c.gap,
                "support": [labels[s] for s in own[c.item].support] if c.item in own else [],
                "has_agreed": c.item in agreed,
                "agreed": agreed[c.item].value if c.item in agreed else None,
            }
        )
    return rows


def _page(request, project, measurement, instrument, **extra):
    agreed = _ratings(measurement, Rating.Kind.AGREED)
    chosen = {
        k: ("onbekend" if r.value is None else str(r.value), r.support) for k, r in agreed.items()
    }
    now = timezone.now()
    links = [
        {
            "link": link,
            "state": "revoked"
            if link.revoked
            else rules.link_state(
                now=now, expires_at=link.expires_at, used_at=link.used_at, opens=link.opens
            ).value,
        }
        for link in measurement.self_report_links.all()[:10]
    ]
    return render(
        request,
        "monitoring/self_report.html",
        project_context(
            request,
            project,
            TAB,
            measurement=measurement,
            trajectory=measurement.trajectory,
            instrument=instrument,
            rows=_comparison_rows(measurement, instrument),
            has_self=any(r.kind == Rating.Kind.SELF for r in measurement.ratings.all()),
            agreed_items=_form_items(instrument, chosen),
            support_labels=_support_labels(),
            links=links,
            default_days=rules.DEFAULT_VALID_DAYS,
            max_days=rules.MAX_VALID_DAYS,
            **extra,
        ),
    )


def _instrument_or_back(request, measurement):
    try:
        return services.known_instrument(measurement.instrument)
    except services.UnknownInstrument:
        messages.error(request, _("Het instrument van deze meting is niet geïnstalleerd."))
        return None


@login_required
def self_report(request, pk: int, mpk: int):
    """Links, the comparison of the two ratings and the agreed rating for one measurement."""
    project = monitor_project(request, pk)
    measurement = _measurement_of(project, mpk)
    instrument = _instrument_or_back(request, measurement)
    if instrument is None:
        return redirect("monitoring:entry", pk=project.pk, mpk=measurement.pk)
    return _page(request, project, measurement, instrument)


@never_cache
@login_required
@require_POST
def self_report_link(request, pk: int, mpk: int):
    """Make a link and show it once (with its QR code): only its digest is stored."""
    project = monitor_project(request, pk)
    measurement = _measurement_of(project, mpk)
    instrument = _instrument_or_back(request, measurement)
    if instrument is None:
        return redirect("monitoring:entry", pk=project.pk, mpk=measurement.pk)
    try:
        days = int(request.POST.get("days", rules.DEFAULT_VALID_DAYS))
    except ValueError:
        days = 0
    if not rules.valid_days(days):
        response = _page(
            request,
            project,
            measurement,
            instrument,
            days_error=_("Kies een geldigheid tussen 1 en %(max)s dagen.")
            % {"max": rules.MAX_VALID_DAYS},
        )
        response.status_code = 400
        return response
    language = request.POST.get("language", "nl")
    link, token = recording.create_self_report_link(
        measurement, days=days, language=language, by=request
    )
    url = request.build_absolute_uri(reverse("monitoring:self_report_fill", args=[token]))
    qr = segno.make(url, error="m")
    return _page(
        request,
        project,
        measurement,
        instrument,
        new_link={
            "url": url,
            "qr": qr.svg_data_uri(scale=5, dark="#000", light="#fff"),
            "expires_at": link.expires_at,
        },
    )


@login_required
@require_POST
def self_report_revoke(request, pk: int, mpk: int, lpk: int):
    project = monitor_project(request, pk)
    measurement = _measurement_of(project, mpk)
    link = get_object_or_404(measurement.self_report_links, pk=lpk)
    recording.revoke_self_report_link(link, by=request)
    messages.success(request, _("De link is ingetrokken en werkt niet meer."))
    return redirect("monitoring:self_report", pk=project.pk, mpk=measurement.pk)


@login_required
@require_POST
def agreed(request, pk: int, mpk: int):
    """Store the rating the professional and the participant agreed on."""
    project = monitor_project(request, pk)
    measurement = _measurement_of(project, mpk)
    instrument = _instrument_or_back(request, measurement)
    if instrument is None:
        return redirect("monitoring:entry", pk=project.pk, mpk=measurement.pk)
    values, support, errors = _read_answers(request.POST, instrument)
    if errors:
        messages.error(
            request, _("Geen geldige score bij: %(items)s") % {"items": ", ".join(errors)}
        )
    else:
        written = recording.record_agreed_ratings(measurement, values, support, by=request)
        messages.success(
            request,
            _("Afgesproken score opgeslagen voor %(n)s leefgebieden.") % {"n": len(written)},
        )
    return redirect("monitoring:self_report", pk=project.pk, mpk=measurement.pk)


# --- the participant's side -------------------------------------------------------------------------


def _client_key(request) -> str:
    return audit._keyed(audit.client_ip(request) or "-", "selfreport-client")[:64]


def _link_key(link: SelfReportLink) -> str:
    return audit._keyed(link.token_digest, "selfreport-link")[:64]


def _failures(key: str, since) -> int:
    return SelfReportFailure.objects.filter(client_key=key, at__gte=since).count()


def _link_language(request, link: SelfReportLink) -> str:
    """The language the professional chose for the link, unless the visitor switched it."""
    language = request.COOKIES.get(settings.LANGUAGE_COOKIE_NAME) or link.language
    return language if language in ("nl", "en") else "nl"


def _refused(request, state: str, status: int, link: SelfReportLink | None = None):
    """The one page for every link that cannot be used: it says why, and shows no data.

    For a known link in the link's language; when the link is unknown (or not looked up, under
    the rate limit) its language is too, so the page says it in Dutch and in English.
    """
    if link is None:
        return render(
            request,
            "monitoring/self_report_closed.html",
            {"state": state, "bilingual": True},
            status=status,
        )
    with override(_link_language(request, link)):
        return render(
            request, "monitoring/self_report_closed.html", {"state": state}, status=status
        )


def _find_link(request, token: str):
    """The valid link for this token, or a response that refuses it (and counts the failure).

    A valid link is always served. An unknown token counts against the address's budget; a dead
    link's tries count against that link."""
    since = timezone.now() - rules.FAILURE_WINDOW
    link = None
    if rules.plausible_token(token):
        link = (
            SelfReportLink.objects.filter(token_digest=rules.token_digest(token))
            .select_related("measurement__trajectory__project__owner")
            .first()
        )
    if link is None:
        key = _client_key(request)
        if rules.too_many_unknown(_failures(key, since)):
            return None, _refused(request, "limited", 429)
        SelfReportFailure.objects.create(client_key=key)
        SelfReportFailure.objects.filter(at__lt=since - timedelta(days=1)).delete()
        return None, _refused(request, "unknown", 404)
    state = rules.link_state(
        now=timezone.now(), expires_at=link.expires_at, used_at=link.used_at, opens=link.opens
    )
    # The opening that reached the limit still showed the form: its submission is accepted.
    submitting_last = state == rules.LinkState.LOCKED and request.method == "POST"
    if link.revoked or (state != rules.LinkState.VALID and not submitting_last):
        key = _link_key(link)
        if rules.too_many_failures(_failures(key, since)):
            return None, _refused(request, "limited", 429)
        SelfReportFailure.objects.create(client_key=key)
        return None, _refused(request, "revoked" if link.revoked else state.value, 410, link)
    return link, None


@never_cache
def fill(request, token: str):
    """The participant's form. Reveals nothing about the participant beyond the questions."""
    link, refused = _find_link(request, token)
    if refused is not None:
        return refused
    with override(_link_language(request, link)):
        return _fill(request, link, token)


def _fill(request, link: SelfReportLink, token: str):
    instrument = services.instrument(link.measurement.instrument)
    error = ""
    chosen: dict = {}
    if request.method == "POST":
        values, support, errors = _read_answers(request.POST, instrument)
        if not values or errors:
            error = _("Kies bij minstens één vraag een antwoord. U mag ook 'Weet ik niet' kiezen.")
            chosen = {
                k: ("onbekend" if v is None else str(v), support.get(k, []))
                for k, v in values.items()
            }
        elif recording.record_self_report(link, values, support):
            return render(request, "monitoring/self_report_thanks.html", {})
        else:
            return _refused(request, "used", 410, link)
    else:
        SelfReportLink.objects.filter(pk=link.pk).update(opens=F("opens") + 1)
    return render(
        request,
        "monitoring/self_report_fill.html",
        {
            "items": _form_items(instrument, chosen),
            "support_split": instrument.support_split,
            "support_labels": _support_labels(participant=True),
            "error": error,
            "token": token,
        },
    )
