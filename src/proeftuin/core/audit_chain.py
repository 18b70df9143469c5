"""The access log's hash chain: a canonical form of one entry and the link to the previous one.

Every entry stores ``row_hash = SHA-256(prev_hash ␟ canonical(entry))``. Changing, inserting or
removing an entry anywhere breaks every later link, so :func:`first_break` finds tampering by
recomputing the chain. Pure Python (no Django), so migrations and commands share one definition.

Only fields that never change after writing are part of the canonical form: names and keys are
copied into the entry as text. Foreign keys (user, project, participant) are conveniences that
the database may set to NULL when the row they point to goes; they are not hashed.
"""

from __future__ import annotations

import hashlib
import json
from collections.abc import Iterable, Mapping
from dataclasses import dataclass
from datetime import UTC, datetime

GENESIS = "0" * 64

#: The hashed fields, in this order. Adding one needs a new chain version.
FIELDS = (
    "seq",
    "at",
    "username",
    "organisation",
    "organisation_key",
    "role",
    "action",
    "operation",
    "project_key",
    "subject",
    "detail",
    "ip",
    "session",
)


def _text(value: object) -> object:
    if isinstance(value, datetime):
        return value.astimezone(UTC).strftime("%Y-%m-%dT%H:%M:%S.%fZ")
    if value is None:
        return ""
    return value if isinstance(value, int) else str(value)


def canonical(entry: Mapping[str, object]) -> bytes:
    """The entry as compact JSON over :data:`FIELDS` (stable across databases)."""
    return json.dumps(
        [_text(entry.get(name)) for name in FIELDS], ensure_ascii=True, separators=(",", ":")
    ).encode()


def link(prev_hash: str, entry: Mapping[str, object]) -> str:
    """The hash of one entry chained to the previous entry's hash."""
    return hashlib.sha256(prev_hash.encode() + b"\x1f" + canonical(entry)).hexdigest()


@dataclass(frozen=True)
class Break:
    """Where the chain is broken: the entry's sequence number (or the head) and why (a code)."""

    seq: int
    code: str  # "gap", "prev_hash", "row_hash", "head"


def first_break(
    entries: Iterable[Mapping[str, object]],
    start_seq: int = 0,
    start_hash: str = GENESIS,
    head: tuple[int, str] | None = None,
) -> Break | None:
    """The first broken link, or None when every entry and the head agree.

    ``entries`` in sequence order, each with :data:`FIELDS`, ``prev_hash`` and ``row_hash``.
    ``start_seq``/``start_hash`` are the checkpoint left by a purge (else the genesis).
    ``head`` is the chain head (last sequence number and hash) that every append updates, so a
    removed tail is found too.
    """
    seq, prev = start_seq, start_hash
    for entry in entries:
        number = int(entry["seq"])  # type: ignore[arg-type]
        if number != seq + 1:
            return Break(seq + 1, "gap")
        if entry["prev_hash"] != prev:
            return Break(number, "prev_hash")
        if link(prev, entry) != entry["row_hash"]:
            return Break(number, "row_hash")
        seq, prev = number, str(entry["row_hash"])
    if head is not None and (head[0], head[1]) != (seq, prev):
        return Break(seq + 1, "head")
    return None
