"""Which spreadsheet column means what: suggestions from Dutch and English headers, and templates.

A :class:`Mapping` says, per sheet, where the header is and what every column holds. It is plain
data (:meth:`Mapping.to_dict` gives JSON-serialisable dicts), so the user can confirm or correct the
suggestion and save it as a *template* for the next file in the same shape. Columns are matched
by their header text, not their letter, so a template survives an inserted column.

Targets (:data:`FIELDS`) are the things Proeftuin stores. Besides a field, a column can be:

- ``ignore``: not imported (the default for unrecognised columns);
- ``hash``: imported only as a keyed hash (HMAC) — the way to keep a BSN-like or name column as a
  linking key without storing it;
- ``drop``: explicitly not imported.

Columns that look like they hold a BSN, a person's name or contact details are *sensitive*; the
importer refuses the file unless each of them is mapped to ``hash`` or ``drop``
(:func:`~proeftuin.core.intake.dry_run` checks this itself, it does not trust the mapping).

Suggestions carry a confidence between 0 and 1 and a reason (a key with parameters):

====  ====================================================================
0.95  the header is a known name for the field (``Cliëntnummer``)
0.9   the same after removing a measurement moment (``Wonen T0``)
0.75  a known name occurs as whole words in the header (``Score wonen``)
0.6   a close spelling (``Finacien``) or a weak name (``Nr``)
====  ====================================================================
"""

from __future__ import annotations

import difflib
import json
import math
import re
from collections.abc import Iterable, Sequence
from collections.abc import Mapping as MappingABC
from dataclasses import asdict, dataclass, field, replace
from typing import Any

from ..instruments import Instrument, normalise_name

IGNORE = "ignore"
HASH = "hash"
DROP = "drop"
ACTIONS = (IGNORE, HASH, DROP)

BASELINE, INTERIM, END = "baseline", "interim", "end"
PHASES = (BASELINE, INTERIM, END)
PHASE_LABELS = {BASELINE: "0-meting", INTERIM: "tussenmeting", END: "eindmeting"}

END_REASONS = ("according_to_plan", "by_agreement", "dropped_out", "moved", "other")


@dataclass(frozen=True)
class Field:
    id: str
    kind: str  # identifier, date, phase, score, item, count, flag, text, year, age, reason
    label_nl: str
    label_en: str
    names: tuple[str, ...]
    weak_names: tuple[str, ...] = ()


#: Everything a column can be mapped to. ``names`` are matched after :func:`normalise_name`.
FIELDS: dict[str, Field] = {
    f.id: f
    for f in (
        Field(
            "client_number",
            "identifier",
            "cliëntnummer",
            "client number",
            (
                "clientnummer",
                "client nummer",
                "clientnr",
                "client nr",
                "clientid",
                "client id",
                "client number",
                "client no",
                "deelnemersnummer",
                "deelnemernummer",
                "deelnemer nr",
                "deelnemer id",
                "deelnemer",
                "dossiernummer",
                "dossiernr",
                "dossier",
                "casenummer",
                "case id",
                "case number",
                "registratienummer",
                "participant id",
                "participant number",
                "participant",
            ),
            ("id", "nr", "nummer", "no", "volgnummer", "code", "client"),
        ),
        Field(
            "household_number",
            "identifier",
            "huishoudnummer",
            "household number",
            (
                "huishoudnummer",
                "huishouden nr",
                "huishoud nr",
                "huishouden id",
                "gezinsnummer",
                "gezin nr",
                "gezins nr",
                "gezins id",
                "gezin id",
                "household",
                "household id",
                "household number",
                "family id",
                "family number",
            ),
        ),
        Field(
            "measured_on",
            "date",
            "datum meting",
            "measurement date",
            (
                "datum",
                "meetdatum",
                "datum meting",
                "datum van meting",
                "peildatum",
                "invuldatum",
                "datum afname",
                "afnamedatum",
                "date",
                "measurement date",
                "date of measurement",
                "assessment date",
            ),
        ),
        Field(
            "phase",
            "phase",
            "meetmoment",
            "measurement moment",
            (
                "fase",
                "meetmoment",
                "meting",
                "moment",
                "type meting",
                "soort meting",
                "meetfase",
                "phase",
                "measurement",
                "time point",
                "timepoint",
                "wave",
                "measurement moment",
            ),
        ),
        Field(
            "score",
            "score",
            "score",
            "score",
            (
                "score",
                "waarde",
                "cijfer",
                "zelfredzaamheid",
                "zelfredzaamheidsscore",
                "value",
                "rating",
                "self reliance",
            ),
        ),
        Field(
            "item",
            "item",
            "leefgebied",
            "life domain",
            (
                "leefgebied",
                "levensgebied",
                "domein",
                "leefdomein",
                "element",
                "onderdeel",
                "domain",
                "life domain",
                "item",
            ),
        ),
        Field(
            "professionals",
            "count",
            "aantal hulpverleners",
            "number of professionals",
            (
                "aantal hulpverleners",
                "hulpverleners",
                "aantal professionals",
                "professionals",
                "aantal betrokken hulpverleners",
                "betrokken hulpverleners",
                "aantal zorgverleners",
                "zorgverleners",
                "aantal hulpverleners in gezin",
                "number of professionals",
                "professionals involved",
                "care workers",
                "number of care workers",
            ),
        ),
        Field(
            "organisations",
            "count",
            "aantal organisaties",
            "number of organisations",
            (
                "aantal organisaties",
                "organisaties",
                "aantal instanties",
                "instanties",
                "aantal betrokken organisaties",
                "betrokken organisaties",
                "organisations",
                "organizations",
                "number of organisations",
                "number of organizations",
            ),
        ),
        Field(
            "supervision_order",
            "flag",
            "OTS (ondertoezichtstelling)",
            "supervision order",
            (
                "ots",
                "ondertoezichtstelling",
                "onder toezichtstelling",
                "onder toezicht stelling",
                "onder toezicht gesteld",
                "supervision order",
                "child supervision order",
            ),
        ),
        Field(
            "out_of_home_placement",
            "flag",
            "uithuisplaatsing",
            "out-of-home placement",
            (
                "uhp",
                "uithuisplaatsing",
                "uit huis plaatsing",
                "uithuis plaatsing",
                "out of home placement",
                "placement",
            ),
        ),
        Field(
            "eviction",
            "flag",
            "huisuitzetting",
            "eviction",
            ("huisuitzetting", "uithuiszetting", "uitzetting", "ontruiming", "eviction"),
        ),
        Field(
            "neighbourhood",
            "text",
            "wijk",
            "neighbourhood",
            (
                "wijk",
                "buurt",
                "wijknaam",
                "buurtnaam",
                "stadsdeel",
                "gebied",
                "wijkteam",
                "neighbourhood",
                "neighborhood",
                "district",
                "area",
            ),
        ),
        Field(
            "birth_year",
            "year",
            "geboortejaar",
            "year of birth",
            (
                "geboortejaar",
                "geb jaar",
                "jaar van geboorte",
                "bouwjaar client",
                "birth year",
                "year of birth",
                "geboortedatum",
                "geb datum",
                "date of birth",
                "birth date",
            ),
        ),
        Field("age", "age", "leeftijd", "age", ("leeftijd", "lft", "age", "leeftijd in jaren")),
        Field(
            "story",
            "text",
            "verhaal",
            "story",
            (
                "verhaal",
                "verhaal deelnemer",
                "verhaal van de deelnemer",
                "eigen verhaal",
                "ervaring",
                "ervaringsverhaal",
                "story",
                "narrative",
                "participant story",
            ),
            (
                "toelichting",
                "opmerkingen",
                "opmerking",
                "notitie",
                "notities",
                "comments",
                "remarks",
                "notes",
            ),
        ),
        Field(
            "consent",
            "flag",
            "toestemming",
            "consent",
            (
                "toestemming",
                "toestemming verhaal",
                "toestemming gegeven",
                "akkoord",
                "akkoord verhaal",
                "toestemming delen",
                "consent",
                "permission",
                "consent given",
            ),
        ),
        Field(
            "trajectory_start",
            "date",
            "start traject",
            "trajectory start",
            (
                "startdatum",
                "start traject",
                "begin traject",
                "startdatum traject",
                "datum start",
                "datum start traject",
                "aanmelddatum",
                "datum aanmelding",
                "instroomdatum",
                "start date",
                "trajectory start",
                "date of intake",
            ),
        ),
        Field(
            "trajectory_end",
            "date",
            "einde traject",
            "trajectory end",
            (
                "einddatum",
                "einde traject",
                "eind traject",
                "einddatum traject",
                "datum einde",
                "datum einde traject",
                "afsluitdatum",
                "uitstroomdatum",
                "datum uitstroom",
                "end date",
                "trajectory end",
            ),
        ),
        Field(
            "end_reason",
            "reason",
            "reden einde",
            "reason for ending",
            (
                "reden einde",
                "reden beeindiging",
                "reden afsluiting",
                "reden uitstroom",
                "uitstroomreden",
                "reden einde traject",
                "end reason",
                "reason for ending",
                "reason ended",
            ),
        ),
    )
}

#: Header words that mark a column as sensitive, by kind.
SENSITIVE_NAMES: dict[str, tuple[str, ...]] = {
    "bsn": (
        "bsn",
        "burgerservicenummer",
        "burger service nummer",
        "sofinummer",
        "sofi nummer",
        "sofi nr",
        "citizen service number",
        "social security number",
        "ssn",
    ),
    "name": (
        "naam",
        "voornaam",
        "achternaam",
        "roepnaam",
        "voorletters",
        "tussenvoegsel",
        "geboortenaam",
        "meisjesnaam",
        "familienaam",
        "naam client",
        "clientnaam",
        "naam deelnemer",
        "volledige naam",
        "name",
        "first name",
        "last name",
        "surname",
        "full name",
        "given name",
        "family name",
        "firstname",
        "lastname",
    ),
    "contact": (
        "adres",
        "straat",
        "straatnaam",
        "huisnummer",
        "postcode",
        "telefoon",
        "telefoonnummer",
        "tel nr",
        "mobiel",
        "mobiel nummer",
        "e mail",
        "email",
        "emailadres",
        "e mail adres",
        "address",
        "street",
        "phone",
        "phone number",
        "mobile",
        "zip code",
        "postal code",
    ),
}
_SENSITIVE_KEYS = {
    kind: frozenset(normalise_name(n) for n in names) for kind, names in SENSITIVE_NAMES.items()
}
#: Whole words that make a header a name header wherever they occur ("Naam ouder 1").
_NAME_WORDS = {"naam", "voornaam", "achternaam", "roepnaam", "name", "surname"}

SENSITIVE_LABELS = {
    "bsn": "een BSN (burgerservicenummer)",
    "name": "namen van personen",
    "contact": "adres- of contactgegevens",
}

# --- measurement moments ---------------------------------------------------------------------------

_PHASE_WORDS: dict[str, tuple[str, ...]] = {
    BASELINE: (
        "0 meting",
        "0meting",
        "nulmeting",
        "nul meting",
        "t0",
        "t 0",
        "baseline",
        "beginmeting",
        "startmeting",
        "voormeting",
        "begin",
        "start",
        "intake",
        "aanvang",
        "bij aanvang",
        "bij start",
        "pre",
        "voor",
    ),
    INTERIM: (
        "tussenmeting",
        "tussen meting",
        "tussentijds",
        "tussentijdse meting",
        "interim",
        "halverwege",
        "midden",
        "voortgang",
        "voortgangsmeting",
        "tussen",
    ),
    END: (
        "eindmeting",
        "eind meting",
        "eind",
        "einde",
        "afsluiting",
        "slotmeting",
        "nameting",
        "na meting",
        "end",
        "final",
        "exit",
        "post",
        "na",
        "bij afsluiting",
        "bij einde",
    ),
}
_NUMBERED_PHASE = re.compile(r"^(?:(\d{1,2}) ?meting|t ?(\d{1,2})|meting ?(\d{1,2})|(\d{1,2}))$")
_NUMBERED_IN_TEXT = re.compile(r"\b(?:(\d{1,2}) ?meting|t(\d{1,2})|meting (\d{1,2}))\b")


def phase_of(text: str) -> str | None:
    """The measurement moment a header or cell text names, or None.

    ``0-meting``/``nulmeting``/``T0``/``baseline`` → baseline, ``tussenmeting`` → interim,
    ``eindmeting``/``nameting`` → end. Numbered moments other than 0 (``1-meting``, ``T2``) are
    ambiguous and return None; :func:`numbered_phase` reads their number.
    """
    key = normalise_name(text)
    for phase, words in _PHASE_WORDS.items():
        if key in words:
            return phase
    number = numbered_phase(key)
    if number == 0:
        return BASELINE
    return None


def numbered_phase(text: str) -> int | None:
    """``1-meting`` → 1, ``T2`` → 2, ``meting 3`` → 3; None when the text is not a numbered moment."""
    match = _NUMBERED_PHASE.match(normalise_name(text))
    if not match:
        return None
    return int(next(g for g in match.groups() if g is not None))


def _strip_phase(key: str) -> tuple[str, str | None, int | None]:
    """Remove one measurement-moment word from a normalised header: (rest, phase, number)."""
    words = key.split()
    for phase, names in _PHASE_WORDS.items():
        for name in sorted(names, key=len, reverse=True):
            parts = name.split()
            for start in range(len(words) - len(parts) + 1):
                if words[start : start + len(parts)] == parts and len(words) > len(parts):
                    rest = words[:start] + words[start + len(parts) :]
                    return " ".join(rest), phase, None
    match = _NUMBERED_IN_TEXT.search(key)
    if match and match.group(0) != key:
        number = int(next(g for g in match.groups() if g is not None))
        rest = (key[: match.start()] + key[match.end() :]).split()
        return " ".join(rest), (BASELINE if number == 0 else None), number
    return key, None, None


# --- the mapping model ------------------------------------------------------------------------------


@dataclass(frozen=True)
class ColumnMapping:
    """What one column holds."""

    header: str
    target: str = IGNORE
    column: str | None = None
    item: str | None = None
    phase: str | None = None
    #: Cell text → stored value, for phase and end-reason columns (``{"1-meting": "end"}``).
    values: MappingABC[str, str] = field(default_factory=dict)
    confidence: float = 0.0
    #: Why it was suggested, as a key (``known_name``) with ``reason_params``; the Django layer
    #: words it (:func:`proeftuin.common.intake_text.suggestion_reason`).
    reason: str = ""
    #: ``bsn``, ``name`` or ``contact`` when the column was detected as sensitive.
    sensitive: str | None = None
    reason_params: MappingABC[str, Any] = field(default_factory=dict, hash=False)

    def to_dict(self) -> dict[str, Any]:
        data = asdict(self)
        data["values"] = dict(self.values)
        data["reason_params"] = dict(self.reason_params)
        return {k: v for k, v in data.items() if v not in (None, {}, "")}

    @classmethod
    def from_dict(cls, data: MappingABC[str, Any]) -> ColumnMapping:
        return cls(
            header=str(data["header"]),
            target=str(data.get("target", IGNORE)),
            column=data.get("column"),
            item=data.get("item"),
            phase=data.get("phase"),
            values=dict(data.get("values") or {}),
            confidence=float(data.get("confidence", 0.0)),
            reason=str(data.get("reason", "")),
            sensitive=data.get("sensitive"),
            reason_params=dict(data.get("reason_params") or {}),
        )


@dataclass(frozen=True)
class SheetMapping:
    name: str
    include: bool = True
    #: 1-based rows as the user sees them; None means "detect".
    header_row: int | None = None
    group_row: int | None = None
    #: The measurement moment of every row on this sheet, when no column says it.
    phase: str | None = None
    columns: tuple[ColumnMapping, ...] = ()
    note: str = ""

    def to_dict(self) -> dict[str, Any]:
        return {
            "name": self.name,
            "include": self.include,
            "header_row": self.header_row,
            "group_row": self.group_row,
            "phase": self.phase,
            "note": self.note,
            "columns": [c.to_dict() for c in self.columns],
        }

    @classmethod
    def from_dict(cls, data: MappingABC[str, Any]) -> SheetMapping:
        return cls(
            name=str(data.get("name", "")),
            include=bool(data.get("include", True)),
            header_row=data.get("header_row"),
            group_row=data.get("group_row"),
            phase=data.get("phase"),
            note=str(data.get("note", "")),
            columns=tuple(ColumnMapping.from_dict(c) for c in data.get("columns", ())),
        )

    def mapped(self) -> list[ColumnMapping]:
        return [c for c in self.columns if c.target not in (IGNORE, DROP)]


@dataclass(frozen=True)
class Mapping:
    """A whole file's mapping; JSON-serialisable through :meth:`to_dict` for use as a template."""

    instrument: str
    sheets: tuple[SheetMapping, ...]
    version: int = 1

    def to_dict(self) -> dict[str, Any]:
        return {
            "version": self.version,
            "instrument": self.instrument,
            "sheets": [s.to_dict() for s in self.sheets],
        }

    def to_json(self) -> str:
        return json.dumps(self.to_dict(), ensure_ascii=False, indent=2)

    @classmethod
    def from_dict(cls, data: MappingABC[str, Any]) -> Mapping:
        if int(data.get("version", 1)) != 1:
            raise ValueError(f"unknown mapping version {data.get('version')!r}")
        return cls(
            instrument=str(data.get("instrument", "")),
            sheets=tuple(SheetMapping.from_dict(s) for s in data.get("sheets", ())),
        )

    @classmethod
    def from_json(cls, text: str) -> Mapping:
        return cls.from_dict(json.loads(text))

    def sheet(self, name: str) -> SheetMapping | None:
        for sheet in self.sheets:
            if sheet.name == name:
                return sheet
        return None

    def with_column(self, sheet: str, header: str, **changes: Any) -> Mapping:
        """A copy with one column's mapping changed (how a user corrects a suggestion)."""
        sheets = []
        found = False
        for s in self.sheets:
            if s.name == sheet:
                columns = []
                for c in s.columns:
                    if c.header == header:
                        c = replace(c, **changes)
                        found = True
                    columns.append(c)
                s = replace(s, columns=tuple(columns))
            sheets.append(s)
        if not found:
            raise KeyError(f"{sheet!r}: {header!r}")
        return replace(self, sheets=tuple(sheets))


# --- suggesting ---------------------------------------------------------------------------------------


@dataclass(frozen=True)
class Guess:
    target: str
    confidence: float
    #: Why, as a key with parameters (see :attr:`ColumnMapping.reason`).
    reason: str
    item: str | None = None
    phase: str | None = None
    number: int | None = None
    reason_params: MappingABC[str, Any] = field(default_factory=dict, hash=False, compare=False)


class Vocabulary:
    """Known header names for the fields and the instrument's items.

    Build it with :meth:`for_instrument`, which reuses one per instrument.
    """

    _cache: dict[tuple[str, str, str], Vocabulary] = {}

    @classmethod
    def for_instrument(cls, instrument: Instrument) -> Vocabulary:
        key = (instrument.id, instrument.version, str(instrument.path))
        vocabulary = cls._cache.get(key)
        if vocabulary is None or vocabulary.instrument is not instrument:
            vocabulary = cls._cache[key] = cls(instrument)
        return vocabulary

    def __init__(self, instrument: Instrument | None) -> None:
        self.instrument = instrument
        self.exact: dict[str, tuple[str, str | None]] = {}
        self.weak: dict[str, tuple[str, str | None]] = {}
        if instrument is not None:
            for name, item_id in instrument.header_names().items():
                self.exact.setdefault(name, ("score", item_id))
                self.exact.setdefault(f"score {name}", ("score", item_id))
                self.exact.setdefault(f"zelfredzaamheid {name}", ("score", item_id))
        for f in FIELDS.values():
            for name in f.names:
                self.exact.setdefault(normalise_name(name), (f.id, None))
            for name in f.weak_names:
                self.weak.setdefault(normalise_name(name), (f.id, None))
        self._by_length = sorted(self.exact, key=len, reverse=True)
        # Precomputed once, so a header costs a few dictionary look-ups whatever the vocabulary
        # size: the rank of each name (longest first) for "a known name as whole words", the
        # longest name in words, and the names by length for the close-spelling match.
        self._rank = {name: rank for rank, name in enumerate(self._by_length) if len(name) >= 3}
        self._max_words = max((name.count(" ") + 1 for name in self._rank), default=1)
        self._lengths: dict[int, list[str]] = {}
        for name in self._by_length:
            self._lengths.setdefault(len(name), []).append(name)
        self._guesses: dict[str, Guess | None] = {}
        self._known: dict[str, bool] = {}

    def known(self, text: str) -> bool:
        """Whether a cell reads like a header we know (cached: every head cell is asked)."""
        if text in self._known:
            return self._known[text]
        if len(self._known) > 50_000:
            self._known.clear()
        known = self._known[text] = self._is_known(text)
        return known

    def _is_known(self, text: str) -> bool:
        key = normalise_name(text)
        if not key:
            return False
        if key in self.exact or key in self.weak or sensitive_by_header(text):
            return True
        rest, phase, number = _strip_phase(key)
        return rest in self.exact or phase is not None or number is not None

    def guess(self, text: str) -> Guess | None:
        """The most likely target of a header (cached: a header is guessed more than once)."""
        if text in self._guesses:
            return self._guesses[text]
        if len(self._guesses) > 50_000:
            self._guesses.clear()
        guess = self._guesses[text] = self._guess(text)
        return guess

    def _whole_words(self, rest: str) -> str | None:
        """The longest known name occurring as whole words in ``rest`` (ties: the earlier)."""
        words = rest.split(" ")
        best: str | None = None
        for i in range(len(words)):
            for j in range(i + 1, min(len(words), i + self._max_words) + 1):
                candidate = " ".join(words[i:j])
                rank = self._rank.get(candidate)
                if rank is not None and (best is None or rank < self._rank[best]):
                    best = candidate
        return best

    def _close_spelling(self, rest: str) -> str | None:
        """difflib's closest name at 0.85, among the names whose length can reach 0.85 at all."""
        size = len(rest)
        low, high = math.ceil(size * 0.85 / 1.15), math.floor(size * 1.15 / 0.85)
        candidates = [
            name for length in range(low, high + 1) for name in self._lengths.get(length, ())
        ]
        close = difflib.get_close_matches(rest, candidates, n=1, cutoff=0.85)
        return close[0] if close else None

    def _guess(self, text: str) -> Guess | None:
        key = normalise_name(text)
        if not key:
            return None
        if key in self.exact:
            target, item = self.exact[key]
            return Guess(target, 0.95, "known_name", item, reason_params={"header": text})
        rest, phase, number = _strip_phase(key)
        if rest != key and rest in self.exact:
            target, item = self.exact[rest]
            return Guess(
                target,
                0.9,
                "known_name_with_moment",
                item,
                phase,
                number,
                reason_params={"header": text},
            )
        if key in self.weak:
            target, item = self.weak[key]
            return Guess(target, 0.6, "like_known_name", item, reason_params={"header": text})
        name = self._whole_words(rest)
        if name is not None:
            target, item = self.exact[name]
            return Guess(
                target, 0.75, "contains", item, phase, number, {"header": text, "name": name}
            )
        close = self._close_spelling(rest) if len(rest) >= 4 else None
        if close is not None:
            target, item = self.exact[close]
            return Guess(target, 0.6, "like", item, phase, number, {"header": text, "name": close})
        return None

    def guess_column(self, header: str, group: str | None) -> Guess | None:
        """Guess a column under a group row: its own header wins over a word in the group.

        "Deelnemer / Wijk" is the neighbourhood, not the client number; "0-meting / Wonen" is
        the housing score at the baseline, so a moment in the group still counts.
        """
        label = f"{group} / {header}" if group and header else (header or group or "")
        whole = self.guess(label)
        if not (group and header):
            return whole
        own = self.guess(header)
        if own is None or own.confidence < 0.9:
            return whole
        if whole is None or (whole.target, whole.item) != (own.target, own.item):
            return own
        return whole


def sensitive_by_header(text: str) -> str | None:
    """``bsn``, ``name`` or ``contact`` when a header names such data, else None."""
    key = normalise_name(text)
    if not key:
        return None
    for kind, names in _SENSITIVE_KEYS.items():
        if key in names:
            return kind
    words = set(key.split())
    if words & {"bsn", "burgerservicenummer", "sofinummer"}:
        return "bsn"
    if words & _NAME_WORDS:
        return "name"
    if words & {"adres", "postcode", "telefoonnummer", "email", "telefoon"}:
        return "contact"
    return None


def resolve_phase_values(values: Iterable[str]) -> dict[str, str]:
    """Explicit value → phase for a phase column's distinct cell texts.

    Words are looked up (``0-meting`` → baseline …). Numbered moments follow the file: 0 is the
    baseline, the highest number present the end, numbers in between interim. Texts that mean
    nothing are left out (the dry run reports them).
    """
    result: dict[str, str] = {}
    numbered: dict[str, int] = {}
    for value in values:
        text = str(value).strip()
        if not text:
            continue
        phase = phase_of(text)
        if phase is not None:
            result[text] = phase
            continue
        number = numbered_phase(text)
        if number is not None:
            numbered[text] = number
    if numbered:
        highest = max(numbered.values())
        for text, number in numbered.items():
            if number == 0:
                result[text] = BASELINE
            elif number == highest:
                result[text] = END
            else:
                result[text] = INTERIM
    return result


_END_REASON_WORDS: dict[str, tuple[str, ...]] = {
    "according_to_plan": (
        "volgens plan",
        "conform plan",
        "doelen behaald",
        "afgerond",
        "according to plan",
        "completed",
        "plan",
    ),
    "by_agreement": (
        "in overleg",
        "in onderling overleg",
        "op verzoek",
        "by agreement",
        "mutual agreement",
        "overleg",
    ),
    "dropped_out": (
        "uitval",
        "uitgevallen",
        "afgehaakt",
        "gestopt",
        "voortijdig gestopt",
        "drop out",
        "dropout",
        "dropped out",
        "voortijdig",
    ),
    "moved": ("verhuisd", "verhuizing", "vertrokken", "moved", "relocated"),
    "other": ("anders", "overig", "overige", "andere reden", "other"),
}


def end_reason_of(text: str) -> str | None:
    key = normalise_name(text)
    for reason, words in _END_REASON_WORDS.items():
        if key in words or key == reason.replace("_", " "):
            return reason
    return None


def numbered_phase_columns(guesses: Sequence[Guess | None]) -> dict[int, str]:
    """For wide sheets with numbered column groups (``T0``, ``T1``, ``T2``): number → phase."""
    numbers = sorted({g.number for g in guesses if g is not None and g.number is not None})
    if not numbers:
        return {}
    highest = numbers[-1]
    return {n: BASELINE if n == 0 else END if n == highest else INTERIM for n in numbers}
