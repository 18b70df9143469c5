"""The private calendar link of a user and the record of sent reminders."""

from __future__ import annotations

from django.conf import settings
from django.db import models
from django.utils.translation import gettext_lazy as _


class CalendarToken(models.Model):
    """One private calendar link per user. Only the SHA-256 of the token is stored: the link is
    shown once, when it is made; a new link replaces the old one, which stops working."""

    user = models.OneToOneField(
        settings.AUTH_USER_MODEL, on_delete=models.CASCADE, related_name="calendar_token"
    )
    token_hash = models.CharField(max_length=64, unique=True)
    created_at = models.DateTimeField(auto_now_add=True)
    last_used_at = models.DateTimeField(null=True, blank=True)

    class Meta:
        verbose_name = _("agendalink")
        verbose_name_plural = _("agendalinks")

    def __str__(self) -> str:
        return f"{self.user} ({self.created_at:%Y-%m-%d})"


class ActionReminder(models.Model):
    """A reminder e-mail sent to one owner on one day: the daily command sends at most one."""

    user = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.CASCADE, related_name="action_reminders"
    )
    sent_on = models.DateField()
    #: The plan actions the message named.
    action_ids = models.JSONField(default=list)
    created_at = models.DateTimeField(auto_now_add=True)

    class Meta:
        verbose_name = _("herinnering")
        verbose_name_plural = _("herinneringen")
        constraints = [
            models.UniqueConstraint(fields=["user", "sent_on"], name="one_reminder_per_user_day")
        ]

    def __str__(self) -> str:
        return f"{self.user} {self.sent_on}"
