"""The beheerder issues, sees and revokes API tokens on /beheer/organisatie/api-sleutels/."""

from __future__ import annotations

from django.test import Client

from proeftuin.api.models import ApiToken

URL = "/beheer/organisatie/api-sleutels/"


def test_issue_shows_the_secret_once_and_stores_only_its_hash(users, own_project, client_for):
    http = client_for(users[("own", "beheerder")])
    response = http.post(
        URL,
        {
            "name": "Zaaksysteem",
            "role": "beleidsadviseur",
            "scopes": ["portfolio:schrijven"],
            "days": "30",
        },
    )
    assert response.status_code == 200
    assert "no-store" in response["Cache-Control"]
    secret = response.context["secret"]
    assert secret.startswith("pt_") and secret in response.content.decode()
    token = ApiToken.objects.get(name="Zaaksysteem")
    assert token.organisation == users[("own", "beheerder")].organisation
    assert token.account.role == "beleidsadviseur"
    # Shown once: the list page afterwards does not hold it.
    assert secret not in http.get(URL).content.decode()
    # And it works.
    api = Client(HTTP_AUTHORIZATION=f"Bearer {secret}")
    assert api.get("/api/v1/projecten").status_code == 200
    # Revoked: refused at once.
    assert http.post(f"{URL}{token.pk}/intrekken/").status_code == 302
    assert api.get("/api/v1/projecten").status_code == 401


def test_roles_offered_never_exceed_the_beheerders(users, client_for):
    http = client_for(users[("own", "beheerder")])
    offered = {value for value, _label in http.get(URL).context["form"].fields["role"].choices}
    assert "projectleider" not in offered and "professional" not in offered
    response = http.post(
        URL, {"name": "X", "role": "professional", "scopes": ["portfolio:lezen"], "days": "5"}
    )
    assert response.status_code == 200 and response.context["secret"] is None
    assert not ApiToken.objects.exists()


def test_machine_account_is_not_a_colleague_to_manage(users, client_for):
    http = client_for(users[("own", "beheerder")])
    http.post(
        URL, {"name": "Robot", "role": "financier", "scopes": ["portfolio:lezen"], "days": "5"}
    )
    account = ApiToken.objects.get().account
    assert account.username.encode() not in http.get("/beheer/organisatie/gebruikers/").content
    assert http.get(f"/beheer/organisatie/gebruikers/{account.pk}/wachtwoord/").status_code == 404
    assert not account.has_usable_password()


def test_another_tenants_tokens_are_not_listed(users, client_for):
    from proeftuin.api import tokens

    tokens.issue(
        users[("foreign", "beheerder")],
        name="Elders-koppeling",
        role="financier",
        scopes=["portfolio:lezen"],
        days=5,
    )
    http = client_for(users[("own", "beheerder")])
    assert b"Elders-koppeling" not in http.get(URL).content


def test_the_list_names_scopes_in_words_in_the_chosen_language(users, own_project, client_for):
    from django.conf import settings

    http = client_for(users[("own", "beheerder")])
    http.post(
        URL,
        {"name": "Zaaksysteem", "role": "beleidsadviseur", "scopes": ["portfolio:schrijven"]}
        | {"days": "30"},
    )

    def listed() -> str:  # the table of tokens, not the form's checkbox values
        page = http.get(URL).content.decode()
        return page.split("<tbody>", 1)[1].split("</tbody>", 1)[0]

    dutch = listed()
    assert "portfolio:schrijven" not in dutch and "lezen en schrijven" in dutch
    http.cookies[settings.LANGUAGE_COOKIE_NAME] = "en"
    english = listed()
    assert "portfolio:schrijven" not in english
    assert "read and write" in english and "lezen en schrijven" not in english
