"""Tenants (organisations) and users with one role each."""

from __future__ import annotations

from django.contrib.auth.models import AbstractUser
from django.db import models
from django.utils.translation import gettext_lazy as _

from proeftuin.core.access import Capability, Role, can


class Organisation(models.Model):
    """A tenant: every row of project data belongs to one organisation."""

    class Kind(models.TextChoices):
        MUNICIPALITY = "gemeente", _("Gemeente")
        WELFARE = "welzijn_zorg", _("Welzijns- of zorgorganisatie")
        FUND = "fonds", _("Fonds")
        HEALTH_INSURER = "zorgverzekeraar", _("Zorgverzekeraar")
        HOUSING = "woningcorporatie", _("Woningcorporatie")
        KNOWLEDGE = "kennisinstelling", _("Kennisinstelling")
        RESIDENTS = "bewonersinitiatief", _("Bewonersinitiatief")
        BUSINESS = "bedrijf", _("Bedrijf")
        POLICE = "politie", _("Politie")

    name = models.CharField(_("naam"), max_length=200, unique=True)
    kind = models.CharField(_("soort"), max_length=32, choices=Kind.choices)
    city = models.CharField(_("plaats"), max_length=100, blank=True)
    created_at = models.DateTimeField(auto_now_add=True)

    class Meta:
        ordering = ["name"]
        verbose_name = _("organisatie")
        verbose_name_plural = _("organisaties")

    def __str__(self) -> str:
        return self.name


class User(AbstractUser):
    """A person who logs in, working for one organisation in one role."""

    class RoleChoice(models.TextChoices):
        BEHEERDER = Role.BEHEERDER.value, _("Beheerder")
        BELEIDSADVISEUR = Role.BELEIDSADVISEUR.value, _("Beleidsadviseur")
        PROJECTLEIDER = Role.PROJECTLEIDER.value, _("Projectleider")
        PROFESSIONAL = Role.PROFESSIONAL.value, _("Professional")
        FINANCIER = Role.FINANCIER.value, _("Financier")
        ONDERZOEKER = Role.ONDERZOEKER.value, _("Onderzoeker")

    organisation = models.ForeignKey(
        Organisation,
        verbose_name=_("organisatie"),
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        related_name="users",
    )
    role = models.CharField(
        _("rol"), max_length=32, choices=RoleChoice.choices, default=RoleChoice.PROFESSIONAL
    )

    class Meta:
        verbose_name = _("gebruiker")
        verbose_name_plural = _("gebruikers")

    def can(self, capability: Capability, *, write_access: bool = True) -> bool:
        """Role check from the one capability table in :mod:`proeftuin.core.access`."""
        if not self.is_active or self.organisation_id is None:
            return False
        return can(self.role, capability, write_access=write_access)

    def save(self, *args, **kwargs):
        # Only the beheerder enters the Django admin; the flag follows the role.
        self.is_staff = self.role == Role.BEHEERDER or self.is_superuser
        super().save(*args, **kwargs)
