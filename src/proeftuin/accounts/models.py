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
    # Set by the one write path (:mod:`proeftuin.accounts.roles`) when a beheerder grants a role
    # with participant-level data or administration: withheld until a second beheerder approves.
    role_pending = models.BooleanField(_("rol wacht op goedkeuring"), default=False)

    class Meta:
        verbose_name = _("gebruiker")
        verbose_name_plural = _("gebruikers")

    def can(self, capability: Capability, *, write_access: bool = True) -> bool:
        """Role check from the one capability table in :mod:`proeftuin.core.access`."""
        if not self.is_active or self.organisation_id is None:
            return False
        return can(self.role, capability, write_access=write_access, pending=self.role_pending)

    def save(self, *args, **kwargs):
        # Only the beheerder enters the Django admin; the flag follows the role.
        self.is_staff = self.role == Role.BEHEERDER or self.is_superuser
        super().save(*args, **kwargs)


class RoleRequest(models.Model):
    """A grant of a role that needs four eyes, and what became of it; kept as the history.

    Made by :mod:`proeftuin.accounts.roles` when a beheerder creates an account with such a role,
    changes an account to one, or changes the e-mail address of one (a reset link goes there).
    Text copies of the names keep the history readable after an account is deleted.
    """

    class Status(models.TextChoices):
        PENDING = "pending", _("Wacht op goedkeuring")
        APPROVED = "approved", _("Goedgekeurd")
        REJECTED = "rejected", _("Afgewezen")
        WITHDRAWN = "withdrawn", _("Vervallen")

    organisation = models.ForeignKey(
        Organisation, on_delete=models.CASCADE, related_name="role_requests"
    )
    user = models.ForeignKey(
        User, on_delete=models.SET_NULL, null=True, related_name="role_requests"
    )
    username = models.CharField(_("gebruikersnaam"), max_length=150)
    role = models.CharField(_("rol"), max_length=32, choices=User.RoleChoice.choices)
    previous_role = models.CharField(
        _("vorige rol"), max_length=32, choices=User.RoleChoice.choices, blank=True
    )
    email = models.EmailField(_("e-mailadres"), blank=True)
    previous_email = models.EmailField(_("vorig e-mailadres"), blank=True)
    status = models.CharField(
        _("status"), max_length=16, choices=Status.choices, default=Status.PENDING
    )
    requested_by = models.ForeignKey(
        User, on_delete=models.SET_NULL, null=True, blank=True, related_name="+"
    )
    requested_by_name = models.CharField(_("aangevraagd door"), max_length=150)
    requested_at = models.DateTimeField(_("aangevraagd op"), auto_now_add=True)
    decided_by = models.ForeignKey(
        User, on_delete=models.SET_NULL, null=True, blank=True, related_name="+"
    )
    decided_by_name = models.CharField(_("besloten door"), max_length=150, blank=True)
    decided_at = models.DateTimeField(_("besloten op"), null=True, blank=True)

    class Meta:
        ordering = ["-requested_at", "-pk"]
        verbose_name = _("aanvraag voor een rol")
        verbose_name_plural = _("aanvragen voor een rol")

    def __str__(self) -> str:
        return f"{self.username}: {self.role} ({self.status})"
