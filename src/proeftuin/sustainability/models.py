"""The continuation plan (*voortzettingsplan*) of a pilot: the +1 of the 4+1 method (004 ch.5).

One plan per project: the chosen route (004 §5.2), the financing strategies (004 §5.3–5.4), who
owns it, the decision deadline, whether it is agreed, and its actions. The advisor
(:mod:`proeftuin.core.advisor`) proposes; people decide and record it here.
"""

from __future__ import annotations

from django.conf import settings
from django.core.exceptions import ValidationError
from django.db import models
from django.utils import timezone
from django.utils.translation import gettext_lazy as _
from django.utils.translation import pgettext_lazy
from simple_history.models import HistoricalRecords

from proeftuin.common.versioning import VersionedModel
from proeftuin.portfolio.models import Project


class PlanStatus(models.TextChoices):
    DRAFT = "concept", _("Concept")
    AGREED = "vastgesteld", _("Vastgesteld")


class ContinuationPlan(VersionedModel):
    project = models.OneToOneField(
        Project, on_delete=models.CASCADE, related_name="continuation_plan"
    )
    #: A route id of the 4+1 framework (``absorption``, ``joint_adoption``, ``social_enterprise``).
    route = models.CharField(_("route"), max_length=64, blank=True)
    #: Financing strategy ids of the 4+1 framework.
    strategies = models.JSONField(_("financieringsstrategieën"), default=list, blank=True)
    owner = models.CharField(
        _("eigenaar"),
        max_length=200,
        blank=True,
        help_text=_("Wie trekt het plan? Bijvoorbeeld: projectleider, of de beleidsadviseur."),
    )
    deadline = models.DateField(
        _("beslisdatum"),
        null=True,
        blank=True,
        help_text=_("Uiterlijk op deze datum valt het besluit over voortzetting."),
    )
    status = models.CharField(
        _("status"), max_length=20, choices=PlanStatus.choices, default=PlanStatus.DRAFT
    )
    notes = models.TextField(_("toelichting"), blank=True)
    adopted_at = models.DateTimeField(_("advies overgenomen op"), null=True, blank=True)
    #: The advisor rules version the advice was adopted from.
    adopted_rules_version = models.CharField(max_length=100, blank=True)
    created_at = models.DateTimeField(auto_now_add=True)
    updated_at = models.DateTimeField(auto_now=True)
    history = HistoricalRecords(excluded_fields=["version", "updated_at"])

    class Meta:
        verbose_name = _("voortzettingsplan")
        verbose_name_plural = _("voortzettingsplannen")
        indexes = [models.Index(fields=["status"])]

    def __str__(self) -> str:
        return f"{self.project} ({self.get_status_display()})"

    @property
    def is_agreed(self) -> bool:
        return self.status == PlanStatus.AGREED

    def clean(self) -> None:
        if self.status == PlanStatus.AGREED:
            errors = {}
            if not self.route:
                errors["route"] = _("Een vastgesteld plan heeft een gekozen route.")
            if not self.owner.strip():
                errors["owner"] = _("Een vastgesteld plan heeft een eigenaar.")
            if errors:
                raise ValidationError(errors)


class ActionStatus(models.TextChoices):
    OPEN = "open", _("Open")
    BUSY = "bezig", pgettext_lazy("status van een actie", "Bezig")
    DONE = "klaar", _("Klaar")
    LAPSED = "vervallen", _("Vervallen")


#: Statuses that still ask for work: they get reminders and appear in the calendar.
OPEN_STATUSES = (ActionStatus.OPEN, ActionStatus.BUSY)


class PlanAction(VersionedModel):
    """A concrete next step of the plan; from the advisor (with its rule) or added by hand.

    The owner is a user of the tenant (who gets reminders by e-mail) or a partner from the tenant's
    registry (never both; its action's creator gets the reminders), and optionally a name for
    someone without an account. ``done`` mirrors ``status == klaar`` (kept for ordering).
    """

    plan = models.ForeignKey(ContinuationPlan, on_delete=models.CASCADE, related_name="actions")
    text = models.TextField(_("actie"))
    owner_user = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        on_delete=models.SET_NULL,
        null=True,
        blank=True,
        related_name="plan_actions",
        verbose_name=_("eigenaar (gebruiker)"),
        help_text=_("Deze persoon krijgt een herinnering per e-mail."),
    )
    owner_partner = models.ForeignKey(
        "portfolio.PartnerOrganisation",
        on_delete=models.SET_NULL,
        null=True,
        blank=True,
        related_name="plan_actions",
        verbose_name=_("eigenaar (partner)"),
    )
    owner = models.CharField(
        _("of: een andere eigenaar"),
        max_length=200,
        blank=True,
        help_text=_(
            "Een organisatie of persoon die niet in de lijst staat. Die krijgt geen herinnering."
        ),
    )
    due_date = models.DateField(_("uiterlijk"), null=True, blank=True)
    status = models.CharField(
        _("status"), max_length=20, choices=ActionStatus.choices, default=ActionStatus.OPEN
    )
    done = models.BooleanField(_("gedaan"), default=False)
    done_on = models.DateField(_("gedaan op"), null=True, blank=True)
    #: The advisor rule the action comes from (empty for an action added by hand).
    source_rule = models.CharField(_("adviesregel"), max_length=64, blank=True)
    #: The seed section that rule cites, e.g. "004 §2.3".
    source_citation = models.CharField(_("bron"), max_length=100, blank=True)
    position = models.PositiveIntegerField(default=0)
    created_at = models.DateTimeField(auto_now_add=True)
    history = HistoricalRecords(excluded_fields=["version"])

    class Meta:
        ordering = ["done", "position", "pk"]
        constraints = [
            # The owner is a user or a partner from the registry, never both.
            models.CheckConstraint(
                condition=models.Q(owner_user__isnull=True) | models.Q(owner_partner__isnull=True),
                name="plan_action_one_owner",
            )
        ]
        verbose_name = _("actie")
        verbose_name_plural = _("acties")

    def __str__(self) -> str:
        return self.text[:80]

    def save(self, *args, **kwargs) -> None:
        self.done = self.status == ActionStatus.DONE
        if self.done and self.done_on is None:
            self.done_on = timezone.localdate()
        if not self.done:
            self.done_on = None
        super().save(*args, **kwargs)

    @property
    def is_open(self) -> bool:
        return self.status in OPEN_STATUSES

    @property
    def owner_label(self) -> str:
        """Who owns the action, for screens, reports and the calendar."""
        if self.owner_user_id:
            user = self.owner_user
            name = user.get_full_name() or user.username
            return f"{name} ({self.owner})" if self.owner else name
        if self.owner_partner_id:
            name = self.owner_partner.name
            return f"{name} ({self.owner})" if self.owner else name
        return self.owner
