"""The private calendar feed and the page where a user makes or revokes its link."""

from __future__ import annotations

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.http import Http404, HttpResponse
from django.shortcuts import redirect, render
from django.urls import reverse
from django.utils import timezone
from django.utils.translation import gettext as _
from django.views.decorators.http import require_GET, require_POST

from . import tokens
from .feed import build_calendar
from .models import CalendarToken


@require_GET
def feed(request, token: str):
    """The feed itself. The token is the only key (calendar apps cannot log in); an unknown,
    revoked or deactivated user's token is a 404 that says nothing about why."""
    user = tokens.user_for(token)
    if user is None:
        raise Http404
    response = HttpResponse(
        build_calendar(user, timezone.localdate()), content_type="text/calendar; charset=utf-8"
    )
    response["Content-Disposition"] = 'inline; filename="proeftuin.ics"'
    response["Cache-Control"] = "private, no-store"
    response["X-Robots-Tag"] = "noindex"
    return response


@login_required
def link(request):
    """GET: whether a link exists. POST: make a new one (the old one stops working) and show it
    once; only its hash is kept, so it cannot be shown again later."""
    new_url = None
    if request.method == "POST":
        token = tokens.issue(request.user)
        new_url = request.build_absolute_uri(reverse("agenda:feed", args=[token]))
    current = CalendarToken.objects.filter(user=request.user).first()
    response = render(request, "agenda/link.html", {"current": current, "new_url": new_url})
    response["Cache-Control"] = "no-store"
    return response


@login_required
@require_POST
def revoke(request):
    if tokens.revoke(request.user):
        messages.success(request, _("Uw agendalink werkt niet meer."))
    return redirect("agenda:link")
