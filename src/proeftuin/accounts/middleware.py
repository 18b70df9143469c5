"""Keeps the Django admin closed to everyone but installation superusers.

The Django admin crosses tenants; a beheerder manages the own organisation in the app's own
screens under /beheer/organisatie/ (proeftuin.administration).
"""

from __future__ import annotations

from django.http import Http404

ADMIN_PREFIX = "/django-beheer/"


class AdminOnlyForBeheerderMiddleware:
    """Kept under its old name (settings refer to it); lets only superusers into the admin."""

    def __init__(self, get_response):
        self.get_response = get_response

    def __call__(self, request):
        if request.path.startswith(ADMIN_PREFIX):
            user = request.user
            if user.is_authenticated and not (user.is_superuser and user.is_active):
                # A 404, not a 403: other roles need not learn the admin is there.
                raise Http404
        return self.get_response(request)
