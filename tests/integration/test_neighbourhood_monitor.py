"""Neighbourhood monitor (issue 13, item 2): import (mapping, dry run, all or nothing), the
alarm at 5 of 10 with a required context note, the panel, and the link to the portfolio."""

from __future__ import annotations

from django.core.files.uploadedfile import SimpleUploadedFile
from integration_support import login

from proeftuin.core.neighbourhoods.indicators import default_set
from proeftuin.neighbourhoods.models import ContextNote, Figure, Upload
from proeftuin.neighbourhoods.portfolio_link import matching_neighbourhoods
from proeftuin.portfolio.models import Neighbourhood

SET = default_set()


def kerncijfers(rows: dict[str, tuple[str, str]], bad: set[str], year: int = 2024) -> bytes:
    """A CBS-style file: the municipality row and the given areas; ``bad`` areas score worse
    than average on every indicator."""
    header = ["Codering", "Wijken en buurten", "Perioden", *(i.name["nl"] for i in SET.indicators)]
    lines = [";".join(header)]
    lines.append(";".join(["GM0999", "Voorbeeldstad", str(year), *("50" for _ in SET.indicators)]))
    for code, (name, _kind) in rows.items():
        values = []
        for i in SET.indicators:
            worse = code in bad
            high = (not worse) if i.higher_is_better else worse
            values.append("80" if high else "20")
        lines.append(";".join([code, name, str(year), *values]))
    return ("\n".join(lines) + "\n").encode("utf-8")


AREAS = {"WK099901": ("Oost", ""), "WK099902": ("Centrum", ""), "WK099903": ("De Haven", "")}


def _import(http, data: bytes, name="kerncijfers.csv"):
    response = http.post("/wijken/import/", {"file": SimpleUploadedFile(name, data)})
    assert response.status_code == 302, response.status_code
    check_url = response["Location"]
    page = http.get(check_url)
    return check_url, page


def _post_mapping(http, check_url, page, action):
    data = {"action": action, "year": ""}
    for column in page.context["columns"]:
        data[f"map-{column['index']}"] = column["target"]
    return http.post(check_url, data)


def test_an_import_raises_an_alarm_that_appears_in_the_portfolio(users, own_org, own_project):
    oost = Neighbourhood.objects.create(organisation=own_org, name="Oost")
    own_project.neighbourhoods.add(oost)
    http = login(users[("own", "beleidsadviseur")])
    check_url, page = _import(http, kerncijfers(AREAS, bad={"WK099901", "WK099903"}))
    assert page.status_code == 200 and page.context["result"].ok
    assert not Figure.objects.exists()  # the dry run writes nothing
    response = _post_mapping(http, check_url, page, "import")
    assert response.status_code == 302
    assert Figure.objects.filter(code="WK099901").count() == 10
    overview = http.get("/wijken/")
    alarms = {r["panel"].code for r in overview.context["alarms"]}
    assert alarms == {"WK099901", "WK099903"}
    assert [r["panel"].code for r in overview.context["without_pilot"]] == ["WK099903"]
    portfolio = http.get("/projecten/").content.decode()
    assert 'id="neighbourhood-alarms"' in portfolio
    assert "De Haven" in portfolio and "geen pilot in deze wijk" in portfolio
    assert own_project.name in portfolio and "toelichting ontbreekt" in portfolio
    # The required context note, written by a person.
    panel = http.get("/wijken/WK099901/")
    assert panel.context["panel"].alarm and "Die ontbreekt nog" in panel.content.decode()
    assert http.post("/wijken/WK099901/", {"text": ""}).status_code == 200
    assert (
        http.post("/wijken/WK099901/", {"text": "Nieuwbouw trekt jonge gezinnen aan."}).status_code
        == 302
    )
    note = ContextNote.objects.get(code="WK099901")
    assert note.written_by.username == users[("own", "beleidsadviseur")].username
    assert "toelichting ontbreekt" in http.get("/projecten/").content.decode()  # De Haven still


def test_a_file_with_problems_imports_nothing(users):
    http = login(users[("own", "beleidsadviseur")])
    data = kerncijfers(AREAS, bad=set()).replace(
        b"WK099902;Centrum;2024;", b"WK099902;Centrum;2024;veel;"
    )
    check_url, page = _import(http, data)
    assert not page.context["result"].ok
    assert any(p.row == 4 for p in page.context["result"].problems)
    response = _post_mapping(http, check_url, page, "import")
    assert response.status_code == 200
    assert not Figure.objects.exists()


def test_roles_and_tenants(users, foreign_org):
    funder = login(users[("own", "financier")])
    assert funder.get("/wijken/").status_code == 200
    assert funder.get("/wijken/import/").status_code == 403
    Figure.objects.create(
        organisation=foreign_org, code="WK1", name="Elders", year=2024, indicator="income", value=1
    )
    assert login(users[("own", "beleidsadviseur")]).get("/wijken/WK1/").status_code == 404
    upload = Upload.objects.create(organisation=foreign_org, filename="x.csv", data=b"a;b\n")
    assert (
        login(users[("own", "beleidsadviseur")]).get(f"/wijken/import/{upload.pk}/").status_code
        == 404
    )


def test_matching_is_by_name_until_the_portfolio_has_a_cbs_code(own_org):
    hood = Neighbourhood.objects.create(organisation=own_org, name="De Haven")
    assert list(matching_neighbourhoods("WK099903", "de haven")) == [hood]
    assert not matching_neighbourhoods("WK099903", "Haven").exists()
    hood.cbs_code = "WK099903"
    hood.save()
    assert list(matching_neighbourhoods("wk099903", "Een andere naam")) == [hood]
    assert not matching_neighbourhoods("WK099904", "De Haven").exists()


def test_the_demo_has_two_alarm_neighbourhoods_one_with_a_note(db):
    from django.test import Client

    from proeftuin.accounts.models import User
    from proeftuin.demo.generator import generate
    from proeftuin.neighbourhoods import demo

    generate(projects=15, seed=2026)
    http = Client()
    http.force_login(User.objects.get(username="beleid"))
    overview = http.get("/wijken/")
    alarms = {r["panel"].name: r for r in overview.context["alarms"]}
    assert set(alarms) == set(demo.STRUGGLING)
    assert alarms["De Haven"]["note"] is not None and alarms["Noordwijk"]["note"] is None
    # Black-box finding: Noordwijk said "geen pilot in deze wijk" while three projects run there.
    from proeftuin.portfolio.models import Project

    running = set(
        Project.objects.visible_to(User.objects.get(username="beleid"))
        .filter(archived_at__isnull=True, neighbourhoods__name="Noordwijk")
        .values_list("name", flat=True)
    )
    assert running  # positive control: the demo has pilots in Noordwijk
    assert {p.name for p in alarms["Noordwijk"]["pilots"]} == running
    assert "Noordwijk" not in {r["panel"].name for r in overview.context["without_pilot"]}
    assert "toelichting ontbreekt" in http.get("/projecten/").content.decode()


def test_uploads_left_for_a_day_are_removed_at_the_next_upload(users, own_org):
    from datetime import timedelta

    from django.utils import timezone

    old = Upload.objects.create(organisation=own_org, filename="oud.csv", data=b"x")
    Upload.objects.filter(pk=old.pk).update(created_at=timezone.now() - timedelta(days=2))
    _import(login(users[("own", "beleidsadviseur")]), kerncijfers(AREAS, bad=set()))
    assert not Upload.objects.filter(pk=old.pk).exists()
    assert Upload.objects.count() == 1
