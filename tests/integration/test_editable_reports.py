"""The editable reports (issue 11 item 4): the project and portfolio report as DOCX and ODT.

The tests open the files with python-docx and odfpy and check what a council memo needs: real
heading styles (the navigation pane and a table of contents work), real tables with the report's
figures, a chart as a picture, the UI language, and suppressed cells staying suppressed (the
editable files show exactly the released figures of the PDF).
"""

from __future__ import annotations

import io
import zipfile

import pytest
from docx import Document as open_docx
from integration_support import login, make_project
from odf import draw, table, text
from odf.opendocument import load as open_odt
from odf.teletype import extractText
from test_monitoring_builders import add_trajectory

from proeftuin.monitoring import releases
from proeftuin.monitoring.models import Job
from proeftuin.reporting import jobs

DOCX = "application/vnd.openxmlformats-officedocument.wordprocessingml.document"
ODT = "application/vnd.oasis.opendocument.text"


def docx_of(response):
    assert response.status_code == 200
    assert response["Content-Type"] == DOCX
    assert "attachment" in response["Content-Disposition"]
    return open_docx(io.BytesIO(response.content))


def docx_of_bytes(response):
    assert response.status_code == 200
    return open_docx(io.BytesIO(b"".join(response.streaming_content)))


def headings(doc) -> list[tuple[str, str]]:
    return [(p.style.name, p.text) for p in doc.paragraphs if p.style.name.startswith("Heading")]


def docx_tables(doc) -> list[list[list[str]]]:
    return [[[c.text for c in row.cells] for row in t.rows] for t in doc.tables]


def docx_text(doc) -> str:
    cells = "\n".join("\t".join(r) for t in docx_tables(doc) for r in t)
    return "\n".join(p.text for p in doc.paragraphs) + "\n" + cells


def odt_of(response):
    assert response.status_code == 200
    assert response["Content-Type"] == ODT
    return open_odt(io.BytesIO(response.content))


def odt_headings(doc) -> list[tuple[int, str, str]]:
    return [
        (
            int(h.getAttribute("outlinelevel")),
            h.getAttribute("stylename"),
            extractText(h),
        )
        for h in doc.getElementsByType(text.H)
    ]


def odt_tables(doc) -> list[list[list[str]]]:
    return [
        [[extractText(c) for c in row.getElementsByType(table.TableCell)] for row in rows]
        for rows in (
            t.getElementsByType(table.TableRow) for t in doc.getElementsByType(table.Table)
        )
    ]


def test_project_report_as_docx_has_heading_styles_tables_and_a_chart(own_project, users):
    http = login(users[("own", "beleidsadviseur")])
    doc = docx_of(http.get(f"/rapporten/project/{own_project.pk}.docx"))
    found = headings(doc)
    assert ("Heading 1", own_project.name) == found[0]
    assert ("Heading 2", "Het project") in found
    assert ("Heading 3", "Financiering") in found
    assert doc.core_properties.title == own_project.name
    assert doc.core_properties.language == "nl-NL"
    funding = next(t for t in docx_tables(doc) if t[0][0] == "Regeling")
    assert funding[1][:2] == ["Transformatiefonds", own_project.owner.name]
    assert funding[1][2] == "€ 240.000"
    # The header row repeats on every page: a real table header.
    assert doc.tables[0].rows[0]._tr.trPr is not None
    # The funding chart is a PNG picture with its alternative text.
    assert len(doc.inline_shapes) >= 1
    with zipfile.ZipFile(
        io.BytesIO(http.get(f"/rapporten/project/{own_project.pk}.docx").content)
    ) as z:
        media = [n for n in z.namelist() if n.startswith("word/media/")]
        assert media and z.read(media[0]).startswith(b"\x89PNG")
        assert (
            'descr="Grafiek: financiering per stroom per jaar'
            in z.read("word/document.xml").decode()
        )


def test_project_report_as_odt_has_outline_headings_tables_and_a_chart(own_project, users):
    http = login(users[("own", "projectleider")])
    doc = odt_of(http.get(f"/rapporten/project/{own_project.pk}.odt"))
    found = odt_headings(doc)
    assert found[0] == (1, "Heading_20_1", own_project.name)
    assert (3, "Heading_20_3", "Financiering") in found
    funding = next(t for t in odt_tables(doc) if t[0][0] == "Regeling")
    assert funding[1][0] == "Transformatiefonds"
    assert doc.getElementsByType(table.TableHeaderRows)
    images = doc.getElementsByType(draw.Image)
    assert images
    href = images[0].getAttribute("href")
    assert href.startswith("Pictures/") and href.endswith(".png")
    with zipfile.ZipFile(
        io.BytesIO(http.get(f"/rapporten/project/{own_project.pk}.odt").content)
    ) as z:
        assert z.read(href).startswith(b"\x89PNG")
        assert z.read("mimetype") == ODT.encode()


def test_editable_report_follows_the_ui_language(own_project, users):
    http = login(users[("own", "beleidsadviseur")])
    http.post("/i18n/setlang/", {"language": "en"})
    doc = docx_of(http.get(f"/rapporten/project/{own_project.pk}.docx"))
    found = headings(doc)
    assert ("Heading 2", "The project") in found and ("Heading 3", "Funding") in found
    assert ("Heading 2", "Het project") not in found
    assert doc.core_properties.language == "en-GB"
    odt = odt_of(http.get(f"/rapporten/project/{own_project.pk}.odt"))
    assert (3, "Heading_20_3", "Funding") in odt_headings(odt)


@pytest.mark.parametrize("fmt", ["docx", "odt"])
def test_foreign_project_report_is_404(fmt, own_project, foreign_project, users):
    http = login(users[("own", "beheerder")])
    response = http.get(f"/rapporten/project/{foreign_project.pk}.{fmt}")
    assert response.status_code == 404
    assert foreign_project.name.encode() not in response.content


SMALL = "Kleinwijk"


@pytest.fixture
def monitored(own_project):
    """12 + 11 participants with two domains, 6 more with Justitie only in their small group."""
    for hood, size in (("Oost", 12), ("West", 11), (SMALL, 6)):
        for i in range(size):
            before = {"housing": 2, "finances": 3}
            after = {"housing": 3 + (i % 2), "finances": 3 + (i % 3 == 0)}
            if hood == SMALL:
                before["justice"], after["justice"] = 1, 5
            add_trajectory(own_project, before, after, neighbourhood=hood)
    releases.create_release(own_project, require_difference=False)
    return own_project


def monitoring_table(tables: list[list[list[str]]]) -> list[list[str]]:
    return next(t for t in tables if t[0][:2] == ["Leefgebied", "n"])


def test_suppressed_cells_stay_suppressed_in_docx_and_odt(monitored, users):
    http = login(users[("own", "financier")])
    doc = docx_of(http.get(f"/rapporten/project/{monitored.pk}.docx"))
    rows = monitoring_table(docx_tables(doc))
    domains = {r[0] for r in rows[1:]}
    assert {"Wonen", "Financiën"} <= domains
    assert "Justitie" not in docx_text(doc)  # measured in 6 participants only: below 10
    assert all(int(r[1]) >= 10 for r in rows[1:])
    odt = odt_of(http.get(f"/rapporten/project/{monitored.pk}.odt"))
    assert "Justitie" not in "\n".join(extractText(p) for p in odt.getElementsByType(text.P))


def test_the_suppression_check_would_catch_a_leak(monitored, users, settings):
    """At threshold 5 Justitie (6 participants) is published, and the same check finds it."""
    settings.PROEFTUIN_SMALL_CELL_THRESHOLD = 5
    releases.create_release(monitored, require_difference=False)
    http = login(users[("own", "financier")])
    doc = docx_of(http.get(f"/rapporten/project/{monitored.pk}.docx"))
    assert "Justitie" in {r[0] for r in monitoring_table(docx_tables(doc))[1:]}


def test_editable_report_shows_the_release_not_live_figures(monitored, users):
    """A funder sees release figures only, as in the PDF: new measurements wait for a release."""
    http = login(users[("own", "financier")])
    before = monitoring_table(
        docx_tables(docx_of(http.get(f"/rapporten/project/{monitored.pk}.docx")))
    )
    for _ in range(5):
        add_trajectory(monitored, {"housing": 1, "finances": 1}, {"housing": 5, "finances": 5})
    after = monitoring_table(
        docx_tables(docx_of(http.get(f"/rapporten/project/{monitored.pk}.docx")))
    )
    assert after == before
    wonen = next(r for r in before[1:] if r[0] == "Wonen")
    assert wonen[1] == "29"


def test_portfolio_report_lists_visible_projects_only(
    own_project, shared_project, foreign_project, users
):
    other = make_project(own_project.owner, name="Buurtteam Noord")
    http = login(users[("own", "financier")])
    doc = docx_of(http.get("/rapporten/portfolio.docx"))
    found = headings(doc)
    assert found[0] == ("Heading 1", f"Portfolio van {own_project.owner.name}")
    assert ("Heading 2", "Financieringsklif") in found
    projects = next(t for t in docx_tables(doc) if t[0][0] == "Project" and t[0][1] == "Eigenaar")
    names = {r[0] for r in projects[1:]}
    assert names == {own_project.name, other.name, shared_project.name}
    assert foreign_project.name not in docx_text(doc)
    assert len(doc.inline_shapes) == 1  # the cliff chart
    odt = odt_of(http.get("/rapporten/portfolio.odt"))
    assert (2, "Heading_20_2", "Voortzetting") in odt_headings(odt)
    html = http.get("/rapporten/portfolio.html").content.decode()
    assert own_project.name in html and foreign_project.name not in html


def test_project_page_offers_the_editable_downloads(own_project, users):
    http = login(users[("own", "onderzoeker")])
    page = http.get(f"/projecten/{own_project.pk}/").content.decode()
    assert f'action="/rapporten/project/{own_project.pk}/maken/docx/"' in page
    assert f'action="/rapporten/project/{own_project.pk}/maken/odt/"' in page


@pytest.mark.parametrize("fmt", ["docx", "odt"])
def test_the_buttons_make_the_report_as_a_job_with_progress(
    fmt, own_project, users, settings, tmp_path
):
    settings.PROEFTUIN_JOBS_INLINE = True
    settings.MEDIA_ROOT = tmp_path
    http = login(users[("own", "financier")])
    response = http.post(f"/rapporten/project/{own_project.pk}/maken/{fmt}/")
    assert response.status_code == 302
    job = Job.objects.get(project=own_project, kind="rapport")
    assert response["Location"] == f"/rapporten/project/{own_project.pk}/taken/{job.pk}/"
    assert job.status == "done" and job.progress == 100 and job.result["fmt"] == fmt
    page = http.get(response["Location"]).content.decode()
    assert 'value="100"' in page
    file_url = f"/rapporten/project/{own_project.pk}/taken/{job.pk}/bestand/"
    assert file_url in page
    download = http.get(file_url)
    assert download.status_code == 200
    assert "attachment" in download["Content-Disposition"]
    content = b"".join(download.streaming_content)
    if fmt == "docx":
        doc = open_docx(io.BytesIO(content))
        assert headings(doc)[0] == ("Heading 1", own_project.name)
    else:
        assert odt_headings(open_odt(io.BytesIO(content)))[0][2] == own_project.name
    # HTMX polls only the status block.
    partial = http.get(response["Location"], HTTP_HX_REQUEST="true").content.decode()
    assert partial.lstrip().startswith('<div id="report-job"')


def test_a_report_job_follows_the_language_and_shows_progress_while_queued(
    own_project, users, settings, tmp_path
):
    settings.MEDIA_ROOT = tmp_path
    settings.PROEFTUIN_JOBS_INLINE = False
    http = login(users[("own", "beleidsadviseur")])
    http.post("/i18n/setlang/", {"language": "en"})
    response = http.post(f"/rapporten/project/{own_project.pk}/maken/docx/")
    job = Job.objects.get(project=own_project, kind="rapport")
    assert job.status == "queued" and job.result["language"] == "en"
    page = http.get(response["Location"]).content.decode()
    assert 'hx-trigger="every 500ms"' in page  # the page polls until the worker is done
    assert "/bestand/" not in page
    assert (
        http.get(f"/rapporten/project/{own_project.pk}/taken/{job.pk}/bestand/").status_code == 404
    )
    jobs.run(job.pk)  # what the worker does
    doc = docx_of_bytes(http.get(f"/rapporten/project/{own_project.pk}/taken/{job.pk}/bestand/"))
    assert ("Heading 3", "Funding") in headings(doc)


def test_a_report_job_of_another_tenant_is_404(
    own_project, shared_project, users, settings, tmp_path
):
    settings.PROEFTUIN_JOBS_INLINE = True
    settings.MEDIA_ROOT = tmp_path
    # The foreign tenant makes a report of its own project, which it shared with the own tenant.
    foreign = login(users[("foreign", "beheerder")])
    foreign.post(f"/rapporten/project/{shared_project.pk}/maken/docx/")
    job = Job.objects.get(project=shared_project, kind="rapport")
    own = login(users[("own", "beheerder")])
    base = f"/rapporten/project/{shared_project.pk}/taken/{job.pk}"
    assert own.get(f"{base}/").status_code == 404
    assert own.get(f"{base}/bestand/").status_code == 404
    # Through another project's URL the job is not found either.
    assert foreign.get(f"/rapporten/project/{own_project.pk}/taken/{job.pk}/").status_code == 404


@pytest.mark.django_db(transaction=True)  # the worker closes its connection, as in production
def test_the_worker_runs_a_queued_report_and_does_not_take_it_for_an_orphan(
    own_project, users, settings, tmp_path
):
    from django.core.management import call_command

    from proeftuin.monitoring import worker

    settings.VAR_DIR = tmp_path
    settings.MEDIA_ROOT = tmp_path / "media"
    settings.PROEFTUIN_JOBS_INLINE = False
    http = login(users[("own", "projectleider")])
    http.post(f"/rapporten/project/{own_project.pk}/maken/odt/")
    job = Job.objects.get(project=own_project, kind="rapport")
    assert worker.recover_interrupted() == []  # queued with its task: left alone
    call_command("worker", "--batch", "--interval", "0")
    job.refresh_from_db()
    assert job.status == "done" and jobs.file_path(job).exists()
    # A report job whose task is gone (its worker died) fails with a message, not for ever.
    lost = Job.objects.create(project=own_project, kind="rapport", status="running")
    assert worker.recover_interrupted() == [lost.pk]
    lost.refresh_from_db()
    assert lost.status == "failed" and "Probeer het opnieuw" in lost.message
