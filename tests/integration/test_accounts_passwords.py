"""Issue 8, accounts: weak Dutch passwords refused, password change and reset by e-mail."""

from __future__ import annotations

import re

import pytest
from django.contrib.auth.password_validation import validate_password
from django.core import mail
from django.core.exceptions import ValidationError
from django.test import Client
from integration_support import PASSWORD, login

from proeftuin.accounts.password_validation import DutchCommonPasswordValidator, candidates

WEAK = [
    "Welkom2026",
    "Wachtwoord1",
    "Proeftuin1",
    "Welkom2026!!",
    "Wachtwoord2025",
    "Proeftuin2026!",
    "WELKOMWELKOM",
    "Gemeente2026!",
    "Zomer2026!!!!",
    "Feyenoord1908",
    "W3lkom202612",
    "welkom-2026-!",
    "Wachtwoord!23",
    "korter-pw1",  # too short
    "12345678901234",  # numeric
]


@pytest.mark.parametrize("password", WEAK)
def test_weak_dutch_passwords_are_refused(db, password):
    with pytest.raises(ValidationError):
        validate_password(password)


@pytest.mark.parametrize("password", [PASSWORD, "proeftuin-demo", "fiets-lantaarn-gieter-7"])
def test_good_passwords_pass(db, password):
    validate_password(password)


def test_the_dutch_validator_alone_refuses_the_issue_examples():
    validator = DutchCommonPasswordValidator()
    for password in ("Welkom2026", "Wachtwoord1", "Proeftuin1", "ｗｅｌｋｏｍ２０２６"):
        with pytest.raises(ValidationError):
            validator.validate(password)
    validator.validate("Proeftuin-zonnebloem-rivier")


def test_normalisation_removes_case_digits_years_and_punctuation():
    assert "welkom" in candidates("!Welkom-2026!")
    assert "wachtwoord" in candidates("W4chtw00rd1")
    assert "zomer" in candidates("ZomerZomer2026")


def test_minimum_length_is_twelve(db):
    with pytest.raises(ValidationError) as exc:
        validate_password("hobbelpaard")  # 11 characters, not on any list
    assert any(e.code == "password_too_short" for e in exc.value.error_list)
    validate_password("hobbelpaardX")


# Password change ---------------------------------------------------------------------------------


def test_a_user_changes_their_own_password(users):
    user = users[("own", "financier")]
    http = login(user)
    page = http.get("/account/wachtwoord-wijzigen/")
    assert page.status_code == 200
    assert "Wachtwoord wijzigen" in page.content.decode()

    weak = http.post(
        "/account/wachtwoord-wijzigen/",
        {
            "old_password": PASSWORD,
            "new_password1": "Welkom2026!!",
            "new_password2": "Welkom2026!!",
        },
    )
    assert weak.status_code == 200
    assert "veelgebruikte wachtwoorden" in weak.content.decode()

    new = "zeilboot-paraplu-wolk"
    done = http.post(
        "/account/wachtwoord-wijzigen/",
        {"old_password": PASSWORD, "new_password1": new, "new_password2": new},
    )
    assert done.status_code == 302
    assert done["Location"] == "/account/wachtwoord-gewijzigd/"
    user.refresh_from_db()
    assert user.check_password(new)
    # The session stays valid after the change (Django updates the session hash).
    assert http.get("/account/").status_code == 200


def test_password_change_needs_login(db):
    response = Client().get("/account/wachtwoord-wijzigen/")
    assert response.status_code == 302
    assert response["Location"].startswith("/account/inloggen/")


# Password reset by e-mail ------------------------------------------------------------------------


def test_password_reset_by_email(users):
    user = users[("own", "projectleider")]
    user.email = "p.leider@voorbeeldstad.nl"
    user.save()
    http = Client()
    assert "Wachtwoord vergeten" in http.get("/account/inloggen/").content.decode()
    response = http.post("/account/wachtwoord-vergeten/", {"email": "P.Leider@voorbeeldstad.nl"})
    assert response.status_code == 302
    assert len(mail.outbox) == 1
    message = mail.outbox[0]
    assert message.subject == "Nieuw wachtwoord voor Proeftuin"
    link = re.search(r"http://testserver(/account/wachtwoord-herstellen/\S+/)", message.body)
    assert link, message.body

    form = http.get(link.group(1), follow=True)
    assert form.status_code == 200
    assert "Nieuw wachtwoord kiezen" in form.content.decode()
    set_url = form.redirect_chain[-1][0]
    weak = http.post(set_url, {"new_password1": "Proeftuin1", "new_password2": "Proeftuin1"})
    assert weak.status_code == 200
    new = "koffie-tulp-brug-negen"
    done = http.post(set_url, {"new_password1": new, "new_password2": new})
    assert done.status_code == 302
    assert done["Location"] == "/account/wachtwoord-hersteld/"
    fresh = Client()
    ok = fresh.post("/account/inloggen/", {"username": user.username, "password": new})
    assert ok.status_code == 302


def test_password_reset_reveals_nothing_for_unknown_addresses(db):
    response = Client().post("/account/wachtwoord-vergeten/", {"email": "niemand@example.org"})
    assert response.status_code == 302
    assert response["Location"] == "/account/wachtwoord-vergeten/verstuurd/"
    assert mail.outbox == []


@pytest.mark.parametrize(
    ("path", "heading", "expired", "again"),
    [
        ("wachtwoord-herstellen", "Nieuw wachtwoord kiezen", "ouder dan een uur", True),
        ("uitnodiging", "Welkom bij Proeftuin", "Vraag de beheerder", False),
    ],
)
def test_a_spent_link_says_so_in_its_own_words(db, path, heading, expired, again):
    """A reset and an invitation share one page; each keeps its own heading and advice."""
    html = Client().get(f"/account/{path}/MQ/bogus-token/", follow=True).content.decode()
    assert f"<h1>{heading}</h1>" in html and f"<title>{heading} · Proeftuin" in html
    assert expired in html
    assert ("Nieuwe link aanvragen" in html) is again
