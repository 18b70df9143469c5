"""Participation (issue 13, item 4): how residents take part per project (forms, ladder level,
roles from the typology of seed 001 chapter 3, a data file), in the report and the portfolio
filter; editing needs EDIT with write access."""

from __future__ import annotations

from integration_support import login, make_project

from proeftuin.portfolio.models import ProjectParticipation
from proeftuin.reporting.report import render_report_html


def test_project_leader_records_participation_and_it_shows_in_tab_report_and_filter(
    users, own_project, own_org
):
    other = make_project(own_org, name="Ander project")
    http = login(users[("own", "projectleider")])
    url = f"/projecten/{own_project.pk}/participatie/"
    assert "Nog niet vastgelegd" in http.get(url).content.decode()
    response = http.post(
        url,
        {
            "forms": ["delivery", "citizen_initiative"],
            "level": "co_producing",
            "roles": ["expert_by_experience"],
            "note": "Ervaringsdeskundigen geven de training mee.",
        },
    )
    assert response.status_code == 302
    saved = ProjectParticipation.objects.get(project=own_project)
    assert saved.forms == ["delivery", "citizen_initiative"] and saved.level == "co_producing"
    html = http.get(url).content.decode()
    assert "Participatie in de uitvoering" in html and "Meewerken" in html
    assert "Als ervaringsdeskundige" in html
    report = render_report_html(own_project)
    assert "Participatie van bewoners" in report and "Burgerinitiatief" in report
    assert "Participatie van bewoners" not in render_report_html(other)
    # The portfolio filter: by form and by rung on the ladder.
    listed = http.get("/projecten/", {"participation": "citizen_initiative"}).content.decode()
    assert own_project.name in listed and other.name not in listed
    listed = http.get("/projecten/", {"participation": "level:co_producing"}).content.decode()
    assert own_project.name in listed and other.name not in listed
    listed = http.get("/projecten/", {"participation": "co_deciding"}).content.decode()
    assert own_project.name not in listed


def test_only_editors_change_participation_and_foreign_projects_are_404(
    users, own_project, foreign_project
):
    url = f"/projecten/{own_project.pk}/participatie/"
    funder = login(users[("own", "financier")])
    page = funder.get(url)
    assert page.status_code == 200 and page.context["form"] is None
    assert funder.post(url, {"forms": ["delivery"]}).status_code == 403
    assert not ProjectParticipation.objects.exists()
    foreign = f"/projecten/{foreign_project.pk}/participatie/"
    assert login(users[("own", "projectleider")]).get(foreign).status_code == 404


def test_the_note_is_checked_for_identifiers(users, own_project):
    http = login(users[("own", "projectleider")])
    response = http.post(
        f"/projecten/{own_project.pk}/participatie/",
        {"forms": ["delivery"], "note": "Bel mevrouw op 06-12345678"},
    )
    assert response.status_code == 200 and "note" in response.context["form"].errors
    assert not ProjectParticipation.objects.exists()


def test_the_demo_records_participation_for_three_pilots(db):
    from proeftuin.demo.generator import generate
    from proeftuin.portfolio import participation_demo

    generate(projects=15, seed=2026)
    assert ProjectParticipation.objects.count() == len(participation_demo.DEMO)
    assert ProjectParticipation.objects.filter(forms__icontains='"citizen_initiative"').exists()
