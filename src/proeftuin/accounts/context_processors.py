"""Template context: the user's organisation and role, for the header."""

from __future__ import annotations


def tenancy(request):
    user = getattr(request, "user", None)
    if user is None or not user.is_authenticated:
        return {}
    return {
        "current_organisation": user.organisation,
        "current_role_label": user.get_role_display(),
    }
