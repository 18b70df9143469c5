"""The four-eyes screen: requests for roles with participant-level data or administration.

Every beheerder of the organisation sees the open requests and the decided ones (the history).
Approving is refused to the beheerder who asked and to the account itself; see :mod:`.roles`.
"""

from __future__ import annotations

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.shortcuts import get_object_or_404, redirect, render
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy
from django.views.decorators.http import require_POST

from proeftuin.accounts.models import RoleRequest

from . import access, roles

HISTORY_SIZE = 100

REFUSALS = {
    roles.NOT_PENDING: gettext_lazy("Over deze aanvraag is al besloten."),
    roles.SAME_PERSON: gettext_lazy(
        "U heeft deze rol zelf aangevraagd; een andere beheerder moet haar goedkeuren."
    ),
    roles.OWN_ACCOUNT: gettext_lazy("Over uw eigen account beslist een andere beheerder."),
    roles.NOT_BEHEERDER: gettext_lazy("Alleen een goedgekeurde beheerder beslist hierover."),
    roles.OTHER_ORGANISATION: gettext_lazy("Deze aanvraag hoort bij een andere organisatie."),
}


@access.beheerder_required
def approvals(request):
    requests = access.role_requests(request.user)
    pending = list(requests.filter(status=RoleRequest.Status.PENDING).order_by("requested_at"))
    for item in pending:
        item.may_approve = item.requested_by_id != request.user.pk and item.user_id != (
            request.user.pk
        )
    return render(
        request,
        "administration/approvals.html",
        {
            "section": "approvals",
            "pending": pending,
            "history": requests.exclude(status=RoleRequest.Status.PENDING)[:HISTORY_SIZE],
        },
    )


def _decide(request, request_pk: int, decide, done: str):
    item = get_object_or_404(access.role_requests(request.user), pk=request_pk)
    try:
        decide(item, by=request.user)
    except roles.ApprovalRefused as refused:
        messages.error(request, REFUSALS[refused.code])
    else:
        messages.success(request, done % {"name": item.username})
    return redirect("administration:approvals")


@login_required
@require_POST
@access.beheerder_required
def approve(request, request_pk: int):
    return _decide(request, request_pk, roles.approve, _("De rol van %(name)s is goedgekeurd."))


@login_required
@require_POST
@access.beheerder_required
def reject(request, request_pk: int):
    return _decide(request, request_pk, roles.reject, _("De aanvraag voor %(name)s is afgewezen."))
