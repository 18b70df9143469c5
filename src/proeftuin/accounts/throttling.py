"""Login throttling that keeps working behind a reverse proxy (django-axes).

Policy (docs/decisions/0011-accounts-oidc-mfa-throttling.md):

- the client IP is ``REMOTE_ADDR``, unless ``PROEFTUIN_TRUSTED_PROXY_COUNT`` says how many proxies
  of our own stand in front; then it is that many entries from the right of ``X-Forwarded-For``
  (the entry our outermost proxy wrote; entries further left are the client's own claims);
- a username + IP pair is locked after ``AXES_FAILURE_LIMIT`` failures (5): one attacker cannot
  lock a username for the colleague at another address;
- a username is locked for everyone only after ``PROEFTUIN_AXES_USERNAME_LIMIT`` failures (25)
  from all addresses together: distributed guessing stops, and one attacker alone needs five
  addresses to get there;
- one IP is locked after ``PROEFTUIN_AXES_IP_LIMIT`` failures (50) over all usernames
  (password spraying).
"""

from __future__ import annotations

import ipaddress

from axes.attempts import get_cool_off_threshold
from axes.handlers.database import AxesDatabaseHandler
from axes.helpers import get_client_username
from axes.models import AccessAttempt
from django.conf import settings
from django.db.models import Sum


def _valid_ip(value: str) -> str | None:
    try:
        return str(ipaddress.ip_address(value.strip()))
    except ValueError:
        return None


def client_ip(request) -> str | None:
    """The client address, trusting ``X-Forwarded-For`` only as far as our own proxies go."""
    remote = request.META.get("REMOTE_ADDR", "")
    count = int(getattr(settings, "PROEFTUIN_TRUSTED_PROXY_COUNT", 0) or 0)
    if count > 0:
        hops = [h for h in request.META.get("HTTP_X_FORWARDED_FOR", "").split(",") if h.strip()]
        if len(hops) >= count:
            forwarded = _valid_ip(hops[-count])
            if forwarded:
                return forwarded
    return _valid_ip(remote) if remote else None


def _failures(queryset) -> int:
    return queryset.aggregate(n=Sum("failures_since_start"))["n"] or 0


class ProeftuinAxesHandler(AxesDatabaseHandler):
    """Axes' database handler with separate limits per pair, per username and per IP."""

    def get_failures(self, request, credentials=None) -> int:
        pair = super().get_failures(request, credentials)
        username = get_client_username(request, credentials)
        ip = getattr(request, "axes_ip_address", None)
        recent = AccessAttempt.objects.filter(attempt_time__gte=get_cool_off_threshold(request))
        limit = int(settings.AXES_FAILURE_LIMIT)
        scaled = [pair]
        if username:
            by_user = _failures(recent.filter(username=username))
            scaled.append(by_user * limit // int(settings.PROEFTUIN_AXES_USERNAME_LIMIT))
        if ip:
            by_ip = _failures(recent.filter(ip_address=ip))
            scaled.append(by_ip * limit // int(settings.PROEFTUIN_AXES_IP_LIMIT))
        # Axes compares one number with AXES_FAILURE_LIMIT; each count is scaled so that it
        # reaches that limit exactly at its own threshold.
        return max(scaled)
