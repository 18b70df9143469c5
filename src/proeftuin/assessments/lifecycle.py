"""A scan's life: rate a whole characteristic at once, finalise (with a reason when incomplete),
reopen (always with a reason). Issue 10, "Scans".

A scan that was finalised with most indicators unanswered still fed the matrix and the advisor as
if it were complete. Completeness is the share of indicators *answered* (a level, or *onbekend*,
which is an answer); below ``PROEFTUIN_SCAN_MIN_ANSWERED`` finalising asks why, and the reason is
shown with the result. An empty scan cannot be finalised at all.
"""

from __future__ import annotations

from django.conf import settings
from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.exceptions import PermissionDenied
from django.db import transaction
from django.http import Http404
from django.shortcuts import redirect, render
from django.utils import timezone
from django.utils.translation import gettext as _
from django.views.decorators.http import require_POST

from proeftuin.core.access import Capability
from proeftuin.core.frameworks import UNKNOWN, Framework, RatingError, check_rating
from proeftuin.core.numbers import whole_percent
from proeftuin.portfolio.access import require, visible_project
from proeftuin.portfolio.views import project_context

from . import services
from .access import may_rate
from .labels import current_lang, rater_name
from .models import Assessment, Rating, StatusChange

DEFAULT_MIN_ANSWERED = 0.8
MAX_REASON = 2000


def min_answered_share() -> float:
    """The completeness below which finalising asks for a reason (a setting, default 80%)."""
    return float(getattr(settings, "PROEFTUIN_SCAN_MIN_ANSWERED", DEFAULT_MIN_ANSWERED))


def completeness(assessment: Assessment, framework: Framework | None = None) -> dict | None:
    """Answered, rated on the scale, *onbekend* and still open, for screens and the finalise form."""
    summary = services.summary_for(assessment, framework)
    if summary is None:
        return None
    return {
        "answered": summary.answered,
        "rated": summary.rated,
        "unknown": summary.unknown,
        "not_rated": summary.not_rated,
        "total": summary.total,
        "share": summary.answered_share,
        "percent": whole_percent(summary.answered_share),
        "below_threshold": summary.answered_share < min_answered_share(),
        "threshold_percent": whole_percent(min_answered_share()),
    }


def _scan(request, pk: int, apk: int) -> tuple:
    project = visible_project(request, pk)
    assessment = project.assessments.filter(pk=apk).first()
    if assessment is None:
        raise Http404
    require(request, Capability.ASSESS, project)
    if not may_rate(request.user, assessment):
        raise PermissionDenied
    framework = services.get_framework(assessment.framework_id)
    if framework is None:
        raise Http404(_("Het kader van deze beoordeling is niet meer geïnstalleerd."))
    return project, assessment, framework


def _locked(request, project, assessment):
    return render(
        request,
        "assessments/locked.html",
        project_context(request, project, "beoordelingen", assessment=assessment),
        status=403,
    )


def _record(assessment: Assessment, action: str, reason: str, user, state: dict) -> None:
    StatusChange.objects.create(
        assessment=assessment,
        action=action,
        reason=reason,
        answered=state["answered"],
        total=state["total"],
        by=user,
        by_name=rater_name(user),
    )


@login_required
@require_POST
def finalise(request, pk: int, apk: int):
    project, assessment, framework = _scan(request, pk, apk)
    back = redirect("assessments:rate", pk=project.pk, apk=assessment.pk)
    if not assessment.is_open:
        return _locked(request, project, assessment)
    if request.POST.get("confirm") != "ja":
        # Locking is for everyone and for good: one click by accident must not do it.
        messages.error(
            request,
            _("Niet afgerond: vink eerst aan dat de groep klaar is en de oordelen vastliggen."),
        )
        return back
    reason = (request.POST.get("reason") or "").strip()[:MAX_REASON]
    with transaction.atomic():
        target = (
            Assessment.objects.select_for_update()
            .filter(pk=assessment.pk, status=Assessment.Status.OPEN)
            .first()
        )
        if target is None:
            return _locked(request, project, assessment)
        state = completeness(target, framework)
        if state["answered"] == 0:
            messages.error(
                request,
                _(
                    "Niet afgerond: er is nog geen enkele indicator beantwoord. Een lege scan zegt "
                    "niets over het project."
                ),
            )
            return back
        if state["below_threshold"] and not reason:
            messages.error(
                request,
                _(
                    "Niet afgerond: %(answered)s van %(total)s indicatoren zijn beantwoord, minder "
                    "dan %(threshold)s%%. Schrijf op waarom de scan toch zo moet gelden; die reden "
                    "staat daarna bij de uitkomst."
                )
                % {
                    "answered": state["answered"],
                    "total": state["total"],
                    "threshold": state["threshold_percent"],
                },
            )
            return back
        target.status = Assessment.Status.FINALISED
        target.finalised_at = timezone.now()
        target.finalised_by = request.user
        target.finalise_reason = reason if state["below_threshold"] else ""
        target.save()
        _record(target, StatusChange.Action.FINALISED, target.finalise_reason, request.user, state)
    messages.success(
        request, _("Beoordeling afgerond en vergrendeld. Oordelen kunnen niet meer wijzigen.")
    )
    return redirect("assessments:profile", pk=project.pk, apk=assessment.pk)


@login_required
@require_POST
def reopen(request, pk: int, apk: int):
    """Open a finalised scan again: only with a reason, and the trace stays."""
    project, assessment, framework = _scan(request, pk, apk)
    reason = (request.POST.get("reason") or "").strip()[:MAX_REASON]
    if not reason:
        messages.error(
            request,
            _(
                "Niet heropend: schrijf op waarom. Anderen hebben de afgeronde uitkomst mogelijk "
                "gebruikt (vergelijking, verduurzamingsadvies)."
            ),
        )
        return redirect("assessments:profile", pk=project.pk, apk=assessment.pk)
    with transaction.atomic():
        target = (
            Assessment.objects.select_for_update()
            .filter(pk=assessment.pk, status=Assessment.Status.FINALISED)
            .first()
        )
        if target is not None:
            target.status = Assessment.Status.OPEN
            target.finalised_at = None
            target.finalised_by = None
            target.finalise_reason = ""
            target.save()
            _record(
                target,
                StatusChange.Action.REOPENED,
                reason,
                request.user,
                completeness(target, framework),
            )
    messages.success(request, _("Beoordeling heropend. De reden staat in de geschiedenis."))
    return redirect("assessments:rate", pk=project.pk, apk=assessment.pk)


@login_required
@require_POST
def rate_dimension(request, pk: int, apk: int, dimension_id: str):
    """Give one level (or *onbekend*) to every indicator of a characteristic, as the own rating.

    By default only the indicators the rater has not answered yet are filled in; with
    ``overwrite`` the rater's own earlier answers in this characteristic are replaced too.
    Colleagues' ratings are never touched.
    """
    project, assessment, framework = _scan(request, pk, apk)
    dimension = next((d for d in framework.dimensions if d.id == dimension_id), None)
    if dimension is None:
        raise Http404
    value = (request.POST.get("value") or "").strip()
    anchor = f"#dim-{dimension.id}-title"
    url = redirect("assessments:rate", pk=project.pk, apk=assessment.pk).url + anchor
    try:
        if value != UNKNOWN:
            for indicator in dimension.indicators:
                check_rating(framework, indicator.id, value)
    except RatingError:
        messages.error(request, _("Kies een niveau van de schaal of ‘onbekend’."))
        return redirect(url)
    evidence = (request.POST.get("evidence") or "").strip()
    overwrite = request.POST.get("overwrite") == "ja"
    changed = 0
    with transaction.atomic():
        locked = Assessment.objects.select_for_update().get(pk=assessment.pk)
        if not locked.is_open:
            messages.error(
                request, _("Deze beoordeling is afgerond; oordelen kunnen niet meer wijzigen.")
            )
            return redirect("assessments:profile", pk=project.pk, apk=assessment.pk)
        own = {
            r.indicator_id: r
            for r in Rating.objects.select_for_update().filter(
                assessment=assessment, rater=request.user, indicator_id__in=dimension.indicator_ids
            )
        }
        for indicator in dimension.indicators:
            rating = own.get(indicator.id)
            if rating is None:
                rating = Rating(
                    assessment=assessment, indicator_id=indicator.id, rater=request.user
                )
            elif rating.value and not overwrite:
                continue
            rating.value = value
            if evidence and not rating.evidence:
                rating.evidence = evidence
            if rating.pk is not None:
                rating.version += 1
            rating.save()
            changed += 1
    messages.success(
        request,
        _("%(n)s indicatoren van ‘%(name)s’ beoordeeld.")
        % {"n": changed, "name": dimension.name.get(current_lang())},
    )
    return redirect(url)
