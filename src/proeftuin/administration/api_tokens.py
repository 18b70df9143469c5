"""The beheerder's screen for API tokens: issue (shown once), list with last use, revoke.

A token belongs to the beheerder's organisation and acts with a role the beheerder chooses, never
one with more permissions than the beheerder's own (:func:`proeftuin.api.tokens.allowed_roles`).
"""

from __future__ import annotations

from django import forms
from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.shortcuts import get_object_or_404, redirect, render
from django.utils.cache import add_never_cache_headers
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy as _lazy
from django.views.decorators.http import require_POST

from proeftuin.accounts.models import User
from proeftuin.api import tokens
from proeftuin.api.models import GROUPS, ApiToken, scope_label

from . import access


class TokenForm(forms.Form):
    name = forms.CharField(
        label=_lazy("Naam"),
        max_length=100,
        help_text=_lazy("Waarvoor is de sleutel? Bijvoorbeeld: koppeling met het zaaksysteem."),
    )
    role = forms.ChoiceField(
        label=_lazy("Rol"),
        help_text=_lazy("De sleutel mag wat deze rol mag, en nooit meer dan u zelf mag."),
    )
    scopes = forms.MultipleChoiceField(label=_lazy("Bereik"), widget=forms.CheckboxSelectMultiple)
    days = forms.IntegerField(
        label=_lazy("Geldig (dagen)"), min_value=1, max_value=tokens.MAX_DAYS, initial=90
    )

    def __init__(self, *args, issuer: User, **kwargs):
        super().__init__(*args, **kwargs)
        labels = dict(User.RoleChoice.choices)
        self.fields["role"].choices = [(r, labels[r]) for r in tokens.allowed_roles(issuer)]
        self.fields["scopes"].choices = [
            (f"{group}:{mode}", scope_label(f"{group}:{mode}"))
            for group in GROUPS
            for mode in ("lezen", "schrijven")
        ]


@access.beheerder_required
def api_tokens(request):
    form = TokenForm(request.POST or None, issuer=request.user)
    secret = None
    if request.method == "POST" and form.is_valid():
        data = form.cleaned_data
        token, secret = tokens.issue(
            request.user,
            name=data["name"],
            role=data["role"],
            scopes=data["scopes"],
            days=data["days"],
        )
        messages.success(request, _("API-sleutel %s aangemaakt.") % token.name)
        form = TokenForm(issuer=request.user)
    response = render(
        request,
        "administration/api_tokens.html",
        {
            "section": "api_tokens",
            "form": form,
            "secret": secret,
            "tokens": ApiToken.objects.filter(organisation_id=request.user.organisation_id)
            .select_related("account", "created_by")
            .order_by("-created_at"),
        },
    )
    # The secret is shown once: no cache may keep the page.
    add_never_cache_headers(response)
    return response


@login_required
@require_POST
@access.beheerder_required
def api_token_revoke(request, token_pk: int):
    token = get_object_or_404(ApiToken, pk=token_pk, organisation_id=request.user.organisation_id)
    tokens.revoke(token)
    messages.success(request, _("API-sleutel %s ingetrokken.") % token.name)
    return redirect("administration:api_tokens")
