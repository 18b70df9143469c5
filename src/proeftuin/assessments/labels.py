"""Translated labels for assessment screens, exports and the report."""

from __future__ import annotations

from django.utils.translation import get_language
from django.utils.translation import gettext as _

from proeftuin.core.frameworks import UNKNOWN, Framework, Outcome


def current_lang() -> str:
    return "en" if (get_language() or "nl").startswith("en") else "nl"


def chart_labels() -> dict[str, str]:
    return {
        "title": _("Profiel per dimensie"),
        "description": _(
            "Gestapelde staafgrafiek: per dimensie het aantal indicatoren per niveau. Onbekend en "
            "nog niet beoordeeld zijn aparte grijze en witte delen, geen nul. De cijfers staan in "
            "de tabel bij de grafiek."
        ),
        "count": _("Aantal indicatoren"),
        "dimension": _("Dimensie"),
        "level": _("Oordeel"),
        "unknown": _("onbekend"),
        "not_rated": _("nog niet beoordeeld"),
    }


def value_label(framework: Framework, value: str | None, lang: str) -> str:
    """The label of a level, *onbekend*, or a dash for "not rated"."""
    if not value:
        return _("nog niet beoordeeld")
    if value == UNKNOWN:
        return _("onbekend")
    if framework.scale.is_level(value):
        return framework.scale.label(value, lang)
    return value  # left over from an older version of the framework


def outcome_label(outcome: Outcome) -> str:
    return {
        Outcome.PRESENT: _("aanwezig"),
        Outcome.NOT_PRESENT: _("niet aanwezig"),
        Outcome.UNDETERMINED: _("onbepaald"),
    }[outcome]


def rater_name(user) -> str:
    return user.get_full_name() or user.username
