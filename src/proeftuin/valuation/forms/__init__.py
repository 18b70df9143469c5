"""Forms for the effects chain, one module per form family.

Messages are Dutch and sit on the field they concern. The forms catch what one row can tell (a low
value above its high value, a probability outside [0, 1], a year before the base year); what only
the whole chain can tell (a cycle, an effect that benefits nobody, shares that do not add up, a
missing price) is the core's validation, shown in Dutch by :mod:`proeftuin.valuation.messages`.

- :mod:`.base`: bounds, localised number fields, the range checks and the party choice;
- :mod:`.investments`: investments and their amounts per year;
- :mod:`.activities`: activities and participant groups;
- :mod:`.effects`: effects;
- :mod:`.shares`: who benefits from an effect, and the formset whose shares add up to one;
- :mod:`.links`: links between steps of the chain (asks the core about cycles before saving);
- :mod:`.analysis`: the project's own prices and the analysis settings.

The names are re-exported here, so ``from proeftuin.valuation import forms`` keeps working.
"""

from .activities import ActivityForm, ParticipantGroupForm
from .analysis import NEW_KEY, AnalysisForm, PriceOverrideForm
from .base import (
    SHARE_TOLERANCE,
    SHARES,
    YEAR_MAX,
    YEAR_MIN,
    DecimalTextInput,
    LocalDecimalField,
    LocalFloatField,
    PartyFormMixin,
    RangeChecksMixin,
)
from .effects import EffectForm, EffectQuickForm, price_choices
from .investments import AmountsField, InvestmentForm, InvestmentQuickForm, format_amounts
from .links import LinkForm
from .shares import BaseShareFormSet, BenefitShareForm, ShareFormSet, ShareQuickForm

__all__ = [
    "NEW_KEY",
    "SHARES",
    "SHARE_TOLERANCE",
    "YEAR_MAX",
    "YEAR_MIN",
    "ActivityForm",
    "AmountsField",
    "AnalysisForm",
    "BaseShareFormSet",
    "BenefitShareForm",
    "DecimalTextInput",
    "EffectForm",
    "EffectQuickForm",
    "InvestmentForm",
    "InvestmentQuickForm",
    "LinkForm",
    "LocalDecimalField",
    "LocalFloatField",
    "ParticipantGroupForm",
    "PartyFormMixin",
    "PriceOverrideForm",
    "RangeChecksMixin",
    "ShareFormSet",
    "ShareQuickForm",
    "format_amounts",
    "price_choices",
]
