"""Import problems as data: where they are (file, sheet, row, column) and what to do, in Dutch.

Every problem the importer finds is an :class:`IntakeError`. It is never raised at the caller:
:func:`~proeftuin.core.intake.dry_run` returns a list of them. Rows are 1-based as the user sees
them in Excel or LibreOffice; columns carry both the letter (``"D"``) and the header text
(``"0-meting / Wonen"``) so the user can find the cell.

Severities:

- ``fout`` (error): the import cannot be committed until this is fixed;
- ``waarschuwing`` (warning): the import can go ahead, but the user should know (for example that
  a formula's last calculated value was taken).

The reason and the action are written for a project leader, not a developer: what is wrong, and
what to do about it. Values that might identify a person (a BSN, a name) are never echoed.
"""

from __future__ import annotations

from dataclasses import asdict, dataclass
from typing import Any

ERROR = "fout"
WARNING = "waarschuwing"


@dataclass(frozen=True)
class IntakeError:
    code: str
    reason: str
    action: str
    file: str = ""
    sheet: str | None = None
    row: int | None = None
    column: str | None = None
    header: str | None = None
    value: str | None = None
    severity: str = ERROR

    @property
    def is_error(self) -> bool:
        return self.severity == ERROR

    @property
    def where(self) -> str:
        """``Blad 'Deelnemers', rij 7, kolom D (0-meting / Wonen)`` (Dutch, for people)."""
        parts = []
        if self.file:
            parts.append(self.file)
        if self.sheet:
            parts.append(f"blad '{self.sheet}'")
        if self.row is not None:
            parts.append(f"rij {self.row}")
        if self.column:
            parts.append(f"kolom {self.column}" + (f" ({self.header})" if self.header else ""))
        elif self.header:
            parts.append(f"kolom '{self.header}'")
        return ", ".join(parts)

    @property
    def message(self) -> str:
        """Reason and action in one Dutch sentence pair."""
        return f"{self.reason} {self.action}".strip()

    def __str__(self) -> str:
        where = self.where
        return f"{where}: {self.message}" if where else self.message

    def to_dict(self) -> dict[str, Any]:
        data = asdict(self)
        data["message"] = self.message
        return data


class FileRefused(Exception):  # noqa: N818 - a refusal, not a programming error
    """Raised inside the importer when a whole file cannot be read; carries the IntakeError.

    :func:`~proeftuin.core.intake.dry_run` catches it and returns the error in its list, so
    callers never see this exception.
    """

    def __init__(self, error: IntakeError) -> None:
        self.error = error
        super().__init__(str(error))


def column_letter(index: int) -> str:
    """0 → ``A``, 25 → ``Z``, 26 → ``AA`` (Excel column letters)."""
    if index < 0:
        raise ValueError(index)
    letters = ""
    index += 1
    while index:
        index, rest = divmod(index - 1, 26)
        letters = chr(65 + rest) + letters
    return letters


def column_index(letter: str) -> int:
    """``A`` → 0, ``AA`` → 26 (the inverse of :func:`column_letter`)."""
    index = 0
    for char in letter.strip().upper():
        if not "A" <= char <= "Z":
            raise ValueError(letter)
        index = index * 26 + (ord(char) - 64)
    return index - 1


def short_value(value: Any, limit: int = 40) -> str:
    """A cell value shown in a message: trimmed, one line, at most ``limit`` characters."""
    text = " ".join(str(value).split())
    return text if len(text) <= limit else text[: limit - 1] + "…"
