"""The assessment workflow: start, rate (workshop mode with HTMX), version check, finalise,
profile, comparison, matrix, exports, evidence documents and the report section."""

from __future__ import annotations

import csv
import io

import pytest
from django.core.files.uploadedfile import SimpleUploadedFile
from integration_support import _shared_conftest, login, make_project
from openpyxl import load_workbook

from proeftuin.assessments.models import Assessment, Rating
from proeftuin.assessments.services import latest_summary
from proeftuin.core.frameworks import Outcome
from proeftuin.portfolio.models import ProjectGrant

FW = "four_plus_one"
IND = "integrated_all_domains"  # first indicator of the 4+1 scan's first dimension
IND2 = "one_contact_person"
HX = {"HTTP_HX_REQUEST": "true"}
FORMULA = "=cmd|' /C calc'!A0"


@pytest.fixture(autouse=True)
def media(settings, tmp_path):
    settings.MEDIA_ROOT = tmp_path / "media"


def start(project, user, kind=Assessment.Kind.SELF, framework=FW, **extra) -> Assessment:
    return Assessment.objects.create(
        project=project,
        framework_id=framework,
        framework_version="1.0",
        kind=kind,
        title=extra.pop("title", "Zelfscan voorjaar"),
        organisation=user.organisation,
        created_by=user,
        **extra,
    )


def base(project, assessment) -> str:
    return f"/beoordelingen/project/{project.pk}/{assessment.pk}/"


def rate(http, project, assessment, indicator=IND, version=None, htmx=False, **fields):
    data = {f"{indicator}-{k}": v for k, v in fields.items()}
    if version is not None:
        data[f"{indicator}-edit_version"] = version
    extra = HX if htmx else {}
    return http.post(f"{base(project, assessment)}indicator/{indicator}/", data, **extra)


# Starting ----------------------------------------------------------------------------------------


def test_project_leader_starts_a_self_scan(users, own_project):
    http = login(users[("own", "projectleider")])
    tab = http.get(f"/beoordelingen/project/{own_project.pk}/")
    assert tab.status_code == 200
    page = tab.content.decode()
    assert "Nieuwe beoordeling starten" in page
    assert 'value="zelfscan"' in page
    response = http.post(
        f"/beoordelingen/project/{own_project.pk}/",
        {"framework": FW, "kind": "zelfscan", "title": "Zelfscan 2026"},
    )
    assessment = Assessment.objects.get(project=own_project)
    assert response.status_code == 302
    assert response["Location"] == base(own_project, assessment)
    assert (assessment.kind, assessment.status, assessment.framework_version) == (
        "zelfscan",
        "open",
        "1.0",
    )
    assert assessment.organisation == users[("own", "projectleider")].organisation
    screen = http.get(response["Location"]).content.decode()
    assert "Werkplaatsmodus" in screen
    assert f'hx-post="{base(own_project, assessment)}indicator/{IND}/"' in screen
    assert 'hx-trigger="change delay:500ms, submit"' in screen
    # The scale as radio buttons, with onbekend among them.
    assert f'name="{IND}-value" value="onbekend"' in screen
    assert f'name="{IND}-value" value="groot"' in screen


def test_second_scan_links_the_previous_one(users, own_project):
    leader = users[("own", "projectleider")]
    first = start(own_project, leader, status="definitief")
    http = login(leader)
    http.post(f"/beoordelingen/project/{own_project.pk}/", {"framework": FW, "kind": "zelfscan"})
    second = own_project.assessments.exclude(pk=first.pk).get()
    assert second.previous == first
    assert second.title.startswith("Zelfscan 4+1-scan")


def test_evaluator_with_a_read_grant_starts_only_an_external_scan(users, shared_project):
    http = login(users[("own", "onderzoeker")])
    page = http.get(f"/beoordelingen/project/{shared_project.pk}/").content.decode()
    assert 'value="extern"' in page and 'value="zelfscan"' not in page
    refused = http.post(
        f"/beoordelingen/project/{shared_project.pk}/", {"framework": FW, "kind": "zelfscan"}
    )
    assert refused.status_code == 200 and not shared_project.assessments.exists()
    http.post(f"/beoordelingen/project/{shared_project.pk}/", {"framework": FW, "kind": "extern"})
    scan = shared_project.assessments.get()
    assert scan.kind == "extern"
    assert scan.organisation == users[("own", "onderzoeker")].organisation


def test_unknown_framework_is_a_form_error(users, own_project):
    http = login(users[("own", "projectleider")])
    response = http.post(
        f"/beoordelingen/project/{own_project.pk}/", {"framework": "bestaat_niet", "kind": "extern"}
    )
    assert response.status_code == 200
    assert response.context["form"].errors["framework"]
    assert not own_project.assessments.exists()


# Tenancy and roles -------------------------------------------------------------------------------


def test_foreign_assessment_is_404_everywhere(users, own_project, foreign_project):
    scan = start(foreign_project, users[("foreign", "projectleider")])
    rating = Rating.objects.create(
        assessment=scan, indicator_id=IND, rater=users[("foreign", "projectleider")], value="matig"
    )
    http = login(users[("own", "beheerder")])
    for project in (own_project, foreign_project):  # through the own project or directly
        b = base(project, scan)
        for path in (
            "",
            "profiel/",
            "vergelijking/",
            "geschiedenis/",
            "export.csv",
            f"bewijs/{rating.pk}/",
        ):
            response = http.get(b + path)
            assert response.status_code == 404, b + path
            assert b"Project Elders" not in response.content
        assert rate(http, project, scan, value="groot").status_code == 404
        assert http.post(b + "afronden/").status_code == 404
    rating.refresh_from_db()
    scan.refresh_from_db()
    assert (rating.value, scan.status) == ("matig", "open")


@pytest.mark.parametrize("role", ["financier", "professional"])
def test_roles_without_assess_read_but_cannot_rate(role, users, own_project):
    scan = start(own_project, users[("own", "projectleider")])
    http = login(users[("own", role)])
    tab = http.get(f"/beoordelingen/project/{own_project.pk}/").content.decode()
    assert "Zelfscan voorjaar" in tab and "Nieuwe beoordeling starten" not in tab
    screen = http.get(base(own_project, scan)).content.decode()
    assert "hx-post" not in screen
    assert rate(http, own_project, scan, value="groot").status_code == 403
    assert http.post(f"/beoordelingen/project/{own_project.pk}/", {}).status_code == 403
    assert http.post(base(own_project, scan) + "afronden/").status_code == 403
    assert not Rating.objects.exists()


def test_external_scan_belongs_to_the_evaluators_organisation(users, own_project, partner_org):
    """The project's own people may read an evaluator's scan but not change it."""
    ProjectGrant.objects.create(project=own_project, organisation=partner_org, level="lezen")
    evaluator = _shared_conftest().make_user(partner_org, "onderzoeker", "evaluator")
    scan = start(own_project, evaluator, kind=Assessment.Kind.EXTERNAL, title="Externe scan")
    assert rate(login(evaluator), own_project, scan, value="voldoende").status_code == 302
    leader = login(users[("own", "projectleider")])
    assert leader.get(base(own_project, scan)).status_code == 200
    assert rate(leader, own_project, scan, value="gering").status_code == 403
    assert list(scan.ratings.values_list("value", flat=True)) == ["voldoende"]


def test_self_scan_needs_write_access(users, shared_project):
    scan = start(shared_project, users[("foreign", "projectleider")])
    http = login(users[("own", "beleidsadviseur")])  # read grant only
    assert rate(http, shared_project, scan, value="groot").status_code == 403
    ProjectGrant.objects.filter(project=shared_project).update(level="bewerken")
    assert rate(http, shared_project, scan, value="groot").status_code == 302


# Rating --------------------------------------------------------------------------------------------


def test_rating_outside_the_scale_is_refused(users, own_project):
    scan = start(own_project, users[("own", "projectleider")])
    http = login(users[("own", "projectleider")])
    response = rate(http, own_project, scan, value="uitstekend")
    assert response.status_code == 200
    assert "staat niet op de schaal" in response.content.decode()
    htmx = rate(http, own_project, scan, value="hoog", htmx=True)  # a level of another framework
    assert htmx.status_code == 200
    assert 'role="alert"' in htmx.content.decode()
    assert "staat niet op de schaal" in htmx.content.decode()
    assert not Rating.objects.exists()


def test_model_refuses_values_off_the_scale(users, own_project):
    from django.core.exceptions import ValidationError

    scan = start(own_project, users[("own", "projectleider")])
    rating = Rating(assessment=scan, indicator_id=IND, rater=users[("own", "projectleider")])
    rating.value = "uitstekend"
    with pytest.raises(ValidationError):
        rating.full_clean()
    rating.value = "onbekend"
    rating.full_clean()


def test_unknown_indicator_is_404(users, own_project):
    scan = start(own_project, users[("own", "projectleider")])
    http = login(users[("own", "projectleider")])
    assert rate(http, own_project, scan, indicator="bestaat_niet", value="groot").status_code == 404


def test_workshop_autosave_returns_the_row_fragment(users, own_project):
    scan = start(own_project, users[("own", "projectleider")])
    http = login(users[("own", "projectleider")])
    response = rate(
        http, own_project, scan, htmx=True, value="redelijk", evidence="Eén plan per gezin."
    )
    assert response.status_code == 200
    html = response.content.decode()
    assert "<html" not in html and "<form" not in html
    assert f'id="state-{IND}"' in html
    assert f'<p id="status-{IND}" hx-swap-oob="innerHTML">Opgeslagen om' in html
    assert 'id="dimsum-effective_approach" hx-swap-oob="innerHTML"' in html
    # The next autosave must send the new version.
    assert f'name="{IND}-edit_version" value="1"' in html
    rating = Rating.objects.get()
    assert (rating.value, rating.evidence, rating.version) == ("redelijk", "Eén plan per gezin.", 1)
    again = rate(http, own_project, scan, htmx=True, version=1, value="voldoende")
    assert f'name="{IND}-edit_version" value="2"' in again.content.decode()
    rating.refresh_from_db()
    assert (rating.value, rating.version) == ("voldoende", 2)
    assert rating.history.count() == 2


def test_evidence_may_come_first_and_the_level_later(users, own_project):
    scan = start(own_project, users[("own", "projectleider")])
    http = login(users[("own", "projectleider")])
    rate(http, own_project, scan, htmx=True, evidence="Zie het jaarverslag.")
    rating = Rating.objects.get()
    assert rating.value == ""
    summary = latest_summary(own_project, FW)[1]
    assert summary.dimension("effective_approach").not_rated == 7


def test_stale_save_of_the_same_rating_is_told_and_loses_nothing(users, own_project):
    """The same rater in two windows (or a workshop laptop and a phone) saves one rating twice."""
    leader = users[("own", "projectleider")]
    scan = start(own_project, leader)
    Rating.objects.create(assessment=scan, indicator_id=IND, rater=leader, value="matig")
    first, second = login(leader), login(leader)
    # Both loaded the screen at version 1.
    assert (
        f'name="{IND}-edit_version" value="1"'
        in first.get(base(own_project, scan)).content.decode()
    )
    ok = rate(first, own_project, scan, version=1, value="voldoende", evidence="Eerste venster")
    assert ok.status_code == 302
    stale = rate(second, own_project, scan, version=1, value="gering", evidence="Tweede venster")
    html = stale.content.decode()
    assert stale.status_code == 200
    assert "intussen ook ergens anders opgeslagen" in html
    assert "Tweede venster" in html  # the second rater's input is still on the screen
    rating = Rating.objects.get()
    assert (rating.value, rating.evidence, rating.version) == ("voldoende", "Eerste venster", 2)
    # HTMX too: told stale, and handed the current version for a deliberate re-save.
    hx = rate(second, own_project, scan, version=1, htmx=True, value="gering")
    assert "intussen ook ergens anders opgeslagen" in hx.content.decode()
    assert f'name="{IND}-edit_version" value="2"' in hx.content.decode()
    resave = rate(second, own_project, scan, version=2, htmx=True, value="gering")
    assert "Opgeslagen om" in resave.content.decode()
    rating.refresh_from_db()
    assert rating.value == "gering"


def test_two_first_saves_of_one_rating_do_not_overwrite(users, own_project):
    leader = users[("own", "projectleider")]
    scan = start(own_project, leader)
    first, second = login(leader), login(leader)
    assert rate(first, own_project, scan, value="groot", evidence="A").status_code == 302
    # The second window was loaded before the row existed: it sends no version.
    response = rate(second, own_project, scan, value="gering", evidence="B")
    assert "intussen ook ergens anders opgeslagen" in response.content.decode()
    assert Rating.objects.get().evidence == "A"


def test_several_raters_each_rate_and_disagreement_is_flagged(users, own_project):
    leader, adviser = users[("own", "projectleider")], users[("own", "beleidsadviseur")]
    scan = start(own_project, leader)
    rate(login(leader), own_project, scan, value="gering", evidence="Weinig")
    rate(login(adviser), own_project, scan, value="voldoende", evidence="Veel")
    rate(login(leader), own_project, scan, indicator=IND2, value="onbekend")
    rate(login(adviser), own_project, scan, indicator=IND2, value="redelijk")
    assert scan.ratings.count() == 4
    screen = login(leader).get(base(own_project, scan)).content.decode()
    assert "Andere beoordelaars" in screen
    assert "Let op, de oordelen lopen uiteen" in screen
    assert "3 niveaus uiteen" in screen
    assert "de een geeft een niveau, de ander zegt onbekend" in screen
    # Combined: the lower median of known ratings; onbekend does not wipe out a known one.
    _scan, summary = latest_summary(own_project, FW)
    dim = summary.dimension("effective_approach")
    assert dim.counts["gering"] == 1 and dim.counts["redelijk"] == 1 and dim.unknown == 0


def test_evidence_link_must_be_a_web_address_or_internal_path(users, own_project):
    scan = start(own_project, users[("own", "projectleider")])
    http = login(users[("own", "projectleider")])
    bad = rate(http, own_project, scan, value="matig", evidence_url="javascript:alert(1)")
    assert "Geef een webadres" in bad.content.decode()
    assert not Rating.objects.exists()
    rate(http, own_project, scan, value="matig", evidence_url="/monitoring/verhalen/12/")
    assert Rating.objects.get().evidence_url == "/monitoring/verhalen/12/"


# Evidence documents ----------------------------------------------------------------------------------


def test_evidence_document_upload_and_download(users, own_project, foreign_org):
    leader = users[("own", "projectleider")]
    scan = start(own_project, leader)
    http = login(leader)
    pdf = SimpleUploadedFile(
        "jaar verslag.pdf", b"%PDF-1.4\n%test\n", content_type="application/pdf"
    )
    response = http.post(
        f"{base(own_project, scan)}indicator/{IND}/",
        {f"{IND}-value": "groot", f"{IND}-evidence_file": pdf},
        **HX,
    )
    assert "Opgeslagen om" in response.content.decode()
    rating = Rating.objects.get()
    assert rating.evidence_file.name.startswith(f"evidence/{scan.pk}/")
    assert rating.evidence_filename == "jaar_verslag.pdf"
    download = http.get(f"{base(own_project, scan)}bewijs/{rating.pk}/")
    assert download.status_code == 200
    assert download["Content-Type"] == "application/pdf"
    assert "attachment" in download["Content-Disposition"]
    assert b"".join(download.streaming_content).startswith(b"%PDF")
    # Another tenant never gets it.
    other = login(users[("foreign", "beheerder")])
    assert other.get(f"{base(own_project, scan)}bewijs/{rating.pk}/").status_code == 404


@pytest.mark.parametrize(
    ("name", "content", "message"),
    [
        ("virus.exe", b"MZ\x90\x00", "Dit bestandstype kan niet"),
        ("vermomd.pdf", b"MZ\x90\x00 not a pdf", "past niet bij de extensie"),
        ("nep.docx", b"PK\x03\x04 not a zip", "past niet bij de extensie"),
        ("groot.png", b"\x89PNG\r\n\x1a\n" + b"0" * (10 * 1024 * 1024), "groter dan 10 MB"),
    ],
)
def test_evidence_document_is_checked(name, content, message, users, own_project):
    scan = start(own_project, users[("own", "projectleider")])
    http = login(users[("own", "projectleider")])
    response = http.post(
        f"{base(own_project, scan)}indicator/{IND}/",
        {f"{IND}-value": "groot", f"{IND}-evidence_file": SimpleUploadedFile(name, content)},
        **HX,
    )
    assert message in response.content.decode()
    assert not Rating.objects.exists()


# Finalising --------------------------------------------------------------------------------------


def test_finalised_assessment_is_locked(users, own_project):
    leader = users[("own", "projectleider")]
    scan = start(own_project, leader)
    http = login(leader)
    rate(http, own_project, scan, value="matig")
    # Without the confirmation nothing is locked.
    unconfirmed = http.post(base(own_project, scan) + "afronden/")
    assert unconfirmed["Location"] == base(own_project, scan)
    scan.refresh_from_db()
    assert scan.status == "open"
    response = http.post(
        base(own_project, scan) + "afronden/", {"confirm": "ja", "reason": "Alleen indicator 1"}
    )
    assert response.status_code == 302
    assert response["Location"] == base(own_project, scan) + "profiel/"
    scan.refresh_from_db()
    assert scan.status == "definitief" and scan.finalised_by == leader and scan.finalised_at
    locked = rate(http, own_project, scan, version=1, value="groot")
    assert locked.status_code == 403
    assert "afgerond en vergrendeld" in locked.content.decode()
    hx = rate(http, own_project, scan, version=1, value="groot", htmx=True)
    assert "afgerond en vergrendeld" in hx.content.decode()
    assert http.post(base(own_project, scan) + "afronden/").status_code == 403
    screen = http.get(base(own_project, scan)).content.decode()
    assert "hx-post" not in screen and "afgerond en vergrendeld" in screen
    assert Rating.objects.get().value == "matig"


# Profile, comparison, history ----------------------------------------------------------------------


def test_profile_shows_chart_table_outcomes_and_gaps(users, own_project):
    leader = users[("own", "projectleider")]
    scan = start(own_project, leader)
    for indicator in ("integrated_all_domains", "one_contact_person"):
        Rating.objects.create(
            assessment=scan,
            indicator_id=indicator,
            rater=leader,
            value="groot",
            evidence="Zie dossier",
        )
    Rating.objects.create(
        assessment=scan,
        indicator_id="presence_outreach_staying_power",
        rater=leader,
        value="onbekend",
    )
    response = login(users[("own", "financier")]).get(base(own_project, scan) + "profiel/")
    assert response.status_code == 200
    html = response.content.decode()
    spec = response.context["chart_spec"]
    rows = spec["data"]["values"]
    unknown = [r for r in rows if r["kind"] == "unknown"]
    assert unknown == [
        {
            "dimension": "1. Effectieve, cliëntgerichte aanpak",
            "dimension_order": 0,
            "category": "onbekend",
            "category_order": 5,
            "kind": "unknown",
            "count": 1,
        }
    ]
    assert not any(r["count"] == 0 for r in rows)
    assert 'data-vega-spec="profile-chart"' in html
    assert "Aantal indicatoren per niveau, per dimensie" in html
    assert "Voorlopig profiel" in html
    assert "Beoordeeld: 2 van 7 indicatoren" in html  # the core's explanation
    assert 'id="dim-effective_approach"' in html and "Zie dossier" in html


def test_compare_with_previous_scan(users, own_project):
    leader = users[("own", "projectleider")]
    before = start(own_project, leader, title="Nulmeting", status="definitief")
    Rating.objects.create(assessment=before, indicator_id=IND, rater=leader, value="matig")
    Rating.objects.create(assessment=before, indicator_id=IND2, rater=leader, value="groot")
    after = start(own_project, leader, title="Vervolg", previous=before)
    Rating.objects.create(assessment=after, indicator_id=IND, rater=leader, value="voldoende")
    Rating.objects.create(assessment=after, indicator_id=IND2, rater=leader, value="onbekend")
    html = login(leader).get(base(own_project, after) + "vergelijking/").content.decode()
    assert "Van ‘Nulmeting’ naar ‘Vervolg’" in html
    assert "hoger (+2)" in html
    assert "nu onbekend" in html
    assert "Uitkomst per dimensie" in html
    alone = start(own_project, leader, framework="presence_model", title="Alleen")
    assert (
        "nog geen eerdere scan"
        in login(leader).get(base(own_project, alone) + "vergelijking/").content.decode()
    )


def test_history_keeps_every_change(users, own_project):
    leader = users[("own", "projectleider")]
    scan = start(own_project, leader)
    http = login(leader)
    rate(http, own_project, scan, value="matig", evidence="eerst")
    rate(http, own_project, scan, version=1, value="groot", evidence="daarna")
    html = http.get(base(own_project, scan) + "geschiedenis/").content.decode()
    assert "eerst" in html and "daarna" in html


# The matrix and exports -------------------------------------------------------------------------------


def test_matrix_shows_only_visible_projects(users, own_project, foreign_project, shared_project):
    start(own_project, users[("own", "projectleider")], title="Eigen scan")
    start(foreign_project, users[("foreign", "projectleider")], title="Vreemde scan")
    shared = start(
        shared_project,
        users[("foreign", "projectleider")],
        title="Gedeelde scan",
        status="definitief",
    )
    start(shared_project, users[("foreign", "projectleider")], title="Nieuwere open scan")
    response = login(users[("own", "onderzoeker")]).get("/beoordelingen/matrix/?kader=" + FW)
    html = response.content.decode()
    assert response.status_code == 200
    assert "Eén gezin, één plan" in html and "Gedeeld project" in html
    assert "Project Elders" not in html and "Vreemde scan" not in html
    # The finalised scan wins over a newer open one; an open one is marked provisional.
    assert "Gedeelde scan" in html and "Nieuwere open scan" not in html
    assert "voorlopig (open)" in html
    assert f"/beoordelingen/project/{shared_project.pk}/{shared.pk}/profiel/#dim-measuring" in html
    assert (
        login(users[("own", "onderzoeker")]).get("/beoordelingen/matrix/?kader=x").status_code
        == 404
    )


def test_the_matrix_combines_plain_rating_values_into_the_same_cells(
    users, own_project, shared_project, django_assert_num_queries
):
    """Issue 14: the matrix page reads its rows' ratings as (indicator, value) pairs, without a
    Rating (nor the rater) per rating; the cells are those of the ratings as models."""
    from django.db.models.signals import post_init

    from proeftuin.assessments.services import combined_ratings

    leader, other = users[("own", "projectleider")], users[("own", "beleidsadviseur")]
    scans = [start(own_project, leader), start(shared_project, leader, status="definitief")]
    for i, scan in enumerate(scans):
        for indicator, values in ((IND, ("groot", "matig")), (IND2, ("", "klein"))):
            for rater, value in zip((leader, other), values[i:], strict=False):
                Rating.objects.create(
                    assessment=scan, indicator_id=indicator, rater=rater, value=value
                )
    http = login(users[("own", "onderzoeker")])
    http.get(f"/beoordelingen/matrix/?kader={FW}")  # warm: the session and the frameworks
    built = []

    def count(sender, **kwargs):
        built.append(sender.__name__)

    post_init.connect(count, sender=Rating)
    try:
        # Session, user, their second factor, the chosen assessments, the visible count, the
        # page's assessments with their projects, the page's ratings, the organisation: no query
        # for the raters.
        with django_assert_num_queries(8):
            response = http.get(f"/beoordelingen/matrix/?kader={FW}")
    finally:
        post_init.disconnect(count, sender=Rating)
    assert built == []
    rows = {r["assessment"].pk: r for r in response.context["rows"]}
    assert set(rows) == {s.pk for s in scans}
    for scan in scans:
        combined = combined_ratings(scan)
        assert rows[scan.pk]["combined"] == combined
        assert any(c.known for c in combined.values())


def test_the_matrix_chooses_each_projects_latest_assessment_in_every_order(users, own_org):
    """Issue 14: the database chooses each project's assessment (the latest finalised, else the
    latest open); the same choice as ``latest_assessment``, the same counts and orders."""
    from datetime import timedelta

    from django.utils import timezone

    from proeftuin.assessments.services import latest_assessment

    leader = users[("own", "projectleider")]
    now = timezone.now()
    projects = [make_project(own_org, name=f"Matrix {i}") for i in range(6)]
    for i, project in enumerate(projects):
        for j in range(i % 4):
            final = (i + j) % 3 == 0
            scan = start(
                project,
                leader,
                title=f"Scan {i}.{j}",
                status="definitief" if final else "open",
                finalised_at=now - timedelta(days=10 * i + j) if final else None,
            )
            # Equal dates on purpose: the higher pk is the later one.
            Assessment.objects.filter(pk=scan.pk).update(created_at=now - timedelta(days=i % 2))
    http = login(users[("own", "onderzoeker")])
    expected = {
        p.pk: latest_assessment(p, FW) for p in projects if latest_assessment(p, FW) is not None
    }
    for query in ("", "&sorteer=datum", "&sorteer=-datum", "&status=open", "&status=definitief"):
        context = http.get(f"/beoordelingen/matrix/?kader={FW}{query}").context
        rows = context["rows"]
        chosen = [
            e
            for e in expected.values()
            if query[8:] not in ("open", "definitief")
            or e.is_finalised == (query.endswith("definitief"))
        ]
        assert {r["project"].pk: r["assessment"].pk for r in rows} == {
            e.project_id: e.pk for e in chosen
        }, query
        assert context["summary"]["finalised"] == sum(e.is_finalised for e in expected.values())
        assert context["summary"]["assessed"] == len(expected)
        if "datum" in query:
            dates = [r["assessment"].finalised_at or r["assessment"].created_at for r in rows]
            assert dates == sorted(dates, reverse=query.endswith("-datum")), query


def test_exports_escape_formula_like_evidence(users, own_project):
    leader = users[("own", "projectleider")]
    scan = start(own_project, leader)
    Rating.objects.create(
        assessment=scan, indicator_id=IND, rater=leader, value="matig", evidence=FORMULA
    )
    http = login(users[("own", "onderzoeker")])
    csv_response = http.get(base(own_project, scan) + "export.csv")
    assert csv_response.status_code == 200
    text = csv_response.content.decode("utf-8-sig")
    cells = [cell for row in csv.reader(io.StringIO(text), delimiter=";") for cell in row]
    assert "'" + FORMULA in cells and FORMULA not in cells
    xlsx = http.get(base(own_project, scan) + "export.xlsx")
    workbook = load_workbook(io.BytesIO(xlsx.content))
    values = [c.value for row in workbook["Oordelen"].iter_rows() for c in row]
    assert "'" + FORMULA in values and FORMULA not in values
    assert "Samenvatting" in workbook.sheetnames
    matrix = http.get(f"/beoordelingen/matrix/export.xlsx?kader={FW}")
    workbook = load_workbook(io.BytesIO(matrix.content))
    values = [c.value for row in workbook["Indicatoren"].iter_rows() for c in row]
    assert "'" + FORMULA in values
    matrix_csv = http.get(f"/beoordelingen/matrix/export.csv?kader={FW}").content.decode(
        "utf-8-sig"
    )
    assert "Eén gezin, één plan" in matrix_csv
    assert http.get(base(own_project, scan) + "export.pdf").status_code == 404


def test_exports_need_the_export_capability(users, own_project):
    scan = start(own_project, users[("own", "projectleider")])
    http = login(users[("own", "financier")])
    assert http.get(base(own_project, scan) + "export.csv").status_code == 403
    assert http.get("/beoordelingen/matrix/export.csv").status_code == 403


# For other capabilities and the report ----------------------------------------------------------------


def test_latest_summary_prefers_the_latest_finalised_assessment(users, own_project):
    leader = users[("own", "projectleider")]
    assert latest_summary(own_project, FW) is None
    open_one = start(own_project, leader, title="Open")
    assert latest_summary(own_project, FW)[0] == open_one
    final = start(own_project, leader, title="Definitief", status="definitief")
    start(own_project, leader, title="Nieuwer maar open")
    for indicator in ("baseline_measurement",):
        Rating.objects.create(
            assessment=final, indicator_id=indicator, rater=leader, value="gering"
        )
    assessment, summary = latest_summary(own_project, FW)
    assert assessment == final
    assert summary.framework_id == FW
    assert summary.dimension("measuring").outcome in (Outcome.NOT_PRESENT, Outcome.UNDETERMINED)
    assert latest_summary(own_project, "bestaat_niet") is None


def test_report_section_in_html_and_pdf(users, own_project):
    leader = users[("own", "projectleider")]
    scan = start(own_project, leader, status="definitief")
    Rating.objects.create(assessment=scan, indicator_id=IND, rater=leader, value="groot")
    http = login(users[("own", "financier")])
    html = http.get(f"/rapporten/project/{own_project.pk}.html").content.decode()
    assert 'id="sectie-assessments"' in html
    assert "4+1-scan" in html and "data:image/svg+xml;base64," in html
    assert html.index('id="sectie-portfolio"') < html.index('id="sectie-assessments"')
    pdf = http.get(f"/rapporten/project/{own_project.pk}.pdf")
    assert pdf.status_code == 200 and pdf.content.startswith(b"%PDF")


def test_report_leaves_the_section_out_without_assessments(users, own_project):
    html = (
        login(users[("own", "financier")])
        .get(f"/rapporten/project/{own_project.pk}.html")
        .content.decode()
    )
    assert 'id="sectie-assessments"' not in html


# Frameworks that change under a running installation ---------------------------------------------


def test_broken_installation_framework_never_breaks_a_page(
    users, own_project, tmp_path, monkeypatch
):
    from proeftuin.core.frameworks import ENV_VAR

    extra = tmp_path / "frameworks"
    extra.mkdir()
    (extra / "kapot.yaml").write_text("id: kapot\nversion: [", encoding="utf-8")
    monkeypatch.setenv(ENV_VAR, str(extra))
    response = login(users[("own", "projectleider")]).get(
        f"/beoordelingen/project/{own_project.pk}/"
    )
    assert response.status_code == 200
    assert 'value="four_plus_one"' in response.content.decode()


def test_assessment_on_a_framework_no_longer_installed(users, own_project):
    leader = users[("own", "projectleider")]
    gone = start(own_project, leader, framework="verdwenen_kader", title="Oude scan")
    http = login(leader)
    tab = http.get(f"/beoordelingen/project/{own_project.pk}/").content.decode()
    assert "Oude scan" in tab and "niet meer geïnstalleerd" in tab
    assert http.get(base(own_project, gone)).status_code == 404
    assert latest_summary(own_project, "verdwenen_kader") is None


def test_demo_assessments(users, own_project):
    from proeftuin.assessments.demo import generate_demo_assessments

    projects = [own_project, *(make_project(own_project.owner, f"Demo {i}") for i in range(5))]
    made = generate_demo_assessments(
        projects,
        leader="projectleider-x",
        adviser=users[("own", "beleidsadviseur")].username,
        evaluator=users[("own", "onderzoeker")].username,
    )
    assert made == Assessment.objects.count() > 0
    assert Assessment.objects.filter(status="definitief").exists()
    html = login(users[("own", "onderzoeker")]).get("/beoordelingen/matrix/").content.decode()
    assert "definitief" in html


def test_screens_in_english(users, own_project):
    leader = users[("own", "projectleider")]
    scan = start(own_project, leader)
    Rating.objects.create(assessment=scan, indicator_id=IND, rater=leader, value="onbekend")
    http = login(leader)
    http.post("/i18n/setlang/", {"language": "en"})
    profile = http.get(base(own_project, scan) + "profiel/")
    html = profile.content.decode()
    assert "Number of indicators per level, per dimension" in html
    assert "undetermined" in html
    assert profile.context["chart_spec"]["title"] == "Profile per dimension"
    screen = http.get(base(own_project, scan)).content.decode()
    assert "Workshop mode." in screen and "Integrated across life domains" in screen
    assert ">unknown</label>" in screen
