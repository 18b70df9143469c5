"""Self-report: the participant rates their own life domains through a one-time link.

Pure rules, no Django: how a link token is made and stored (only its digest is kept), when a link
may still be used, when a visitor has tried too many wrong links, and how the participant's
own rating compares with the professional's.

Why: Outcomes Star lets worker and client rate together and records where they differ; the
Zelfredzaamheid-Matrix has a self-report variant and a split of each score into own strength,
network and professional help (issue 13). Seed 002 ('Lokale regie in het jeugddomein',
'Informele ondersteuning') asks for room for the resident's own strength and network.
"""

from __future__ import annotations

import hashlib
import hmac
import secrets
from collections.abc import Iterable, Mapping
from dataclasses import dataclass
from datetime import datetime, timedelta
from enum import StrEnum

#: How long a new link stays valid, by default.
DEFAULT_VALID_DAYS = 5
#: Longest validity a professional may choose.
MAX_VALID_DAYS = 14
#: How often one link's page may be opened before it locks (opening is not using).
MAX_OPENS = 30
#: Tries at one known but dead link (used, expired, revoked, locked) in :data:`FAILURE_WINDOW`
#: before that link, and only that link, answers "too many tries".
MAX_TOKEN_FAILURES = 10
#: Unknown tokens one address may try in :data:`FAILURE_WINDOW`: generous, because many
#: participants may share one address (a NAT), and a valid link is never refused for it.
MAX_UNKNOWN_PER_CLIENT = 100
FAILURE_WINDOW = timedelta(minutes=15)

#: The split of a rating: where does the participant's coping come from (Krachtenwijzer idea)?
SUPPORT = ("own_strength", "network", "professional")

#: ``None`` in a rating is *weet ik niet* / *onbekend*: an answer, never a number.
Rating = int | None


class LinkState(StrEnum):
    VALID = "valid"
    USED = "used"
    EXPIRED = "expired"
    LOCKED = "locked"


def new_token() -> str:
    """A random, URL-safe token of 192 bits: guessing one is hopeless."""
    return secrets.token_urlsafe(24)


def token_digest(token: str) -> str:
    """What is stored instead of the token (SHA-256, hex). The token is shown once and never
    stored, so a copy of the database opens no link."""
    return hashlib.sha256(token.encode("utf-8")).hexdigest()


def same_digest(token: str, digest: str) -> bool:
    return hmac.compare_digest(token_digest(token), digest)


def plausible_token(token: str) -> bool:
    """Cheap shape check before any database look-up."""
    return 16 <= len(token) <= 64 and all(c.isalnum() or c in "-_" for c in token)


def valid_days(days: int) -> bool:
    """Whether a professional may choose ``days`` of validity (1..:data:`MAX_VALID_DAYS`)."""
    return 1 <= days <= MAX_VALID_DAYS


def expiry(created: datetime, days: int) -> datetime:
    """The end of validity; ``days`` is clamped to 1..:data:`MAX_VALID_DAYS` (the form refuses
    other values first: :func:`valid_days`)."""
    return created + timedelta(days=max(1, min(int(days), MAX_VALID_DAYS)))


def link_state(
    *, now: datetime, expires_at: datetime, used_at: datetime | None, opens: int
) -> LinkState:
    """Used wins over expired (the participant gets the clearest message), then locked."""
    if used_at is not None:
        return LinkState.USED
    if now >= expires_at:
        return LinkState.EXPIRED
    if opens >= MAX_OPENS:
        return LinkState.LOCKED
    return LinkState.VALID


def too_many_failures(failures_in_window: int) -> bool:
    """Tries at one dead link."""
    return failures_in_window >= MAX_TOKEN_FAILURES


def too_many_unknown(unknown_in_window: int) -> bool:
    """Unknown tokens from one address."""
    return unknown_in_window >= MAX_UNKNOWN_PER_CLIENT


class Agreement(StrEnum):
    SAME = "same"
    DIFFERENT = "different"
    UNKNOWN = "unknown"  # one of the two said weet ik niet / onbekend
    MISSING = "missing"  # one of the two gave no answer at all


@dataclass(frozen=True)
class Comparison:
    item: str
    professional: Rating
    participant: Rating
    agreement: Agreement
    #: participant minus professional, when both gave a number.
    gap: int | None


_ABSENT = object()


def compare(
    items: Iterable[str],
    professional: Mapping[str, Rating],
    participant: Mapping[str, Rating],
) -> list[Comparison]:
    """Per item, how the participant's own rating relates to the professional's.

    A missing key means "not answered"; a ``None`` value means "weet ik niet". Neither is ever
    turned into a number, so no gap is computed for them."""
    result = []
    for item in items:
        pro = professional.get(item, _ABSENT)
        own = participant.get(item, _ABSENT)
        if pro is _ABSENT or own is _ABSENT:
            agreement, gap = Agreement.MISSING, None
        elif pro is None or own is None:
            agreement, gap = Agreement.UNKNOWN, None
        else:
            gap = int(own) - int(pro)  # type: ignore[arg-type]
            agreement = Agreement.SAME if gap == 0 else Agreement.DIFFERENT
        result.append(
            Comparison(
                item=item,
                professional=None if pro is _ABSENT else pro,  # type: ignore[arg-type]
                participant=None if own is _ABSENT else own,  # type: ignore[arg-type]
                agreement=agreement,
                gap=gap,
            )
        )
    return result


def clean_support(values: Iterable[str]) -> list[str]:
    """The split answers in a fixed order, unknown names dropped, no duplicates."""
    chosen = set(values)
    return [name for name in SUPPORT if name in chosen]
