"""The HTMX filter forms send one request per user action (the browser test counts them)."""

from __future__ import annotations

import pytest
from integration_support import login


@pytest.mark.parametrize("path", ["/projecten/", "/leren/signalen/"])
def test_a_filter_form_sends_nothing_on_a_text_fields_change(users, path):
    html = login(users[("own", "beleidsadviseur")]).get(path).content.decode()
    assert 'hx-trigger="submit, change target:(select, [type=checkbox], [type=radio]), ' in html
    assert 'hx-sync="this:replace"' in html
    # No event filters (``change[...]``) and no hx-on: both need eval, which the CSP forbids.
    assert "change[" not in html and "hx-on" not in html
