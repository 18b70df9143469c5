"""The form for a link between two steps of the effects chain; it asks the core about cycles
before it saves."""

from __future__ import annotations

from dataclasses import replace

from django import forms
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy as _lazy

from proeftuin.common.versioning import VersionedFormMixin
from proeftuin.core.valuation import CycleError, Link, ValuationError, validate

from .. import models
from ..convert import ProjectValuation
from ..messages import explain

# Links ----------------------------------------------------------------------------------------


class LinkForm(VersionedFormMixin, forms.ModelForm):
    source = forms.ChoiceField(label=_lazy("Van"))
    target = forms.ChoiceField(label=_lazy("Naar"))

    class Meta:
        model = models.Link
        fields = ["source", "target", "assumption"]
        widgets = {"assumption": forms.Textarea(attrs={"rows": 3})}

    def __init__(self, *args, valuation: ProjectValuation, **kwargs):
        super().__init__(*args, **kwargs)
        self.valuation = valuation

        def group(label, rows):
            return (label, [(row.core_id, str(row)) for row in rows])

        sources = [
            group(_("Investeringen"), valuation.investments),
            group(_("Activiteiten"), valuation.activities),
            group(_("Effecten"), valuation.effects),
        ]
        self.fields["source"].choices = [("", "—"), *[g for g in sources if g[1]]]
        self.fields["target"].choices = [("", "—"), *[g for g in sources[1:] if g[1]]]
        message = _lazy("Kies een element van de keten uit de lijst.")
        self.fields["source"].error_messages["invalid_choice"] = message
        self.fields["target"].error_messages["invalid_choice"] = message

    def clean(self):
        cleaned = super().clean()
        source, target = cleaned.get("source"), cleaned.get("target")
        if not source or not target:
            return cleaned
        if source == target:
            self.add_error("target", _("Een schakel verbindt twee verschillende elementen."))
            return cleaned
        duplicate = self.valuation.project.value_links.filter(source=source, target=target)
        if self.instance.pk:
            duplicate = duplicate.exclude(pk=self.instance.pk)
        if duplicate.exists():
            self.add_error("target", _("Deze schakel bestaat al."))
            return cleaned
        # Would this link close a loop? Ask the core, and say it the way the results page would.
        chain = self.valuation.chain
        links = [
            link
            for link, row in zip(chain.links, self.valuation.links, strict=True)
            if row.pk != self.instance.pk
        ]
        trial = replace(chain, links=(*links, Link(source, target, cleaned.get("assumption", ""))))
        try:
            validate(trial, self.valuation.prices, self.valuation.settings)
        except CycleError as exc:
            self.add_error(None, explain(exc, self.valuation).text)
        except ValuationError:
            pass  # other problems of the chain are shown on the chain page, not here
        return cleaned
