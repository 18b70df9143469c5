"""Signals from practice to policy (issue 12, item 1): raise, follow, move, filter, export."""

from __future__ import annotations

import csv
import io
from datetime import date, timedelta

import pytest
from integration_support import _shared_conftest, login

from proeftuin.learning import services
from proeftuin.learning.models import Signal, SignalEvent
from proeftuin.portfolio.models import Neighbourhood

make_user = _shared_conftest().make_user

GOOD = {
    "title": "Kostendelersnorm remt samenwonen",
    "kind": "regel_blokkeert",
    "level": "stelsel",
    "what": "Jongeren die bij een ouder intrekken, verliezen een deel van hun uitkering.",
    "blocker": "De kostendelersnorm in de Participatiewet.",
    "theme": "schulden",
    "people_affected": "12",
}


def own_org_pk(users) -> int:
    return users[("own", "professional")].organisation_id


def raise_one(user, **extra) -> Signal:
    data = {k: v for k, v in GOOD.items() if k != "people_affected"}
    data.update(extra)
    return services.raise_signal(Signal(people_affected=12, **data), user)


@pytest.mark.django_db
def test_professional_raises_a_signal_with_deadline_and_first_event(users):
    http = login(users[("own", "professional")])
    response = http.post("/leren/signalen/nieuw/", {**GOOD, "addressed_to": own_org_pk(users)})
    assert response.status_code == 302
    signal = Signal.objects.get()
    assert signal.organisation_id == users[("own", "professional")].organisation_id
    assert signal.status == "ingediend"
    assert signal.taxonomy_version == services.taxonomy().version
    assert signal.deadline == signal.submitted_on + timedelta(services.taxonomy().response_days)
    assert list(signal.events.values_list("target", flat=True)) == ["ingediend"]
    assert response["Location"] == f"/leren/signalen/{signal.pk}/"


@pytest.mark.django_db
@pytest.mark.parametrize(
    ("field", "text"),
    [
        ("what", "Mevrouw de Vries (BSN 111222333) kan niet verhuizen."),
        ("blocker", "Bel 06-12345678 voor meer."),
        ("title", "Mail jan@example.org"),
    ],
)
def test_identifier_guard_refuses_people_in_free_text(users, field, text):
    http = login(users[("own", "professional")])
    response = http.post(
        "/leren/signalen/nieuw/", {**GOOD, field: text, "addressed_to": own_org_pk(users)}
    )
    assert response.status_code == 200
    assert not Signal.objects.exists()
    assert "Proeftuin bewaart geen gegevens" in response.content.decode()


@pytest.mark.django_db
def test_unknown_kind_is_refused(users):
    http = login(users[("own", "professional")])
    response = http.post(
        "/leren/signalen/nieuw/", {**GOOD, "kind": "verzonnen", "addressed_to": own_org_pk(users)}
    )
    assert response.status_code == 200
    assert not Signal.objects.exists()


@pytest.mark.django_db
def test_a_project_of_another_tenant_cannot_be_named(users, foreign_project):
    http = login(users[("own", "professional")])
    response = http.post(
        "/leren/signalen/nieuw/",
        {**GOOD, "project": foreign_project.pk, "addressed_to": own_org_pk(users)},
    )
    assert response.status_code == 200
    assert not Signal.objects.exists()


@pytest.mark.django_db
def test_policy_adviser_moves_it_and_the_raiser_sees_each_step(users):
    raiser = users[("own", "professional")]
    adviser = users[("own", "beleidsadviseur")]
    signal = raise_one(raiser)
    http = login(adviser)
    steps = [
        ("in_behandeling", "We leggen het voor aan het team Werk en Inkomen."),
        ("opgepakt", "Het staat op de agenda van het kwartaaloverleg."),
    ]
    for target, reason in steps:
        response = http.post(
            f"/leren/signalen/{signal.pk}/status/",
            {"target": target, "reason": reason, "owner": adviser.pk},
        )
        assert response.status_code == 302
    signal.refresh_from_db()
    assert signal.status == "opgepakt"
    assert signal.owner == adviser
    page = login(raiser).get(f"/leren/signalen/{signal.pk}/").content.decode()
    for _target, reason in steps:
        assert reason in page
    assert "Opgepakt" in page
    # The raiser has no move form.
    assert 'id="status-form"' not in page


@pytest.mark.django_db
def test_a_move_without_reason_or_owner_changes_nothing(users):
    signal = raise_one(users[("own", "professional")])
    http = login(users[("own", "beleidsadviseur")])
    response = http.post(f"/leren/signalen/{signal.pk}/status/", {"target": "in_behandeling"})
    assert response.status_code == 200
    response = http.post(
        f"/leren/signalen/{signal.pk}/status/", {"target": "in_behandeling", "reason": "ja"}
    )
    assert response.status_code == 200
    assert "Kies een eigenaar" in response.content.decode()
    signal.refresh_from_db()
    assert signal.status == "ingediend"
    assert SignalEvent.objects.filter(signal=signal).count() == 1


@pytest.mark.django_db
def test_a_skipped_step_is_refused(users):
    signal = raise_one(users[("own", "professional")])
    adviser = users[("own", "beleidsadviseur")]
    response = login(adviser).post(
        f"/leren/signalen/{signal.pk}/status/",
        {"target": "opgelost", "reason": "klaar", "owner": adviser.pk},
    )
    assert response.status_code == 200
    signal.refresh_from_db()
    assert signal.status == "ingediend"


@pytest.mark.django_db
def test_owner_must_be_a_handler_of_the_same_organisation(users):
    signal = raise_one(users[("own", "professional")])
    http = login(users[("own", "beleidsadviseur")])
    for owner in (users[("foreign", "beleidsadviseur")], users[("own", "financier")]):
        response = http.post(
            f"/leren/signalen/{signal.pk}/status/",
            {"target": "in_behandeling", "reason": "ja", "owner": owner.pk},
        )
        assert response.status_code == 200
    signal.refresh_from_db()
    assert signal.owner is None


@pytest.mark.django_db
@pytest.mark.parametrize("role", ["professional", "projectleider", "financier", "onderzoeker"])
def test_roles_without_handle_cannot_move(users, role):
    signal = raise_one(users[("own", "professional")])
    response = login(users[("own", role)]).post(
        f"/leren/signalen/{signal.pk}/status/",
        {"target": "afgewezen", "reason": "nee"},
    )
    assert response.status_code == 403


@pytest.mark.django_db
def test_another_tenants_signal_is_a_404_everywhere(users):
    signal = raise_one(users[("foreign", "professional")], title="Geheim signaal elders")
    http = login(users[("own", "beheerder")])
    assert http.get(f"/leren/signalen/{signal.pk}/").status_code == 404
    response = http.post(
        f"/leren/signalen/{signal.pk}/status/", {"target": "afgewezen", "reason": "weg"}
    )
    assert response.status_code == 404
    assert "Geheim signaal elders" not in http.get("/leren/signalen/").content.decode()
    body = http.get("/leren/signalen/export.csv").content.decode("utf-8-sig")
    assert "Geheim signaal elders" not in body


@pytest.mark.django_db
def test_filters_by_theme_neighbourhood_status_age_and_mine(users, own_org):
    raiser = users[("own", "professional")]
    other = users[("own", "projectleider")]
    noord = Neighbourhood.objects.create(organisation=own_org, name="Noord")
    a = raise_one(raiser, title="Signaal A", theme="schulden", neighbourhood=noord)
    b = raise_one(other, title="Signaal B", theme="wonen")
    old = raise_one(raiser, title="Signaal Oud", theme="wonen")
    Signal.objects.filter(pk=old.pk).update(submitted_on=date.today() - timedelta(days=120))
    Signal.objects.filter(pk=b.pk).update(status="afgewezen")
    http = login(users[("own", "beleidsadviseur")])

    def titles(query: str) -> set[str]:
        page = http.get("/leren/signalen/?" + query).content.decode()
        return {t for t in ("Signaal A", "Signaal B", "Signaal Oud") if t in page}

    assert titles("") == {"Signaal A", "Signaal B", "Signaal Oud"}
    assert titles("theme=wonen") == {"Signaal B", "Signaal Oud"}
    assert titles(f"neighbourhood={noord.pk}") == {"Signaal A"}
    assert titles("status=open") == {"Signaal A", "Signaal Oud"}
    assert titles("status=afgewezen") == {"Signaal B"}
    assert titles("age=90%2B") == {"Signaal Oud"}
    assert titles("age=0-30") == {"Signaal A", "Signaal B"}
    mine = login(raiser).get("/leren/signalen/?mine=on").content.decode()
    assert "Signaal A" in mine and "Signaal B" not in mine
    assert a.pk


@pytest.mark.django_db
def test_overdue_signals_are_marked_in_the_list(users):
    signal = raise_one(users[("own", "professional")], title="Wacht al lang")
    Signal.objects.filter(pk=signal.pk).update(deadline=date.today() - timedelta(days=1))
    page = login(users[("own", "beleidsadviseur")]).get("/leren/signalen/").content.decode()
    assert "te laat" in page


@pytest.mark.django_db
def test_csv_export_follows_filters_and_escapes_formulas(users):
    raise_one(users[("own", "professional")], title="=HYPERLINK(1)", theme="wonen")
    raise_one(users[("own", "professional")], title="Ander thema", theme="schulden")
    http = login(users[("own", "beleidsadviseur")])
    response = http.get("/leren/signalen/export.csv?theme=wonen")
    assert response.status_code == 200
    rows = list(csv.reader(io.StringIO(response.content.decode("utf-8-sig")), delimiter=";"))
    assert rows[0][:5] == ["id", "titel", "van", "aan", "soort"]
    assert len(rows) == 2
    assert rows[1][1].startswith("'=")


@pytest.mark.django_db
def test_xlsx_export_opens(users):
    from openpyxl import load_workbook

    raise_one(users[("own", "professional")])
    response = login(users[("own", "onderzoeker")]).get("/leren/signalen/export.xlsx")
    assert response.status_code == 200
    sheet = load_workbook(io.BytesIO(response.content)).active
    assert sheet.cell(2, 2).value == GOOD["title"]


@pytest.mark.django_db
def test_report_section_lists_the_owners_signals_only(users, own_project):
    raise_one(users[("own", "professional")], title="Signaal van de eigenaar", project=own_project)
    from proeftuin.learning.report import build_section

    section = build_section(own_project, date.today())
    assert [r["signal"].title for r in section["signals"]] == ["Signaal van de eigenaar"]
    page = login(users[("own", "financier")]).get(f"/rapporten/project/{own_project.pk}.html")
    assert "Signaal van de eigenaar" in page.content.decode()


@pytest.mark.django_db
def test_a_partner_organisation_sends_a_signal_to_the_municipality(users, own_org, partner_org):
    """Practice (a welfare organisation) raises, policy (the municipality) handles; both see it,
    and an organisation that is neither does not."""
    from proeftuin.accounts.models import Organisation
    from proeftuin.administration.models import Partnership

    Partnership.objects.get_or_create(organisation=own_org, partner=partner_org)
    worker = make_user(partner_org, "professional", "wijkwerker")
    http = login(worker)
    page = http.get("/leren/signalen/nieuw/").content.decode()
    assert own_org.name in page
    unrelated = Organisation.objects.create(name="Gemeente Nergens", kind="gemeente")
    assert unrelated.name not in page
    response = http.post("/leren/signalen/nieuw/", {**GOOD, "addressed_to": own_org.pk})
    assert response.status_code == 302
    signal = Signal.objects.get()
    assert (signal.organisation, signal.addressed_to) == (partner_org, own_org)
    adviser = users[("own", "beleidsadviseur")]
    response = login(adviser).post(
        f"/leren/signalen/{signal.pk}/status/",
        {"target": "in_behandeling", "reason": "We nemen het op.", "owner": adviser.pk},
    )
    assert response.status_code == 302
    assert "We nemen het op." in http.get(f"/leren/signalen/{signal.pk}/").content.decode()
    # The raising organisation's own policy side cannot move a signal it sent elsewhere.
    boss = make_user(partner_org, "beleidsadviseur", "partnerbeleid")
    response = login(boss).post(
        f"/leren/signalen/{signal.pk}/status/", {"target": "afgewezen", "reason": "nee"}
    )
    assert response.status_code == 403
    assert (
        login(users[("foreign", "beheerder")]).get(f"/leren/signalen/{signal.pk}/").status_code
        == 404
    )


@pytest.mark.django_db
def test_an_unrelated_organisation_cannot_be_addressed(users):
    from proeftuin.accounts.models import Organisation

    unrelated = Organisation.objects.create(name="Gemeente Nergens", kind="gemeente")
    http = login(users[("own", "professional")])
    response = http.post("/leren/signalen/nieuw/", {**GOOD, "addressed_to": unrelated.pk})
    assert response.status_code == 200
    assert not Signal.objects.exists()


@pytest.mark.django_db
def test_the_write_path_itself_refuses_an_owner_outside_the_addressees_policy_side(users):
    from proeftuin.core.learning.lifecycle import TransitionError

    signal = raise_one(users[("own", "professional")])
    with pytest.raises(TransitionError):
        services.move_signal(
            signal,
            users[("own", "beleidsadviseur")],
            "in_behandeling",
            "ja",
            users[("foreign", "beleidsadviseur")],
        )
    signal.refresh_from_db()
    assert (signal.status, signal.owner) == ("ingediend", None)
