"""Pages that belong to the installation rather than to a capability."""

from __future__ import annotations

from datetime import date

from django.conf import settings
from django.shortcuts import render

#: When the accessibility statement was last drawn up; change it when the statement changes.
STATEMENT_DRAWN_UP = date(2026, 12, 7)


def accessibility_statement(request):
    """The accessibility statement (*toegankelijkheidsverklaring*); open to everyone."""
    return render(
        request,
        "pages/accessibility.html",
        {
            "contact": getattr(settings, "PROEFTUIN_ACCESSIBILITY_CONTACT", ""),
            "drawn_up": STATEMENT_DRAWN_UP,
        },
    )
