"""Who may do what: the roles and their capabilities, as one table.

Tenancy (which organisation's data a user sees) is enforced by the querysets; this table says what a
role may do with the projects it can see. Keeping it here, free of Django, lets the URL × role ×
tenant test and the views read the same source.
"""

from __future__ import annotations

from enum import StrEnum


class Role(StrEnum):
    BEHEERDER = "beheerder"
    BELEIDSADVISEUR = "beleidsadviseur"
    PROJECTLEIDER = "projectleider"
    PROFESSIONAL = "professional"
    FINANCIER = "financier"
    ONDERZOEKER = "onderzoeker"


class Capability(StrEnum):
    VIEW = "view"  # see projects shared with the organisation
    CREATE = "create"  # register a new project for the own organisation
    EDIT = "edit"  # change project facts, coalition, funding and goals
    DECIDE = "decide"  # record continue / stop / scale / adjust decisions
    ARCHIVE = "archive"  # archive or restore a project
    SHARE = "share"  # grant other organisations access to a project
    ADMIN = "admin"  # the Django admin: tenants, users, roles
    ASSESS = "assess"  # start assessments (self-scan or external scan) and rate indicators
    PLAN = "plan"  # write the continuation plan (the +1: sustainability route and actions)
    VALUE = "value"  # build the effects chain and the indicative MKBA
    MONITOR = "monitor"  # record measurements, interventions and stories; import spreadsheets
    PARTICIPANT_DATA = "participant_data"  # see participant-level records (access is logged)
    EXPORT = "export"  # export aggregated, suppressed figures
    RAISE_SIGNAL = "raise_signal"  # raise a signal from practice to policy (issue 12)
    HANDLE_SIGNAL = "handle_signal"  # own and move signals on the policy side (issue 12)


CAPABILITIES: dict[Role, frozenset[Capability]] = {
    # The administrator manages accounts, shares and the access log, not residents' data: on a
    # need-to-know basis only those who work with participants see or record participant-level
    # data (the issue 8 attack: a municipal beheerder read row exports of partners' projects).
    Role.BEHEERDER: frozenset(Capability) - {Capability.PARTICIPANT_DATA, Capability.MONITOR},
    Role.BELEIDSADVISEUR: frozenset(
        {
            Capability.VIEW,
            Capability.CREATE,
            Capability.EDIT,
            Capability.DECIDE,
            Capability.ARCHIVE,
            Capability.SHARE,
            Capability.ASSESS,
            Capability.PLAN,
            Capability.VALUE,
            Capability.EXPORT,
            Capability.RAISE_SIGNAL,
            Capability.HANDLE_SIGNAL,
        }
    ),
    Role.PROJECTLEIDER: frozenset(
        {
            Capability.VIEW,
            Capability.CREATE,
            Capability.EDIT,
            Capability.SHARE,
            Capability.ASSESS,
            Capability.PLAN,
            Capability.VALUE,
            Capability.MONITOR,
            Capability.PARTICIPANT_DATA,
            Capability.EXPORT,
            Capability.RAISE_SIGNAL,
        }
    ),
    Role.PROFESSIONAL: frozenset(
        {
            Capability.VIEW,
            Capability.MONITOR,
            Capability.PARTICIPANT_DATA,
            Capability.RAISE_SIGNAL,
        }
    ),
    Role.FINANCIER: frozenset({Capability.VIEW}),
    Role.ONDERZOEKER: frozenset({Capability.VIEW, Capability.ASSESS, Capability.EXPORT}),
}

# Capabilities that change data need write access to the project as well as the role: the owner
# organisation has it, and so has an organisation with an "edit" grant.
WRITE_CAPABILITIES = frozenset(
    {
        Capability.EDIT,
        Capability.DECIDE,
        Capability.ARCHIVE,
        Capability.SHARE,
        Capability.PLAN,
        Capability.VALUE,
        Capability.MONITOR,
    }
)


#: Capabilities a role only uses once a second beheerder approved the grant (four-eyes): reading
#: or recording participant-level data, and administration (a beheerder approves the others, so an
#: unapproved beheerder would let one person approve their own sock puppet).
APPROVAL_CAPABILITIES = frozenset(
    {Capability.PARTICIPANT_DATA, Capability.MONITOR, Capability.ADMIN}
)


def needs_approval(role: str) -> bool:
    """Whether granting ``role`` (on creation or on a change) waits for a second beheerder."""
    try:
        return bool(CAPABILITIES[Role(role)] & APPROVAL_CAPABILITIES)
    except ValueError:
        return False


def can(
    role: str, capability: Capability, *, write_access: bool = True, pending: bool = False
) -> bool:
    """Whether ``role`` may use ``capability``; write capabilities also need project write access.

    ``write_access`` is the project-level half: the owner organisation has it, an organisation with
    an "edit" grant has it for EDIT, and only the owner has it for SHARE and ARCHIVE (the caller
    decides which applies). ``pending``: the role still awaits a second beheerder's approval, so
    the :data:`APPROVAL_CAPABILITIES` are withheld.
    """
    if pending and capability in APPROVAL_CAPABILITIES:
        return False
    try:
        allowed = capability in CAPABILITIES[Role(role)]
    except ValueError:
        return False
    if capability in WRITE_CAPABILITIES:
        return allowed and write_access
    return allowed
