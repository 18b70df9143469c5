"""The report (HTML and PDF), the ``proeftuin`` command line, and the demo generator.

The CLI runs in-process through :func:`proeftuin.cli.main`: pytest-django has already configured
the test settings, so its ``django.setup()`` is a no-op re-entry and the commands see the test
database. One test runs the installed ``proeftuin`` script in a subprocess against a throw-away
SQLite file, the way an operator would.
"""

from __future__ import annotations

import base64
import contextlib
import io
import re
from datetime import date
from decimal import Decimal

import pypdf
import pytest

from proeftuin import cli
from proeftuin.accounts.models import Organisation, User
from proeftuin.portfolio.models import FundingStream, Project
from proeftuin.reporting.report import render_report_html, render_report_pdf

TODAY = date(2026, 1, 1)
IMG_SVG = re.compile(r'<img[^>]*src="data:image/svg\+xml;base64,([A-Za-z0-9+/=]+)"')
# Text that only the chart draws: the amount axis title and the legend title. The HTML around
# the chart says "Bedrag" (table header) and "stroom" (caption), never these.
CHART_ONLY_TEXT = ("Bedrag (€)", "Stroom")


def cli_error(args: list[str]) -> str:
    """Run the CLI expecting a user error: exit code 1 and a one-line message, no traceback."""
    stderr = io.StringIO()
    with contextlib.redirect_stderr(stderr):
        code = cli.main(args)
    assert code == 1
    text = stderr.getvalue().strip()
    assert text.startswith("proeftuin: ")
    assert "Traceback" not in text
    return text.removeprefix("proeftuin: ")


def bare_project(org: Organisation, name: str) -> Project:
    """A project with facts but no coalition, funding, goals or decisions.

    (Not ``conftest.make_project``: importing ``conftest`` by module name is ambiguous once a
    sub-folder has its own conftest.py.)
    """
    return Project.objects.create(
        owner=org,
        name=name,
        summary="Nog in de steigers.",
        themes=["wijk"],
        start_date=date(2025, 1, 1),
        end_date=date(2026, 12, 31),
        phase="ideevorming",
    )


def pdf_text(data: bytes) -> tuple[int, str]:
    reader = pypdf.PdfReader(io.BytesIO(data))
    return len(reader.pages), "\n".join(page.extract_text() for page in reader.pages)


def chart_svgs(html: str) -> list[str]:
    return [base64.b64decode(b64).decode("utf-8") for b64 in IMG_SVG.findall(html)]


# The report -------------------------------------------------------------------------------


def test_html_report_holds_the_project_facts(own_project):
    html = render_report_html(own_project, today=TODAY)
    for fact in (
        "Eén gezin, één plan",  # name
        "Gemeente Voorbeeldstad",  # owner
        "Eén regisseur en één plan per gezin.",  # summary
        "Minder uithuisplaatsingen",  # goal
        "A. de Vries",  # coalition member
        "Transformatiefonds",  # funding stream
        "€ 240.000",  # its amount, with Dutch grouping
        "Goed op weg",  # decision rationale
        "1 januari 2026",  # generated on, in Dutch
    ):
        assert fact in html, fact
    # Only delivery is backed: the other three levels are reported missing.
    assert "ontbrekend draagvlak: management, ambtelijk, bestuurlijk." in html.lower()
    # 240 000 over 730 days is € 120 082 a year, ending 31 Dec 2026: within 12 and 24 months.
    assert "Binnen 6 maanden: € 0 per jaar valt weg" in html
    assert "Binnen 12 maanden: € 120.082 per jaar valt weg" in html


def test_html_report_embeds_the_funding_chart_as_svg(own_project):
    html = render_report_html(own_project, today=TODAY)
    svgs = chart_svgs(html)
    assert len(svgs) == 1
    svg = svgs[0]
    assert svg.lstrip().startswith("<svg")
    for text in ("Transformatiefonds", "2025", "2026", *CHART_ONLY_TEXT):
        assert text in svg
    without_chart = IMG_SVG.sub("", html)
    assert not any(text in without_chart for text in CHART_ONLY_TEXT)


def test_screen_report_links_the_stylesheet_and_pdf_variant_does_not(own_project):
    assert "css/report.css" in render_report_html(own_project, today=TODAY)
    assert "css/report.css" not in render_report_html(own_project, today=TODAY, for_pdf=True)


def test_report_without_funding_has_no_chart(own_org):
    project = bare_project(own_org, "Zonder geld")
    html = render_report_html(project, today=TODAY)
    assert chart_svgs(html) == []
    for empty in (
        "Nog geen financiering vastgelegd.",
        "Nog geen doelen vastgelegd.",
        "Nog geen coalitieleden.",
        "Nog geen besluiten vastgelegd.",
    ):
        assert empty in html
    pages, text = pdf_text(render_report_pdf(project, today=TODAY))
    assert pages >= 1
    assert "Zonder geld" in text


def test_structural_money_without_end_is_listed_and_charted(own_project):
    # Issue 11: the funding chart left out structural money; it now shows it every year.
    FundingStream.objects.create(
        project=own_project,
        funder=own_project.owner,
        label="Reguliere Wmo-begroting",
        amount=Decimal("50000"),
        start_date=date(2024, 1, 1),
        end_date=None,
        kind="structureel",
        policy_domain="wmo",
    )
    html = render_report_html(own_project, today=TODAY)
    assert "Reguliere Wmo-begroting" in html
    assert "doorlopend" in html
    (svg,) = chart_svgs(html)
    assert "Transformatiefonds" in svg
    assert "Reguliere Wmo-begroting" in svg


def test_pdf_report_is_a_valid_pdf_with_the_facts_and_the_chart(own_project):
    data = render_report_pdf(own_project, today=TODAY)
    assert data.startswith(b"%PDF-")
    assert data.rstrip().endswith(b"%%EOF")
    pages, text = pdf_text(data)
    assert pages >= 1
    assert "Eén gezin, één plan" in text
    assert "Gemeente Voorbeeldstad" in text
    assert "Transformatiefonds" in text
    # WeasyPrint draws the SVG's text as text: the chart's own labels are in the PDF.
    for label in CHART_ONLY_TEXT:
        assert label in text, label


# proeftuin report -------------------------------------------------------------------------


def test_cli_report_writes_a_pdf(own_project, tmp_path, capsys):
    out = tmp_path / "rapport.pdf"
    assert cli.main(["report", str(own_project.pk), "--format", "pdf", "-o", str(out)]) == 0
    data = out.read_bytes()
    assert data.startswith(b"%PDF-")
    pages, text = pdf_text(data)
    assert pages >= 1
    assert "Eén gezin, één plan" in text
    assert "Bedrag (€)" in text
    assert f"Rapport geschreven: {out}" in capsys.readouterr().out


def test_cli_report_by_exact_name_as_html(own_project, foreign_org, tmp_path):
    bare_project(foreign_org, "Eén gezin, één plan Oost")  # its name contains the other
    out = tmp_path / "rapport.html"
    assert cli.main(["report", own_project.name, "--format", "html", "--output", str(out)]) == 0
    html = out.read_text(encoding="utf-8")
    assert "<h1>Eén gezin, één plan</h1>" in html
    assert len(chart_svgs(html)) == 1


def test_cli_report_default_file_name(own_project, tmp_path, monkeypatch):
    monkeypatch.chdir(tmp_path)
    cli.main(["report", str(own_project.pk)])
    assert (tmp_path / "rapport-een-gezin-een-plan.pdf").read_bytes().startswith(b"%PDF-")


@pytest.mark.parametrize("wanted", ["999999", "Bestaat niet"])
def test_cli_report_unknown_project_is_a_clear_error(own_project, tmp_path, wanted):
    out = tmp_path / "rapport.pdf"
    message = cli_error(["report", wanted, "-o", str(out)])
    assert message == (
        f"Geen eenduidig project gevonden voor '{wanted}'. Geef het id of de volledige naam."
    )
    assert not out.exists()


def test_cli_report_ambiguous_name_lists_the_candidates(own_org, tmp_path):
    bare_project(own_org, "Noord Buurtkamer")
    bare_project(own_org, "Zuid Buurtkamer")
    assert re.search(
        "kandidaten: Noord Buurtkamer, Zuid Buurtkamer",
        cli_error(["report", "Buurtkamer", "-o", str(tmp_path / "x.pdf")]),
    )


# proeftuin tenant create ------------------------------------------------------------------


def test_cli_tenant_create(db, capsys):
    cli.main(
        ["tenant", "create", "Gemeente Nieuwstad", "--kind", "gemeente", "--city", "Nieuwstad"]
    )
    org = Organisation.objects.get(name="Gemeente Nieuwstad")
    assert (org.kind, org.city) == ("gemeente", "Nieuwstad")
    assert f"Organisatie aangemaakt: Gemeente Nieuwstad (id {org.pk})" in capsys.readouterr().out


def test_cli_tenant_create_rejects_a_duplicate(own_org):
    message = cli_error(["tenant", "create", own_org.name, "--kind", "fonds"])
    assert message == f"Organisatie '{own_org.name}' bestaat al (id {own_org.pk})."
    assert Organisation.objects.get(pk=own_org.pk).kind == "gemeente"  # unchanged


def test_cli_tenant_create_rejects_an_unknown_kind(db):
    assert re.search("--kind", cli_error(["tenant", "create", "Iets", "--kind", "multinational"]))
    assert not Organisation.objects.filter(name="Iets").exists()


# proeftuin user create --------------------------------------------------------------------

STRONG = "zonnig-fietspad-42"


def test_cli_user_create(own_org, capsys):
    cli.main(
        [
            "user",
            "create",
            "priya",
            "--organisation",
            own_org.name,
            "--role",
            "projectleider",
            "--email",
            "priya@voorbeeldstad.example",
            "--password",
            STRONG,
        ]
    )
    user = User.objects.get(username="priya")
    assert (user.organisation, user.role, user.email) == (
        own_org,
        "projectleider",
        "priya@voorbeeldstad.example",
    )
    assert user.check_password(STRONG)
    assert not user.is_staff
    out = capsys.readouterr().out
    assert f"Account aangemaakt: priya (projectleider, {own_org.name})" in out


def test_cli_user_create_beheerder_gets_the_admin(own_org):
    cli.main(
        [
            "user",
            "create",
            "bea",
            "--organisation",
            own_org.name,
            "--role",
            "beheerder",
            "--password",
            STRONG,
        ]
    )
    assert User.objects.get(username="bea").is_staff


def test_cli_user_create_takes_the_password_from_the_environment(own_org, monkeypatch):
    monkeypatch.setenv("PROEFTUIN_PASSWORD", STRONG)
    cli.main(["user", "create", "olga", "--organisation", own_org.name, "--role", "onderzoeker"])
    assert User.objects.get(username="olga").check_password(STRONG)


def test_cli_user_create_rejects_an_unknown_organisation(db):
    message = cli_error(
        [
            "user",
            "create",
            "x",
            "--organisation",
            "Gemeente Nergens",
            "--role",
            "professional",
            "--password",
            STRONG,
        ]
    )
    assert message == (
        "Organisatie 'Gemeente Nergens' bestaat niet. Maak haar eerst aan met 'proeftuin tenant create'."
    )
    assert not User.objects.filter(username="x").exists()


def test_cli_user_create_rejects_a_taken_username(own_org):
    args = ["user", "create", "pim", "--organisation", own_org.name, "--role", "professional"]
    cli.main([*args, "--password", STRONG])
    message = cli_error([*args, "--password", "een-ander-wachtwoord-7"])
    assert message == "Gebruikersnaam 'pim' is al in gebruik."
    assert User.objects.get(username="pim").check_password(STRONG)


def test_cli_user_create_rejects_an_unknown_role(own_org):
    assert re.search(
        "--role",
        cli_error(
            [
                "user",
                "create",
                "x",
                "--organisation",
                own_org.name,
                "--role",
                "koning",
                "--password",
                STRONG,
            ]
        ),
    )
    assert not User.objects.filter(username="x").exists()


@pytest.mark.parametrize(
    ("password", "message"),
    [
        ("1234567890123", "Dit wachtwoord bevat alleen cijfers."),
        ("password123", "Dit wachtwoord is te algemeen."),
        ("nieuwegebruiker1", "Het wachtwoord lijkt te veel op de gebruikersnaam."),
        ("kort", "Dit wachtwoord is te kort."),
    ],
)
def test_cli_user_create_rejects_a_weak_password_in_dutch(own_org, password, message):
    error = cli_error(
        [
            "user",
            "create",
            "nieuwegebruiker",
            "--organisation",
            own_org.name,
            "--role",
            "professional",
            "--password",
            password,
        ]
    )
    assert message in error
    assert not User.objects.filter(username="nieuwegebruiker").exists()
