"""One guard against direct identifiers, for every entry point (issue 8, item 5).

Proeftuin stores no BSN, no names and no contact details. Everything typed or imported passes
this module: client and household numbers (:func:`looks_like_bsn`), every import cell
(:func:`bsn_expr`, vectorised with the same normalisation) and free text such as stories,
evidence, goals and notes (:func:`find_identifiers`).

**Normalisation before the 11-test.** A BSN hides behind separators (``111.222.333``,
``111-222-333``, ``111 222 333``), prefixes (``BSN``, ``BSN:``, ``NL``), fullwidth digits and
letters (``１１１２２２３３３``, turned into ASCII by Unicode NFKC), lower case, and a trailing
letter (``111222333A``). All are removed before :func:`passes_elfproef`.

**Free text** is searched for BSNs (digit runs of 8–9 digits with single separators that pass
the 11-test; dates are not counted), e-mail addresses, Dutch phone numbers, IBANs (with the
ISO 13616 mod-97 checksum), a postcode with a house number or a street with a house number, and
person names from a shipped list of about 200 common surnames in the Netherlands
(``identifiers_surnames.txt``). Names are matched conservatively: a listed surname written with
a capital; surnames that are also ordinary Dutch words (Bakker, Visser, Koning…) only after a
title (meneer, mevrouw, dhr., mw.), an initial (``J.``) or a particle (``de Boer``).

We chose a shipped list over Microsoft Presidio: Presidio's Dutch recognisers need a spaCy
language model downloaded at install time, and nothing may be downloaded at run time; its
Dutch name recognition is also not better than a list for the short texts we see. Core returns
codes (``bsn``, ``email``, ``phone``, ``iban``, ``address``, ``name``); the Django layer words them.
"""

from __future__ import annotations

import re
import unicodedata
from dataclasses import dataclass
from functools import cache
from pathlib import Path

import polars as pl

from .intake.safety import passes_elfproef

_BSN_WEIGHTS = (9, 8, 7, 6, 5, 4, 3, 2, -1)

KINDS = ("bsn", "email", "phone", "iban", "address", "name")

_PREFIX = re.compile(r"^(?:BSN|NL)(?:[\s:.#\-]*(?:NR\.?|NUMMER))?[\s:.#\-]*")
_SEPARATORS = re.compile(r"[\s.\-_/:]")
_TRAILING_LETTER = re.compile(r"^([0-9]{8,9})[A-Z]$")
# A calendar date (ISO or Dutch order, 1900–2099) is a date, even when its eight digits pass the
# 11-test, as about one day in eleven does (black-box finding: 2025-01-01 refused as a BSN).
_MONTH, _DAY = r"(?:0?[1-9]|1[0-2])", r"(?:0?[1-9]|[12][0-9]|3[01])"
_DATE_CELL = re.compile(
    rf"^(?:(?:19|20)[0-9]{{2}}[\-/.]{_MONTH}[\-/.]{_DAY}|{_DAY}[\-/.]{_MONTH}[\-/.](?:19|20)[0-9]{{2}})$"
)


def _plain(text: str) -> str:
    """NFKC, invisible format characters (zero-width space, soft hyphen …) removed, and every
    Unicode decimal digit (Arabic-Indic, Devanagari …) written as an ASCII digit."""
    out = []
    for char in unicodedata.normalize("NFKC", str(text)):
        if unicodedata.category(char) == "Cf" or char == "\u00ad":
            continue
        if char.isdecimal() and not char.isascii():
            out.append(str(unicodedata.decimal(char)))
            continue
        out.append(char)
    return "".join(out)


def normalise(text: str) -> str:
    """NFKC (fullwidth → ASCII, no-break space → space), no invisible characters, ASCII digits,
    trimmed: a BSN typed in any script or with a zero-width space is still a BSN."""
    return _plain(text).strip()


def bsn_digits(value: str) -> str:
    """The digits a value reduces to once prefixes, separators, a trailing letter and leading
    zeros beyond nine digits are gone."""
    text = _PREFIX.sub("", normalise(value).upper())
    text = _SEPARATORS.sub("", text)
    match = _TRAILING_LETTER.match(text)
    digits = match.group(1) if match else text
    if digits.isdigit() and len(digits) > 9:
        digits = digits.lstrip("0")  # "0111222333" is the BSN 111222333 padded
    return digits


def looks_like_bsn(value: str) -> bool:
    """True when a client number, household number or cell is (or contains) a valid BSN."""
    if value is None or _DATE_CELL.match(normalise(value)):
        return False
    digits = bsn_digits(value)
    if digits.isdigit() and len(digits) in (8, 9) and passes_elfproef(digits):
        return True
    return any(f.kind == "bsn" for f in find_identifiers(str(value)))


def bsn_expr(column: pl.Expr) -> pl.Expr:
    """Vectorised :func:`bsn_digits` + 11-test over a string column (False for empty cells)."""
    return column.cast(pl.String).map_batches(bsn_series, return_dtype=pl.Boolean)


def bsn_series(values: pl.Series) -> pl.Series:
    """:func:`bsn_expr` on a materialised column: each step runs once (no repeated subtrees),
    and only on cells with at least eight (ASCII or fullwidth) digits."""
    values = values.cast(pl.String)
    result = pl.Series(values.name, [False] * len(values), dtype=pl.Boolean)
    long_enough = (values.str.len_chars().fill_null(0) >= 8).alias(values.name)
    if not long_enough.any():
        return result
    # \d is Unicode-aware here: Arabic-Indic and other digits count too.
    enough = long_enough & (values.str.count_matches(r"\d").fill_null(0) >= 8)
    if not enough.any():
        return result
    return result.scatter(enough.arg_true(), _bsn_candidates(values.filter(enough)))


def _bsn_candidates(values: pl.Series) -> pl.Series:
    # Cells with non-ASCII characters (other scripts' digits, zero-width spaces) go through the
    # one Python normaliser; the rest stay vectorised.
    odd = values.str.contains(r"[^\x00-\x7F]").fill_null(False)
    if odd.any():
        plain = values.filter(odd).map_elements(_plain, return_dtype=pl.String)
        values = values.scatter(odd.arg_true(), plain)
    text = values.str.normalize("NFKC").str.strip_chars().str.to_uppercase()
    date = text.str.contains(_DATE_CELL.pattern).fill_null(False)
    text = text.str.replace(_PREFIX.pattern, "")
    text = text.str.replace_all(_SEPARATORS.pattern, "")
    text = text.str.replace(_TRAILING_LETTER.pattern, "${1}")
    text = text.str.replace(r"^0+([0-9]{9})$", "${1}")  # leading zeros beyond nine digits
    candidate = text.str.contains(r"^[0-9]{8,9}$").fill_null(False)
    number = text.zip_with(candidate, pl.Series([None] * len(text), dtype=pl.String))
    number = number.str.to_integer(strict=False)
    total = pl.Series([0] * len(text), dtype=pl.Int64)
    for position, weight in enumerate(_BSN_WEIGHTS):
        total = total + ((number // (10 ** (8 - position))) % 10) * weight
    passing = ~date & candidate & (number > 0).fill_null(False) & (total % 11 == 0).fill_null(False)
    return passing.alias(values.name)


def bsn_share_normalised(values: pl.Series) -> tuple[float, int]:
    """(share of non-empty values that are a BSN in any spelling, number of non-empty values)."""
    text = values.cast(pl.String).str.strip_chars()
    text = text.filter(text.is_not_null() & (text != ""))
    if text.len() == 0:
        return 0.0, 0
    passing = pl.select(bsn_expr(pl.lit(text))).to_series().sum()
    return passing / text.len(), text.len()


# --- free text ------------------------------------------------------------------------------------


@dataclass(frozen=True)
class Finding:
    """One identifier found in a text: its kind (a code from :data:`KINDS`) and a masked hint."""

    kind: str
    hint: str


_BSN_RUN = re.compile(r"(?<!\d)\d(?:[ .\-/_]?\d){7,8}(?!\d)")
_DATE = re.compile(r"^(?:\d{1,2}[\-/.]\d{1,2}[\-/.]\d{4}|\d{4}[\-/.]\d{1,2}[\-/.]\d{1,2})$")
_EMAIL = re.compile(r"[A-Za-z0-9._%+\-]+@[A-Za-z0-9.\-]+\.[A-Za-z]{2,}")
# An e-mail address written out to slip past a filter: "jan[at]example.nl", "jan (at) example dot
# nl", "jan punt jansen apenstaartje example punt nl".
_AT = r"(?:\s*[\[({]\s*(?:at|@)\s*[\])}]\s*|\s+(?:at|apenstaartje)\s+)"
_DOT = r"(?:\.|\s*[\[({]\s*(?:dot|punt)\s*[\])}]\s*|\s+(?:dot|punt)\s+)"
_EMAIL_SPELLED = re.compile(
    rf"[A-Za-z0-9_%+\-]+(?:{_DOT}[A-Za-z0-9_%+\-]+)*{_AT}[A-Za-z0-9\-]+(?:{_DOT}[A-Za-z0-9\-]+)*"
    rf"{_DOT}[A-Za-z]{{2,}}\b",
    re.IGNORECASE,
)
_PHONE = re.compile(
    r"(?<![\d+])(?:\+31|0031|0)[\s\-.]?(?:\(0\)[\s\-.]?)?[1-9](?:[\s\-.]?\d){8}(?!\d)"
)
_IBAN = re.compile(r"\b[A-Z]{2}\d{2}(?:[ ]?[A-Z0-9]){11,30}\b")
_POSTCODE = re.compile(r"\b[1-9]\d{3}[ ]?(?!SA|SD|SS)[A-Z]{2}\b")
_HOUSE_NUMBER = re.compile(r"\b\d{1,5}(?:[ \-]?[A-Za-z])?\b")
_STREET = re.compile(
    r"\b[A-Z][a-zà-ÿ]+(?:straat|laan|weg|plein|gracht|kade|singel|dreef|steeg|dijk|pad|hof|"
    r"park|markt|ring|baan|erf)\s+\d{1,5}(?:[ \-]?[a-zA-Z])?\b"
)
_TITLES = r"(?:[Mm]eneer|[Mm]evrouw|[Mm]evr\.?|[Mm]w\.?|[Dd]hr\.?|[Hh]eer|[Ff]amilie|[Ff]am\.?)"
_INITIALS = r"(?:[A-Z]\.\s?){1,4}"
#: Listed surnames that are also ordinary Dutch words; these need a title, initial or particle.
_AMBIGUOUS = frozenset(
    [
        "Bakker",
        "Visser",
        "Smit",
        "Mulder",
        "Bos",
        "Vos",
        "Dekker",
        "Brouwer",
        "Kok",
        "Maas",
        "Koster",
        "Prins",
        "Blom",
        "Post",
        "Kuiper",
        "Kramer",
        "Groen",
        "Jonker",
        "Boer",
        "Koning",
        "Schipper",
        "Bosch",
        "Molenaar",
        "Koopman",
        "Kroon",
        "Pronk",
        "Roos",
        "Groot",
        "Mol",
        "Arts",
        "Tan",
        "Lie",
        "Kurt",
        "Faber",
        "Franken",
        "Martina",
        "Statia",
        "Huisman",
        "Bosman",
        "Evers",
        "Hofman",
        "Kuipers",
        "Peters",
        "Ali",
        "Khan",
        "Singh",
        "Post",
        "Mertens",
        "Sanders",
    ]
)


@cache
def surnames() -> tuple[str, ...]:
    path = Path(__file__).with_name("identifiers_surnames.txt")
    lines = path.read_text(encoding="utf-8").splitlines()
    return tuple(line.strip() for line in lines if line.strip() and not line.startswith("#"))


@cache
def _name_patterns() -> tuple[re.Pattern, re.Pattern]:
    plain, cued = [], []
    for name in surnames():
        words = name.split()
        core = re.escape(words[-1])
        if len(words) > 1:
            particles = r"\s+".join(re.escape(w) for w in words[:-1])
            # "de Vries", "De Vries", "van den Berg": the particle is a strong cue by itself.
            first, rest = particles[0], particles[1:]
            particle = rf"[{first.lower()}{first.upper()}]{rest}"
            plain.append(rf"{particle}\s+{core}")
        elif words[-1] in _AMBIGUOUS:
            cued.append(core)
        else:
            plain.append(core)
    plain_re = re.compile(r"(?<![\w-])(?:" + "|".join(plain) + r")(?![\w-])")
    cued_re = re.compile(
        rf"(?:{_TITLES}\s+|{_INITIALS}\s*)(?:{'|'.join(cued)})(?![\w-])" if cued else r"(?!x)x"
    )
    return plain_re, cued_re


def _iban_valid(text: str) -> bool:
    """ISO 13616 mod-97 on the match or a shorter start of it (a word may follow the IBAN)."""
    compact = text.replace(" ", "").upper()
    for end in range(min(len(compact), 34), 14, -1):
        candidate = compact[:end]
        moved = candidate[4:] + candidate[:4]
        if int("".join(str(int(ch, 36)) for ch in moved)) % 97 == 1:
            return True
    return False


def _mask(text: str) -> str:
    text = text.strip()
    return text[:2] + "…" if len(text) > 2 else "…"


def find_identifiers(text: str) -> list[Finding]:
    """Every identifier found in ``text`` (empty list when none), in order of kind."""
    if not text:
        return []
    normal = _plain(text)
    found: list[Finding] = []
    upper = normal.upper()
    for match in _BSN_RUN.finditer(normal):
        run = match.group()
        if _DATE.match(run):
            continue
        digits = re.sub(r"\D", "", run)
        if passes_elfproef(digits):
            found.append(Finding("bsn", _mask(run)))
    for match in _EMAIL.finditer(normal):
        found.append(Finding("email", _mask(match.group())))
    if not any(f.kind == "email" for f in found):
        for match in _EMAIL_SPELLED.finditer(normal):
            found.append(Finding("email", _mask(match.group())))
    ibans = [m for m in _IBAN.finditer(upper) if _iban_valid(m.group())]
    found.extend(Finding("iban", _mask(m.group())) for m in ibans)
    for match in _PHONE.finditer(normal):
        if not any(m.start() <= match.start() < m.end() for m in ibans):
            found.append(Finding("phone", _mask(match.group())))
    for match in _POSTCODE.finditer(normal):
        before = normal[max(0, match.start() - 40) : match.start()]
        after = normal[match.end() : match.end() + 12]
        if _HOUSE_NUMBER.search(before) or re.match(r"^[\s,]*\d{1,5}\b", after):
            found.append(Finding("address", _mask(match.group())))
    for match in _STREET.finditer(normal):
        found.append(Finding("address", _mask(match.group())))
    plain, cued = _name_patterns()
    for pattern in (plain, cued):
        for match in pattern.finditer(normal):
            found.append(Finding("name", _mask(match.group())))
    order = {kind: i for i, kind in enumerate(KINDS)}
    return sorted(found, key=lambda f: order[f.kind])


def identifier_kinds(text: str) -> list[str]:
    """The distinct kinds found in ``text``, in the order of :data:`KINDS`."""
    kinds = {f.kind for f in find_identifiers(text)}
    return [kind for kind in KINDS if kind in kinds]


def has_identifiers(text: str, names: bool = True) -> bool:
    """True when :func:`find_identifiers` finds anything (names only when ``names``)."""
    return any(names or f.kind != "name" for f in find_identifiers(text))


def has_identifiers_series(values: pl.Series, names: bool = True) -> pl.Series:
    """:func:`has_identifiers` per cell, computed once per distinct text (a column of 2 million
    neighbourhood names has a few dozen)."""
    distinct = values.drop_nulls().unique().to_list()
    flags = {text: has_identifiers(text, names) for text in distinct}
    if not flags:
        return pl.Series(values.name, [False] * values.len(), dtype=pl.Boolean)
    return values.replace_strict(flags, default=False, return_dtype=pl.Boolean)
