"""The accessibility statement: public, linked from every page, in both languages."""

from __future__ import annotations

import pytest
from django.conf import settings
from django.test import Client


@pytest.mark.django_db
def test_statement_is_public_and_linked_from_the_footer(settings):
    settings.PROEFTUIN_ACCESSIBILITY_CONTACT = "toegankelijkheid@voorbeeldstad.example"
    anonymous = Client()
    html = anonymous.get("/toegankelijkheid/").content.decode()
    assert "WCAG 2.2" in html and "EN 301 549" in html
    assert "toegankelijkheid@voorbeeldstad.example" in html
    login_page = anonymous.get("/account/inloggen/").content.decode()
    assert 'href="/toegankelijkheid/"' in login_page


@pytest.mark.django_db
def test_statement_in_english_names_the_administrator_without_a_contact():
    client = Client()
    client.cookies[settings.LANGUAGE_COOKIE_NAME] = "en"
    html = client.get("/toegankelijkheid/").content.decode()
    assert "Accessibility statement" in html
    assert "administrator of this Proeftuin installation" in html
