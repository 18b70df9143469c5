"""Portfolio exchange: import through the intake, dry run, atomic, idempotent (issue 11, item 1)."""

from __future__ import annotations

import io

import pytest
from django.core.files.uploadedfile import SimpleUploadedFile
from intake_words import message
from openpyxl import load_workbook
from portfolio_files import pilots_xlsx

from proeftuin.portfolio.models import CoalitionMember, FundingStream, Goal, Project
from proeftuin.portfolio.registry import Municipality, PortfolioImport

XLSX = "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet"


@pytest.fixture(autouse=True)
def _inline_jobs(settings):
    settings.PROEFTUIN_JOBS_INLINE = True


def _upload(http, content: bytes, name="pilots.xlsx") -> PortfolioImport:
    response = http.post(
        "/projecten/importeren/", {"file": SimpleUploadedFile(name, content, content_type=XLSX)}
    )
    assert response.status_code == 302, response.content[:500]
    return PortfolioImport.objects.latest("pk")


def _check_and_import(http, imp: PortfolioImport) -> PortfolioImport:
    url = f"/projecten/importeren/{imp.pk}/"
    page = http.get(url)
    mapping = {
        c["input"]: c["chosen"] for sheet in page.context["sheets"] for c in sheet["columns"]
    }
    assert http.post(url, {**mapping, "action": "controleren"}).status_code == 302
    imp.refresh_from_db()
    if imp.status == "gecontroleerd":
        assert http.post(url, {**mapping, "action": "importeren"}).status_code == 302
        imp.refresh_from_db()
    return imp


def test_43_pilots_come_in_with_municipality_theme_period_and_one_stream(
    users, own_org, client_for
):
    http = client_for(users[("own", "beleidsadviseur")])
    imp = _upload(http, pilots_xlsx())
    page = http.get(f"/projecten/importeren/{imp.pk}/")
    suggested = {c["header"]: c["chosen"] for c in page.context["sheets"][0]["columns"]}
    assert suggested["Gemeentecode"] == "project.municipality_code"
    assert suggested["Bedrag"] == "stream.amount"
    imp = _check_and_import(http, imp)
    assert imp.status == "klaar", imp.result
    assert Project.objects.filter(owner=own_org).count() == 43
    assert FundingStream.objects.filter(project__owner=own_org).count() == 43
    assert Municipality.objects.filter(organisation=own_org).count() == 3
    pilot = Project.objects.get(name="Pilot 01")
    assert pilot.municipality.cbs_code == "GM0363"
    assert pilot.themes == ["schulden"]
    stream = pilot.funding_streams.get()
    assert (stream.amount, stream.funder.name, str(stream.end_date)) == (
        101000,
        "ZonMw",
        "2026-12-31",
    )
    assert CoalitionMember.objects.get(project=pilot).organisation.name == "Woonstad"
    assert Goal.objects.get(project=pilot).text == "Minder huisuitzettingen"
    assert pilot.history.first().history_change_reason == "Import pilots.xlsx"
    assert http.get("/projecten/").context["page"].paginator.count == 43


def test_the_same_file_again_changes_nothing_and_says_so(users, own_org, client_for):
    http = client_for(users[("own", "projectleider")])
    _check_and_import(http, _upload(http, pilots_xlsx(5)))
    versions = sorted(Project.objects.values_list("pk", "version"))
    again = _check_and_import(http, _upload(http, pilots_xlsx(5)))
    assert again.status == "klaar"
    assert not again.result["created"] and not again.result["updated"]
    assert again.result["unchanged"]["project"] == 5
    assert sorted(Project.objects.values_list("pk", "version")) == versions
    assert "veranderde niets" in http.get(f"/projecten/importeren/{again.pk}/").content.decode()


def test_a_form_error_without_its_own_column_is_shown_at_the_group(users, own_org, client_for):
    from openpyxl import Workbook

    book = Workbook()
    book.active.append(["Projectnaam", "Startdatum", "Regeling", "Financier", "Bedrag"])
    book.active.append(["Open eind", "01-01-2025", "Subsidie", "ZonMw", 5000])
    out = io.BytesIO()
    book.save(out)
    http = client_for(users[("own", "beleidsadviseur")])
    imp = _check_and_import(http, _upload(http, out.getvalue()))
    # Incidental money needs an end date; the file has no column for it, so the regulation's.
    assert [(p["row"], p["column"]) for p in imp.result["problems"]] == [(2, "C")]
    assert "einddatum" in message(imp.result["problems"][0])
    # The form's error is stored in both languages: the English reader sees it in English.
    assert "end date" in message(imp.result["problems"][0], "en")


def test_a_bad_row_is_named_and_nothing_is_written(users, own_org, client_for):
    http = client_for(users[("own", "beleidsadviseur")])
    imp = _check_and_import(http, _upload(http, pilots_xlsx(10, bad_row=7)))
    assert imp.status == "geupload"  # checked, not importable
    problems = imp.result["problems"]
    assert [(p["sheet"], p["row"], p["column"]) for p in problems] == [("Pilots", 8, "E")]
    assert not Project.objects.filter(owner=own_org).exists()
    assert not Municipality.objects.filter(organisation=own_org).exists()
    page = http.get(f"/projecten/importeren/{imp.pk}/").content.decode()
    assert "Pilots" in page and "Startdatum" in page
    assert 'value="importeren"' not in page


def test_the_template_has_a_help_row_and_reads_back_empty(users, client_for):
    http = client_for(users[("own", "beleidsadviseur")])
    response = http.get("/projecten/importeren/sjabloon.xlsx")
    book = load_workbook(io.BytesIO(response.content))
    assert book.sheetnames[:4] == ["Projecten", "Financiering", "Coalitie", "Doelen"]
    assert book["Projecten"]["A2"].value == "tekst, verplicht"
    imp = _check_and_import(http, _upload(http, response.content, "sjabloon.xlsx"))
    assert imp.result["problem_count"] == 0


def test_another_tenants_import_is_404(users, foreign_org, client_for):
    theirs = PortfolioImport.objects.create(
        organisation=foreign_org, original_name="x.csv", content=b"Projectnaam\nA\n"
    )
    http = client_for(users[("own", "beheerder")])
    assert http.get(f"/projecten/importeren/{theirs.pk}/").status_code == 404


def test_the_command_imports_the_same_way_and_a_second_run_changes_nothing(
    users, own_org, tmp_path
):
    from django.core.management import call_command

    path = tmp_path / "pilots.xlsx"
    path.write_bytes(pilots_xlsx(3, extra_sheets=False))
    user = users[("own", "beleidsadviseur")].username
    call_command("import_portfolio", str(path), user=user, dry_run=True)
    assert not Project.objects.filter(owner=own_org).exists()
    call_command("import_portfolio", str(path), user=user)
    assert Project.objects.filter(owner=own_org).count() == 3
    out = io.StringIO()
    call_command("import_portfolio", str(path), user=user, stdout=out)
    assert "verandert niets" in out.getvalue()


def _partners_file(kvk: str) -> bytes:
    from openpyxl import Workbook

    book = Workbook()
    partners = book.active
    partners.title = "Partners"
    partners.append(["Naam partnerorganisatie", "Soort organisatie", "KvK-nummer"])
    partners.append(["Politie Midden", "Politie", ""])
    partners.append(["Bakkerij Brood", "Bedrijf", kvk])
    projects = book.create_sheet("Projecten")
    projects.append(["Projectnaam", "Startdatum", "Einddatum", "Regeling", "Financier", "Bedrag"])
    projects.append(
        ["Buurtbrood", "01-01-2025", "31-12-2026", "Sponsoring", "Bakkerij Brood", 5000]
    )
    out = io.BytesIO()
    book.save(out)
    return out.getvalue()


def test_a_partners_sheet_fills_the_registry_and_funders_name_it(users, own_org, client_for):
    from proeftuin.portfolio.registry import PartnerOrganisation

    http = client_for(users[("own", "projectleider")])
    bad = _check_and_import(http, _upload(http, _partners_file("123")))
    assert [(p["sheet"], p["row"], p["column"]) for p in bad.result["problems"]] == [
        ("Partners", 3, "C")
    ]
    assert not PartnerOrganisation.objects.filter(organisation=own_org).exists()
    done = _check_and_import(http, _upload(http, _partners_file("12345678")))
    assert done.status == "klaar", done.result
    bakery = PartnerOrganisation.objects.get(organisation=own_org, name="Bakkerij Brood")
    assert (bakery.kind, bakery.kvk_number) == ("bedrijf", "12345678")
    stream = FundingStream.objects.get(project__name="Buurtbrood")
    assert stream.funder == bakery.identity
    again = _check_and_import(http, _upload(http, _partners_file("12345678")))
    assert again.result["unchanged"] == {"partner": 2, "project": 1, "financiering": 1}


def test_a_wrong_municipality_code_is_refused_by_the_municipality_form(users, client_for):
    from openpyxl import Workbook

    book = Workbook()
    book.active.append(["Projectnaam", "Gemeentecode", "Startdatum"])
    book.active.append(["Ergens", "GM12", "01-01-2025"])
    out = io.BytesIO()
    book.save(out)
    http = client_for(users[("own", "beleidsadviseur")])
    imp = _check_and_import(http, _upload(http, out.getvalue()))
    (problem,) = imp.result["problems"]
    assert (problem["row"], problem["column"], problem["header"]) == (2, "B", "Gemeentecode")
    assert "GM0363" in message(problem) and "GM0363" in message(problem, "en")


@pytest.mark.django_db(transaction=True)
def test_the_import_is_a_queued_job_the_worker_runs(users, own_org, settings, tmp_path):
    from django.core.management import call_command
    from django_tasks_db.models import DBTaskResult
    from integration_support import login

    http = login(users[("own", "beleidsadviseur")])
    imp = _upload(http, pilots_xlsx(4, extra_sheets=False))
    url = f"/projecten/importeren/{imp.pk}/"
    mapping = {
        c["input"]: c["chosen"]
        for sheet in http.get(url).context["sheets"]
        for c in sheet["columns"]
    }
    http.post(url, {**mapping, "action": "controleren"})
    settings.PROEFTUIN_JOBS_INLINE = False
    settings.VAR_DIR = tmp_path
    http.post(url, {**mapping, "action": "importeren"})
    imp.refresh_from_db()
    # The request only queued it; the page polls while it waits.
    assert imp.status == "wachtrij" and not Project.objects.filter(owner=own_org).exists()
    task = DBTaskResult.objects.get()
    assert task.args_kwargs["kwargs"]["import_id"] == imp.pk
    poll = {"HTTP_HX_REQUEST": "true", "HTTP_HX_TARGET": "import-status"}
    partial = http.get(url, **poll).content.decode()
    assert 'hx-trigger="every 2s"' in partial and "<html" not in partial
    call_command("worker", "--batch", "--interval", "0")
    imp.refresh_from_db()
    assert imp.status == "klaar" and imp.progress == 100 and imp.content in (b"", memoryview(b""))
    assert Project.objects.filter(owner=own_org).count() == 4
    done = http.get(url, **poll).content.decode()
    assert "hx-trigger" not in done and "Import klaar." in done and "<html" not in done


def test_an_import_cannot_make_another_tenant_a_partner(users, own_org, foreign_org, client_for):
    from openpyxl import Workbook

    from proeftuin.administration.models import Partnership

    book = Workbook()
    book.active.append(["Projectnaam", "Startdatum", "Einddatum", "Regeling", "Financier"])
    book.active.append(["P", "01-01-2025", "31-12-2025", "Subsidie", foreign_org.name])
    out = io.BytesIO()
    book.save(out)
    http = client_for(users[("own", "beleidsadviseur")])
    imp = _check_and_import(http, _upload(http, out.getvalue()))
    assert [(p["row"], p["column"]) for p in imp.result["problems"]] == [(2, "E")]
    assert not Partnership.objects.filter(organisation=own_org, partner=foreign_org).exists()


def test_the_mapping_screen_speaks_english_when_asked(users, client_for, settings):
    http = client_for(users[("own", "beleidsadviseur")])
    imp = _upload(http, pilots_xlsx(1, extra_sheets=False))
    http.cookies[settings.LANGUAGE_COOKIE_NAME] = "en"
    page = http.get(f"/projecten/importeren/{imp.pk}/").content.decode()
    assert "Project name" in page and "Do not import" in page
    assert ">Projectnaam<" not in page and "Niet importeren" not in page
