"""Partner organisations: which other organisations a tenant's pickers may offer."""

from __future__ import annotations

from django.conf import settings
from django.db import models
from django.utils.translation import gettext_lazy as _


class Partnership(models.Model):
    """The beheerder of ``organisation`` added ``partner`` as an organisation it works with.

    Organisation pickers (funders, coalition members, grants, MKBA parties) offer only the own
    organisation, its partners and organisations already linked to its projects, so one
    municipality does not see the partner list of another.
    """

    organisation = models.ForeignKey(
        "accounts.Organisation",
        verbose_name=_("organisatie"),
        on_delete=models.CASCADE,
        related_name="partnerships",
    )
    partner = models.ForeignKey(
        "accounts.Organisation",
        verbose_name=_("partnerorganisatie"),
        on_delete=models.CASCADE,
        related_name="partner_of",
    )
    added_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.SET_NULL, null=True, blank=True, related_name="+"
    )
    created_at = models.DateTimeField(auto_now_add=True)

    class Meta:
        ordering = ["partner__name"]
        constraints = [
            models.UniqueConstraint(fields=["organisation", "partner"], name="unique_partnership"),
            models.CheckConstraint(
                condition=~models.Q(organisation=models.F("partner")), name="partner_not_self"
            ),
        ]
        verbose_name = _("partnerorganisatie")
        verbose_name_plural = _("partnerorganisaties")

    def __str__(self) -> str:
        return f"{self.organisation} → {self.partner}"
