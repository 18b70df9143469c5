"""The web process hides its start-up objects from the cyclic garbage collector (issue 14).

A gunicorn worker holds some 300,000 long-lived objects (Django, the apps, the URLconf and its
views). Every full (generation 2) collection walked all of them: about 0.2 s of CPU at a time,
triggered by any page that builds many objects (the funding cliff at 1,000 projects), which
was the tail of that page's p95. ``proeftuin.wsgi`` loads the URLconf and freezes what it holds.
Checked in a subprocess: freezing the test process would change every other test's heap.
"""

from __future__ import annotations

import json
import os
import subprocess
import sys
from pathlib import Path

ROOT = Path(__file__).resolve().parents[2]

PROBE = """
import gc, json, sys
import proeftuin.wsgi
print(json.dumps({
    "frozen": gc.get_freeze_count(),
    "views_loaded": "proeftuin.portfolio.money_views" in sys.modules,
    "tracked": len(gc.get_objects()),
}))
"""


def test_wsgi_freezes_the_loaded_application(tmp_path):
    env = {
        **os.environ,
        "DJANGO_SETTINGS_MODULE": "proeftuin.settings.test",
        "PROEFTUIN_VAR_DIR": str(tmp_path),
        "PYTHONPATH": str(ROOT / "src"),
    }
    done = subprocess.run(  # noqa: S603 - our own interpreter
        [sys.executable, "-c", PROBE], env=env, capture_output=True, text=True, timeout=120
    )
    assert done.returncode == 0, done.stderr[-2000:]
    probe = json.loads(done.stdout.strip().splitlines()[-1])
    # The views are imported before the freeze, so they are part of it ...
    assert probe["views_loaded"]
    # ... and the collector is left with (much) less than what was frozen.
    assert probe["frozen"] > 100_000
    assert probe["tracked"] < probe["frozen"] / 10
