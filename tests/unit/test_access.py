"""The one table of roles and capabilities, and the write-access half of ``can``."""

from __future__ import annotations

import pytest
from hypothesis import given
from hypothesis import strategies as st

from proeftuin.core.access import CAPABILITIES, WRITE_CAPABILITIES, Capability, Role, can

READ_ONLY_ROLES = [Role.FINANCIER]


def test_every_role_is_in_the_table():
    assert set(CAPABILITIES) == set(Role)
    assert all(CAPABILITIES[role] <= set(Capability) for role in Role)


def test_write_capabilities_are_the_ones_that_change_data():
    assert {
        Capability.EDIT,
        Capability.DECIDE,
        Capability.ARCHIVE,
        Capability.SHARE,
        Capability.PLAN,
        Capability.VALUE,
        Capability.MONITOR,
    } == WRITE_CAPABILITIES
    assert Capability.VIEW not in WRITE_CAPABILITIES


@pytest.mark.parametrize("role", list(Role))
def test_every_role_may_view(role):
    assert can(role, Capability.VIEW)
    assert can(role, Capability.VIEW, write_access=False)


def test_beheerder_may_do_everything_but_see_residents_and_only_beheerder_enters_the_admin():
    # Need to know: the administrator manages access, it does not read participant data.
    assert CAPABILITIES[Role.BEHEERDER] == set(Capability) - {
        Capability.PARTICIPANT_DATA,
        Capability.MONITOR,
    }
    assert [role for role in Role if can(role, Capability.ADMIN)] == [Role.BEHEERDER]


@pytest.mark.parametrize("role", READ_ONLY_ROLES)
def test_read_only_roles_may_only_view(role):
    assert CAPABILITIES[role] == {Capability.VIEW}
    assert [c for c in Capability if can(role, c)] == [Capability.VIEW]


def test_the_table_row_by_row():
    rows = {role.value: sorted(c.value for c in Capability if can(role, c)) for role in Role}
    assert rows == {
        "beheerder": sorted(
            c.value
            for c in Capability
            if c not in (Capability.PARTICIPANT_DATA, Capability.MONITOR)
        ),
        "beleidsadviseur": sorted(
            [
                "archive",
                "assess",
                "create",
                "decide",
                "edit",
                "export",
                "handle_signal",
                "plan",
                "raise_signal",
                "share",
                "value",
                "view",
            ]
        ),
        "projectleider": sorted(
            [
                "assess",
                "create",
                "edit",
                "export",
                "monitor",
                "participant_data",
                "plan",
                "raise_signal",
                "share",
                "value",
                "view",
            ]
        ),
        "professional": ["monitor", "participant_data", "raise_signal", "view"],
        "financier": ["view"],
        "onderzoeker": ["assess", "export", "view"],
    }


@given(st.sampled_from(list(Role)), st.sampled_from(list(Capability)), st.booleans())
def test_can_follows_the_table_and_write_access(role, capability, write_access):
    allowed = can(role, capability, write_access=write_access)
    in_table = capability in CAPABILITIES[role]
    if capability in WRITE_CAPABILITIES:
        assert allowed == (in_table and write_access)
    else:
        assert allowed == in_table


@pytest.mark.parametrize("capability", sorted(WRITE_CAPABILITIES))
@pytest.mark.parametrize("role", list(Role))
def test_write_capabilities_need_write_access(role, capability):
    assert not can(role, capability, write_access=False)


@pytest.mark.parametrize("role", list(Role))
def test_roles_given_as_plain_strings_work(role):
    assert can(role.value, Capability.VIEW)
    assert can(role.value, Capability.EDIT) == (Capability.EDIT in CAPABILITIES[role])


@given(st.text(max_size=20).filter(lambda s: s not in {r.value for r in Role}))
def test_unknown_role_may_do_nothing(role):
    assert not any(can(role, c) for c in Capability)
    assert not any(can(role, c, write_access=False) for c in Capability)


@pytest.mark.parametrize("role", ["", "admin", "Beheerder", "BEHEERDER", "superuser"])
def test_unknown_role_examples(role):
    assert not can(role, Capability.VIEW)
    assert not can(role, Capability.ADMIN)


def test_roles_with_participant_data_or_administration_need_a_second_beheerder():
    from proeftuin.core.access import needs_approval

    assert {r.value for r in Role if needs_approval(r)} == {
        "beheerder",
        "projectleider",
        "professional",
    }
    assert not needs_approval("onbekend")


def test_a_pending_role_withholds_participant_data_recording_and_administration():
    assert can("professional", Capability.PARTICIPANT_DATA)
    assert not can("professional", Capability.PARTICIPANT_DATA, pending=True)
    assert not can("projectleider", Capability.MONITOR, pending=True)
    assert not can("beheerder", Capability.ADMIN, pending=True)
    # The rest of the role still works while it waits.
    assert can("projectleider", Capability.EDIT, pending=True)
    assert can("professional", Capability.VIEW, pending=True)
