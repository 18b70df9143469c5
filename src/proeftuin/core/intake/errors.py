"""Import problems as data: a code with parameters, and where it is (file, sheet, row, column).

Every problem the importer finds is an :class:`IntakeError`. It is never raised at the caller:
:func:`~proeftuin.core.intake.dry_run` returns a list of them. Rows are 1-based as the user sees
them in Excel or LibreOffice; columns carry both the letter (``"D"``) and the header text
(``"0-meting / Wonen"``) so the user can find the cell.

The core says *what* is wrong as a ``code`` (``date_invalid``) with ``params`` (``{"value":
"31-02-2024"}``); it writes no sentences. The Django layer (:mod:`proeftuin.common.intake_text`)
turns ``key`` (the code, unless one code has several sentences) and the parameters into a reason
and an action in the reader's language, written for a project leader: what is wrong, and what to
do about it. A parameter may be a text in both languages (``{"nl": …, "en": …}``), a list of
those, or a plain value. Values that might identify a person (a BSN, a name) are never echoed.

Severities:

- ``fout`` (error): the import cannot be committed until this is fixed;
- ``waarschuwing`` (warning): the import can go ahead, but the user should know (for example that
  a formula's last calculated value was taken).
"""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import asdict, dataclass, field
from typing import Any

ERROR = "fout"
WARNING = "waarschuwing"


@dataclass(frozen=True)
class IntakeError:
    code: str
    params: Mapping[str, Any] = field(default_factory=dict, hash=False)
    file: str = ""
    sheet: str | None = None
    row: int | None = None
    column: str | None = None
    header: str | None = None
    value: str | None = None
    severity: str = ERROR
    #: Which sentence pair of the catalogue says it; empty means the same as ``code``.
    key: str = ""

    @property
    def is_error(self) -> bool:
        return self.severity == ERROR

    @property
    def message_key(self) -> str:
        return self.key or self.code

    def __str__(self) -> str:
        """For logs and test failures, not for people: the code, parameters and place."""
        where = ", ".join(
            f"{name}={value}"
            for name, value in (
                ("file", self.file),
                ("sheet", self.sheet),
                ("row", self.row),
                ("column", self.column),
                ("header", self.header),
            )
            if value not in (None, "")
        )
        params = f" {dict(self.params)}" if self.params else ""
        return f"{self.message_key}{params}" + (f" at {where}" if where else "")

    def to_dict(self) -> dict[str, Any]:
        data = asdict(self)
        data["params"] = dict(self.params)
        return data


def localized(nl: str, en: str | None = None) -> dict[str, str]:
    """A parameter in both languages (``{"nl": …, "en": …}``); English falls back to Dutch."""
    return {"nl": nl, "en": en or nl}


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
