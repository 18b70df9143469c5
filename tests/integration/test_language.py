"""Dutch first: the browser's language does not switch the interface; the toggle does."""

from __future__ import annotations

import pytest
from django.conf import settings
from django.test import Client


@pytest.mark.django_db
def test_an_english_browser_still_gets_dutch_until_the_toggle_is_used():
    browser = Client(HTTP_ACCEPT_LANGUAGE="en-US,en;q=0.9")
    page = browser.get("/account/inloggen/").content.decode()
    assert '<html lang="nl"' in page and "Inloggen" in page

    response = browser.post("/i18n/setlang/", {"language": "en", "next": "/account/inloggen/"})
    assert response.status_code == 302
    assert response.cookies[settings.LANGUAGE_COOKIE_NAME].value == "en"
    page = browser.get("/account/inloggen/").content.decode()
    assert '<html lang="en"' in page and "Log in" in page

    browser.cookies[settings.LANGUAGE_COOKIE_NAME] = "klingon"  # not offered: Dutch
    assert '<html lang="nl"' in browser.get("/account/inloggen/").content.decode()
