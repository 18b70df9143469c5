"""Form validators around :mod:`proeftuin.core.identifiers`, with Dutch messages.

Participant texts (stories, interventions) are checked for every kind, names included. Texts
about projects (goals, decisions, evidence, notes) may name officials and partners, so they are
checked for everything except names. :func:`guard` attaches a validator to fields of a form
class once, at import, so each form module needs one line per form.
"""

from __future__ import annotations

from collections.abc import Iterable

from django import forms
from django.utils.translation import gettext_lazy as _

from proeftuin.core import identifiers

LABELS = {
    "bsn": _("een BSN"),
    "email": _("een e-mailadres"),
    "phone": _("een telefoonnummer"),
    "iban": _("een rekeningnummer (IBAN)"),
    "address": _("een adres (postcode of straat met huisnummer)"),
    "name": _("een naam"),
}


def message(kinds: Iterable[str]) -> str:
    """'Deze tekst lijkt … te bevatten' with what to do, naming every kind found."""
    found = ", ".join(str(LABELS[k]) for k in kinds)
    return str(
        _(
            "Deze tekst lijkt %(found)s te bevatten. Proeftuin bewaart geen gegevens die naar een "
            "persoon leiden: haal ze weg of vervang ze (bijvoorbeeld 'mevrouw J.' of 'de buurman') "
            "en sla opnieuw op."
        )
    ) % {"found": found}


def check_text(value: str, *, names: bool = True) -> None:
    kinds = [k for k in identifiers.identifier_kinds(value or "") if names or k != "name"]
    if kinds:
        raise forms.ValidationError(message(kinds), code="identifier")


def no_identifiers(value: str) -> None:
    check_text(value, names=True)


def no_contact_identifiers(value: str) -> None:
    check_text(value, names=False)


def bsn_message() -> str:
    return str(
        _(
            "Dit lijkt een BSN (het voldoet na het weglaten van punten, streepjes, spaties en "
            "voorvoegsels aan de elfproef). Een BSN wordt niet in Proeftuin opgeslagen; gebruik "
            "het nummer van uw eigen organisatie."
        )
    )


def no_bsn(value: str) -> None:
    if value and identifiers.looks_like_bsn(value):
        raise forms.ValidationError(bsn_message(), code="bsn")


def guard(form_class: type[forms.BaseForm], *fields: str, names: bool = True) -> None:
    """Attach the identifier check to ``fields`` of ``form_class`` (once)."""
    validator = no_identifiers if names else no_contact_identifiers
    for name in fields:
        field = form_class.base_fields[name]
        if validator not in field.validators:
            field.validators.append(validator)
