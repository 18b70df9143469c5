"""Issue 8, accounts: login throttling that keeps working behind a reverse proxy."""

from __future__ import annotations

from django.test import Client, RequestFactory
from integration_support import PASSWORD

from proeftuin.accounts.throttling import client_ip


def attempt(http: Client, username: str, password: str, **extra):
    return http.post("/account/inloggen/", {"username": username, "password": password}, **extra)


def _request(xff: str | None = None, remote: str = "10.0.0.2"):
    extra = {"REMOTE_ADDR": remote}
    if xff is not None:
        extra["HTTP_X_FORWARDED_FOR"] = xff
    return RequestFactory().get("/", **extra)


def test_without_a_trusted_proxy_forwarded_for_is_ignored(settings):
    settings.PROEFTUIN_TRUSTED_PROXY_COUNT = 0
    assert client_ip(_request("203.0.113.9")) == "10.0.0.2"


def test_with_one_trusted_proxy_the_right_most_entry_is_the_client(settings):
    settings.PROEFTUIN_TRUSTED_PROXY_COUNT = 1
    assert client_ip(_request("81.1.1.1")) == "81.1.1.1"
    # What the client wrote itself (left of our proxy's entry) is not believed.
    assert client_ip(_request("6.6.6.6, 81.1.1.1")) == "81.1.1.1"
    # Two proxies of our own: the second entry from the right.
    settings.PROEFTUIN_TRUSTED_PROXY_COUNT = 2
    assert client_ip(_request("6.6.6.6, 81.1.1.1, 10.0.0.7")) == "81.1.1.1"


def test_missing_or_garbage_forwarded_for_falls_back_to_the_peer(settings):
    settings.PROEFTUIN_TRUSTED_PROXY_COUNT = 1
    assert client_ip(_request()) == "10.0.0.2"
    assert client_ip(_request("not-an-ip")) == "10.0.0.2"
    settings.PROEFTUIN_TRUSTED_PROXY_COUNT = 2
    assert client_ip(_request("81.1.1.1")) == "10.0.0.2"


def test_behind_a_proxy_one_attacker_does_not_lock_the_username_for_a_colleague(users, settings):
    """The finding: all clients share the proxy's REMOTE_ADDR, so username+IP was username."""
    settings.PROEFTUIN_TRUSTED_PROXY_COUNT = 1
    username = users[("own", "beleidsadviseur")].username
    proxy = {"REMOTE_ADDR": "10.0.0.2"}
    attacker = Client()
    for _ in range(5):
        attempt(attacker, username, "fout-wachtwoord", HTTP_X_FORWARDED_FOR="203.0.113.66", **proxy)
    assert (
        attempt(
            attacker, username, PASSWORD, HTTP_X_FORWARDED_FOR="203.0.113.66", **proxy
        ).status_code
        == 429
    )
    colleague = attempt(Client(), username, PASSWORD, HTTP_X_FORWARDED_FOR="198.51.100.20", **proxy)
    assert colleague.status_code == 302


def test_positive_control_without_the_proxy_setting_everyone_behind_it_is_locked(users, settings):
    settings.PROEFTUIN_TRUSTED_PROXY_COUNT = 0
    username = users[("own", "beleidsadviseur")].username
    proxy = {"REMOTE_ADDR": "10.0.0.2"}
    for _ in range(5):
        attempt(Client(), username, "fout", HTTP_X_FORWARDED_FOR="203.0.113.66", **proxy)
    colleague = attempt(Client(), username, PASSWORD, HTTP_X_FORWARDED_FOR="198.51.100.20", **proxy)
    assert colleague.status_code == 429


def test_a_username_is_locked_for_everyone_after_25_failures_from_many_addresses(users, settings):
    settings.PROEFTUIN_TRUSTED_PROXY_COUNT = 1
    username = users[("own", "professional")].username
    failures = 0
    for i in range(7):
        for _ in range(4 if i < 6 else 1):  # four per address: no pair reaches five
            attempt(
                Client(),
                username,
                "fout",
                HTTP_X_FORWARDED_FOR=f"203.0.113.{i}",
                REMOTE_ADDR="10.0.0.2",
            )
            failures += 1
    assert failures == 25
    response = attempt(
        Client(), username, PASSWORD, HTTP_X_FORWARDED_FOR="198.51.100.1", REMOTE_ADDR="10.0.0.2"
    )
    assert response.status_code == 429
    # Other users are not affected.
    other = users[("own", "financier")].username
    ok = attempt(
        Client(), other, PASSWORD, HTTP_X_FORWARDED_FOR="198.51.100.1", REMOTE_ADDR="10.0.0.2"
    )
    assert ok.status_code == 302


def test_24_failures_from_many_addresses_do_not_lock_the_username(users, settings):
    settings.PROEFTUIN_TRUSTED_PROXY_COUNT = 1
    username = users[("own", "professional")].username
    for i in range(6):
        for _ in range(4):
            attempt(
                Client(),
                username,
                "fout",
                HTTP_X_FORWARDED_FOR=f"203.0.113.{i}",
                REMOTE_ADDR="10.0.0.2",
            )
    response = attempt(
        Client(), username, PASSWORD, HTTP_X_FORWARDED_FOR="198.51.100.1", REMOTE_ADDR="10.0.0.2"
    )
    assert response.status_code == 302


def test_one_address_spraying_many_usernames_is_locked_after_50(users, settings):
    settings.PROEFTUIN_TRUSTED_PROXY_COUNT = 1
    spray = {"HTTP_X_FORWARDED_FOR": "203.0.113.99", "REMOTE_ADDR": "10.0.0.2"}
    for i in range(50):
        attempt(Client(), f"gok-{i // 4}", "fout", **spray)
    response = attempt(Client(), users[("own", "financier")].username, PASSWORD, **spray)
    assert response.status_code == 429
    elsewhere = attempt(
        Client(),
        users[("own", "financier")].username,
        PASSWORD,
        HTTP_X_FORWARDED_FOR="198.51.100.1",
        REMOTE_ADDR="10.0.0.2",
    )
    assert elsewhere.status_code == 302
