"""The beheerder makes an API token in the browser, sees it once, uses it, and revokes it."""

from __future__ import annotations

import pytest
from django.test import Client
from playwright.sync_api import Page, expect

pytestmark = pytest.mark.e2e


def test_make_use_and_revoke_an_api_token(page: Page, login, assert_accessible):
    login("beheerder")
    page.goto("/beheer/organisatie/api-sleutels/")
    expect(page.get_by_role("heading", name="API-sleutels", exact=True)).to_be_visible()
    assert_accessible(page)
    page.get_by_label("Naam").fill("Zaaksysteem")
    page.get_by_label("Rol").select_option("financier")
    page.get_by_label(
        "Portfolio (projecten, financiering, coalitie, doelen, besluiten): lezen", exact=True
    ).check()
    page.get_by_role("button", name="Sleutel maken").click()
    secret = page.locator("#nieuwe-sleutel")
    expect(secret).to_contain_text("pt_")
    assert_accessible(page)
    token = secret.inner_text().strip()
    api = Client(HTTP_AUTHORIZATION=f"Bearer {token}")
    assert api.get("/api/v1/projecten").status_code == 200
    # Shown once: reloading the list does not show it again.
    page.goto("/beheer/organisatie/api-sleutels/")
    expect(page.locator("#nieuwe-sleutel")).to_have_count(0)
    page.get_by_role("button", name="Intrekken Zaaksysteem").click()
    expect(page.get_by_text("Ingetrokken", exact=True)).to_be_visible()
    assert api.get("/api/v1/projecten").status_code == 401
