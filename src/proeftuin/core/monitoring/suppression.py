"""Small-cell suppression: the one rule every monitoring figure passes through.

This is special-category data (PRODUCT.md, "Privacy by design"), so a group with fewer than
``threshold`` participants shows no figure at all: not its n, not a mean, not a share. The
threshold defaults to 10 and may be raised, but never set below ``MIN_THRESHOLD`` (5); asking for
less raises ``ValueError`` instead of silently clamping, so a misconfiguration is noticed.

This is primary suppression on each cell's own n. It does not prevent recovering a suppressed
cell by subtracting the shown cells from a shown total (secondary suppression); a view that
shows both a total and its breakdown must take care of that.
"""

from __future__ import annotations

import numpy as np

DEFAULT_THRESHOLD = 10
MIN_THRESHOLD = 5


def check_threshold(threshold: int) -> int:
    """Return ``threshold`` as an int, or raise ``ValueError`` when it is below the minimum."""
    if isinstance(threshold, bool) or not isinstance(threshold, int | np.integer):
        raise ValueError(f"the suppression threshold must be a whole number, got {threshold!r}")
    if threshold < MIN_THRESHOLD:
        raise ValueError(
            f"the suppression threshold is at least {MIN_THRESHOLD} (small-cell suppression), "
            f"got {threshold}"
        )
    return int(threshold)


def masked(values: np.ndarray, show: np.ndarray) -> list:
    """Python values for the shown cells and ``None`` for the others; NaN also becomes None."""
    visible = np.asarray(show).tolist()
    data = np.asarray(values).tolist()
    if np.asarray(values).dtype.kind == "f":
        return [v if s and v == v else None for v, s in zip(data, visible, strict=True)]
    return [v if s else None for v, s in zip(data, visible, strict=True)]
