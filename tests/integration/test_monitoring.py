"""Tel en vertel in the app: tenancy and roles, pseudonyms, access logging, the entry screen,
the maintained pairs (no stale figures), stories and consent, the portfolio view and the report."""

from __future__ import annotations

import hashlib
import hmac
import os
import subprocess
import sys
from datetime import date
from pathlib import Path

import pytest
from django.db import connection
from django.template.loader import render_to_string
from django.test import Client
from integration_support import login, make_project
from test_monitoring_builders import HX, add_trajectory

from proeftuin.core.instruments import LIFE_DOMAINS, QUALITY_OF_LIFE
from proeftuin.monitoring import releases, report, services
from proeftuin.monitoring.models import (
    AccessLog,
    Measurement,
    Pair,
    Participant,
    Score,
    Story,
    Trajectory,
)
from proeftuin.portfolio.models import ProjectGrant

ROOT = Path(__file__).resolve().parents[2]


@pytest.fixture(autouse=True)
def media(settings, tmp_path):
    settings.MEDIA_ROOT = tmp_path / "media"
    settings.PROEFTUIN_JOBS_INLINE = True


def tab(http, project, **params):
    response = http.get(f"/tel-en-vertel/project/{project.pk}/", params)
    assert response.status_code == 200
    return response


def effect_rows(response) -> dict[str, object]:
    return {r["key"]: r["g"] for r in response.context["effect_rows"]}


# --- tenancy and roles ------------------------------------------------------------------------------


def test_participant_pages_need_the_role_and_write_access(users, own_project, shared_project):
    t = add_trajectory(own_project, {"housing": 2}, {"housing": 3})
    s = add_trajectory(shared_project, {"housing": 2}, {"housing": 3})
    own_page = f"/tel-en-vertel/project/{own_project.pk}/deelnemers/{t.participant_id}/"
    shared_page = f"/tel-en-vertel/project/{shared_project.pk}/deelnemers/{s.participant_id}/"
    for role in ("professional", "projectleider"):
        assert login(users[("own", role)]).get(own_page).status_code == 200
    # Need to know: the administrator manages access, not residents' data.
    for role in ("financier", "beleidsadviseur", "onderzoeker", "beheerder"):
        assert login(users[("own", role)]).get(own_page).status_code == 403
    # A read-only share never opens participant data, whatever the role.
    professional = login(users[("own", "professional")])
    assert professional.get(shared_page).status_code == 403
    # ... but the aggregated tab is readable.
    assert professional.get(f"/tel-en-vertel/project/{shared_project.pk}/").status_code == 200
    # An edit grant opens it.
    ProjectGrant.objects.filter(project=shared_project).update(level=ProjectGrant.Level.EDIT)
    assert professional.get(shared_page).status_code == 200
    # The foreign tenant: 404 for the project and for its participants.
    foreign = login(users[("foreign", "professional")])
    assert foreign.get(own_page).status_code == 404
    assert foreign.get(f"/tel-en-vertel/project/{own_project.pk}/").status_code == 404


def test_a_participant_of_another_project_is_404(users, own_org, own_project):
    other = make_project(own_org, name="Ander project")
    t = add_trajectory(other, {"housing": 2})
    http = login(users[("own", "projectleider")])
    assert (
        http.get(
            f"/tel-en-vertel/project/{own_project.pk}/deelnemers/{t.participant_id}/"
        ).status_code
        == 404
    )
    m = t.measurements.get()
    assert http.get(f"/tel-en-vertel/project/{own_project.pk}/metingen/{m.pk}/").status_code == 404
    response = http.post(
        f"/tel-en-vertel/project/{own_project.pk}/metingen/{m.pk}/scores/",
        {"score-housing": "5"},
        **HX,
    )
    assert response.status_code == 404
    assert Score.objects.get(measurement=m, item="housing").value == 2


# --- pseudonyms: HMAC, no BSN and no names -----------------------------------------------------------


def test_new_participant_is_stored_as_hmac_without_client_number(users, own_project, settings):
    http = login(users[("own", "professional")])
    response = http.post(
        f"/tel-en-vertel/project/{own_project.pk}/deelnemers/nieuw/",
        {
            "client_number": " ab-123 ",
            "household_number": "GEZIN-9",
            "neighbourhood": "Oost",
            "birth_year": "1984",
            "started_on": "2025-03-01",
        },
    )
    assert response.status_code == 302
    participant = Participant.objects.get()
    secret = settings.PROEFTUIN_PSEUDONYM_SECRET.encode()
    expected = hmac.new(
        secret, f"{own_project.owner_id}\x1fAB-123".encode(), hashlib.sha256
    ).hexdigest()
    assert participant.pseudonym == expected
    assert participant.household_key and participant.household_key != "GEZIN-9"
    assert participant.neighbourhood == "Oost" and participant.birth_year == 1984
    # Nothing in any monitoring table holds the client number or the household number.
    with connection.cursor() as cursor:
        for model in (Participant, Trajectory, AccessLog):
            cursor.execute(f"SELECT * FROM {model._meta.db_table}")  # noqa: S608
            dump = repr(cursor.fetchall()).upper()
            assert "AB-123" not in dump and "AB123" not in dump and "GEZIN-9" not in dump
    # The participant has no field for a BSN or a name.
    fields = {f.name for f in Participant._meta.get_fields()}
    assert not {f for f in fields if "bsn" in f or "name" in f}
    # The same client number finds the participant again (search hashes it too).
    found = http.post(
        f"/tel-en-vertel/project/{own_project.pk}/deelnemers/", {"client_number": "AB-123"}
    )
    assert found.status_code == 302
    assert found["Location"].endswith(f"/deelnemers/{participant.pk}/")


def test_a_bsn_is_refused_as_client_number(users, own_project):
    http = login(users[("own", "professional")])
    response = http.post(
        f"/tel-en-vertel/project/{own_project.pk}/deelnemers/nieuw/",
        {"client_number": "111222333", "started_on": "2025-03-01"},
    )
    assert response.status_code == 200
    assert "BSN" in response.context["form"].errors["client_number"][0]
    assert not Participant.objects.exists()


def test_the_same_client_number_gives_different_keys_per_organisation(own_org, foreign_org):
    assert services.pseudonym_for(own_org.pk, "123") != services.pseudonym_for(
        foreign_org.pk, "123"
    )
    assert services.pseudonym_for(own_org.pk, "ab 1") == services.pseudonym_for(own_org.pk, "AB1")


# --- access log ---------------------------------------------------------------------------------------


def test_every_view_of_participant_data_is_logged(users, own_project):
    t = add_trajectory(own_project, {"housing": 2}, {"housing": 4})
    m = t.measurements.first()
    user = users[("own", "projectleider")]
    http = login(user)
    base = f"/tel-en-vertel/project/{own_project.pk}"
    assert http.get(f"{base}/deelnemers/").status_code == 200
    assert http.get(f"{base}/deelnemers/{t.participant_id}/").status_code == 200
    assert http.get(f"{base}/metingen/{m.pk}/").status_code == 200
    response = http.get(f"{base}/gegevens.csv")
    assert response.status_code == 200
    content = response.content.decode("utf-8-sig")
    assert t.participant.code in content and t.participant.pseudonym not in content
    logs = list(AccessLog.objects.order_by("pk"))
    assert [entry.action for entry in logs] == [
        "participant_list",
        "participant",
        "measurement",
        "export_rows",
    ]
    assert all(entry.user == user and entry.project == own_project for entry in logs)
    assert logs[1].participant == t.participant and logs[2].participant == t.participant
    assert "2" in logs[3].detail  # two measurements exported
    # The aggregated tab is not participant data and is not logged.
    tab(http, own_project)
    assert AccessLog.objects.count() == 4


def test_beheerder_reads_the_access_log_but_nobody_changes_it(users, own_project):
    from proeftuin.accounts.models import User

    t = add_trajectory(own_project, {"housing": 2})
    login(users[("own", "professional")]).get(
        f"/tel-en-vertel/project/{own_project.pk}/deelnemers/{t.participant_id}/"
    )
    entry = AccessLog.objects.get()
    listing = login(users[("own", "beheerder")]).get("/beheer/organisatie/toegangslog/")
    assert listing.status_code == 200
    assert users[("own", "professional")].username in listing.content.decode()
    # Not even an installation superuser changes it in the Django admin.
    root = User.objects.create_superuser("root", "root@example.org", "x" * 20)
    admin = Client()
    admin.force_login(root, backend="django.contrib.auth.backends.ModelBackend")
    base = "/django-beheer/monitoring/accesslog/"
    assert admin.get(f"{base}{entry.pk}/change/").status_code == 200
    assert admin.get(f"{base}add/").status_code == 403
    assert admin.post(f"{base}{entry.pk}/delete/").status_code == 403
    assert admin.post(f"{base}{entry.pk}/change/", {"detail": "gewist"}).status_code == 403
    entry.refresh_from_db()
    assert entry.detail != "gewist"
    # Other roles do not even see the log.
    projectleider = login(users[("own", "projectleider")])
    assert projectleider.get("/beheer/organisatie/toegangslog/").status_code == 403
    assert projectleider.get(base).status_code == 404


# --- the entry screen -------------------------------------------------------------------------------------


def test_entry_screen_autosaves_each_domain(users, own_project):
    t = add_trajectory(own_project, {})
    m = t.measurements.get()
    http = login(users[("own", "professional")])
    url = f"/tel-en-vertel/project/{own_project.pk}/metingen/{m.pk}/"
    page = http.get(url).content.decode()
    # One version field for the autosaved details (a second one would be posted unchanged).
    assert page.count('name="edit_version"') == 1
    # One radio group per life domain, with onbekend, and a live status region per domain.
    assert page.count('name="score-housing"') == 6
    assert 'value="onbekend"' in page
    assert 'id="status-housing" class="pt-mon-status" role="status" aria-live="polite"' in page
    assert 'hx-params="score-housing,was-housing"' in page

    saved = http.post(url + "scores/", {"score-housing": "4", "was-housing": ""}, **HX)
    assert saved.status_code == 200
    assert "Opgeslagen om" in saved.content.decode()
    assert "1 van 13 leefgebieden ingevuld" in saved.content.decode()
    assert Score.objects.get(measurement=m, item="housing").value == 4
    unknown = http.post(url + "scores/", {"score-finances": "onbekend", "was-finances": ""}, **HX)
    assert "Opgeslagen om" in unknown.content.decode()
    assert Score.objects.get(measurement=m, item="finances").value is None  # onbekend, not 0
    bad = http.post(url + "scores/", {"score-housing": "9", "was-housing": "4"}, **HX)
    assert "Niet opgeslagen" in bad.content.decode()
    assert Score.objects.get(measurement=m, item="housing").value == 4
    # The measurement's own facts autosave too.
    details = http.post(
        url + "gegevens/",
        {
            "edit_version": str(m.version),
            "measured_on": m.measured_on.isoformat(),
            "moment": "baseline",
            "professionals": "26",
            "organisations": "7",
            "supervision_order": "true",
            "out_of_home_placement": "unknown",
            "eviction": "false",
        },
        **HX,
    )
    assert "Opgeslagen om" in details.content.decode()
    m.refresh_from_db()
    assert (m.professionals, m.supervision_order, m.out_of_home_placement, m.eviction) == (
        26,
        True,
        None,
        False,
    )
    # Two professionals on the same measurement: the stale one is told, nothing is overwritten.
    m.refresh_from_db()
    seen = m.version
    first = http.post(
        url + "gegevens/",
        {
            "measured_on": m.measured_on.isoformat(),
            "moment": "baseline",
            "professionals": "20",
            "edit_version": str(seen),
        },
        **HX,
    )
    assert "Opgeslagen om" in first.content.decode()
    assert f'id="id_edit_version" value="{seen + 1}" hx-swap-oob="true"' in first.content.decode()
    stale = http.post(
        url + "gegevens/",
        {
            "measured_on": m.measured_on.isoformat(),
            "moment": "baseline",
            "professionals": "30",
            "edit_version": str(seen),
        },
        **HX,
    )
    assert "Iemand anders heeft de gegevens van deze meting intussen" in stale.content.decode()
    # The screen keeps its old version: every further autosave stays refused until a reload.
    assert f'id="id_edit_version" value="{seen}" hx-swap-oob="true"' in stale.content.decode()
    m.refresh_from_db()
    assert m.professionals == 20
    # A score the screen showed as empty, changed by a colleague meanwhile, is not overwritten.
    colleague = http.post(url + "scores/", {"score-safety": "5", "was-safety": ""}, **HX)
    assert 'id="was-safety" value="5" hx-swap-oob="true"' in colleague.content.decode()
    late = http.post(url + "scores/", {"score-safety": "1", "was-safety": ""}, **HX)
    assert "iemand anders heeft dit intussen op &#x27;5&#x27; gezet" in late.content.decode()
    assert Score.objects.get(measurement=m, item="safety").value == 5
    same = http.post(url + "scores/", {"score-safety": "5", "was-safety": ""}, **HX)
    assert "Opgeslagen om" in same.content.decode()
    Score.objects.filter(measurement=m, item="safety").delete()
    future = http.post(url + "gegevens/", {"measured_on": "2999-01-01", "moment": "baseline"}, **HX)
    assert "Niet opgeslagen" in future.content.decode()
    # Without JavaScript the whole form posts once and returns to the participant.
    full = http.post(
        url, {"score-housing": "3", "was-housing": "4", "score-safety": "2", "was-safety": ""}
    )
    assert full.status_code == 302
    assert dict(m.scores.values_list("item", "value")) == {
        "housing": 3,
        "finances": None,
        "safety": 2,
    }


def test_a_professional_records_a_trajectory_through_the_screens(users, own_project):
    http = login(users[("own", "professional")])
    base = f"/tel-en-vertel/project/{own_project.pk}"
    response = http.post(
        f"{base}/deelnemers/nieuw/", {"client_number": "W-77", "started_on": "2025-01-10"}
    )
    trajectory = Trajectory.objects.get()
    assert response["Location"] == f"{base}/trajecten/{trajectory.pk}/meting/nieuw/"
    response = http.post(
        f"{base}/trajecten/{trajectory.pk}/meting/nieuw/",
        {"measured_on": "2025-01-12", "moment": "baseline", "instrument": LIFE_DOMAINS},
    )
    baseline = Measurement.objects.get()
    assert response["Location"] == f"{base}/metingen/{baseline.pk}/"
    http.post(
        f"{base}/metingen/{baseline.pk}/scores/", {"score-housing": "2", "was-housing": ""}, **HX
    )
    # A second measurement on the same date and moment is refused.
    again = http.post(
        f"{base}/trajecten/{trajectory.pk}/meting/nieuw/",
        {"measured_on": "2025-01-12", "moment": "baseline", "instrument": LIFE_DOMAINS},
    )
    assert again.status_code == 200 and Measurement.objects.count() == 1
    http.post(
        f"{base}/trajecten/{trajectory.pk}/meting/nieuw/",
        {"measured_on": "2025-06-12", "moment": "end", "instrument": LIFE_DOMAINS},
    )
    follow = Measurement.objects.get(moment="end")
    http.post(
        f"{base}/metingen/{follow.pk}/scores/", {"score-housing": "4", "was-housing": ""}, **HX
    )
    # An interim measurement after the end measurement is refused on the moment field.
    late = http.post(
        f"{base}/trajecten/{trajectory.pk}/meting/nieuw/",
        {"measured_on": "2025-07-01", "moment": "interim", "instrument": LIFE_DOMAINS},
    )
    assert late.status_code == 200 and "al een eindmeting" in late.content.decode()
    assert Measurement.objects.count() == 2
    pair = Pair.objects.get(trajectory=trajectory, series="domain", domain="housing")
    assert (pair.baseline_score, pair.latest_score) == (2, 4)
    # A story, a heavy measure and an intervention.
    for kind, data in (
        ("verhaal", {"told_on": "2025-06-12", "text": "Het gaat beter.", "consent": "on"}),
        ("zwaar-middel", {"kind": "eviction", "occurred_on": "2025-02-01"}),
        ("interventie", {"started_on": "2025-02-01", "kind": "debt", "description": "Budget"}),
    ):
        response = http.post(f"{base}/trajecten/{trajectory.pk}/{kind}/nieuw/", data)
        assert response.status_code == 302, kind
    assert trajectory.stories.get().consent is True
    # Closing the trajectory.
    response = http.post(
        f"{base}/trajecten/{trajectory.pk}/bewerken/",
        {
            "started_on": "2025-01-10",
            "ended_on": "2025-06-20",
            "end_reason": "according_to_plan",
            "continues_without_help": "true",
            "referred": "unknown",
            "edit_version": trajectory.version,
        },
    )
    assert response.status_code == 302
    trajectory.refresh_from_db()
    assert trajectory.end_reason == "according_to_plan" and trajectory.referred is None
    page = http.get(f"{base}/deelnemers/{trajectory.participant_id}/").content.decode()
    assert 'data-vega-spec="participant-chart-' in page
    assert "Het gaat beter." in page


# --- no stale figures ----------------------------------------------------------------------------------------


def test_a_new_measurement_immediately_changes_the_effect_section(users, own_project):
    for _ in range(9):
        add_trajectory(own_project, {"housing": 2}, {"housing": 3})
    http = login(users[("own", "projectleider")])
    assert "housing" not in effect_rows(tab(http, own_project))  # 9 pairs: suppressed
    # The tenth participant through the screens: baseline 1, follow-up 5.
    t = add_trajectory(own_project, {"housing": 1})
    base = f"/tel-en-vertel/project/{own_project.pk}"
    http.post(
        f"{base}/trajecten/{t.pk}/meting/nieuw/",
        {"measured_on": "2025-07-01", "moment": "end", "instrument": LIFE_DOMAINS},
    )
    follow = t.measurements.get(moment="end")
    http.post(
        f"{base}/metingen/{follow.pk}/scores/", {"score-housing": "5", "was-housing": ""}, **HX
    )
    housing = effect_rows(tab(http, own_project))["housing"]
    assert housing.n == 10
    assert housing.mean_change == pytest.approx((9 * 1 + 4) / 10)
    # Changing a score changes the figure at once.
    http.post(
        f"{base}/metingen/{follow.pk}/scores/", {"score-housing": "1", "was-housing": "5"}, **HX
    )
    assert effect_rows(tab(http, own_project))["housing"].mean_change == pytest.approx(0.9)
    # Deleting the measurement takes the pair out again.
    http.post(f"{base}/metingen/{follow.pk}/verwijderen/")
    assert "housing" not in effect_rows(tab(http, own_project))
    assert not Measurement.objects.filter(pk=follow.pk).exists()


def test_onbekend_is_never_counted_as_zero(users, own_project):
    for _ in range(10):
        add_trajectory(own_project, {"housing": 3, "finances": 2}, {"housing": 4, "finances": None})
    pairs = Pair.objects.filter(project=own_project, series="domain")
    assert {p.latest_score for p in pairs.filter(domain="finances")} == {None}
    rows = effect_rows(tab(login(users[("own", "projectleider")]), own_project))
    assert rows["housing"].n == 10 and rows["housing"].mean_change == pytest.approx(1.0)
    assert "finances" not in rows  # no complete pair: not a change of −2


# --- stories and consent ------------------------------------------------------------------------------------


def test_stories_without_consent_stay_on_the_participant_page(users, own_project):
    t = add_trajectory(own_project, {"housing": 2}, {"housing": 3})
    Story.objects.create(
        trajectory=t, told_on=date(2025, 5, 1), text="GEDEELD verhaal", consent=True
    )
    Story.objects.create(
        trajectory=t, told_on=date(2025, 5, 2), text="PRIVE verhaal", consent=False
    )
    for role in ("projectleider", "financier"):
        page = tab(login(users[("own", role)]), own_project).content.decode()
        assert "GEDEELD verhaal" in page
        assert "PRIVE verhaal" not in page
        assert t.participant.code not in page
    section = render_to_string(
        "monitoring/report_section.html", {"s": report.build_section(own_project, date.today())}
    )
    assert "GEDEELD verhaal" in section and "PRIVE verhaal" not in section
    page = login(users[("own", "projectleider")]).get(
        f"/tel-en-vertel/project/{own_project.pk}/deelnemers/{t.participant_id}/"
    )
    text = page.content.decode()
    assert "GEDEELD verhaal" in text and "PRIVE verhaal" in text
    assert "geen toestemming" in text


# --- the portfolio comparison and the report ---------------------------------------------------------------------


def test_portfolio_compares_projects_alphabetically_without_ranking(users, own_org):
    for name, after in (("Zeer goed project", 5), ("Aardig project", 2), ("Middel project", 3)):
        project = make_project(own_org, name=name)
        for _ in range(10):
            trajectory = add_trajectory(project, {"housing": 1}, {"housing": after})
        Story.objects.create(
            trajectory=trajectory,
            told_on=date(2025, 3, 1),
            text=f"Verhaal uit {name}",
            consent=True,
        )
        releases.create_release(project)  # a policy adviser sees released figures
    response = login(users[("own", "beleidsadviseur")]).get(
        "/tel-en-vertel/portfolio/", {"sort": "score"}
    )
    assert response.status_code == 200
    names = [p.name for p in response.context["projects"]]
    assert names == ["Aardig project", "Middel project", "Zeer goed project"]
    row = next(r for r in response.context["table"] if r["label"] == "Wonen")
    assert [g.mean_change for g in row["cells"]] == [1.0, 2.0, 4.0]
    page = response.content.decode()
    assert "rangschik" in page  # says so explicitly: not ranked
    assert 'data-vega-spec="mon-comparison-chart"' in page
    # Beside several projects, each story says which project it comes from.
    assert "Aardig project · " in page and "Verhaal uit Aardig project" in page


def test_report_section_has_the_effect_table_and_a_chart(own_project):
    assert report.build_section(own_project, date.today()) is None
    for _ in range(10):
        add_trajectory(own_project, {"housing": 2}, {"housing": 4})
    # The report shows the latest release, never live figures.
    assert report.build_section(own_project, date.today())["rows"] == []
    releases.create_release(own_project)
    data = report.build_section(own_project, date.today())
    assert [r["key"] for r in data["rows"]] == ["housing"]
    assert data["svg"].lstrip().startswith("<svg")
    html = render_to_string("monitoring/report_section.html", {"s": data})
    assert "Tel en vertel" in html and "data:image/svg+xml;base64," in html
    assert "+2,00" in html


def test_tab_is_registered_at_order_35():
    from proeftuin.portfolio import tabs
    from proeftuin.reporting import sections

    tab_entry = next(t for t in tabs.all_tabs() if t.slug == "tel-en-vertel")
    assert (tab_entry.order, tab_entry.url_name) == (35, "monitoring:project")
    section = next(s for s in sections.all_sections() if s.slug == "monitoring")
    assert section.order == 25


# --- settings ---------------------------------------------------------------------------------------------------


def _django(settings_module: str, tmp_path, **env) -> subprocess.CompletedProcess:
    environment = {
        **os.environ,
        "DJANGO_SETTINGS_MODULE": settings_module,
        "PYTHONPATH": str(ROOT / "src"),
        "PROEFTUIN_VAR_DIR": str(tmp_path),
        **env,
    }
    environment = {k: v for k, v in environment.items() if v is not None}
    return subprocess.run(
        [sys.executable, "-m", "django", "check"],
        cwd=ROOT,
        env=environment,
        capture_output=True,
        text=True,
        timeout=120,
        check=False,
    )


def test_threshold_can_never_be_set_below_five(tmp_path, settings):
    result = _django("proeftuin.settings.dev", tmp_path, PROEFTUIN_SMALL_CELL_THRESHOLD="4")
    assert result.returncode != 0
    assert "PROEFTUIN_SMALL_CELL_THRESHOLD" in result.stderr
    settings.PROEFTUIN_SMALL_CELL_THRESHOLD = 4
    with pytest.raises(ValueError):
        services.threshold()


def test_production_requires_a_pseudonym_secret(tmp_path):
    key = "k" * 60
    missing = _django(
        "proeftuin.settings.production",
        tmp_path,
        DJANGO_SECRET_KEY=key,
        PROEFTUIN_PSEUDONYM_SECRET=None,
    )
    assert missing.returncode != 0
    assert "PROEFTUIN_PSEUDONYM_SECRET" in missing.stderr
    short = _django(
        "proeftuin.settings.production",
        tmp_path,
        DJANGO_SECRET_KEY=key,
        PROEFTUIN_PSEUDONYM_SECRET="kort",
    )
    assert short.returncode != 0
    fine = _django(
        "proeftuin.settings.production",
        tmp_path,
        DJANGO_SECRET_KEY=key,
        PROEFTUIN_PSEUDONYM_SECRET="s" * 40,
    )
    assert fine.returncode == 0, fine.stderr


def test_a_broken_installation_instrument_never_breaks_a_page(
    users, own_project, tmp_path, monkeypatch, request
):
    """The installation's broken instrument file: logged, reported by `check`, pages still work."""
    from django.core.management import call_command
    from django.core.management.base import SystemCheckError

    (tmp_path / "kapot.yaml").write_text("id: kapot\nitems: [1, 2\n", encoding="utf-8")
    monkeypatch.setenv("PROEFTUIN_INSTRUMENTS_DIR", str(tmp_path))
    services.instruments.cache_clear()  # loaded once per process; here the files change
    request.addfinalizer(services.instruments.cache_clear)
    assert LIFE_DOMAINS in services.instruments()  # the shipped ones still load
    problems = services.check_instruments()
    assert [p.id for p in problems] == ["monitoring.E001"]
    assert "kapot.yaml" in problems[0].msg
    with pytest.raises(SystemCheckError):
        call_command("check")
    http = login(users[("own", "projectleider")])
    assert tab(http, own_project).status_code == 200
    assert http.get(f"/tel-en-vertel/project/{own_project.pk}/import/").status_code == 200

    # A good file beside the broken one keeps working.
    shipped = Path(services.instruments()[QUALITY_OF_LIFE].path).read_text(encoding="utf-8")
    (tmp_path / "eigen.yaml").write_text(
        shipped.replace("id: quality_of_life_check", "id: eigen_check"), encoding="utf-8"
    )
    services.instruments.cache_clear()
    assert "eigen_check" in services.instruments()

    # A measurement whose instrument is gone is never shown or saved with another instrument.
    trajectory = add_trajectory(own_project, {"housing": 2})
    measurement = trajectory.measurements.get()
    measurement.instrument = "verdwenen_instrument"
    measurement.save()
    url = f"/tel-en-vertel/project/{own_project.pk}/metingen/{measurement.pk}/"
    response = http.get(url, follow=True)
    assert "verdwenen_instrument" in response.content.decode()
    assert 'name="score-housing"' not in response.content.decode()
    saved = http.post(url + "scores/", {"score-housing": "5"}, **HX)
    assert "niet (meer) geïnstalleerd" in saved.content.decode()
    assert Score.objects.get(measurement=measurement, item="housing").value == 2


def test_erasing_a_participant_removes_their_data_and_history(users, own_project):
    """A withdrawn consent: the trajectory, measurements, scores, stories and their history go;
    the erasure itself is logged; without the typed code nothing happens."""
    http = login(users[("own", "professional")])
    trajectory = add_trajectory(own_project, {"housing": 2}, {"housing": 4})
    base = f"/tel-en-vertel/project/{own_project.pk}"
    measurement = trajectory.measurements.order_by("measured_on").first()
    http.post(
        f"{base}/metingen/{measurement.pk}/scores/",
        {"score-finances": "3", "was-finances": ""},
        **HX,
    )
    assert Pair.objects.filter(trajectory_id=trajectory.pk).exists()
    Story.objects.create(
        trajectory=trajectory, told_on=trajectory.started_on, text="Het gaat beter."
    )
    # A measurement deleted earlier still has history rows; the erasure must find those too.
    follow_up = trajectory.measurements.order_by("measured_on").last()
    http.post(
        f"{base}/metingen/{follow_up.pk}/scores/",
        {"score-finances": "4", "was-finances": ""},
        **HX,
    )
    assert http.post(f"{base}/metingen/{follow_up.pk}/verwijderen/").status_code == 302
    assert Score.history.filter(measurement_id=follow_up.pk).exists()
    participant = trajectory.participant
    url = f"{base}/deelnemers/{participant.pk}/wissen/"
    assert http.post(url, {"confirm": "verkeerd"}).status_code == 302
    assert Trajectory.objects.filter(pk=trajectory.pk).exists()

    response = http.post(url, {"confirm": participant.code})
    assert response.status_code == 302 and response["Location"].endswith("/deelnemers/")
    assert not Participant.objects.filter(pk=participant.pk).exists()
    assert not Measurement.objects.filter(trajectory_id=trajectory.pk).exists()
    assert not Score.objects.filter(measurement_id=measurement.pk).exists()
    assert not Story.objects.filter(trajectory_id=trajectory.pk).exists()
    assert not Trajectory.history.filter(id=trajectory.pk).exists()
    assert not Measurement.history.filter(trajectory_id=trajectory.pk).exists()
    assert not Score.history.filter(measurement_id__in=[measurement.pk, follow_up.pk]).exists()
    assert not Measurement.history.filter(id=follow_up.pk).exists()
    assert not Pair.all_objects.filter(participant_id=participant.pk).exists()
    assert not Pair.objects.filter(trajectory_id=trajectory.pk).exists()
    entry = AccessLog.objects.get(action=AccessLog.Action.ERASE)
    assert entry.project == own_project and "1 traject" in entry.detail
    assert participant.code not in entry.detail  # nothing in the log leads back to the person


def test_a_story_shows_its_life_domain_beside_the_scores(users, own_project):
    trajectory = add_trajectory(own_project, {"housing": 2}, {"housing": 4})
    Story.objects.create(
        trajectory=trajectory,
        told_on=trajectory.started_on,
        text="Eindelijk een eigen huis.",
        domain="housing",
        consent=True,
    )
    http = login(users[("own", "professional")])
    page = http.get(
        f"/tel-en-vertel/project/{own_project.pk}/deelnemers/{trajectory.participant_id}/"
    ).content.decode()
    story = page[page.find("Eindelijk een eigen huis.") :]
    assert " · Wonen · " in story[: story.find("</footer>")]


def test_the_demo_releases_figures_so_the_funder_sees_a_stand(db, client):
    """Without a release the funder's tour showed no figure at all (issue 8: releases)."""
    from proeftuin.accounts.models import User
    from proeftuin.demo.generator import generate
    from proeftuin.monitoring.models import FigureRelease
    from proeftuin.portfolio.models import Project

    generate(projects=15, seed=2026)
    project = Project.objects.get(name="Eén gezin, één plan")
    assert FigureRelease.objects.filter(project=project).exists()
    client.force_login(User.objects.get(username="financier"))
    html = client.get(f"/tel-en-vertel/project/{project.pk}/").content.decode()
    assert "Stand per" in html
