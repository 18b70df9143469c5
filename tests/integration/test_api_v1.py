"""API v1 (NLGov REST API Design Rules): tokens, tenancy, roles, locking, problems, paths."""

from __future__ import annotations

from datetime import timedelta

import pytest
from django.core.cache import cache
from django.test import Client
from django.utils import timezone

from proeftuin.api import tokens
from proeftuin.api.models import ApiToken, ApiTokenUse
from proeftuin.portfolio.models import Goal, Project

PROBLEM = "application/problem+json"
V1 = "/api/v1/projecten"


@pytest.fixture(autouse=True)
def _fresh_throttle():
    cache.clear()


def token_for(user, role=None, scopes=("portfolio:schrijven", "tel-en-vertel:lezen"), days=30):
    token, secret = tokens.issue(
        user, name="Koppeling", role=role or user.role, scopes=list(scopes), days=days
    )
    return token, Client(HTTP_AUTHORIZATION=f"Bearer {secret}")


def assert_problem(response, status: int) -> dict:
    assert response.status_code == status, response.content
    assert response["Content-Type"] == PROBLEM
    assert response["API-Version"] == "1.0.0"
    body = response.json()
    assert body["status"] == status
    assert {"type", "title", "detail", "instance"} <= body.keys()
    return body


# Tokens -------------------------------------------------------------------------------------------


def test_token_lists_only_what_its_organisation_sees(
    users, own_project, shared_project, foreign_project
):
    _token, http = token_for(users[("own", "beleidsadviseur")])
    response = http.get(V1)
    assert response.status_code == 200
    assert response["API-Version"] == "1.0.0"
    ids = {row["id"] for row in response.json()["resultaten"]}
    assert ids == {own_project.pk, shared_project.pk}
    assert_problem(http.get(f"{V1}/{foreign_project.pk}"), 404)


def test_secret_is_stored_hashed_and_shown_once(users):
    token, secret = tokens.issue(
        users[("own", "beheerder")], name="x", role="financier", scopes=["portfolio:lezen"], days=1
    )
    stored = ApiToken.objects.filter(pk=token.pk).values_list()[0]
    assert secret not in {str(v) for v in stored}
    assert token.secret_hash != secret and len(token.secret_hash) == 64


def test_token_role_never_exceeds_the_issuers(users):
    beheerder = users[("own", "beheerder")]
    # The beheerder has no participant-level access, so neither may a token they issue.
    assert "projectleider" not in tokens.allowed_roles(beheerder)
    assert "professional" not in tokens.allowed_roles(beheerder)
    assert "beleidsadviseur" in tokens.allowed_roles(beheerder)
    with pytest.raises(ValueError, match="exceeds"):
        tokens.issue(beheerder, name="x", role="projectleider", scopes=["portfolio:lezen"], days=1)


def test_no_token_is_401_with_bearer_challenge(own_project):
    response = Client().get(V1)
    assert_problem(response, 401)
    assert response["WWW-Authenticate"].startswith("Bearer")


def test_revoked_and_expired_tokens_are_refused(users, own_project):
    token, http = token_for(users[("own", "beleidsadviseur")])
    assert http.get(V1).status_code == 200
    tokens.revoke(token)
    assert_problem(http.get(V1), 401)
    token2, http2 = token_for(users[("own", "beleidsadviseur")])
    ApiToken.objects.filter(pk=token2.pk).update(expires_at=timezone.now() - timedelta(seconds=1))
    assert_problem(http2.get(V1), 401)
    assert_problem(Client(HTTP_AUTHORIZATION="Bearer pt_nope_nope").get(V1), 401)


def test_read_scope_cannot_write(users, own_project):
    _token, http = token_for(users[("own", "beleidsadviseur")], scopes=["portfolio:lezen"])
    assert http.get(f"{V1}/{own_project.pk}").status_code == 200
    response = http.patch(
        f"{V1}/{own_project.pk}",
        {"naam": "X"},
        content_type="application/json",
        HTTP_IF_MATCH=f'"{own_project.version}"',
    )
    assert_problem(response, 403)
    # No scope for the group at all: not even reading.
    assert_problem(http.get(f"{V1}/{own_project.pk}/effecten"), 403)


def test_every_use_is_logged(users, own_project, foreign_project):
    token, http = token_for(users[("own", "financier")])
    http.get(V1)
    http.get(f"{V1}/{foreign_project.pk}")
    uses = list(ApiTokenUse.objects.filter(token=token).order_by("at"))
    assert [(u.method, u.path, u.status) for u in uses] == [
        ("GET", V1, 200),
        ("GET", f"{V1}/{foreign_project.pk}", 404),
    ]
    token.refresh_from_db()
    assert token.last_used_at is not None


def test_throttled_per_token(users, own_project, settings):
    settings.PROEFTUIN_API_RATE = "2/minute"
    _t, http = token_for(users[("own", "financier")])
    _t2, other = token_for(users[("own", "financier")])
    assert http.get(V1).status_code == 200
    assert http.get(V1).status_code == 200
    response = http.get(V1)
    assert_problem(response, 429)
    assert int(response["Retry-After"]) > 0
    assert other.get(V1).status_code == 200  # another token has its own budget


# Roles and tenancy ----------------------------------------------------------------------------------


def test_role_of_the_token_is_checked_like_the_screens(users, own_project):
    _t, financier = token_for(users[("own", "financier")])
    body = {"naam": "Nieuw", "samenvatting": "s", "startdatum": "2026-01-01", "fase": "selectie"}
    assert_problem(financier.post(V1, body, content_type="application/json"), 403)
    _t, adviser = token_for(users[("own", "beleidsadviseur")])
    assert adviser.post(V1, body, content_type="application/json").status_code == 201


def test_read_grant_gives_no_write(users, shared_project):
    _t, http = token_for(users[("own", "beleidsadviseur")])
    response = http.patch(
        f"{V1}/{shared_project.pk}",
        {"naam": "X"},
        content_type="application/json",
        HTTP_IF_MATCH=f'"{shared_project.version}"',
    )
    assert_problem(response, 403)


def test_child_of_a_foreign_project_is_404(users, own_project, foreign_project):
    _t, http = token_for(users[("own", "beleidsadviseur")])
    foreign_goal = foreign_project.goals.get()
    assert_problem(http.get(f"{V1}/{own_project.pk}/doelen/{foreign_goal.pk}"), 404)
    assert_problem(http.get(f"{V1}/{foreign_project.pk}/doelen"), 404)


# Writing through the screens' forms ---------------------------------------------------------------


def test_create_project_with_history_and_neighbourhoods(users, own_org):
    from proeftuin.portfolio.models import Neighbourhood

    Neighbourhood.objects.create(organisation=own_org, name="Noordwijk")
    token, http = token_for(users[("own", "beleidsadviseur")])
    body = {
        "naam": "Buurtkracht",
        "samenvatting": "Bewoners helpen elkaar.",
        "themas": ["wijk"],
        "wijken": ["Noordwijk"],
        "startdatum": "2026-01-01",
        "fase": "ideevorming",
    }
    response = http.post(V1, body, content_type="application/json")
    assert response.status_code == 201, response.content
    data = response.json()
    assert data["eigenaar"] == own_org.name
    assert data["wijken"] == ["Noordwijk"]
    assert data["versie"] == 1
    assert response["Location"] == f"{V1}/{data['id']}"
    assert response["ETag"] == '"1"'
    project = Project.objects.get(pk=data["id"])
    assert project.owner == own_org
    assert project.history.get().history_user == token.account
    # A managed list (no free text, as on the screen): an unknown name is refused, not added.
    body["wijken"] = ["Zuidwijk"]
    problem = assert_problem(http.post(V1, body, content_type="application/json"), 400)
    assert problem["invalidParams"][0]["name"] == "wijken"
    assert not Neighbourhood.objects.filter(name="Zuidwijk").exists()


def test_validation_error_names_the_dutch_field(users):
    _t, http = token_for(users[("own", "beleidsadviseur")])
    body = {
        "naam": "X",
        "samenvatting": "s",
        "startdatum": "2026-01-01",
        "einddatum": "2025-01-01",
        "fase": "selectie",
    }
    problem = assert_problem(http.post(V1, body, content_type="application/json"), 400)
    assert [p["name"] for p in problem["invalidParams"]] == ["einddatum"]


def test_update_needs_the_current_version(users, own_project):
    _t, http = token_for(users[("own", "beleidsadviseur")])
    url = f"{V1}/{own_project.pk}"
    etag = http.get(url)["ETag"]
    assert etag == f'"{own_project.version}"'
    # No version at all counts as stale, as on the screens.
    assert_problem(http.patch(url, {"naam": "A"}, content_type="application/json"), 412)
    ok = http.patch(url, {"naam": "A"}, content_type="application/json", HTTP_IF_MATCH=etag)
    assert ok.status_code == 200, ok.content
    assert ok.json()["naam"] == "A"
    assert ok["ETag"] == f'"{own_project.version + 1}"'
    # The old ETag is stale now.
    stale = http.patch(url, {"naam": "B"}, content_type="application/json", HTTP_IF_MATCH=etag)
    assert_problem(stale, 412)
    # The version may also travel in the body.
    body = {"naam": "C", "versie": own_project.version + 1}
    assert http.patch(url, body, content_type="application/json").status_code == 200
    own_project.refresh_from_db()
    assert own_project.name == "C"


def test_goal_change_needs_a_reason_and_keeps_it(users, own_project):
    _t, http = token_for(users[("own", "beleidsadviseur")])
    goal = own_project.goals.get()
    url = f"{V1}/{own_project.pk}/doelen/{goal.pk}"
    etag = http.get(url)["ETag"]
    problem = assert_problem(
        http.patch(
            url, {"tekst": "Nieuw doel"}, content_type="application/json", HTTP_IF_MATCH=etag
        ),
        400,
    )
    assert "redenWijziging" in {p["name"] for p in problem["invalidParams"]}
    response = http.patch(
        url,
        {"tekst": "Nieuw doel", "redenWijziging": "Stuurgroep koos een ander doel"},
        content_type="application/json",
        HTTP_IF_MATCH=etag,
    )
    assert response.status_code == 200, response.content
    assert Goal.history.filter(id=goal.pk).first().history_change_reason == (
        "Stuurgroep koos een ander doel"
    )
    assert_problem(http.delete(url), 405)  # goals are retired, never deleted


def test_funding_amount_is_exact_and_funder_must_be_pickable(users, own_project, foreign_org):
    _t, http = token_for(users[("own", "beleidsadviseur")])
    url = f"{V1}/{own_project.pk}/financieringsstromen"
    body = {
        "naam": "Regeling",
        "financier": own_project.owner_id,
        "bedrag": 1.234,
        "startdatum": "2026-01-01",
        "einddatum": "2026-12-31",
        "beleidsdomein": "wmo",
    }
    problem = assert_problem(http.post(url, body, content_type="application/json"), 400)
    assert [p["name"] for p in problem["invalidParams"]] == ["bedrag"]
    body["financier"] = foreign_org.pk  # another tenant, not a partner: not offered
    body["bedrag"] = "1234.50"
    problem = assert_problem(http.post(url, body, content_type="application/json"), 400)
    assert [p["name"] for p in problem["invalidParams"]] == ["financier"]
    body["financier"] = own_project.owner_id
    created = http.post(url, body, content_type="application/json")
    assert created.status_code == 201, created.content
    assert created.json()["bedrag"] == "1234.50"
    row = created["Location"]
    assert_problem(http.delete(row, HTTP_IF_MATCH='"99"'), 412)
    assert http.delete(row).status_code == 204
    assert_problem(http.get(row), 404)


def test_decisions_are_recorded_by_deciders_only_and_append_only(users, own_project):
    url = f"{V1}/{own_project.pk}/besluiten"
    body = {
        "soort": "opschalen",
        "beslotenDoor": "College",
        "datum": "2026-02-01",
        "onderbouwing": "Werkt goed.",
    }
    _t, leader = token_for(users[("own", "beheerder")], role="onderzoeker")
    assert_problem(leader.post(url, body, content_type="application/json"), 403)
    token, adviser = token_for(users[("own", "beleidsadviseur")])
    response = adviser.post(url, body, content_type="application/json")
    assert response.status_code == 201, response.content
    decision = own_project.decisions.get(pk=response.json()["id"])
    assert decision.recorded_by == token.account
    assert_problem(adviser.patch(f"{url}/{decision.pk}", {}, content_type="application/json"), 405)


# Problems and paths ----------------------------------------------------------------------------------


def test_trailing_slash_and_unknown_paths_are_problems(users, own_project):
    _t, http = token_for(users[("own", "financier")])
    assert_problem(http.get(f"{V1}/"), 404)
    assert_problem(http.get("/api/v1/onbekend"), 404)
    # Also a write to a wrong path from a client without a CSRF token: a problem, not a page.
    strict = Client(enforce_csrf_checks=True)
    assert_problem(strict.post(f"{V1}/", {}, content_type="application/json"), 404)


def test_wrong_method_and_media_type_are_problems(users, own_project):
    _t, http = token_for(users[("own", "beleidsadviseur")])
    assert_problem(http.delete(f"{V1}/{own_project.pk}"), 405)
    assert_problem(http.post(V1, "naam=x", content_type="text/plain"), 415)


def test_server_error_is_a_problem_without_internals(users, own_project, monkeypatch):
    from proeftuin.api import views

    def boom(*args, **kwargs):
        raise RuntimeError("geheim detail")

    monkeypatch.setattr(views.ProjectList, "list", boom)
    _t, http = token_for(users[("own", "financier")])
    response = http.get(V1)
    body = assert_problem(response, 500)
    assert "geheim" not in response.content.decode()
    assert body["title"] == "Interne fout"
    english = assert_problem(http.get(V1, HTTP_ACCEPT_LANGUAGE="en"), 500)
    assert english["title"] == "Internal Server Error" and "geheim" not in english["detail"]


# Effects ----------------------------------------------------------------------------------------------


def test_effects_in_dutch_and_release_figures_for_a_role_without_participant_access(
    users, own_project
):
    _t, financier = token_for(users[("own", "beheerder")], role="financier")
    response = financier.get(f"{V1}/{own_project.pk}/effecten")
    assert response.status_code == 200, response.content
    body = response.json()
    assert set(body) == {
        "project",
        "instrument",
        "drempel",
        "vrijgegeven",
        "stand",
        "eenheid",
        "uitsplitsing",
        "verborgenGroepen",
        "groepen",
        "paardefinitie",
        "paardefinitieLabel",
    }
    assert body["vrijgegeven"] is True  # never live figures for this role
    problem = assert_problem(
        financier.get(f"{V1}/{own_project.pk}/effecten?uitsplitsing=kleur"), 400
    )
    assert problem["invalidParams"][0]["name"] == "uitsplitsing"


def test_session_users_use_v1_too(users, own_project, client_for):
    http = client_for(users[("own", "projectleider")])
    body = http.get(f"{V1}/{own_project.pk}/effecten").json()
    assert body["vrijgegeven"] is False  # participant access: live figures, as on the screen


def test_old_endpoints_still_work_and_point_to_v1(users, own_project, client_for):
    http = client_for(users[("own", "projectleider")])
    old = http.get("/api/projecten/")
    assert old.status_code == 200
    assert old["Deprecation"] == "true"
    assert old["Link"] == '</api/v1/projecten>; rel="successor-version"'
    effects = http.get(f"/api/tel-en-vertel/projecten/{own_project.pk}/effecten/")
    assert effects.status_code == 200
    assert effects["Link"].startswith(f"</api/v1/projecten/{own_project.pk}/effecten>")
    # The same figures under Dutch keys.
    new = http.get(f"{V1}/{own_project.pk}/effecten").json()
    assert new["drempel"] == effects.json()["threshold"]
    assert len(new["groepen"]) == len(effects.json()["groups"])


def test_put_replaces_a_funding_stream_and_patch_changes_a_coalition_member(users, own_project):
    _t, http = token_for(users[("own", "beleidsadviseur")])
    stream = own_project.funding_streams.get()
    url = f"{V1}/{own_project.pk}/financieringsstromen/{stream.pk}"
    body = {
        "naam": "Structureel budget",
        "financier": own_project.owner_id,
        "bedrag": "50000.00",
        "startdatum": "2026-01-01",
        "einddatum": None,
        "soort": "structureel",
        "beleidsdomein": "wmo",
        "voorwaarden": "",
    }
    response = http.put(
        url, body, content_type="application/json", HTTP_IF_MATCH=http.get(url)["ETag"]
    )
    assert response.status_code == 200, response.content
    stream.refresh_from_db()
    assert (stream.label, stream.kind, stream.end_date) == (
        "Structureel budget",
        "structureel",
        None,
    )
    # The screen's rule holds: incidental money needs an end date.
    body.update(soort="incidenteel", versie=stream.version)
    problem = assert_problem(http.put(url, body, content_type="application/json"), 400)
    assert [p["name"] for p in problem["invalidParams"]] == ["einddatum"]

    member = own_project.coalition.get()
    url = f"{V1}/{own_project.pk}/coalitieleden/{member.pk}"
    change = {"organisatie": None, "contactpersoon": "", "versie": member.version}
    problem = assert_problem(http.patch(url, change, content_type="application/json"), 400)
    assert problem["invalidParams"][0]["reason"].startswith("Vul een organisatie")
    change["contactpersoon"] = "B. Jansen"
    response = http.patch(url, change, content_type="application/json")
    assert response.status_code == 200, response.content
    assert response.json()["organisatie"] is None and response.json()["niveau"] == "uitvoerend"


def test_a_huge_or_deeply_nested_body_is_a_problem_not_a_500(users, own_project):
    """Black-box findings: a 3 MB body and 100,000 nested objects gave a 500."""
    _t, http = token_for(users[("own", "beleidsadviseur")])
    url = f"{V1}/{own_project.pk}"
    etag = http.get(url)["ETag"]
    huge = '{"naam": "' + "x" * (3 * 1024 * 1024) + '"}'
    assert_problem(http.patch(url, huge, content_type="application/json", HTTP_IF_MATCH=etag), 413)
    nested = '{"a":' * 100_000 + "1" + "}" * 100_000
    assert_problem(
        http.patch(url, nested, content_type="application/json", HTTP_IF_MATCH=etag), 400
    )
    own_project.refresh_from_db()
    assert own_project.version == int(etag.strip('"'))  # nothing written


# Language of problems --------------------------------------------------------------------------


def test_problems_follow_accept_language_dutch_by_default(users, own_project, foreign_project):
    _token, http = token_for(users[("own", "beleidsadviseur")])
    dutch = assert_problem(http.get(f"{V1}/{foreign_project.pk}"), 404)
    assert dutch["title"] == "Niet gevonden"
    assert "niet zichtbaar voor uw organisatie" in dutch["detail"]
    english_response = http.get(f"{V1}/{foreign_project.pk}", HTTP_ACCEPT_LANGUAGE="en-GB,en;q=0.9")
    english = assert_problem(english_response, 404)
    assert english_response["Content-Language"] == "en"
    assert english["title"] == "Not found"
    assert "not visible to your organisation" in english["detail"]
    assert "Accept-Language" in english_response["Vary"]
    # Unknown paths, validation and authentication speak the same language.
    unknown = assert_problem(http.get(f"{V1}/", HTTP_ACCEPT_LANGUAGE="en"), 404)
    assert "does not exist" in unknown["detail"]
    invalid = assert_problem(
        http.post(V1, {}, content_type="application/json", HTTP_ACCEPT_LANGUAGE="en"), 400
    )
    assert "invalidParams" in invalid and "Not all" in invalid["detail"]
    anonymous = assert_problem(Client().get(V1, HTTP_ACCEPT_LANGUAGE="en"), 401)
    assert "Niet" not in anonymous["detail"] and anonymous["title"] == "Unauthorized"
    assert assert_problem(Client().get(V1), 401)["title"] == "Niet aangemeld"


def test_the_browser_language_cookie_does_not_change_the_api_language(users, foreign_project):
    _token, http = token_for(users[("own", "beleidsadviseur")])
    http.cookies["django_language"] = "en"
    body = assert_problem(http.get(f"{V1}/{foreign_project.pk}"), 404)
    assert body["title"] == "Niet gevonden"


# Black-box findings of session 3 -----------------------------------------------------------------


def test_a_body_over_the_request_limit_is_a_problem_too(users, own_project, settings):
    """A body over PROEFTUIN_MAX_REQUEST_BYTES was refused before the API with an HTML page."""
    settings.PROEFTUIN_MAX_REQUEST_BYTES = 1024
    _t, http = token_for(users[("own", "beleidsadviseur")])
    url = f"{V1}/{own_project.pk}"
    etag = http.get(url)["ETag"]
    body = '{"naam": "' + "x" * 2048 + '"}'
    response = http.patch(url, body, content_type="application/json", HTTP_IF_MATCH=etag)
    assert_problem(response, 413)
    # The screens keep their page.
    page = Client().post("/projecten/", {"x": "y" * 2048})
    assert page.status_code == 413 and page["Content-Type"].startswith("text/html")


def test_a_weak_etag_never_matches(users, own_project):
    """If-Match compares strongly (RFC 9110 §13.1.1): W/"1" is not a match for "1"."""
    _t, http = token_for(users[("own", "beleidsadviseur")])
    url = f"{V1}/{own_project.pk}"
    etag = http.get(url)["ETag"]
    weak = http.patch(
        url, {"naam": "A"}, content_type="application/json", HTTP_IF_MATCH=f"W/{etag}"
    )
    assert_problem(weak, 412)
    strong = http.patch(url, {"naam": "A"}, content_type="application/json", HTTP_IF_MATCH=etag)
    assert strong.status_code == 200  # positive control


def test_the_bearer_scheme_is_case_insensitive(users, own_project):
    """RFC 9110 §11.1: the authentication scheme is case-insensitive."""
    _token, secret = tokens.issue(
        users[("own", "beleidsadviseur")],
        name="K",
        role="beleidsadviseur",
        scopes=["portfolio:lezen"],
        days=30,
    )
    for scheme in ("Bearer", "bearer", "BEARER"):
        response = Client(HTTP_AUTHORIZATION=f"{scheme} {secret}").get(f"{V1}/{own_project.pk}")
        assert response.status_code == 200, (scheme, response.content)
