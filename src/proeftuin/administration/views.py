"""Beheer screens of one organisation: users, shares, partner organisations and the access log.

Every query goes through :mod:`.access`, so an id of another tenant is a 404 and a role other than
beheerder gets a 403. Nobody changes their own role or organisation here, and no form offers an
organisation or superuser status.
"""

from __future__ import annotations

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.paginator import Paginator
from django.db import transaction
from django.db.models import Q
from django.shortcuts import get_object_or_404, redirect, render
from django.utils import timezone
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy
from django.views.decorators.http import require_POST

from proeftuin.accounts.models import Organisation
from proeftuin.common.exports import csv_bytes, download

from . import access, invitations, roles
from .forms import (
    AccessLogFilterForm,
    GrantForm,
    PartnerForm,
    UserCreateForm,
    UserEditForm,
)
from .models import Partnership
from .pickers import pickable_organisations

PAGE_SIZE = 50
PENDING_NOTE = gettext_lazy(
    "Deze rol geeft toegang tot deelnemersgegevens of beheer. Die toegang werkt pas als een "
    "tweede beheerder de aanvraag goedkeurt."
)


@access.beheerder_required
def index(request):
    org = request.user.organisation
    return render(
        request,
        "administration/index.html",
        {
            "section": "index",
            "user_count": access.colleagues(request.user).filter(is_active=True).count(),
            "grant_count": access.outgoing_grants(request.user).count(),
            "partner_count": Partnership.objects.filter(organisation=org).count(),
            "pending_count": access.role_requests(request.user).filter(status="pending").count(),
        },
    )


# Users -------------------------------------------------------------------------------------------


@access.beheerder_required
def users(request):
    people = access.colleagues(request.user).order_by("username")
    q = request.GET.get("q", "").strip()
    if q:
        people = people.filter(
            Q(username__icontains=q)
            | Q(first_name__icontains=q)
            | Q(last_name__icontains=q)
            | Q(email__icontains=q)
        )
    page = Paginator(people, PAGE_SIZE).get_page(request.GET.get("pagina"))
    return render(request, "administration/users.html", {"section": "users", "page": page, "q": q})


@access.beheerder_required
def user_create(request):
    form = UserCreateForm(request.POST or None, organisation=request.user.organisation)
    if request.method == "POST" and form.is_valid():
        person = form.save()
        pending = roles.save_account(person, by=request.user, new=True)
        invitations.send_invitation(request, person)
        messages.success(
            request,
            _("Gebruiker %(name)s aangemaakt; de uitnodiging is verstuurd naar %(email)s.")
            % {"name": person.username, "email": person.email},
        )
        if pending is not None:
            messages.info(request, PENDING_NOTE)
        return redirect("administration:users")
    return render(
        request,
        "administration/user_form.html",
        {"section": "users", "form": form, "title": _("Nieuwe gebruiker")},
    )


@access.beheerder_required
def user_edit(request, user_pk: int):
    person = get_object_or_404(access.colleagues(request.user), pk=user_pk)
    before = (person.role, person.email)
    form = UserEditForm(request.POST or None, instance=person, editor=request.user)
    if request.method == "POST" and form.is_valid():
        pending = roles.save_account(
            form.save(commit=False),
            by=request.user,
            previous_role=before[0],
            previous_email=before[1],
        )
        messages.success(request, _("Gebruiker %s opgeslagen.") % person.username)
        if pending is not None and pending.requested_by_id == request.user.pk:
            messages.info(request, PENDING_NOTE)
        return redirect("administration:users")
    return render(
        request,
        "administration/user_form.html",
        {
            "section": "users",
            "form": form,
            "person": person,
            "title": _("Gebruiker %s") % person.username,
            "is_self": person.pk == request.user.pk,
            "pending": roles.pending_request(person),
        },
    )


@login_required
@require_POST
@access.beheerder_required
def user_send_link(request, user_pk: int):
    """Send the user a link to choose a password: never a password form for the beheerder."""
    person = get_object_or_404(access.colleagues(request.user), pk=user_pk)
    if not person.email:
        messages.error(request, _("%s heeft geen e-mailadres; vul dat eerst in.") % person.username)
    else:
        invitations.send_access_link(request, person)
        messages.success(
            request,
            _("Een link om een wachtwoord te kiezen is verstuurd naar %s.") % person.email,
        )
    return redirect("administration:user_edit", user_pk=person.pk)


# Shares ------------------------------------------------------------------------------------------


def _grant_form(request, data=None) -> GrantForm:
    user = request.user
    return GrantForm(
        data,
        projects=access.own_projects(user),
        organisations=pickable_organisations(user.organisation_id).exclude(pk=user.organisation_id),
    )


@access.beheerder_required
def grants(request):
    form = _grant_form(request, request.POST or None)
    if request.method == "POST" and form.is_valid():
        grant = form.save(commit=False)
        grant.granted_by = request.user
        grant.save()
        messages.success(
            request,
            _("%(project)s gedeeld met %(org)s.")
            % {"project": grant.project.name, "org": grant.organisation.name},
        )
        return redirect("administration:grants")
    return render(
        request,
        "administration/grants.html",
        {
            "section": "grants",
            "form": form,
            "outgoing": access.outgoing_grants(request.user).order_by(
                "project__name", "organisation__name"
            ),
            "incoming": access.incoming_grants(request.user).order_by("project__name"),
        },
    )


@login_required
@require_POST
@access.beheerder_required
def grant_revoke(request, grant_pk: int):
    grant = get_object_or_404(access.outgoing_grants(request.user), pk=grant_pk)
    grant.delete()
    messages.success(
        request,
        _("Toegang van %(org)s tot %(project)s ingetrokken.")
        % {"org": grant.organisation.name, "project": grant.project.name},
    )
    return redirect("administration:grants")


# Partner organisations -----------------------------------------------------------------------------


@access.beheerder_required
def partners(request):
    org = request.user.organisation
    form = PartnerForm(request.POST or None)
    if request.method == "POST" and form.is_valid():
        data = form.cleaned_data
        with transaction.atomic():
            partner = Organisation.objects.filter(name__iexact=data["name"]).first()
            if partner is None:
                partner = Organisation.objects.create(
                    name=data["name"], kind=data["kind"], city=data["city"]
                )
            if partner.pk == org.pk:
                form.add_error("name", _("Dit is uw eigen organisatie."))
            else:
                Partnership.objects.get_or_create(
                    organisation=org, partner=partner, defaults={"added_by": request.user}
                )
        if not form.errors:
            messages.success(request, _("%s staat nu bij uw partnerorganisaties.") % partner.name)
            return redirect("administration:partners")
    return render(
        request,
        "administration/partners.html",
        {
            "section": "partners",
            "form": form,
            "partnerships": Partnership.objects.filter(organisation=org).select_related("partner"),
        },
    )


@login_required
@require_POST
@access.beheerder_required
def partner_remove(request, partnership_pk: int):
    partnership = get_object_or_404(
        Partnership, organisation_id=request.user.organisation_id, pk=partnership_pk
    )
    partnership.delete()
    messages.success(
        request, _("%s staat niet meer bij uw partnerorganisaties.") % partnership.partner.name
    )
    return redirect("administration:partners")


# Access log ----------------------------------------------------------------------------------------


def _filtered_log(request):
    form = AccessLogFilterForm(request.GET or None, projects=access.own_projects(request.user))
    rows = access.access_log(request.user)
    if form.is_valid():
        data = form.cleaned_data
        if data["q"]:
            q = data["q"]
            rows = rows.filter(
                Q(username__icontains=q)
                | Q(detail__icontains=q)
                | Q(project__name__icontains=q)
                | Q(subject__istartswith=q.lower())
                | Q(ip=q)
            )
        if data["action"]:
            rows = rows.filter(action=data["action"])
        if data["project"]:
            rows = rows.filter(project=data["project"])
        if data["since"]:
            rows = rows.filter(at__date__gte=data["since"])
        if data["until"]:
            rows = rows.filter(at__date__lte=data["until"])
    return form, rows


@access.beheerder_required
def access_log(request):
    form, rows = _filtered_log(request)
    page = Paginator(rows, PAGE_SIZE).get_page(request.GET.get("pagina"))
    query = request.GET.copy()
    query.pop("pagina", None)
    return render(
        request,
        "administration/access_log.html",
        {"section": "log", "form": form, "page": page, "query": query.urlencode()},
    )


@access.beheerder_required
def access_log_export(request):
    _form, rows = _filtered_log(request)
    header = [
        _("Tijdstip"),
        _("Gebruiker"),
        _("Organisatie"),
        _("Handeling"),
        _("Project"),
        _("Deelnemer"),
        _("Wat"),
        _("Rol"),
        _("Inzien of wijzigen"),
        _("IP-adres"),
        _("Sessie (sleutel)"),
        _("Betrokkene (sleutel)"),
    ]
    tz = timezone.get_current_timezone()
    body = (
        (
            row.at.astimezone(tz).strftime("%Y-%m-%d %H:%M:%S"),
            row.username,
            row.organisation,
            row.get_action_display(),
            row.project.name if row.project else "",
            row.participant.code if row.participant else "",
            row.detail,
            row.role,
            row.get_operation_display(),
            row.ip,
            row.session,
            # The keyed subject survives an erasure; never the pseudonym itself.
            row.subject,
        )
        for row in rows.iterator(chunk_size=2000)
    )
    stamp = timezone.localdate().isoformat()
    return download(csv_bytes(header, body), f"toegangslog-{stamp}", "csv")
