"""Account views beyond Django's own login and logout."""

from __future__ import annotations

from django.shortcuts import render
from django.utils.translation import gettext as _


def csrf_failure(request, reason=""):
    """A Dutch, human explanation instead of Django's technical 403 page."""
    return render(
        request,
        "errors/csrf.html",
        {
            "message": _(
                "Uw sessie is verlopen of het formulier is ongeldig. Laad de pagina opnieuw."
            )
        },
        status=403,
    )
