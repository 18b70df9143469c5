"""The one write path for an account's role and e-mail address, and the four-eyes approval.

A role with participant-level data or administration (:func:`proeftuin.core.access.needs_approval`)
is granted in two steps: the beheerder who creates the account or changes its role (or the e-mail
address a reset link goes to) opens a :class:`~proeftuin.accounts.models.RoleRequest`, and the
account has ``role_pending`` set, so those capabilities are withheld. A *second* beheerder of the
same organisation, neither the requester nor the account itself, approves or rejects it. The
operator may decide on the command line (``proeftuin approve-role``), for an installation with a
single beheerder. Each step is a row in the request history and in the access log.
"""

from __future__ import annotations

from django.db import transaction
from django.utils import timezone

from proeftuin.accounts.models import RoleRequest, User
from proeftuin.core.access import Capability, needs_approval
from proeftuin.monitoring.models import AccessLog


class ApprovalRefused(Exception):
    """Why a decision is refused, as a code the view turns into words."""

    def __init__(self, code: str):
        super().__init__(code)
        self.code = code


#: Refusal codes: the request is decided already; the decider is the requester, the account
#: itself, not an (approved) beheerder, or of another organisation.
NOT_PENDING = "not_pending"
SAME_PERSON = "same_person"
OWN_ACCOUNT = "own_account"
NOT_BEHEERDER = "not_beheerder"
OTHER_ORGANISATION = "other_organisation"


def _name(by: User | None, via: str) -> str:
    if by is not None:
        return by.get_username()
    from proeftuin.monitoring.audit import current

    return f"{via or 'cli'}:{current().extra.get('os_user', '')}"[:150]


def _log(request: RoleRequest, action: str, by: User | None, detail: str, via: str = "") -> None:
    org = request.organisation
    AccessLog.objects.create(
        user=by,
        username=_name(by, via),
        organisation=org.name,
        organisation_key=str(org.pk),
        action=action,
        operation=AccessLog.Operation.WRITE,
        detail=detail[:300],
    )


def pending_request(user: User) -> RoleRequest | None:
    return RoleRequest.objects.filter(user=user, status=RoleRequest.Status.PENDING).first()


@transaction.atomic
def save_account(
    user: User,
    *,
    by: User | None,
    previous_role: str = "",
    previous_email: str = "",
    new: bool = False,
    via: str = "",
) -> RoleRequest | None:
    """Save ``user`` after a beheerder (``by``) set its fields; open a request when four eyes are
    needed. ``previous_*`` are the values before the change (ignored for a ``new`` account).

    Returns the open request, if any."""
    if new:
        user.save()
        previous_role = previous_email = ""
    role_changed = new or user.role != previous_role
    email_changed = not new and (user.email or "").lower() != (previous_email or "").lower()
    open_request = pending_request(user) if not new else None
    if not (role_changed or email_changed):
        user.save()
        return open_request
    base_role, base_email = previous_role, previous_email
    if open_request is not None:
        # A new change replaces the open one; a rejection still goes back to the approved state.
        base_role, base_email = open_request.previous_role, open_request.previous_email
        open_request.status = RoleRequest.Status.WITHDRAWN
        open_request.decided_by = by
        open_request.decided_by_name = _name(by, via)
        open_request.decided_at = timezone.now()
        open_request.save()
        if user.role == base_role and user.email == base_email and base_role:
            user.role_pending = False  # back to what was approved
            user.save()
            return None
    if not needs_approval(user.role):
        user.role_pending = False
        user.save()
        return None
    user.role_pending = True
    user.save()
    request = RoleRequest.objects.create(
        organisation=user.organisation,
        user=user,
        username=user.get_username(),
        role=user.role,
        previous_role=base_role,
        email=user.email,
        previous_email=base_email,
        requested_by=by,
        requested_by_name=_name(by, via),
    )
    _log(
        request,
        AccessLog.Action.ROLE_REQUEST,
        by,
        f"{user.get_username()}: {base_role or '-'} -> {user.role}, {user.email}",
        via,
    )
    return request


def _check_decider(request: RoleRequest, by: User | None, *, approving: bool) -> None:
    if request.status != RoleRequest.Status.PENDING:
        raise ApprovalRefused(NOT_PENDING)
    if by is None:  # the operator on the command line
        return
    if by.organisation_id != request.organisation_id:
        raise ApprovalRefused(OTHER_ORGANISATION)
    if not by.can(Capability.ADMIN):
        raise ApprovalRefused(NOT_BEHEERDER)
    if by.pk == request.user_id:
        raise ApprovalRefused(OWN_ACCOUNT)
    if approving and by.pk == request.requested_by_id:
        raise ApprovalRefused(SAME_PERSON)


def _locked(request: RoleRequest) -> RoleRequest:
    return RoleRequest.objects.select_for_update().select_related("organisation").get(pk=request.pk)


@transaction.atomic
def approve(request: RoleRequest, *, by: User | None, via: str = "") -> RoleRequest:
    """A second beheerder (or the operator, ``by=None``) approves: the role takes effect."""
    request = _locked(request)
    _check_decider(request, by, approving=True)
    request.status = RoleRequest.Status.APPROVED
    request.decided_by = by
    request.decided_by_name = _name(by, via)
    request.decided_at = timezone.now()
    request.save()
    if request.user_id:
        User.objects.filter(pk=request.user_id).update(role_pending=False)
    _log(request, AccessLog.Action.ROLE_APPROVE, by, f"{request.username}: {request.role}", via)
    return request


@transaction.atomic
def reject(request: RoleRequest, *, by: User | None, via: str = "") -> RoleRequest:
    """Rejected: the account goes back to its approved role and e-mail address; a new account
    that never had one is deactivated (and stays without the role's capabilities)."""
    request = _locked(request)
    _check_decider(request, by, approving=False)
    request.status = RoleRequest.Status.REJECTED
    request.decided_by = by
    request.decided_by_name = _name(by, via)
    request.decided_at = timezone.now()
    request.save()
    user = User.objects.filter(pk=request.user_id).first()
    if user is not None:
        if request.previous_role:
            user.role = request.previous_role
            user.email = request.previous_email
            user.role_pending = False
        else:
            user.is_active = False
        user.save()
    _log(request, AccessLog.Action.ROLE_REJECT, by, f"{request.username}: {request.role}", via)
    return request


def grant_directly(user: User, *, via: str) -> RoleRequest | None:
    """Installation set-up (the demo loader, ``proeftuin user``): the operator both asks and
    approves, and both steps are logged like any other."""
    request = save_account(user, by=None, new=user.pk is None, via=via)
    if request is not None:
        approve(request, by=None, via=via)
    return request
