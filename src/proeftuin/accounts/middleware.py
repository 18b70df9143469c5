"""Keeps the Django admin closed to everyone but the beheerder (and installation superusers)."""

from __future__ import annotations

from django.http import Http404

from proeftuin.core.access import Role


class AdminOnlyForBeheerderMiddleware:
    def __init__(self, get_response):
        self.get_response = get_response

    def __call__(self, request):
        if request.path.startswith("/beheer/"):
            user = request.user
            if user.is_authenticated and not (
                user.is_superuser or (user.role == Role.BEHEERDER and user.is_active)
            ):
                # A 404, not a 403: other roles need not learn the admin is there.
                raise Http404
        return self.get_response(request)
