"""Invitation and reset links: the only way a password comes into being for an account a beheerder
manages. The beheerder never chooses or sees one; the link goes to the account's own e-mail.

The tokens are Django's (an HMAC over the account's password hash, last login and e-mail, never
stored): setting the password makes the link useless, so each link works once. An invitation
lives :data:`INVITATION_DAYS` days, a reset link ``PASSWORD_RESET_TIMEOUT`` (an hour).
"""

from __future__ import annotations

from datetime import timedelta

from django.conf import settings
from django.contrib.auth.tokens import PasswordResetTokenGenerator, default_token_generator
from django.core.mail import send_mail
from django.template.loader import render_to_string
from django.urls import reverse
from django.utils.crypto import constant_time_compare
from django.utils.encoding import force_bytes
from django.utils.http import base36_to_int, urlsafe_base64_encode
from django.utils.translation import gettext as _

from proeftuin.accounts.models import User

INVITATION_DAYS = 7


class InvitationTokenGenerator(PasswordResetTokenGenerator):
    """Django's reset token under its own salt, valid :data:`INVITATION_DAYS` days."""

    key_salt = "proeftuin.administration.invitations.InvitationTokenGenerator"

    def check_token(self, user, token) -> bool:
        if not (user and token):
            return False
        try:
            ts_b36, _hash = token.split("-")
            ts = base36_to_int(ts_b36)
        except ValueError:
            return False
        for secret in [self.secret, *self.secret_fallbacks]:
            if constant_time_compare(self._make_token_with_timestamp(user, ts, secret), token):
                break
        else:
            return False
        age = self._num_seconds(self._now()) - ts
        return age <= timedelta(days=INVITATION_DAYS).total_seconds()


invitation_token_generator = InvitationTokenGenerator()


def _link(request, name: str, user: User, token: str) -> str:
    uid = urlsafe_base64_encode(force_bytes(user.pk))
    path = reverse(name, kwargs={"uidb64": uid, "token": token})
    return request.build_absolute_uri(path)


def _send(user: User, subject: str, template: str, link: str) -> None:
    body = render_to_string(template, {"user": user, "link": link, "days": INVITATION_DAYS})
    send_mail(subject, body, settings.DEFAULT_FROM_EMAIL, [user.email])


def send_invitation(request, user: User) -> None:
    """The new account's first password: a link to its own e-mail address."""
    token = invitation_token_generator.make_token(user)
    _send(
        user,
        _("Uw account voor Proeftuin"),
        "registration/invitation_email.txt",
        _link(request, "invitation_accept", user, token),
    )


def send_access_link(request, user: User) -> str:
    """What the beheerder's "send a link" does: an invitation again while the account never had a
    password, otherwise a reset link. Returns ``"invitation"`` or ``"reset"``."""
    if not user.has_usable_password():
        send_invitation(request, user)
        return "invitation"
    token = default_token_generator.make_token(user)
    _send(
        user,
        _("Nieuw wachtwoord voor Proeftuin"),
        "registration/reset_by_beheerder_email.txt",
        _link(request, "password_reset_confirm", user, token),
    )
    return "reset"
