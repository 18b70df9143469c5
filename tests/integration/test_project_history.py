"""The Geschiedenis tab shows changes from every capability, not only the portfolio's own."""

from __future__ import annotations

from proeftuin.portfolio import history
from proeftuin.sustainability.models import ContinuationPlan, PlanAction


def test_history_tab_includes_other_capabilities(own_project, users, client_for):
    plan = ContinuationPlan.objects.create(project=own_project, owner="Projectleider Priya")
    PlanAction.objects.create(plan=plan, text="Start een 0-meting")
    http = client_for(users[("own", "beleidsadviseur")])
    page = http.get(f"/projecten/{own_project.pk}/geschiedenis/").content.decode()
    assert "Verduurzaming" in page
    assert "Start een 0-meting" in page


def test_every_history_source_is_scoped_to_its_project(own_project, foreign_project):
    ContinuationPlan.objects.create(project=foreign_project, owner="Elders")
    for source in history.sources():
        for record in source.records_for(own_project):
            instance = record.instance
            project_id = getattr(instance, "project_id", None) or getattr(
                getattr(instance, "plan", None)
                or getattr(instance, "assessment", None)
                or getattr(instance, "effect", None),
                "project_id",
                None,
            )
            if project_id is not None:
                assert project_id == own_project.pk, source.label


def test_history_shows_names_and_labels_not_ids_and_codes(users, own_project):
    """A reader sees who and what by name: a related object's name rather than its id, a
    choice's label, a Dutch number; bookkeeping columns stay out."""
    from django.test import Client

    from proeftuin.accounts.models import Organisation

    fund = Organisation.objects.create(name="Fonds Buurtkracht", kind="fonds")
    stream = own_project.funding_streams.get()
    stream.funder = fund
    stream.policy_domain = "wmo"
    stream.amount = stream.amount + 1
    stream.save()
    http = Client()
    http.force_login(users[("own", "beleidsadviseur")])
    page = http.get(f"/projecten/{own_project.pk}/geschiedenis/").content.decode()
    assert "<ins>Fonds Buurtkracht</ins>" in page
    assert "<del>Jeugd</del> → <ins>Wmo</ins>" in page
    assert "<del>240000,00</del> → <ins>240001,00</ins>" in page
    assert f"<ins>{fund.pk}</ins>" not in page
    assert "updated at" not in page
