"""Reports in seconds (issue 14 item 3): cached charts, a constant number of queries whatever the
size of the project, and the PDF as a job with progress like the editable formats.

No timing assertions here: the timings live in ``bench/bench_report.py``.
"""

from __future__ import annotations

import io
from datetime import date, timedelta
from decimal import Decimal

import pytest
from django.core.cache import cache
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.utils.translation import override
from integration_support import login
from pypdf import PdfReader
from test_monitoring_builders import add_trajectory

from proeftuin.monitoring import releases
from proeftuin.monitoring.models import Job
from proeftuin.portfolio.models import CoalitionMember, Decision, FundingStream, Goal
from proeftuin.reporting import charts, jobs
from proeftuin.reporting.report import render_report_html

SPEC = {
    "$schema": "https://vega.github.io/schema/vega-lite/v6.json",
    "width": "container",
    "data": {"values": [{"a": "x", "b": 1}, {"a": "y", "b": 2}]},
    "mark": "bar",
    "encoding": {
        "x": {"field": "a", "type": "nominal"},
        "y": {"field": "b", "type": "quantitative"},
    },
}


@pytest.fixture
def counted(monkeypatch):
    """Counts the calls that reach vl-convert."""
    cache.clear()
    calls = []
    real = charts.vlc.vegalite_to_svg

    def counting(**kwargs):
        calls.append(kwargs["vl_spec"])
        return real(**kwargs)

    monkeypatch.setattr(charts.vlc, "vegalite_to_svg", counting)
    yield calls
    cache.clear()


def test_a_chart_is_rendered_once_per_content(counted):
    first = charts.to_svg(SPEC)
    assert first.lstrip().startswith("<svg")
    assert charts.to_svg(dict(SPEC)) == first
    assert len(counted) == 1
    # Other content, another width or another language is another key: nothing goes stale.
    charts.to_svg({**SPEC, "data": {"values": [{"a": "x", "b": 3}]}})
    charts.to_svg(SPEC, width=300)
    with override("en"):
        charts.to_svg(SPEC)
    assert len(counted) == 4
    assert counted[2]["width"] == 300


def test_the_second_report_renders_no_chart_again(own_project, counted):
    render_report_html(own_project, for_pdf=True)
    assert len(counted) >= 1  # the funding chart
    before = len(counted)
    render_report_html(own_project, for_pdf=True)
    assert len(counted) == before
    FundingStream.objects.filter(project=own_project).update(amount=Decimal("120000"))
    render_report_html(own_project, for_pdf=True)
    assert len(counted) == before + 1  # changed figures: the chart is drawn anew


def _grow(project, n: int) -> None:
    """``n`` more of every kind of row the report lists."""
    org = project.owner
    for i in range(n):
        FundingStream.objects.create(
            project=project,
            funder=org,
            label=f"Regeling {i}",
            amount=Decimal("1000") * (i + 1),
            start_date=date(2025, 1, 1),
            end_date=date(2026, 12, 31) + timedelta(days=i),
            kind="incidenteel",
            policy_domain="jeugd",
        )
        Goal.objects.create(project=project, goal_type="resultaat", text=f"Doel {i}")
        Decision.objects.create(
            project=project,
            kind="doorgaan",
            decided_by="Stuurgroep",
            decided_on=date(2025, 6, 1),
            rationale=f"Besluit {i}",
        )
    for i in range(n):
        add_trajectory(project, {"housing": 2}, {"housing": 3 + i % 2}, neighbourhood="Oost")
    CoalitionMember.objects.filter(project=project).update(contact_person="B. Jansen")


def _queries(project) -> list[str]:
    cache.clear()
    with CaptureQueriesContext(connection) as ctx:
        render_report_html(project, for_pdf=True)
    return [q["sql"] for q in ctx.captured_queries]


def test_the_report_needs_as_many_queries_for_a_large_project_as_for_a_small_one(own_project):
    """An N+1 in any section builder or template makes the count grow with the rows."""
    _grow(own_project, 2)
    releases.create_release(own_project, require_difference=False)
    _queries(own_project)  # the first report of a project may store its defaults
    small = _queries(own_project)
    _grow(own_project, 12)
    releases.create_release(own_project, require_difference=False)
    large = _queries(own_project)
    assert len(large) == len(small), "\n".join(["small:", *small, "large:", *large])


def test_the_pdf_button_makes_the_report_as_a_job_with_progress(
    own_project, users, settings, tmp_path
):
    settings.PROEFTUIN_JOBS_INLINE = True
    settings.MEDIA_ROOT = tmp_path
    http = login(users[("own", "beleidsadviseur")])
    page = http.get(f"/projecten/{own_project.pk}/").content.decode()
    assert f'action="/rapporten/project/{own_project.pk}/maken/pdf/"' in page
    response = http.post(f"/rapporten/project/{own_project.pk}/maken/pdf/")
    job = Job.objects.get(project=own_project, kind=jobs.KIND)
    assert response["Location"] == f"/rapporten/project/{own_project.pk}/taken/{job.pk}/"
    assert job.status == "done" and job.progress == 100 and job.result["fmt"] == "pdf"
    status = http.get(response["Location"]).content.decode()
    assert "Rapport (PDF) downloaden" in status
    download = http.get(f"/rapporten/project/{own_project.pk}/taken/{job.pk}/bestand/")
    assert download["Content-Type"] == "application/pdf"
    assert download["Content-Disposition"].endswith('.pdf"')
    data = b"".join(download.streaming_content)
    reader = PdfReader(io.BytesIO(data))
    text = " ".join(" ".join(p.extract_text() for p in reader.pages).split())
    assert own_project.name in text and "Transformatiefonds" in text
    # The funding chart is in the PDF as a drawing (a form XObject or an image).
    assert any(page.get("/Resources", {}).get("/XObject") for page in reader.pages)


def test_a_foreign_tenant_cannot_start_a_pdf_job(own_project, users):
    foreign = login(users[("foreign", "beleidsadviseur")])
    assert foreign.post(f"/rapporten/project/{own_project.pk}/maken/pdf/").status_code == 404
    assert not Job.objects.filter(project=own_project).exists()


def test_an_unknown_format_is_404(own_project, users):
    http = login(users[("own", "beleidsadviseur")])
    assert http.post(f"/rapporten/project/{own_project.pk}/maken/xls/").status_code == 404


def test_the_pdf_keeps_its_title_and_language_with_the_shared_stylesheet(own_project):
    """Two PDFs in one process (stylesheet and fonts reused) carry the same title and language."""
    from proeftuin.reporting.report import render_report_pdf, warm_up_pdf

    warm_up_pdf()
    for _ in range(2):
        reader = PdfReader(io.BytesIO(render_report_pdf(own_project)))
        assert reader.metadata.title == f"Rapportage: {own_project.name}"
        assert reader.trailer["/Root"]["/Lang"] == "nl"
        assert own_project.name in reader.pages[0].extract_text()


def test_a_failing_warm_up_does_not_stop_the_worker(monkeypatch, caplog):
    from proeftuin.monitoring import worker
    from proeftuin.reporting import report

    def broken() -> None:
        raise OSError("no fonts")

    monkeypatch.setattr(report, "warm_up_pdf", broken)
    worker._warm_up_reports()
    assert "warming up the PDF report failed" in caplog.text


def test_a_report_waits_less_than_a_second_for_the_worker_and_the_page(
    own_project, users, settings, tmp_path
):
    """Someone waits for a report: an idle worker picks a job up within a quarter of a second,
    and the progress page asks twice a second (each was a second: up to two seconds of a
    report's wait were polling)."""
    from django.core.management import load_command_class

    settings.MEDIA_ROOT = tmp_path
    parser = load_command_class("proeftuin.monitoring", "worker").create_parser("", "worker")
    assert parser.parse_args([]).interval <= 0.25
    http = login(users[("own", "beleidsadviseur")])
    response = http.post(f"/rapporten/project/{own_project.pk}/maken/pdf/")
    status = http.get(response["Location"], headers={"HX-Request": "true"}).content.decode()
    assert 'hx-trigger="every 500ms"' in status
