"""Municipalities, managed neighbourhoods and the partner registry (issue 11, item 2)."""

from __future__ import annotations

from django.core.files.uploadedfile import SimpleUploadedFile
from integration_support import form_data

from proeftuin.accounts.models import Organisation
from proeftuin.administration.pickers import pickable_organisations
from proeftuin.portfolio.models import Neighbourhood
from proeftuin.portfolio.registry import Municipality, PartnerOrganisation

CBS = (
    "gwb_code_10;regio;recs\n"
    "GM0363;Amsterdam;Gemeente\n"
    "WK036300;Noordwijk;Wijk\n"
    "BU03630001;Kop Zeedijk;Buurt\n"
)


def _csv(text: str = CBS) -> SimpleUploadedFile:
    return SimpleUploadedFile("wijken.csv", text.encode("utf-8"), content_type="text/csv")


def test_typing_a_neighbourhood_no_longer_creates_a_duplicate(users, own_project, client_for):
    # Finding: typing "Noordwijk" created a duplicate and the filter showed it twice.
    org = own_project.owner
    amsterdam = Municipality.objects.create(organisation=org, cbs_code="GM0363", name="Amsterdam")
    noordwijk = Neighbourhood.objects.create(
        organisation=org, municipality=amsterdam, name="Noordwijk", cbs_code="WK036300"
    )
    http = client_for(users[("own", "projectleider")])
    page = http.get(f"/projecten/{own_project.pk}/bewerken/")
    assert "new_neighbourhoods" not in page.context["form"].fields
    data = form_data(page, neighbourhoods=[noordwijk.pk], new_neighbourhoods="Noordwijk")
    data["municipality"] = amsterdam.pk
    assert http.post(f"/projecten/{own_project.pk}/bewerken/", data).status_code == 302
    assert Neighbourhood.objects.filter(organisation=org, name="Noordwijk").count() == 1
    filter_choices = [
        label
        for _v, label in http.get("/projecten/").context["form"]["neighbourhood"].field.choices
    ]
    assert filter_choices.count("Noordwijk (Amsterdam)") == 1
    own_project.refresh_from_db()
    assert own_project.municipality == amsterdam
    assert b"GM0363" in http.get(f"/projecten/{own_project.pk}/").content


def test_a_neighbourhood_of_another_municipality_is_refused(users, own_project, client_for):
    org = own_project.owner
    amsterdam = Municipality.objects.create(organisation=org, cbs_code="GM0363", name="Amsterdam")
    leiden = Municipality.objects.create(organisation=org, cbs_code="GM0546", name="Leiden")
    hood = Neighbourhood.objects.create(
        organisation=org, municipality=leiden, name="Stevenshof", cbs_code="WK054601"
    )
    http = client_for(users[("own", "projectleider")])
    page = http.get(f"/projecten/{own_project.pk}/bewerken/")
    data = form_data(page, neighbourhoods=[hood.pk], municipality=amsterdam.pk)
    response = http.post(f"/projecten/{own_project.pk}/bewerken/", data)
    assert response.status_code == 200
    assert response.context["form"].errors["neighbourhoods"]


def test_the_portfolio_filters_by_municipality(users, own_project, own_org, client_for):
    from integration_support import make_project

    amsterdam = Municipality.objects.create(organisation=own_org, cbs_code="GM0363", name="A'dam")
    other = make_project(own_org, name="Elders in de regio")
    own_project.municipality = amsterdam
    own_project.save()
    http = client_for(users[("own", "financier")])
    rows = http.get(f"/projecten/?municipality={amsterdam.pk}").context["rows"]
    assert [r["project"].pk for r in rows] == [own_project.pk]
    assert other.pk not in [r["project"].pk for r in rows]


def test_a_cbs_list_is_imported_once_and_adopts_the_old_free_text_row(users, own_org, client_for):
    amsterdam = Municipality.objects.create(organisation=own_org, cbs_code="GM0363", name="A")
    legacy = Neighbourhood.objects.create(organisation=own_org, name="Noordwijk")
    http = client_for(users[("own", "beleidsadviseur")])
    url = f"/projecten/gemeenten/{amsterdam.pk}/import/"
    assert http.post(url, {"file": _csv()}).status_code == 302
    legacy.refresh_from_db()
    assert (legacy.cbs_code, legacy.municipality_id) == ("WK036300", amsterdam.pk)
    buurt = Neighbourhood.objects.get(cbs_code="BU03630001")
    assert (buurt.kind, buurt.parent_id) == ("buurt", legacy.pk)
    # Idempotent: the same file again changes nothing.
    http.post(url, {"file": _csv()})
    assert Neighbourhood.objects.filter(organisation=own_org).count() == 2


def test_a_wrong_cbs_list_changes_nothing_and_names_the_line(users, own_org, client_for):
    amsterdam = Municipality.objects.create(organisation=own_org, cbs_code="GM0363", name="A")
    http = client_for(users[("own", "beleidsadviseur")])
    response = http.post(
        f"/projecten/gemeenten/{amsterdam.pk}/import/",
        {"file": _csv(CBS + "WK059900;Rotterdam;Wijk\n")},
    )
    assert response.status_code == 200
    assert "Regel 5: WK059900 hoort niet bij gemeente GM0363." in response.content.decode()
    assert not Neighbourhood.objects.filter(organisation=own_org).exists()
    # In English too (the core returns a code, Django words it).
    http.cookies["django_language"] = "en"
    response = http.post(
        f"/projecten/gemeenten/{amsterdam.pk}/import/",
        {"file": _csv(CBS + "WK059900;Rotterdam;Wijk\n")},
    )
    assert "Line 5: WK059900 does not belong to municipality GM0363." in response.content.decode()


def test_another_tenants_registry_is_404(users, foreign_org, client_for):
    theirs = Municipality.objects.create(organisation=foreign_org, cbs_code="GM0599", name="R")
    partner = PartnerOrganisation.objects.create(
        organisation=foreign_org, name="Hun partner", kind="bedrijf", identity=foreign_org
    )
    http = client_for(users[("own", "beheerder")])
    assert http.get(f"/projecten/gemeenten/{theirs.pk}/").status_code == 404
    assert http.post(f"/projecten/gemeenten/{theirs.pk}/import/", {}).status_code == 404
    assert http.get(f"/projecten/partners/{partner.pk}/bewerken/").status_code == 404
    assert b"Hun partner" not in http.get("/projecten/partners/").content


def test_a_registry_partner_becomes_a_pickable_funder(users, own_org, own_project, client_for):
    http = client_for(users[("own", "projectleider")])
    bad = http.post(
        "/projecten/partners/", {"name": "Politie", "kind": "politie", "kvk_number": "123"}
    )
    assert bad.context["form"].errors["kvk_number"]
    response = http.post(
        "/projecten/partners/",
        {"name": "Woonstad Rotterdam", "kind": "woningcorporatie", "kvk_number": "2403 1234"},
    )
    assert response.status_code == 302
    partner = PartnerOrganisation.objects.get(organisation=own_org, name="Woonstad Rotterdam")
    assert partner.kvk_number == "24031234"
    assert partner.identity.kind == Organisation.Kind.HOUSING
    assert partner.identity in pickable_organisations(own_org.pk, own_project)
    # The funder form of the project offers it.
    page = http.get(f"/projecten/{own_project.pk}/financiering/nieuw/")
    assert partner.identity in page.context["form"].fields["funder"].queryset


def test_a_buurt_added_on_the_screen_finds_its_wijk_and_a_foreign_code_is_refused(
    users, own_org, client_for
):
    amsterdam = Municipality.objects.create(organisation=own_org, cbs_code="GM0363", name="A")
    http = client_for(users[("own", "projectleider")])
    url = f"/projecten/gemeenten/{amsterdam.pk}/"
    assert (
        http.post(url, {"kind": "wijk", "cbs_code": "wk036300", "name": "Centrum"}).status_code
        == 302
    )
    assert (
        http.post(url, {"kind": "buurt", "cbs_code": "BU03630001", "name": "Kop"}).status_code
        == 302
    )
    buurt = Neighbourhood.objects.get(cbs_code="BU03630001")
    assert buurt.parent.cbs_code == "WK036300"
    wrong = http.post(url, {"kind": "wijk", "cbs_code": "WK059900", "name": "Rotterdam"})
    assert wrong.context["form"].errors["cbs_code"]
    bad_format = http.post(url, {"kind": "buurt", "cbs_code": "BU0363", "name": "Te kort"})
    assert bad_format.context["form"].errors["cbs_code"]


def test_a_tenant_becomes_a_partner_only_through_the_beheerder(users, foreign_org, client_for):
    # Issue 8: sharing a project is possible only with partners the beheerder added.
    http = client_for(users[("own", "projectleider")])
    response = http.post("/projecten/partners/", {"name": "gemeente elders", "kind": "gemeente"})
    assert response.status_code == 200
    assert response.context["form"].errors["name"]
    assert not PartnerOrganisation.objects.exists()
