"""Account views beyond Django's own login and logout: the second factor and "my account"."""

from __future__ import annotations

from base64 import b32encode

import segno
from django import forms
from django.conf import settings
from django.contrib import messages
from django.contrib.auth import views as auth_views
from django.contrib.auth.decorators import login_required
from django.shortcuts import redirect, render
from django.utils.http import url_has_allowed_host_and_scheme
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy
from django.views.decorators.cache import never_cache
from django_otp import login as otp_login
from django_otp import match_token, user_has_device
from django_otp.plugins.otp_totp.models import TOTPDevice

from .forms import LoginForm
from .mfa import mfa_required, mfa_satisfied
from .oidc import oidc_configured


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


class TokenForm(forms.Form):
    token = forms.CharField(
        label=gettext_lazy("Code uit de app"),
        min_length=6,
        max_length=8,
        help_text=gettext_lazy("De zes cijfers die uw authenticator-app nu toont."),
        widget=forms.TextInput(
            attrs={"autocomplete": "one-time-code", "inputmode": "numeric", "autofocus": True}
        ),
    )

    def clean_token(self) -> str:
        return "".join(self.cleaned_data["token"].split())


def _next_url(request) -> str:
    target = request.POST.get("next") or request.GET.get("next") or ""
    if target and url_has_allowed_host_and_scheme(
        target, allowed_hosts={request.get_host()}, require_https=request.is_secure()
    ):
        return target
    return settings.LOGIN_REDIRECT_URL


def _unconfirmed_device(user) -> TOTPDevice:
    """The device being set up: the same key until confirmed, so reloading keeps the QR code."""
    device = TOTPDevice.objects.filter(user=user, confirmed=False).order_by("pk").first()
    if device is None:
        device = TOTPDevice.objects.create(user=user, name="Authenticator", confirmed=False)
    return device


@never_cache
@login_required
def mfa_setup(request):
    """First set-up of the TOTP app: QR code, key to type, and one code to confirm."""
    if user_has_device(request.user, confirmed=True):
        # A second device may only be added by someone who has passed the first one.
        if not mfa_satisfied(request):
            return redirect("mfa-verify")
        messages.info(request, _("De tweede factor is al ingesteld."))
        return redirect("account")
    device = _unconfirmed_device(request.user)
    form = TokenForm(request.POST or None)
    if request.method == "POST" and form.is_valid():
        if device.verify_token(form.cleaned_data["token"]):
            device.confirmed = True
            device.save(update_fields=["confirmed"])
            otp_login(request, device)
            messages.success(request, _("De tweede factor is ingesteld."))
            return redirect(_next_url(request))
        form.add_error(
            "token",
            _("Deze code klopt niet. Controleer of de tijd op uw telefoon goed staat."),
        )
    qr = segno.make(device.config_url, error="m")
    context = {
        "form": form,
        "qr_data_uri": qr.svg_data_uri(scale=4, dark="#000", light="#fff"),
        "manual_key": " ".join(
            b32encode(device.bin_key).decode()[i : i + 4] for i in range(0, 32, 4)
        ).strip(),
        "required": mfa_required(request.user),
        "next": _next_url(request),
    }
    return render(request, "accounts/mfa_setup.html", context)


@never_cache
@login_required
def mfa_verify(request):
    """Asks the code of the set-up app, once per login."""
    if not user_has_device(request.user, confirmed=True):
        return redirect("mfa-setup")
    form = TokenForm(request.POST or None)
    if request.method == "POST" and form.is_valid():
        device = match_token(request.user, form.cleaned_data["token"])
        if device is not None:
            otp_login(request, device)
            return redirect(_next_url(request))
        form.add_error(
            "token",
            _(
                "Deze code klopt niet of is al gebruikt. Wacht op de volgende code. Na "
                "meerdere fouten moet u steeds langer wachten."
            ),
        )
    return render(request, "accounts/mfa_verify.html", {"form": form, "next": _next_url(request)})


@never_cache
@login_required
def account(request):
    """My account: password and second factor."""
    return render(
        request,
        "accounts/account.html",
        {
            "has_device": user_has_device(request.user, confirmed=True),
            "mfa_required": mfa_required(request.user),
            "has_password": request.user.has_usable_password(),
            "oidc": oidc_configured(),
        },
    )


class LoginView(auth_views.LoginView):
    """Django's login, with the identity provider's button when one is configured."""

    authentication_form = LoginForm

    def get_context_data(self, **kwargs):
        context = super().get_context_data(**kwargs)
        context.update(
            oidc_enabled=oidc_configured(),
            oidc_provider_name=settings.PROEFTUIN_OIDC_PROVIDER_NAME,
            oidc_failed=self.request.GET.get("oidc") == "mislukt",
        )
        return context
