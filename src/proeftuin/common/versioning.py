"""Optimistic concurrency: the second of two simultaneous saves is told it is stale.

Every editable row carries a ``version``. A form sends back the version it was rendered with; the
save is an ``UPDATE … WHERE version = <sent>`` that bumps it. When another save came first, no row
matches and :class:`StaleEdit` is raised, so nobody silently overwrites a colleague's work.

A save of an existing row *without* a version (an old page, a hand-made POST, a script) is stale
too: not knowing what the editor saw is not the same as knowing it is current.
"""

from __future__ import annotations

from django import forms
from django.db import models, transaction
from django.db.models import F
from django.utils.translation import gettext_lazy as _


class StaleEdit(Exception):
    """Raised when the row changed since the editor loaded it."""


class VersionedModel(models.Model):
    version = models.PositiveIntegerField(default=1, editable=False)

    class Meta:
        abstract = True

    def save_checked(self, expected_version: int | None, **kwargs) -> None:
        """Save, but only if nobody saved this row since ``expected_version`` was read.

        A new row needs no version; an existing row without one is refused as stale."""
        if self._state.adding:
            self.save(**kwargs)
            return
        if expected_version is None:
            raise StaleEdit
        with transaction.atomic():
            updated = (
                type(self)
                .objects.filter(pk=self.pk, version=expected_version)
                .update(version=F("version") + 1)
            )
            if updated != 1:
                raise StaleEdit
            self.version = expected_version + 1
            self.save(**kwargs)


class VersionedFormMixin(forms.Form):
    """Adds the hidden version field and turns a stale save into a form error, not a crash."""

    edit_version = forms.IntegerField(widget=forms.HiddenInput, required=False)

    stale_message = _(
        "Iemand anders heeft dit intussen gewijzigd. Uw wijzigingen zijn nog niet opgeslagen en "
        "staan hieronder. Bekijk eerst de andere wijziging (tabblad Geschiedenis); sla daarna "
        "opnieuw op als uw versie moet gelden."
    )

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        instance = getattr(self, "instance", None)
        if instance is not None and instance.pk and not self.is_bound:
            self.fields["edit_version"].initial = instance.version

    def save_versioned(self, commit_extra=None):
        """Save the ModelForm's instance with the version check; returns the instance or None."""
        instance = self.save(commit=False)  # type: ignore[attr-defined]
        if commit_extra:
            commit_extra(instance)
        try:
            instance.save_checked(self.cleaned_data.get("edit_version"))
        except StaleEdit:
            self.add_error(None, self.stale_message)
            # The next submit is a conscious choice made after seeing the warning: accept it
            # against the version that is current now.
            current = (
                type(instance).objects.filter(pk=instance.pk).values_list("version", flat=True)
            )
            self.data = self.data.copy()
            self.data[self.add_prefix("edit_version")] = current.first()
            return None
        self.save_m2m()  # type: ignore[attr-defined]
        return instance
