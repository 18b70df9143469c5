"""The bridge from an API request to the screens' model forms: one write path.

A request body is checked for types by the serializer, turned into the form's data (on top of
the row's current values for a partial update) and handed to the same form the screen uses, so
validation, the identifier guard, the version check and the change history are the screens'.
"""

from __future__ import annotations

from django.db import transaction
from django.forms.models import model_to_dict
from django.utils.translation import gettext as _
from rest_framework import exceptions

from proeftuin.portfolio.models import Neighbourhood

from .problems import PreconditionFailed


def expected_version(request, validated: dict) -> int | None:
    """The version the client read: If-Match (a strong ETag) or the ``versie`` field.

    If-Match compares strongly (RFC 9110 §13.1.1): a weak tag ``W/"3"`` never matches."""
    header = request.headers.get("If-Match", "").strip()
    if header:
        if header.startswith("W/"):
            raise PreconditionFailed
        tag = header.strip('"')
        try:
            return int(tag)
        except ValueError:
            raise PreconditionFailed from None
    return validated.get("version")


def etag(instance) -> str:
    return f'"{instance.version}"'


def form_data(form_class, instance, validated: dict) -> dict:
    """Current values of the row (ids for relations), overlaid with what the client sent."""
    fields = list(form_class._meta.fields)
    data: dict = {}
    if instance is not None and instance.pk:
        for name, value in model_to_dict(instance, fields=fields).items():
            if isinstance(value, list) and value and hasattr(value[0], "pk"):
                value = [v.pk for v in value]
            data[name] = value
    for key, value in validated.items():
        if key.endswith("_id"):
            key = key.removesuffix("_id")
        data[key] = value
    return {k: ("" if v is None else v) for k, v in data.items()}


def neighbourhood_data(data: dict, owner) -> dict:
    """Project form: neighbourhood names become ids from the managed list the screen offers
    (issue 11: no free text). An unknown or ambiguous name is a 400 naming it."""
    from proeftuin.portfolio.forms import area_organisations

    names = data.pop("neighbourhoods", None)
    if names is None or (names and not isinstance(names[0], str)):
        if names is not None:
            data["neighbourhoods"] = names
        return data
    found: dict[str, list[int]] = {}
    rows = Neighbourhood.objects.filter(
        organisation_id__in=area_organisations(owner), name__in=names
    ).values_list("name", "pk")
    for name, pk in rows:
        found.setdefault(name, []).append(pk)
    unknown = [n for n in names if n not in found]
    if unknown:
        raise exceptions.ValidationError(
            {
                "wijken": [
                    _("Onbekende wijk: %(names)s. Voeg haar toe bij Gemeenten en wijken.")
                    % {"names": ", ".join(unknown)}
                ]
            }
        )
    twice = [n for n in names if len(found[n]) > 1]
    if twice:
        raise exceptions.ValidationError(
            {
                "wijken": [
                    _("Deze wijknaam komt meer dan eens voor: %(names)s.")
                    % {"names": ", ".join(twice)}
                ]
            }
        )
    data["neighbourhoods"] = [found[n][0] for n in names]
    return data


def reverse_errors(form, serializer_class) -> dict:
    """Form errors under the API's field names (``__all__`` becomes the body)."""
    names = {}
    for api_name, field in serializer_class().fields.items():
        source = field.source or api_name
        names[source.removesuffix("_id")] = api_name
    names["neighbourhoods"] = names.get("neighbourhoods", "wijken")
    names["edit_version"] = "versie"
    errors: dict[str, list[str]] = {}
    for field, messages in form.errors.items():
        key = "non_field_errors" if field == "__all__" else names.get(field, field)
        errors.setdefault(key, []).extend(str(m) for m in messages)
    return errors


def save(form, serializer_class, *, save=None, attach=None):
    """Validate and save with the version check; 400 on invalid data, 412 when stale."""
    if not form.is_valid():
        raise exceptions.ValidationError(reverse_errors(form, serializer_class))
    with transaction.atomic():
        if save is not None:
            saved = save()
        elif hasattr(form, "save_versioned"):
            saved = form.save_versioned(commit_extra=attach)
        else:
            saved = form.save(commit=False)
            if attach:
                attach(saved)
            saved.save()
    if saved is None:  # the form's version check found a newer save
        raise PreconditionFailed
    return saved


def check_version(request, instance, validated: dict) -> int:
    """412 before anything else when the client sent no version or an old one (the screens'
    rule: not knowing what the editor saw is not the same as knowing it is current)."""
    version = expected_version(request, validated)
    if version is None or version != instance.version:
        raise PreconditionFailed
    return version
