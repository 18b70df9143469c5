"""Refuses passwords built from a common Dutch word plus digits, a year or punctuation.

Django's :class:`~django.contrib.auth.password_validation.CommonPasswordValidator` knows English
lists; people in a Dutch municipality pick ``Welkom2026``, ``Wachtwoord1`` or the name of the
application. We normalise (case, accents, trailing digits, years and punctuation, leet digits) and
compare the base with a list shipped in the package (``data/common_passwords_nl.txt``).
"""

from __future__ import annotations

import re
import unicodedata
from functools import cache
from pathlib import Path

from django.core.exceptions import ValidationError
from django.utils.translation import gettext as _

LIST_PATH = Path(__file__).resolve().parent / "data" / "common_passwords_nl.txt"
# Digits, spaces and punctuation people add around a word: "Welkom2026!", "!welkom01".
_AFFIX = re.compile(r"^[\W\d_]+|[\W\d_]+$")
_LEET = str.maketrans(
    {"0": "o", "1": "i", "3": "e", "4": "a", "5": "s", "7": "t", "@": "a", "$": "s"}
)


@cache
def common_bases(path: Path = LIST_PATH) -> frozenset[str]:
    """The shipped list, read once."""
    lines = path.read_text(encoding="utf-8").splitlines()
    return frozenset(
        line.strip().lower() for line in lines if line.strip() and not line.startswith("#")
    )


def _fold(text: str) -> str:
    """Lower case, accents removed, fullwidth letters mapped to ASCII (NFKD)."""
    decomposed = unicodedata.normalize("NFKD", text)
    return "".join(c for c in decomposed if not unicodedata.combining(c)).lower()


def candidates(password: str) -> set[str]:
    """The forms of a password compared with the list: as typed, without affixes, de-leeted."""
    folded = _fold(password).strip()
    stripped = _AFFIX.sub("", folded)
    forms = {folded, stripped, folded.translate(_LEET), stripped.translate(_LEET)}
    # "welkom-welkom", "welkom welkom": without separators too.
    forms |= {re.sub(r"[\W_]+", "", f) for f in list(forms)}
    # A word typed twice: "zomerzomer2026".
    forms |= {
        f[: len(f) // 2] for f in list(forms) if len(f) % 2 == 0 and f[: len(f) // 2] * 2 == f
    }
    return {_AFFIX.sub("", f) for f in forms} - {""}


class DutchCommonPasswordValidator:
    """Refuses a password whose base is on the shipped list of common Dutch passwords."""

    def __init__(self, path: str | None = None) -> None:
        self.path = Path(path) if path else LIST_PATH

    def validate(self, password: str, user=None) -> None:
        bases = common_bases(self.path)
        if candidates(password) & bases:
            raise ValidationError(
                _(
                    "Dit wachtwoord staat (met cijfers of een jaartal eromheen) op de lijst van "
                    "veelgebruikte wachtwoorden. Kies een zin van een paar woorden die niet voor "
                    "de hand liggen."
                ),
                code="password_too_common_nl",
            )

    def get_help_text(self) -> str:
        return _(
            "Uw wachtwoord mag geen veelgebruikt wachtwoord zijn, ook niet met cijfers of een "
            "jaartal erachter (zoals Welkom2026)."
        )
