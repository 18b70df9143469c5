"""Import a project leader's own spreadsheet (XLSX, ODS, CSV): pure core, no Django.

The flow the web and CLI layers follow:

1. :func:`suggest_mapping` reads the file and proposes, per sheet, where the header is and what
   each column holds (with a confidence and a Dutch reason). Columns that look like BSNs, names or
   contact details are flagged (``sensitive``) and left unmapped.
2. The user confirms or corrects the :class:`Mapping` (``hash``/``drop`` for flagged columns) and
   may save ``mapping.to_dict()`` (plain JSON) as a reusable template.
3. :func:`dry_run` applies the mapping: it parses, validates and pseudonymises, and returns the
   records plus every problem by file, sheet, row (1-based, as in Excel) and column (letter and
   header), each a code with parameters (the Django layer words it in the reader's language). Nothing is written anywhere; the caller commits
   ``result.records`` atomically, and only when ``result.ok``.

Decisions worth knowing:

- **Identifiers.** A column whose values mostly pass the BSN 11-test, or whose header names a
  BSN, a person's name or contact details, or whose values look like person names, makes the
  import fail unless that column is mapped to ``hash`` (kept only as a keyed HMAC) or ``drop``.
  Raw client numbers are never returned: ``participant_key`` is HMAC-SHA256 of the organisation's
  client number with the installation's secret (and the organisation as ``scope``).
- **Formulas.** Never evaluated. XLSX: the value Excel stored with the formula is used and the
  column gets a warning; a formula without a stored value is an error. CSV (and text cells): a
  cell starting with ``=`` (or ``+``/``-``/``@`` and a function call) is an error.
- **Unknown is an answer.** ``onbekend``/``?``/``weet niet`` in a score cell is stored as
  ``unknown__<item> = True`` with a null score; ``n.v.t.`` and ``-`` count as empty.
- **Safety.** Files are recognised by content. Zip containers are checked for bombs (declared
  and actual sizes, compression ratio) before any spreadsheet library opens them; sizes, rows,
  columns and sheets have limits (:class:`Limits`).
- **Duplicates.** A measurement's natural key is ``(participant_key, phase, measured_on)``; a
  second row with the same key (in any sheet) is an error. Re-importing the same file gives the
  same keys, so the Django layer can upsert on that key and create no duplicates.

``result.records`` is a polars DataFrame, one row per source row and measurement moment, with the
columns of :func:`record_schema` (``sheet``, ``row``, ``participant_key``, ``household_key``,
``phase``, ``measured_on``, counts, heavy measures with their dates, ``neighbourhood``,
``birth_year``, ``age``, ``story``, ``consent``, trajectory dates and end reason,
``score__<item>`` and ``unknown__<item>`` per instrument item) plus ``hashed__<column>`` for
columns mapped to ``hash``. :meth:`DryRunResult.iter_records` gives the same as dicts.
"""

from .errors import ERROR, WARNING, IntakeError, column_index, column_letter, localized
from .isolation import safe_dry_run, safe_suggest_mapping
from .mapping import (
    ACTIONS,
    BASELINE,
    DROP,
    END,
    END_REASONS,
    FIELDS,
    HASH,
    IGNORE,
    INTERIM,
    PHASES,
    ColumnMapping,
    Mapping,
    SheetMapping,
)
from .pipeline import (
    DryRunResult,
    SheetPreview,
    Suggestion,
    dry_run,
    record_schema,
    suggest_mapping,
)
from .pseudonym import participant_key, participant_keys
from .safety import Limits, passes_elfproef

__all__ = [
    "ACTIONS",
    "BASELINE",
    "DROP",
    "END",
    "END_REASONS",
    "ERROR",
    "FIELDS",
    "HASH",
    "IGNORE",
    "INTERIM",
    "PHASES",
    "WARNING",
    "ColumnMapping",
    "DryRunResult",
    "IntakeError",
    "Limits",
    "Mapping",
    "SheetMapping",
    "SheetPreview",
    "Suggestion",
    "column_index",
    "column_letter",
    "dry_run",
    "localized",
    "participant_key",
    "participant_keys",
    "passes_elfproef",
    "record_schema",
    "safe_dry_run",
    "safe_suggest_mapping",
    "suggest_mapping",
]
