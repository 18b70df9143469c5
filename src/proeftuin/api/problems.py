"""Errors as ``application/problem+json`` (RFC 9457), as the NLGov API Design Rules ask.

Every error of API v1 has ``type``, ``title``, ``status``, ``detail`` and ``instance``; a
validation error adds ``invalidParams`` (``name``, ``code``, ``reason``), the extension the Design
Rules use. Nothing internal (a stack trace, a query) reaches the client: a 500 says only that
something went wrong and which request id the log line carries.
"""

from __future__ import annotations

import logging
from http import HTTPStatus

from django.core.exceptions import PermissionDenied as DjangoPermissionDenied
from django.core.exceptions import RequestDataTooBig
from django.db.models import ProtectedError
from django.http import Http404, JsonResponse
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy as _lazy
from django.views.decorators.csrf import csrf_exempt
from rest_framework import exceptions
from rest_framework.response import Response
from rest_framework.views import exception_handler as drf_exception_handler

logger = logging.getLogger("proeftuin.api")

CONTENT_TYPE = "application/problem+json"
API_VERSION = "1.0.0"


class PreconditionFailed(exceptions.APIException):
    status_code = 412
    default_detail = _lazy(
        "Iemand anders heeft dit intussen gewijzigd, of u gaf geen versie mee. Haal de actuele "
        "versie op (ETag) en stuur die mee in If-Match of in het veld 'versie'."
    )
    default_code = "precondition_failed"


class Conflict(exceptions.APIException):
    status_code = 409
    default_detail = _lazy("Dit kan niet: andere gegevens hangen ervan af.")
    default_code = "conflict"


#: Problem titles in the active language (``Accept-Language``); other statuses keep the English
#: reason phrase of HTTP.
TITLES = {
    400: _lazy("Ongeldig verzoek"),
    401: _lazy("Niet aangemeld"),
    403: _lazy("Geen toegang"),
    404: _lazy("Niet gevonden"),
    405: _lazy("Methode niet toegestaan"),
    406: _lazy("Niet aanvaardbaar"),
    409: _lazy("Conflict"),
    412: _lazy("Versie klopt niet"),
    413: _lazy("Verzoek te groot"),
    415: _lazy("Mediatype niet ondersteund"),
    429: _lazy("Te veel verzoeken"),
    500: _lazy("Interne fout"),
}


def problem(status: int, detail: str = "", *, instance: str = "", **extra) -> dict:
    body = {
        "type": "about:blank",
        "title": str(TITLES.get(status, HTTPStatus(status).phrase)),
        "status": status,
        "detail": detail or HTTPStatus(status).description,
        "instance": instance,
    }
    body.update(extra)
    return body


def _flatten(detail, prefix: str = "") -> list[dict]:
    """DRF's nested error dict as the Design Rules' flat ``invalidParams`` list."""
    params: list[dict] = []
    if isinstance(detail, dict):
        for key, value in detail.items():
            name = key if key != "non_field_errors" else ""
            params += _flatten(value, f"{prefix}.{name}" if prefix and name else prefix or name)
    elif isinstance(detail, list):
        for item in detail:
            params += _flatten(item, prefix)
    else:
        params.append(
            {
                "name": prefix or "body",
                "code": getattr(detail, "code", "invalid") or "invalid",
                "reason": str(detail),
            }
        )
    return params


class TooLarge(exceptions.APIException):
    status_code = 413
    default_detail = _lazy("De body is te groot voor de API (zie DATA_UPLOAD_MAX_MEMORY_SIZE).")
    default_code = "too_large"


def exception_handler(exc, context):
    """DRF's handler, with every answer reshaped as a problem; unknown errors become a 500."""
    request = context.get("request")
    instance = request.path if request is not None else ""
    if isinstance(exc, Http404):
        exc = exceptions.NotFound(_("Niet gevonden, of niet zichtbaar voor uw organisatie."))
    elif isinstance(exc, DjangoPermissionDenied):
        exc = exceptions.PermissionDenied(_("Uw rol of uw sleutel mag dit niet."))
    elif isinstance(exc, ProtectedError):
        exc = Conflict()
    elif isinstance(exc, RequestDataTooBig):
        exc = TooLarge()
    elif isinstance(exc, RecursionError):
        # JSON nested deeper than Python's parser goes: bad input, not a server error.
        exc = exceptions.ParseError(_("De JSON is te diep genest."))
    response = drf_exception_handler(exc, context)
    if response is None:
        logger.exception("API v1: unhandled error", exc_info=exc)
        return Response(
            problem(500, _("Er ging iets mis."), instance=instance),
            status=500,
            content_type=CONTENT_TYPE,
        )
    status = response.status_code
    extra = {}
    if isinstance(exc, exceptions.ValidationError):
        extra["invalidParams"] = _flatten(exc.detail)
        detail = _("Niet alle gegevens zijn goed. Zie invalidParams.")
    else:
        detail = str(exc.detail) if isinstance(exc, exceptions.APIException) else ""
    if isinstance(exc, exceptions.NotAuthenticated | exceptions.AuthenticationFailed):
        response.status_code = status = 401
        response["WWW-Authenticate"] = 'Bearer realm="api"'
    response.data = problem(status, detail, instance=instance, **extra)
    response.content_type = CONTENT_TYPE
    return response


@csrf_exempt  # any method, any client: the answer is the same 404 and changes nothing
def not_found(request, rest: str = ""):
    """Any other path under /api/v1 (a trailing slash, a typo): a problem, not an HTML page."""
    response = JsonResponse(
        problem(
            404,
            _("Deze URL bestaat niet in API v1. Paden eindigen zonder schuine streep."),
            instance=request.path,
        ),
        status=404,
        content_type=CONTENT_TYPE,
    )
    response["API-Version"] = API_VERSION
    return response


def mark_deprecated(response, successor: str):
    """The old /api/ paths work for one more release and say where to go (RFC 8594 style)."""
    response["Deprecation"] = "true"
    response["Link"] = f'<{successor}>; rel="successor-version"'
    return response
