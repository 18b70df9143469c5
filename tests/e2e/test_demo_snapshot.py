"""The demo snapshot the browser tests restore before each test (no browser needed)."""

from __future__ import annotations

import demo_snapshot
import pytest


def _state():
    from django.contrib.contenttypes.models import ContentType

    from proeftuin.accounts.models import Organisation

    return (
        list(Organisation.objects.order_by("pk").values_list("pk", "name")),
        list(ContentType.objects.order_by("pk").values_list("pk", "app_label", "model")),
    )


def test_a_restored_snapshot_is_the_database_as_it_was_with_the_same_next_ids(transactional_db):
    from django.contrib.contenttypes.models import ContentType
    from django.db import connection

    from proeftuin.accounts.models import Organisation

    if not demo_snapshot.supported(connection):
        pytest.skip(f"no snapshot on {connection.vendor} (a file database)")
    Organisation.objects.create(name="Gemeente Eerst", kind="gemeente")
    kept = Organisation.objects.create(name="Gemeente Blijft", kind="gemeente")
    Organisation.objects.filter(name="Gemeente Eerst").delete()  # a gap in the ids
    before = _state()
    snapshot = demo_snapshot.take(connection)
    next_id = Organisation.objects.create(name="Gemeente Volgende", kind="gemeente").pk
    assert next_id > kept.pk

    # What a test and the flush after it do: rows changed and gone, content types made again.
    Organisation.objects.filter(pk=kept.pk).update(name="Gemeente Anders")
    Organisation.objects.create(name="Gemeente Nog een", kind="gemeente")
    ContentType.objects.all().delete()
    ContentType.objects.create(app_label="accounts", model="organisation")

    snapshot.restore(connection)
    assert _state() == before
    # The sequences are back too: the next row gets the id it got right after the snapshot.
    assert Organisation.objects.create(name="Gemeente Volgende", kind="gemeente").pk == next_id
