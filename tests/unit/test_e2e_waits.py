"""The browser tests wait for conditions, never for a fixed time (issue 9: robust on a loaded machine).

A fixed pause is too short on a loaded 2-core machine and wasted time on an idle one; Playwright's
``expect`` and ``expect_*`` wait for what the test needs, up to a generous budget.
"""

from __future__ import annotations

import re
from pathlib import Path

E2E = Path(__file__).resolve().parents[1] / "e2e"
FIXED_WAITS = re.compile(r"\bwait_for_timeout\s*\(|\bsleep\s*\(|\bsetTimeout\s*\(")


def test_no_browser_test_waits_a_fixed_time():
    files = sorted(E2E.glob("*.py"))
    assert len(files) > 10
    found = [
        f"{path.name}:{number}: {line.strip()}"
        for path in files
        for number, line in enumerate(path.read_text(encoding="utf-8").splitlines(), 1)
        if FIXED_WAITS.search(line)
    ]
    assert not found, "wait for a condition instead:\n" + "\n".join(found)


def test_no_browser_test_sets_a_short_budget():
    """A literal ``timeout=`` is shorter than the shared budget; use the fixtures' budgets."""
    literal = re.compile(r"\btimeout\s*=\s*\d")
    found = [
        f"{path.name}:{number}: {line.strip()}"
        for path in sorted(E2E.glob("test_*.py"))
        for number, line in enumerate(path.read_text(encoding="utf-8").splitlines(), 1)
        if literal.search(line)
    ]
    assert not found, "use slow_timeout or the default budget:\n" + "\n".join(found)
