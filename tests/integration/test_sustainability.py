"""The Verduurzaming tab, adopting advice, the portfolio flag and the report section.

Access per URL × role × tenant is in test_url_matrix.py; here the behaviour behind it.
"""

from __future__ import annotations

import io
import re
from datetime import date
from decimal import Decimal

import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.utils import timezone
from integration_support import form_data, login, make_project

from proeftuin.core.advisor import advise
from proeftuin.core.frameworks import get_frameworks, summarize
from proeftuin.core.funding import add_months
from proeftuin.portfolio.models import CoalitionMember, FundingStream, Project
from proeftuin.sustainability import services
from proeftuin.sustainability.flags import projects_without_plan
from proeftuin.sustainability.models import ContinuationPlan, PlanAction, PlanStatus

FLAG = "geen verduurzamingsplan"


def tab(pk: int) -> str:
    return f"/verduurzaming/{pk}/"


def set_cliff(project: Project, months: int) -> date:
    """Make the project's only funding an incidental stream ending ``months`` months from today."""
    today = timezone.localdate()
    end = add_months(today, months)
    project.funding_streams.all().delete()
    FundingStream.objects.create(
        project=project,
        funder=project.owner,
        label="Impulsgeld",
        amount=Decimal("100000"),
        start_date=add_months(today, -12),
        end_date=end,
        kind="incidenteel",
        policy_domain="wmo",
    )
    return end


@pytest.fixture
def adviser(users):
    return login(users[("own", "beleidsadviseur")])


# --- the tab --------------------------------------------------------------------------------------


def test_tab_shows_live_advice_and_no_plan_yet(adviser, own_project):
    set_cliff(own_project, 8)
    response = adviser.get(tab(own_project.pk))
    assert response.status_code == 200
    html = response.content.decode()
    assert "Verduurzaming" in html
    assert 'aria-current="page"' in html
    # No scan yet: the advice asks for it first, and says so.
    advice = response.context["advice"]
    assert advice.first_action.rule_id == "scan_missing"
    assert "scan_missing" in html and "004 §5.4.1" in html
    assert "Beslisdatum" in html
    assert "Advies overnemen in het plan" in html
    assert "Er is nog geen voortzettingsplan" in html
    # The three routes with their preconditions.
    for name in ("Opname in de werkwijze", "Adoptie door gezamenlijk", "sociale onderneming"):
        assert name in html


def test_rule_ids_and_source_references_sit_in_a_bron_disclosure(adviser, own_project):
    """Issue 11: rule ids and "004 §5.4.1" stay out of the reading text, one click away."""
    set_cliff(own_project, 8)
    html = adviser.get(tab(own_project.pk)).content.decode()
    sources = re.findall(r'<details class="pt-source">(.*?)</details>', html, flags=re.S)
    assert any("scan_missing" in s and "004" in s for s in sources)
    # The reading text: everything outside a disclosure (the deadline's "how" is one as well).
    reading = re.sub(r"<details.*?</details>", "", html, flags=re.S)
    assert "scan_missing" not in reading
    assert "§" not in reading


def test_tab_is_listed_among_the_project_tabs(adviser, own_project):
    html = adviser.get(f"/projecten/{own_project.pk}/").content.decode()
    assert f'href="{tab(own_project.pk)}"' in html


def test_foreign_project_is_404_without_its_name(adviser, foreign_project):
    response = adviser.get(tab(foreign_project.pk))
    assert response.status_code == 404
    assert foreign_project.name.encode() not in response.content
    assert adviser.post(f"/verduurzaming/{foreign_project.pk}/advies-overnemen/").status_code == 404
    assert not ContinuationPlan.objects.filter(project=foreign_project).exists()


@pytest.mark.parametrize("role", ["financier", "professional", "onderzoeker"])
def test_roles_without_plan_capability_read_but_cannot_adopt(role, users, own_project):
    http = login(users[("own", role)])
    response = http.get(tab(own_project.pk))
    assert response.status_code == 200
    assert "Advies overnemen in het plan" not in response.content.decode()
    assert http.post(f"/verduurzaming/{own_project.pk}/advies-overnemen/").status_code == 403
    assert http.get(f"/verduurzaming/{own_project.pk}/bewerken/").status_code == 403
    assert not ContinuationPlan.objects.exists()


def test_read_only_share_cannot_adopt(adviser, shared_project):
    assert adviser.get(tab(shared_project.pk)).status_code == 200
    assert adviser.post(f"/verduurzaming/{shared_project.pk}/advies-overnemen/").status_code == 403


# --- adopting the advice ---------------------------------------------------------------------------


def test_adopting_the_advice_creates_the_actions_once(adviser, own_project):
    cliff = set_cliff(own_project, 8)
    advice = adviser.get(tab(own_project.pk)).context["advice"]
    response = adviser.post(f"/verduurzaming/{own_project.pk}/advies-overnemen/", follow=True)
    assert response.status_code == 200
    assert "acties toegevoegd" in response.content.decode()
    plan = ContinuationPlan.objects.get(project=own_project)
    actions = list(plan.actions.order_by("position"))
    assert [a.source_rule for a in actions] == [a.rule_id for a in advice.actions]
    assert [a.text for a in actions] == [a.text.nl for a in advice.actions]
    assert all(a.source_citation.startswith("004 §") for a in actions)
    assert all(a.due_date is not None and a.due_date <= cliff for a in actions)
    assert plan.deadline == advice.deadline.date <= cliff
    assert plan.strategies == [s.id for s in advice.recommended_strategies]
    assert plan.status == PlanStatus.DRAFT and plan.route == ""
    assert plan.adopted_rules_version == advice.ruleset_version
    # The tab now shows the plan's actions.
    html = adviser.get(tab(own_project.pk)).content.decode()
    assert 'id="plan-actions"' in html
    assert actions[0].text in html

    assert "Alle stappen uit het advies staan in het plan." in html
    assert "Advies overnemen in het plan" not in html

    # Adopting again adds nothing.
    adviser.post(f"/verduurzaming/{own_project.pk}/advies-overnemen/")
    assert plan.actions.count() == len(actions)


def test_adopting_in_english_stores_english_text_and_still_dedupes(adviser, own_project):
    set_cliff(own_project, 8)
    adviser.post("/i18n/setlang/", {"language": "en"})
    adviser.post(f"/verduurzaming/{own_project.pk}/advies-overnemen/")
    plan = ContinuationPlan.objects.get(project=own_project)
    first = plan.actions.order_by("position").first()
    assert first.text.startswith("Fill in the 4+1 scan")
    count = plan.actions.count()
    adviser.post("/i18n/setlang/", {"language": "nl"})
    adviser.post(f"/verduurzaming/{own_project.pk}/advies-overnemen/")
    assert plan.actions.count() == count


def pak_scan(project):
    """A fake latest 4+1 scan: PAK's profile (004 ch.2), rated through the real framework."""
    framework = get_frameworks()["four_plus_one"]
    ratings = {}
    for dimension in framework.dimensions:
        level = {"measuring": "gering", "sustainability": "matig"}.get(dimension.id, "groot")
        ratings.update(dict.fromkeys(dimension.indicator_ids, level))

    class Assessment:
        is_finalised = True
        finalised_at = timezone.now()

    return Assessment(), summarize(framework, ratings)


def test_pak_project_gets_measurement_first_in_the_tab_and_the_plan(
    adviser, own_project, monkeypatch
):
    monkeypatch.setattr(services, "latest_scan", pak_scan)
    for level in ("management", "ambtelijk", "bestuurlijk"):
        CoalitionMember.objects.create(
            project=own_project, organisation=own_project.owner, role="partner", level=level
        )
    cliff = set_cliff(own_project, 6)
    response = adviser.get(tab(own_project.pk))
    advice = response.context["advice"]
    assert advice.first_action.rule_id == "measuring_baseline"
    html = response.content.decode()
    assert "Start een 0-meting en spreek indicatoren af" in html
    assert "Resultaat gemeten" in html  # the scan's dimensions beside the advice
    adviser.post(f"/verduurzaming/{own_project.pk}/advies-overnemen/")
    first = PlanAction.objects.filter(plan__project=own_project).order_by("position").first()
    assert first.source_rule == "measuring_baseline"
    assert first.source_citation == "004 §2.3"
    assert first.due_date < cliff


def test_missing_assessments_service_means_no_scan(own_project, monkeypatch):
    import builtins

    real_import = builtins.__import__

    def no_assessments(name, *args, **kwargs):
        if name == "proeftuin.assessments.services":
            raise ImportError(name)
        return real_import(name, *args, **kwargs)

    monkeypatch.setattr(builtins, "__import__", no_assessments)
    assert services.latest_scan(own_project) is None


# --- editing the plan and its actions ----------------------------------------------------------------


def test_an_agreed_plan_needs_a_route_and_an_owner(adviser, own_project):
    url = f"/verduurzaming/{own_project.pk}/bewerken/"
    response = adviser.get(url)
    assert response.status_code == 200
    data = form_data(response, status="vastgesteld", route="", owner="")
    response = adviser.post(url, data)
    assert response.status_code == 200
    assert "Een vastgesteld plan heeft een gekozen route." in response.content.decode()
    assert not ContinuationPlan.objects.filter(project=own_project).exists()

    data.update(route="joint_adoption", owner="Wethouder Zorg", strategies=["new_for_old"])
    response = adviser.post(url, data)
    assert response.status_code == 302
    plan = ContinuationPlan.objects.get(project=own_project)
    assert plan.is_agreed and plan.route == "joint_adoption" and plan.strategies == ["new_for_old"]
    assert plan.history.count() == 1
    html = adviser.get(tab(own_project.pk)).content.decode()
    assert "Adoptie door gezamenlijk optrekkende instellingen" in html
    assert "Vastgesteld" in html


def test_two_editors_of_the_plan_lose_nothing(users, own_project):
    first = login(users[("own", "beleidsadviseur")])
    second = login(users[("own", "projectleider")])
    url = f"/verduurzaming/{own_project.pk}/bewerken/"
    first.post(url, form_data(first.get(url), owner="Anna"))
    form_a = form_data(first.get(url), owner="Anna 2")
    form_b = form_data(second.get(url), owner="Bert")
    assert first.post(url, form_a).status_code == 302
    response = second.post(url, form_b)
    assert response.status_code == 200
    assert "Iemand anders heeft dit intussen gewijzigd" in response.content.decode()
    assert ContinuationPlan.objects.get(project=own_project).owner == "Anna 2"


def test_add_edit_toggle_and_delete_an_action(adviser, own_project):
    base = f"/verduurzaming/{own_project.pk}/acties"
    response = adviser.post(
        f"{base}/nieuw/",
        {"text": "Gesprek met de zorgverzekeraar", "owner": "Priya", "status": "open"},
    )
    assert response.status_code == 302
    action = PlanAction.objects.get(plan__project=own_project)
    assert action.source_rule == "" and not action.done

    response = adviser.post(f"{base}/{action.pk}/gedaan/", {"edit_version": action.version})
    assert response.status_code == 302
    action.refresh_from_db()
    assert action.done and action.done_on == timezone.localdate()

    # With HTMX only the row comes back.
    response = adviser.post(
        f"{base}/{action.pk}/gedaan/", {"edit_version": action.version}, HTTP_HX_REQUEST="true"
    )
    assert response.status_code == 200
    assert response.content.decode().lstrip().startswith(f'<tr id="actie-{action.pk}"')
    action.refresh_from_db()
    assert not action.done and action.done_on is None

    edit = adviser.get(f"{base}/{action.pk}/bewerken/")
    response = adviser.post(
        f"{base}/{action.pk}/bewerken/", form_data(edit, text="  ", status="klaar")
    )
    assert "Beschrijf de actie." in response.content.decode()
    response = adviser.post(
        f"{base}/{action.pk}/bewerken/", form_data(edit, owner="Bart", status="klaar")
    )
    assert response.status_code == 302
    action.refresh_from_db()
    assert action.owner == "Bart" and action.done and action.done_on is not None
    assert action.status == "klaar"

    assert adviser.post(f"{base}/{action.pk}/verwijderen/").status_code == 302
    assert not PlanAction.objects.filter(pk=action.pk).exists()


def test_an_action_of_another_project_is_404(adviser, own_project, foreign_project):
    plan = ContinuationPlan.objects.create(project=foreign_project)
    action = PlanAction.objects.create(plan=plan, text="Elders")
    base = f"/verduurzaming/{own_project.pk}/acties/{action.pk}"
    assert adviser.get(f"{base}/bewerken/").status_code == 404
    assert adviser.post(f"{base}/gedaan/").status_code == 404
    assert adviser.post(f"{base}/verwijderen/").status_code == 404
    action.refresh_from_db()
    assert not action.done


# --- the portfolio flag ------------------------------------------------------------------------------


def flagged(http, project) -> bool:
    html = http.get("/projecten/").content.decode()
    row = html[html.index(project.name) :]
    row = row[: row.index("</tr>")]
    return FLAG in row


def test_flag_appears_near_the_cliff_and_disappears_with_an_agreed_plan(adviser, own_project):
    set_cliff(own_project, 8)
    assert flagged(adviser, own_project)
    plan = ContinuationPlan.objects.create(project=own_project, route="absorption", owner="Anna")
    assert flagged(adviser, own_project), "a draft plan does not lift the flag"
    plan.status = PlanStatus.AGREED
    plan.save()
    assert not flagged(adviser, own_project)


def test_no_flag_far_from_the_cliff_or_when_closed(adviser, own_project, settings):
    set_cliff(own_project, 18)
    assert not flagged(adviser, own_project)
    settings.PROEFTUIN_PLAN_WARNING_MONTHS = 24
    assert flagged(adviser, own_project)
    own_project.status = "gestopt"
    own_project.save()
    assert not flagged(adviser, own_project)


def test_flag_costs_one_query_per_page(adviser, own_org):
    def count() -> int:
        with CaptureQueriesContext(connection) as ctx:
            assert adviser.get("/projecten/").status_code == 200
        return len(ctx.captured_queries)

    for i in range(2):
        set_cliff(make_project(own_org, name=f"Project {i}"), 6)
    few = count()
    for i in range(2, 8):
        set_cliff(make_project(own_org, name=f"Project {i}"), 6)
    assert count() == few


def test_projects_without_plan_queries_once(own_org):
    projects = [make_project(own_org, name=f"P{i}") for i in range(3)]
    for p in projects:
        set_cliff(p, 3)
    loaded = list(
        Project.objects.filter(pk__in=[p.pk for p in projects]).prefetch_related("funding_streams")
    )
    with CaptureQueriesContext(connection) as ctx:
        result = projects_without_plan(loaded, timezone.localdate())
    assert result == {p.pk for p in projects}
    assert len(ctx.captured_queries) == 1


# --- the report section --------------------------------------------------------------------------------


def test_report_section_in_html(adviser, own_project):
    set_cliff(own_project, 8)
    adviser.post(f"/verduurzaming/{own_project.pk}/advies-overnemen/")
    ContinuationPlan.objects.filter(project=own_project).update(route="absorption", owner="Anna")
    html = adviser.get(f"/rapporten/project/{own_project.pk}.html").content.decode()
    assert 'id="sectie-sustainability"' in html
    section = html[html.index('id="sectie-sustainability"') :]
    assert "Voortzettingsplan" in section
    assert "Opname in de werkwijze van bestaande organisaties" in section  # the chosen route
    assert "Vul met projectteam en opdrachtgever de 4+1-scan in" in section  # an action
    assert "scan_missing" in section and "004 §5.4.1" in section
    assert "Beslisdatum volgens het advies" in section
    # After the portfolio section (order 10), before later ones.
    assert html.index('id="sectie-portfolio"') < html.index('id="sectie-sustainability"')


def test_report_section_in_pdf(adviser, own_project):
    from pypdf import PdfReader

    set_cliff(own_project, 8)
    adviser.post(f"/verduurzaming/{own_project.pk}/advies-overnemen/")
    response = adviser.get(f"/rapporten/project/{own_project.pk}.pdf")
    assert response.status_code == 200
    assert response.content.startswith(b"%PDF")
    text = " ".join(page.extract_text() for page in PdfReader(io.BytesIO(response.content)).pages)
    text = " ".join(text.split())
    assert "Verduurzaming" in text
    assert "Voortzettingsplan" in text
    assert "scan_missing" in text


def test_report_without_plan_says_so(adviser, own_project):
    html = adviser.get(f"/rapporten/project/{own_project.pk}.html").content.decode()
    assert "Er is nog geen voortzettingsplan." in html


def test_advice_in_the_view_matches_the_core(adviser, own_project):
    """The view does not compute: it shows what the core returns for the same facts."""
    set_cliff(own_project, 8)
    today = timezone.localdate()
    facts, _a, _s = services.advisor_input(own_project, today)
    expected = advise(facts, today)
    shown = adviser.get(tab(own_project.pk)).context["advice"]
    assert [a.rule_id for a in shown.actions] == [a.rule_id for a in expected.actions]
    assert shown.deadline == expected.deadline


def test_a_broken_installation_rules_file_never_breaks_the_page(
    adviser, own_project, tmp_path, monkeypatch
):
    (tmp_path / "kapot.yaml").write_text(
        "id: kapot\nversion: '1'\nframework: four_plus_one\n", encoding="utf-8"
    )
    monkeypatch.setenv("PROEFTUIN_ADVICE_DIR", str(tmp_path))
    response = adviser.get(tab(own_project.pk))
    assert response.status_code == 200
    assert response.context["advice"].ruleset_version == "1.0"  # the shipped rules


def test_a_closed_project_leaves_the_funding_cliff(adviser, own_project):
    # Finding: a closed project kept counting in the funding cliff for a year.
    set_cliff(own_project, 8)
    assert own_project.name in adviser.get("/projecten/financieringsklif/").content.decode()
    for status in ("afgerond", "gestopt"):
        own_project.status = status
        own_project.save()
        html = adviser.get("/projecten/financieringsklif/").content.decode()
        assert own_project.name not in html, status


def _back_all_levels(project):
    for level in ("uitvoerend", "management", "ambtelijk", "bestuurlijk"):
        CoalitionMember.objects.create(
            project=project, organisation=project.owner, role="partner", level=level
        )


def test_an_embedded_pilot_page_says_keep_it_so(adviser, own_project):
    set_cliff(own_project, 8)  # 100,000 incidental ending in 8 months
    FundingStream.objects.create(
        project=own_project,
        funder=own_project.owner,
        label="Structureel budget",
        amount=Decimal("5000000"),
        start_date=add_months(timezone.localdate(), -12),
        kind="structureel",
        policy_domain="wmo",
    )
    _back_all_levels(own_project)
    html = adviser.get(f"/verduurzaming/{own_project.pk}/").content.decode()
    assert "Al ingebed: zo houden en blijven volgen" in html
    assert "Kies nu bewust een route" not in html


def test_a_business_payment_is_a_funding_kind_and_points_to_a_business_case(
    adviser, own_project, own_org
):
    from proeftuin.accounts.models import Organisation

    company = Organisation.objects.create(name="Bouwbedrijf De Steiger", kind="bedrijf")
    FundingStream.objects.create(
        project=own_project,
        funder=company,
        label="Contract leerwerkplekken",
        amount=Decimal("300000"),
        start_date=add_months(timezone.localdate(), -12),
        end_date=add_months(timezone.localdate(), 12),
        kind="betaling_bedrijf",
        policy_domain="participatie",
    )
    _back_all_levels(own_project)
    result = services.project_advice(own_project)
    assert result.facts.funding.earned_share > 0.25
    assert result.advice.route.code == "social_enterprise"
    assert "fund_reorientation" not in {s.id for s in result.advice.recommended_strategies}
    html = adviser.get(f"/verduurzaming/{own_project.pk}/").content.decode()
    assert "Aanbevolen" in html and "verdiend" in html
