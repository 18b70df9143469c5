"""Forms through the real views: Dutch errors on the right field, never a 500, no lost edits.

The test client re-raises any exception a view raises, so "never a 500" holds for every request
below that returns at all.
"""

from __future__ import annotations

import re
from datetime import date
from decimal import Decimal

import pytest
from django.test import Client
from django.utils import timezone
from integration_support import PASSWORD, field_errors, form_data, login, make_project

from proeftuin.portfolio.models import FundingStream, Goal, Neighbourhood, Project

STALE = "Iemand anders heeft dit intussen gewijzigd"


@pytest.fixture
def adviser(users):
    return login(users[("own", "beleidsadviseur")])


@pytest.fixture
def leader(users):
    return login(users[("own", "projectleider")])


def new_project_data(**overrides) -> dict:
    data = {
        "name": "Buurtkamer Vogelbuurt",
        "summary": "Een huiskamer voor buren.",
        "themes": ["wijk"],
        "start_date": "2025-03-01",
        "end_date": "2026-02-28",
        "phase": "implementatie",
        "status": "lopend",
    }
    data.update(overrides)
    return data


def stream_data(funder_pk: int, **overrides) -> dict:
    data = {
        "label": "Innovatiebudget",
        "funder": funder_pk,
        "amount": "50000",
        "start_date": "2025-01-01",
        "end_date": "2025-12-31",
        "kind": "incidenteel",
        "policy_domain": "wmo",
    }
    data.update(overrides)
    return data


# Bad input: Dutch message on the field ------------------------------------------------------------


def test_project_end_before_start(adviser, own_org):
    response = adviser.post(
        "/projecten/nieuw/", new_project_data(start_date="2026-01-01", end_date="2025-12-31")
    )
    assert response.status_code == 200
    assert field_errors(response, "end_date") == ["De einddatum ligt vóór de startdatum."]
    assert "De einddatum ligt vóór de startdatum." in response.content.decode()
    assert not Project.objects.filter(name="Buurtkamer Vogelbuurt").exists()


def test_project_edit_end_before_start_keeps_the_stored_dates(adviser, own_project):
    url = f"/projecten/{own_project.pk}/bewerken/"
    data = form_data(adviser.get(url), start_date="2026-01-01", end_date="2025-01-01")
    response = adviser.post(url, data)
    assert response.status_code == 200
    assert field_errors(response, "end_date") == ["De einddatum ligt vóór de startdatum."]
    own_project.refresh_from_db()
    assert own_project.start_date == date(2025, 1, 1)


@pytest.mark.parametrize("name", ["", "   ", "\t\n"])
def test_project_needs_a_name(adviser, own_org, name):
    response = adviser.post("/projecten/nieuw/", new_project_data(name=name))
    assert response.status_code == 200
    assert field_errors(response, "name") == ["Geef het project een naam."]
    assert Project.objects.count() == 0


def test_project_name_is_stripped(adviser, own_org):
    response = adviser.post("/projecten/nieuw/", new_project_data(name="  Buurtkamer  "))
    assert response.status_code == 302
    assert Project.objects.get().name == "Buurtkamer"


@pytest.mark.parametrize(
    ("field", "value", "message"),
    [
        ("start_date", "31-02-2025", "Voer een geldige datum in."),
        ("start_date", "", "Dit veld is vereist."),
        ("phase", "bestaat-niet", "Selecteer een geldige keuze."),
        ("themes", "bestaat-niet", "Selecteer een geldige keuze."),
        ("neighbourhoods", "999999", "Selecteer een geldige keuze."),
        ("neighbourhoods", "abc", "is geen geldige waarde"),
    ],
)
def test_project_rejects_garbage_without_crashing(adviser, own_org, field, value, message):
    response = adviser.post("/projecten/nieuw/", new_project_data(**{field: value}))
    assert response.status_code == 200
    errors = " ".join(field_errors(response, field))
    assert message in errors
    assert Project.objects.count() == 0


def test_project_cannot_use_another_tenants_neighbourhood(adviser, own_org, foreign_project):
    hood = foreign_project.neighbourhoods.get()
    response = adviser.post("/projecten/nieuw/", new_project_data(neighbourhoods=[hood.pk]))
    assert response.status_code == 200
    assert field_errors(response, "neighbourhoods")
    assert not Project.objects.filter(owner=own_org).exists()


def test_tampered_edit_version_does_not_crash(adviser, own_project):
    url = f"/projecten/{own_project.pk}/bewerken/"
    data = form_data(adviser.get(url), name="Nieuw", edit_version="abc")
    response = adviser.post(url, data)
    assert response.status_code == 200
    own_project.refresh_from_db()
    assert own_project.name == "Eén gezin, één plan"


def test_stream_end_before_start(adviser, own_project, own_org):
    url = f"/projecten/{own_project.pk}/financiering/nieuw/"
    response = adviser.post(
        url, stream_data(own_org.pk, start_date="2025-06-01", end_date="2025-05-31")
    )
    assert response.status_code == 200
    assert field_errors(response, "end_date") == ["De einddatum ligt vóór de startdatum."]
    assert own_project.funding_streams.count() == 1


def test_incidental_stream_needs_end_date(adviser, own_project, own_org):
    url = f"/projecten/{own_project.pk}/financiering/nieuw/"
    response = adviser.post(url, stream_data(own_org.pk, end_date=""))
    assert response.status_code == 200
    assert field_errors(response, "end_date") == [
        "Incidenteel geld heeft een einddatum: wanneer stopt het?"
    ]


@pytest.mark.parametrize("amount", ["-1", "-0,01", "-1.000,00"])
def test_stream_amount_cannot_be_negative(adviser, own_project, own_org, amount):
    url = f"/projecten/{own_project.pk}/financiering/nieuw/"
    response = adviser.post(url, stream_data(own_org.pk, amount=amount))
    assert response.status_code == 200
    assert field_errors(response, "amount") == ["Een bedrag kan niet negatief zijn."]
    assert own_project.funding_streams.count() == 1


@pytest.mark.parametrize(
    ("typed", "stored"),
    [
        ("1234,50", Decimal("1234.50")),  # Dutch decimal comma
        ("1.234,50", Decimal("1234.50")),  # ... with a thousands separator
        ("240.000", Decimal("240000")),  # how a Dutch budget is written
        ("1.250.000", Decimal("1250000")),
        ("12.50", Decimal("12.50")),  # a dot before two digits stays a decimal point
        ("€ 5.000", Decimal("5000")),
        ("  75000  ", Decimal("75000")),
    ],
)
def test_stream_amount_as_dutch_people_type_it(adviser, own_project, own_org, typed, stored):
    url = f"/projecten/{own_project.pk}/financiering/nieuw/"
    response = adviser.post(url, stream_data(own_org.pk, amount=typed, label="Bedragtest"))
    assert response.status_code == 302, field_errors(response, "amount")
    assert own_project.funding_streams.get(label="Bedragtest").amount == stored


@pytest.mark.parametrize(
    ("typed", "message"),
    [
        ("1.234.5", "Voer een getal in."),
        ("12,345", "Zorg dat er niet meer dan 2 cijfers achter de komma staan."),
        ("veel", "Voer een getal in."),
        ("NaN", "Voer een getal in."),
        ("1e20", "Zorg dat er niet meer dan 14 cijfers zijn."),
    ],
)
def test_stream_amount_garbage(adviser, own_project, own_org, typed, message):
    url = f"/projecten/{own_project.pk}/financiering/nieuw/"
    response = adviser.post(url, stream_data(own_org.pk, amount=typed))
    assert response.status_code == 200
    assert field_errors(response, "amount") == [message]


def test_stream_amount_is_shown_with_a_decimal_comma(adviser, own_project):
    stream = own_project.funding_streams.get()
    response = adviser.get(f"/projecten/{own_project.pk}/financiering/{stream.pk}/bewerken/")
    html = response.content.decode()
    assert 'value="240000,00"' in html
    # A text input: a browser's number input cannot parse "240000,00" and would post it empty.
    amount = re.search(r'<input[^>]*name="amount"[^>]*>', html).group(0)
    assert 'type="text"' in amount and 'inputmode="decimal"' in amount
    # And what is shown is accepted back unchanged.
    url = f"/projecten/{own_project.pk}/financiering/{stream.pk}/bewerken/"
    response = adviser.post(url, form_data(response, label="Ongewijzigd bedrag"))
    assert response.status_code == 302
    stream.refresh_from_db()
    assert stream.amount == Decimal("240000")


@pytest.mark.parametrize("funder", ["999999", "abc", ""])
def test_stream_unknown_funder(adviser, own_project, funder):
    url = f"/projecten/{own_project.pk}/financiering/nieuw/"
    response = adviser.post(url, stream_data(0, funder=funder))
    assert response.status_code == 200
    errors = field_errors(response, "funder")
    expected = "Dit veld is vereist." if funder == "" else "Deze financier is onbekend."
    assert errors and errors[0].startswith(expected)


@pytest.mark.parametrize("organisation", ["999999", "abc"])
def test_coalition_member_unknown_organisation(adviser, own_project, organisation):
    url = f"/projecten/{own_project.pk}/coalitie/nieuw/"
    data = {"organisation": organisation, "role": "partner", "level": "management"}
    response = adviser.post(url, data)
    assert response.status_code == 200
    errors = field_errors(response, "organisation")
    assert errors and errors[0].startswith("Deze organisatie is onbekend.")
    assert own_project.coalition.count() == 1


def test_coalition_member_needs_organisation_or_person(adviser, own_project):
    url = f"/projecten/{own_project.pk}/coalitie/nieuw/"
    response = adviser.post(url, {"role": "partner", "level": "management"})
    assert response.status_code == 200
    assert response.context["form"].non_field_errors() == [
        "Vul een organisatie of een contactpersoon in (of beide)."
    ]


def test_coalition_member_until_before_since(adviser, own_project, partner_org):
    url = f"/projecten/{own_project.pk}/coalitie/nieuw/"
    data = {
        "organisation": partner_org.pk,
        "role": "partner",
        "level": "management",
        "since": "2025-05-01",
        "until": "2025-04-30",
    }
    response = adviser.post(url, data)
    assert response.status_code == 200
    assert field_errors(response, "until") == ["De einddatum ligt vóór de begindatum."]


def test_decision_without_fields(adviser, own_project):
    response = adviser.post(f"/projecten/{own_project.pk}/besluiten/", {"kind": "opschalen"})
    assert response.status_code == 200
    assert field_errors(response, "rationale") == ["Dit veld is vereist."]
    assert own_project.decisions.count() == 1


def test_grant_twice_is_a_field_error(adviser, own_project, partner_org):
    url = f"/projecten/{own_project.pk}/delen/"
    assert adviser.post(url, {"organisation": partner_org.pk, "level": "lezen"}).status_code == 302
    response = adviser.post(url, {"organisation": partner_org.pk, "level": "bewerken"})
    assert response.status_code == 200
    assert field_errors(response, "organisation") == [
        "Dit project is al gedeeld met deze organisatie."
    ]


def test_grant_to_the_owner_itself_is_refused(adviser, own_project, own_org):
    url = f"/projecten/{own_project.pk}/delen/"
    response = adviser.post(url, {"organisation": own_org.pk, "level": "lezen"})
    assert response.status_code == 200
    assert field_errors(response, "organisation")
    assert own_project.grants.count() == 0


# CSRF ---------------------------------------------------------------------------------------------


def test_login_without_csrf_token_is_refused_in_dutch(users):
    http = Client(enforce_csrf_checks=True)
    response = http.post(
        "/account/inloggen/", {"username": users[("own", "beheerder")].username, "password": "x"}
    )
    assert response.status_code == 403
    page = response.content.decode()
    assert "Formulier verlopen" in page
    assert "Uw sessie is verlopen of het formulier is ongeldig." in page


def test_post_without_csrf_token_changes_nothing(users, own_project):

    http = Client(enforce_csrf_checks=True)
    page = http.get("/account/inloggen/")
    token = page.cookies["csrftoken"].value
    response = http.post(
        "/account/inloggen/",
        {
            "username": users[("own", "beleidsadviseur")].username,
            "password": PASSWORD,
            "csrfmiddlewaretoken": token,
        },
    )
    assert response.status_code == 302  # with the token, logging in works
    url = f"/projecten/{own_project.pk}/bewerken/"
    data = form_data(http.get(url), name="Zonder token")
    data.pop("csrfmiddlewaretoken", None)
    response = http.post(url, data)
    assert response.status_code == 403
    assert "Formulier verlopen" in response.content.decode()
    own_project.refresh_from_db()
    assert own_project.name == "Eén gezin, één plan"
    # An archive button without a token does nothing either.
    assert http.post(f"/projecten/{own_project.pk}/archiveren/").status_code == 403
    own_project.refresh_from_db()
    assert own_project.archived_at is None


# Stale edits --------------------------------------------------------------------------------------


def test_stale_project_edit_is_refused_and_keeps_the_first_save(adviser, leader, own_project):
    url = f"/projecten/{own_project.pk}/bewerken/"
    first = form_data(adviser.get(url), name="Versie van de adviseur")
    second = form_data(leader.get(url), name="Versie van de projectleider")
    assert first["edit_version"] == second["edit_version"]

    assert adviser.post(url, first).status_code == 302
    response = leader.post(url, second)

    assert response.status_code == 200
    assert STALE in response.content.decode()
    assert response.context["form"].non_field_errors()[0].startswith(STALE)
    # The leader's input is kept on the form ...
    assert response.context["form"]["name"].value() == "Versie van de projectleider"
    # ... but nothing was overwritten.
    own_project.refresh_from_db()
    assert own_project.name == "Versie van de adviseur"
    assert own_project.version == 2
    assert own_project.history.filter(name="Versie van de projectleider").count() == 0


def test_stale_project_edit_can_be_resubmitted_after_the_warning(adviser, leader, own_project):
    url = f"/projecten/{own_project.pk}/bewerken/"
    first = form_data(adviser.get(url), name="Versie van de adviseur")
    second = form_data(leader.get(url), name="Versie van de projectleider")
    adviser.post(url, first)
    warned = leader.post(url, second)
    assert STALE in warned.content.decode()
    # Submitting the re-rendered form is a conscious choice: it now saves.
    response = leader.post(url, form_data(warned))
    assert response.status_code == 302
    own_project.refresh_from_db()
    assert own_project.name == "Versie van de projectleider"
    assert own_project.version == 3


def test_stale_funding_stream_edit(adviser, leader, own_project):
    stream = own_project.funding_streams.get()
    url = f"/projecten/{own_project.pk}/financiering/{stream.pk}/bewerken/"
    first = form_data(adviser.get(url), amount="300000")
    second = form_data(leader.get(url), amount="100000", label="Ander label")

    assert adviser.post(url, first).status_code == 302
    response = leader.post(url, second)

    assert response.status_code == 200
    assert STALE in response.content.decode()
    stream.refresh_from_db()
    assert stream.amount == Decimal("300000")
    assert stream.label == "Transformatiefonds"


def test_stale_goal_edit(adviser, leader, own_project):
    goal = own_project.goals.get()
    url = f"/projecten/{own_project.pk}/doelen/{goal.pk}/bewerken/"
    first = form_data(adviser.get(url), text="Doel A", change_reason="Reden A")
    second = form_data(leader.get(url), text="Doel B", change_reason="Reden B")
    assert adviser.post(url, first).status_code == 302
    response = leader.post(url, second)
    assert response.status_code == 200
    assert STALE in response.content.decode()
    goal.refresh_from_db()
    assert goal.text == "Doel A"


def test_deleted_child_while_editing_is_404_not_500(adviser, leader, own_project):
    stream = own_project.funding_streams.get()
    url = f"/projecten/{own_project.pk}/financiering/{stream.pk}/bewerken/"
    data = form_data(leader.get(url), label="Te laat")
    delete = f"/projecten/{own_project.pk}/financiering/{stream.pk}/verwijderen/"
    assert adviser.post(delete).status_code == 302
    assert leader.post(url, data).status_code == 404
    assert not FundingStream.objects.filter(pk=stream.pk).exists()


# Goals keep their history --------------------------------------------------------------------------


def test_goal_change_needs_a_reason_and_records_it(adviser, own_project):
    goal = own_project.goals.get()
    url = f"/projecten/{own_project.pk}/doelen/{goal.pk}/bewerken/"
    data = form_data(adviser.get(url), text="Minder uithuisplaatsingen in Oost")

    response = adviser.post(url, {**data, "change_reason": "   "})
    assert response.status_code == 200
    assert field_errors(response, "change_reason") == ["Dit veld is vereist."]
    goal.refresh_from_db()
    assert goal.text == "Minder uithuisplaatsingen"

    response = adviser.post(url, {**data, "change_reason": "Wijkanalyse 2025: vooral Oost"})
    assert response.status_code == 302
    goal.refresh_from_db()
    assert goal.text == "Minder uithuisplaatsingen in Oost"
    assert goal.version == 2
    latest = goal.history.first()
    assert latest.history_change_reason == "Wijkanalyse 2025: vooral Oost"
    assert latest.text == "Minder uithuisplaatsingen in Oost"
    assert [h.text for h in goal.history.all()] == [
        "Minder uithuisplaatsingen in Oost",
        "Minder uithuisplaatsingen",
    ]
    versions = adviser.get(f"/projecten/{own_project.pk}/doelen/{goal.pk}/versies/")
    assert "Wijkanalyse 2025: vooral Oost" in versions.content.decode()


def test_new_goal_needs_no_reason(adviser, own_project):
    url = f"/projecten/{own_project.pk}/doelen/nieuw/"
    response = adviser.post(url, {"goal_type": "leer", "text": "Leren wat werkt"})
    assert response.status_code == 302
    assert Goal.objects.filter(project=own_project, text="Leren wat werkt").exists()


def test_goals_cannot_be_deleted(adviser, own_project):
    goal = own_project.goals.get()
    response = adviser.post(f"/projecten/{own_project.pk}/doelen/{goal.pk}/verwijderen/")
    assert response.status_code == 404
    assert Goal.objects.filter(pk=goal.pk).exists()


# Archive and overview filters ------------------------------------------------------------------------


def names(response) -> set[str]:
    return {row["project"].name for row in response.context["rows"]}


def test_archive_and_restore(adviser, own_project):
    archive = f"/projecten/{own_project.pk}/archiveren/"
    assert own_project.name in names(adviser.get("/projecten/"))

    response = adviser.post(archive, {"reason": "Afgerond en geëvalueerd"})
    assert response.status_code == 302
    own_project.refresh_from_db()
    assert own_project.archived_at is not None
    assert own_project.history.first().history_change_reason == "Afgerond en geëvalueerd"
    assert own_project.name not in names(adviser.get("/projecten/"))
    assert own_project.name in names(adviser.get("/projecten/?archived=on"))
    # Still reachable directly, marked as archived.
    page = adviser.get(f"/projecten/{own_project.pk}/")
    assert page.status_code == 200
    assert "gearchiveerd" in page.content.decode()

    assert adviser.post(archive).status_code == 302
    own_project.refresh_from_db()
    assert own_project.archived_at is None
    assert own_project.name in names(adviser.get("/projecten/"))


def test_archived_shared_project_also_hidden_for_the_partner(users, shared_project):
    shared_project.archived_at = timezone.now()
    shared_project.save()
    http = login(users[("own", "professional")])
    assert shared_project.name not in names(http.get("/projecten/"))
    assert shared_project.name in names(http.get("/projecten/?archived=on"))


@pytest.fixture
def portfolio(own_org, foreign_project, shared_project):
    """Four own projects that differ in theme, neighbourhood, phase and status."""
    specs = {
        "Alpha": {"themes": ["jeugd_gezin"], "phase": "ideevorming", "status": "concept"},
        "Bravo": {"themes": ["wonen", "schulden"], "phase": "selectie", "status": "lopend"},
        "Charlie": {"themes": ["ouderen"], "phase": "verspreiding", "status": "gepauzeerd"},
        "Delta": {"themes": ["wijk"], "phase": "implementatie", "status": "afgerond"},
    }
    projects = {}
    for name, fields in specs.items():
        project = make_project(own_org, name=name)
        Project.objects.filter(pk=project.pk).update(**fields)
        projects[name] = project
    return projects


@pytest.mark.parametrize(
    ("query", "expected"),
    [
        ("", {"Alpha", "Bravo", "Charlie", "Delta", "Gedeeld project"}),
        ("theme=wonen", {"Bravo"}),
        ("theme=schulden", {"Bravo"}),
        ("theme=jeugd_gezin", {"Alpha", "Gedeeld project"}),
        ("theme=veiligheid", set()),
        ("phase=verspreiding", {"Charlie"}),
        ("phase=implementatie", {"Delta", "Gedeeld project"}),
        ("status=gepauzeerd", {"Charlie"}),
        ("status=lopend", {"Bravo", "Gedeeld project"}),
        ("theme=wonen&phase=selectie&status=lopend", {"Bravo"}),
        ("theme=wonen&status=concept", set()),
        ("q=charl", {"Charlie"}),
    ],
)
def test_overview_filters(users, portfolio, query, expected):
    http = login(users[("own", "financier")])
    response = http.get(f"/projecten/?{query}")
    assert response.status_code == 200
    assert names(response) == expected


def test_overview_filters_by_neighbourhood(users, portfolio, own_org):
    http = login(users[("own", "onderzoeker")])
    hood = Neighbourhood.objects.create(organisation=own_org, name="Vogelbuurt")
    portfolio["Alpha"].neighbourhoods.add(hood)
    portfolio["Delta"].neighbourhoods.add(hood)
    response = http.get(f"/projecten/?neighbourhood={hood.pk}")
    assert names(response) == {"Alpha", "Delta"}
    # A neighbourhood of another tenant is not a valid choice (and reveals nothing).
    foreign_hood = Neighbourhood.objects.exclude(organisation=own_org).first()
    response = http.get(f"/projecten/?neighbourhood={foreign_hood.pk}")
    assert response.status_code == 200
    assert "Project Elders" not in response.content.decode()


def test_overview_never_lists_foreign_projects(users, portfolio):
    http = login(users[("own", "beheerder")])
    for query in ("", "archived=on", "q=Elders", "theme=jeugd_gezin"):
        response = http.get(f"/projecten/?{query}")
        assert "Project Elders" not in response.content.decode()


def test_overview_htmx_returns_only_the_rows(users, portfolio):
    http = login(users[("own", "beheerder")])
    response = http.get("/projecten/?theme=wonen", headers={"HX-Request": "true"})
    assert response.status_code == 200
    assert names(response) == {"Bravo"}
    assert "<html" not in response.content.decode()


# Change history --------------------------------------------------------------------------------------


def test_history_lists_an_edit_with_old_and_new(adviser, own_project):
    url = f"/projecten/{own_project.pk}/bewerken/"
    data = form_data(adviser.get(url), name="Eén gezin, één plan (Oost)", phase="verspreiding")
    assert adviser.post(url, data).status_code == 302

    page = adviser.get(f"/projecten/{own_project.pk}/geschiedenis/").content.decode()
    assert "<del>Eén gezin, één plan</del> → <ins>Eén gezin, één plan (Oost)</ins>" in page
    # Choices by their label, not their stored code.
    assert "<del>Implementatie</del> → <ins>Verspreiding</ins>" in page
    assert "beleidsadviseur-" in page  # who made the change
