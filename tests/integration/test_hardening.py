"""Hardening of issue 8 (item 7): deploy checks, caching, headers, links, exports, pickers, bodies."""

from __future__ import annotations

import secrets

import pytest
from django.core.exceptions import ValidationError
from django.test import Client
from integration_support import login
from test_security import run_django

from proeftuin.accounts.models import Organisation
from proeftuin.administration.pickers import pickable_organisations
from proeftuin.assessments.forms import EvidenceLinkField
from proeftuin.common.checks import DEV_PSEUDONYM_SECRET, DEV_SECRET_KEY
from proeftuin.common.exports import csv_bytes, safe_cell, xlsx_bytes
from proeftuin.portfolio.models import CoalitionMember, ProjectGrant

# check --deploy refuses the development secrets ------------------------------------------------------


@pytest.mark.parametrize(
    ("variable", "value", "code"),
    [
        # Long enough for the length test in production.py, but from the source code.
        ("PROEFTUIN_PSEUDONYM_SECRET", DEV_PSEUDONYM_SECRET, "proeftuin.E002"),
        ("PROEFTUIN_PSEUDONYM_SECRET", DEV_PSEUDONYM_SECRET + "-x", "proeftuin.E002"),
        ("DJANGO_SECRET_KEY", DEV_SECRET_KEY + "-" + "k" * 30, "proeftuin.E001"),
    ],
)
def test_check_deploy_errors_on_the_development_secrets(variable, value, code, tmp_path):
    env = {
        "DJANGO_SECRET_KEY": secrets.token_urlsafe(64),
        "PROEFTUIN_VAR_DIR": str(tmp_path),
        variable: value,
    }
    assert len(DEV_PSEUDONYM_SECRET) >= 32  # the length test alone would let it through
    result = run_django("check", "--deploy", **env)
    output = result.stdout + result.stderr
    assert result.returncode != 0, output
    assert code in output
    assert "ERRORS" in output


# Cache-Control: no-store -----------------------------------------------------------------------------


@pytest.fixture
def monitored(own_project, settings):
    from test_url_matrix import monitoring_ids

    return monitoring_ids(own_project, settings)


@pytest.mark.parametrize(
    "path",
    [
        "/tel-en-vertel/project/{pk}/",
        "/tel-en-vertel/project/{pk}/deelnemers/",
        "/tel-en-vertel/project/{pk}/deelnemers/{participant_pk}/",
        "/tel-en-vertel/project/{pk}/metingen/{measurement_pk}/",
        "/tel-en-vertel/project/{pk}/gegevens.csv",
        "/tel-en-vertel/project/{pk}/export.csv",
        "/api/tel-en-vertel/projecten/{pk}/effecten/",
        "/beoordelingen/matrix/export.csv",
        "/waarde/{pk}/export.xlsx",
        "/beheer/organisatie/toegangslog/",
        "/rapporten/project/{pk}.html",
    ],
)
def test_participant_pages_and_exports_are_not_stored(path, users, own_project, monitored):
    # The beheerder reads the access log; participant data is for those who work with it.
    role = "beheerder" if path.startswith("/beheer/") else "projectleider"
    http = login(users[("own", role)])
    response = http.get(path.format(pk=own_project.pk, **monitored))
    assert response.status_code == 200, path
    assert response["Cache-Control"] == "no-store"


def test_ordinary_pages_keep_their_caching(users, own_project):
    response = login(users[("own", "beheerder")]).get(f"/projecten/{own_project.pk}/")
    assert "no-store" not in response.get("Cache-Control", "")


# Permissions-Policy ----------------------------------------------------------------------------------


@pytest.mark.parametrize("path", ["/account/inloggen/", "/projecten/", "/bestaat-niet/", "/api/"])
def test_permissions_policy_on_every_response(path, users):
    response = login(users[("own", "beleidsadviseur")]).get(path)
    policy = response["Permissions-Policy"]
    for feature in ("camera=()", "microphone=()", "geolocation=()", "payment=()", "usb=()"):
        assert feature in policy


# The schema behind login -------------------------------------------------------------------------------


def test_api_schema_needs_login(users):
    response = Client().get("/api/schema/")
    assert response.status_code == 302
    assert response["Location"].startswith("/account/inloggen/?next=")
    assert login(users[("own", "financier")]).get("/api/schema/").status_code == 200


# Evidence links ----------------------------------------------------------------------------------------


@pytest.mark.parametrize(
    "link",
    [
        "/\\127.0.0.1:9/x",
        "\\\\evil.example/x",
        "//evil.example/x",
        "javascript:alert(1)",
        "JavaScript:alert(1)",
        "data:text/html,<script>alert(1)</script>",
        "ftp://files.example.org/x",
        "https:/\\evil.example",
        "https://evil.example\\@good.example",
        "/\t/evil.example",
        " //evil.example",
        "vbscript:msgbox",
    ],
)
def test_unsafe_evidence_links_are_refused(link):
    field = EvidenceLinkField(required=False)
    with pytest.raises(ValidationError) as info:
        field.clean(link)
    assert "https://" in str(info.value)


@pytest.mark.parametrize(
    "link", ["https://example.org/rapport.pdf", "http://intranet.example.nl/x", "/tel-en-vertel/"]
)
def test_safe_evidence_links_pass(link):
    assert EvidenceLinkField(required=False).clean(link) == link


def test_an_old_unsafe_link_is_not_rendered(users, own_project):
    from proeftuin.assessments.models import Assessment, Rating

    runner = users[("own", "onderzoeker")]
    scan = Assessment.objects.create(
        project=own_project,
        framework_id="four_plus_one",
        framework_version="1.0",
        kind="extern",
        title="Scan",
        organisation=runner.organisation,
        created_by=runner,
    )
    rating = Rating.objects.create(
        assessment=scan, indicator_id="one_contact_person", rater=runner, evidence_url="/\\x.org"
    )
    assert rating.evidence_link == ""
    rating.evidence_url = "https://example.org/x"
    assert rating.evidence_link == "https://example.org/x"


# Formula characters in exports -------------------------------------------------------------------------


@pytest.mark.parametrize(
    "text",
    ["＝1+1", "＋31 6", "－2", "＠SUM(A1)", "=1+1", "\t=1", "\r=1", "\n=1", "  =1+1", "　＝1"],
)
def test_formula_characters_are_escaped(text):
    assert safe_cell(text) == "'" + text
    assert ("'" + text).encode() in csv_bytes(["x"], [[text]]) or "\r" in text or "\n" in text


def test_fullwidth_formula_is_text_in_xlsx():
    import io

    from openpyxl import load_workbook

    sheet = load_workbook(io.BytesIO(xlsx_bytes({"s": (["x"], [["＝HYPERLINK(1)"]])}))).active
    assert sheet["A2"].value == "'＝HYPERLINK(1)"
    assert sheet["A2"].data_type == "s"


def test_plain_text_and_numbers_stay():
    assert safe_cell("Wonen") == "Wonen"
    assert safe_cell(-3) == -3


# Organisation pickers ----------------------------------------------------------------------------------


@pytest.fixture
def elders_partner(foreign_project) -> Organisation:
    """A partner of the other municipality, linked to its project only."""
    org = Organisation.objects.create(name="Buurtzorg Elders", kind="welzijn_zorg")
    CoalitionMember.objects.create(project=foreign_project, organisation=org, role="partner")
    ProjectGrant.objects.create(project=foreign_project, organisation=org)
    return org


@pytest.mark.parametrize(
    ("path", "field"),
    [
        ("/projecten/{pk}/coalitie/nieuw/", "organisation"),
        ("/projecten/{pk}/financiering/nieuw/", "funder"),
        ("/projecten/{pk}/delen/", "organisation"),
        ("/waarde/{pk}/investering/nieuw/", "party_organisation"),
        ("/beheer/organisatie/delingen/", "organisation"),
    ],
)
def test_pickers_hide_other_municipalities_partners(
    path, field, users, own_project, partner_org, elders_partner, foreign_org
):
    http = login(users[("own", "beheerder")])
    response = http.get(path.format(pk=own_project.pk))
    assert response.status_code == 200
    choices = set(response.context["form"].fields[field].queryset)
    assert partner_org in choices
    assert elders_partner not in choices
    assert foreign_org not in choices
    assert elders_partner.name not in response.content.decode()


def test_effect_share_picker_is_scoped(users, own_project, partner_org, elders_partner):
    response = login(users[("own", "beheerder")]).get(f"/waarde/{own_project.pk}/effect/nieuw/")
    assert response.status_code == 200
    page = response.content.decode()
    assert partner_org.name in page
    assert elders_partner.name not in page


def test_picking_another_municipalitys_partner_is_refused(users, own_project, elders_partner):
    http = login(users[("own", "beheerder")])
    response = http.post(
        f"/projecten/{own_project.pk}/delen/", {"organisation": elders_partner.pk, "level": "lezen"}
    )
    assert response.status_code == 200
    assert not ProjectGrant.objects.filter(
        project=own_project, organisation=elders_partner
    ).exists()


def test_pickable_rule(
    own_org, foreign_org, own_project, shared_project, partner_org, elders_partner
):
    mine = set(pickable_organisations(own_org.pk))
    assert {own_org, partner_org} <= mine
    assert elders_partner not in mine
    # Editing a project shared with the own tenant, its own links are offered too.
    assert foreign_org in set(pickable_organisations(own_org.pk, shared_project))
    assert not pickable_organisations(None).exists()


# Request bodies ------------------------------------------------------------------------------------------


def test_a_too_large_body_gets_a_friendly_413(users, own_project, settings):
    settings.PROEFTUIN_MAX_REQUEST_BYTES = 1024
    http = login(users[("own", "beheerder")])
    response = http.post(f"/projecten/{own_project.pk}/bewerken/", {"summary": "x" * 5000})
    assert response.status_code == 413
    assert "Bestand te groot" in response.content.decode()


def test_too_many_form_bytes_get_a_friendly_400(users, own_project, settings):
    settings.DATA_UPLOAD_MAX_MEMORY_SIZE = 1024
    http = login(users[("own", "beheerder")])
    response = http.post(f"/projecten/{own_project.pk}/bewerken/", {"summary": "x" * 5000})
    assert response.status_code == 400
    assert "Verzoek niet verwerkt" in response.content.decode()


def test_the_body_limit_leaves_room_for_the_largest_upload(settings):
    from proeftuin.assessments.models import EVIDENCE_MAX_BYTES
    from proeftuin.monitoring.forms import MAX_UPLOAD_BYTES

    assert max(MAX_UPLOAD_BYTES, EVIDENCE_MAX_BYTES) < settings.PROEFTUIN_MAX_REQUEST_BYTES
