"""Sessions that end: after an idle period, at an absolute maximum, and with the browser.

Django's own session expiry slides with every save, so neither limit holds on its own once the
session is written on each request. The middleware keeps two time stamps in the session: when the
user logged in (absolute limit, ``SESSION_COOKIE_AGE``) and when they were last seen (idle limit,
``PROEFTUIN_IDLE_TIMEOUT_MINUTES``). The cookie itself has no expiry date
(``SESSION_EXPIRE_AT_BROWSER_CLOSE``).
"""

from __future__ import annotations

import time

from django.conf import settings
from django.contrib import messages
from django.contrib.auth import logout
from django.contrib.auth.signals import user_logged_in
from django.dispatch import receiver
from django.http import HttpResponse
from django.shortcuts import redirect
from django.urls import reverse
from django.utils.translation import gettext as _

LOGIN_AT = "proeftuin_login_at"
LAST_SEEN = "proeftuin_last_seen"
# Write "last seen" at most this often, so a page with many requests does not write on each one.
TOUCH_EVERY_SECONDS = 30


@receiver(user_logged_in)
def _stamp_login(sender, request, user, **kwargs) -> None:
    if request is not None and hasattr(request, "session"):
        now = int(time.time())
        request.session[LOGIN_AT] = now
        request.session[LAST_SEEN] = now


def session_expired(session, now: float) -> str | None:
    """Why the session is over (``"idle"`` or ``"absolute"``), or ``None`` while it is valid."""
    idle_limit = int(settings.PROEFTUIN_IDLE_TIMEOUT_MINUTES) * 60
    last_seen = session.get(LAST_SEEN)
    login_at = session.get(LOGIN_AT)
    if login_at is not None and now - login_at > settings.SESSION_COOKIE_AGE:
        return "absolute"
    if last_seen is not None and now - last_seen > idle_limit:
        return "idle"
    return None


class IdleTimeoutMiddleware:
    """Logs out a user who has been idle too long or logged in too long ago."""

    def __init__(self, get_response):
        self.get_response = get_response

    def __call__(self, request):
        if request.user.is_authenticated:
            now = time.time()
            reason = session_expired(request.session, now)
            if reason is not None:
                logout(request)
                messages.info(
                    request,
                    _("U bent uitgelogd omdat u %(minutes)s minuten niets deed. Log opnieuw in.")
                    % {"minutes": settings.PROEFTUIN_IDLE_TIMEOUT_MINUTES}
                    if reason == "idle"
                    else _("Uw sessie is verlopen. Log opnieuw in."),
                )
                login_url = reverse(settings.LOGIN_URL)
                if request.htmx:
                    response = HttpResponse(status=204)
                    response["HX-Redirect"] = login_url
                    return response
                return redirect(f"{login_url}?next={request.path}")
            if now - request.session.get(LAST_SEEN, 0) >= TOUCH_EVERY_SECONDS:
                request.session[LAST_SEEN] = int(now)
        return self.get_response(request)
