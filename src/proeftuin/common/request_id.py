"""A request id on every request, response, log line and 500 page.

An operator who gets a screenshot of the error page can find the matching traceback in the log
by its id. A trusted proxy may pass its own ``X-Request-ID``; anything else gets a fresh one.
"""

from __future__ import annotations

import contextvars
import logging
import re
import uuid
from collections.abc import Callable

from django.http import HttpRequest, HttpResponse, HttpResponseServerError
from django.template import loader

_current: contextvars.ContextVar[str] = contextvars.ContextVar("request_id", default="-")
_VALID = re.compile(r"^[A-Za-z0-9._-]{8,64}$")
HEADER = "X-Request-ID"


def current() -> str:
    """The id of the request being handled in this thread (``-`` outside a request)."""
    return _current.get()


class RequestIdMiddleware:
    """Set ``request.request_id`` and the ``X-Request-ID`` response header."""

    def __init__(self, get_response: Callable[[HttpRequest], HttpResponse]) -> None:
        self.get_response = get_response

    def __call__(self, request: HttpRequest) -> HttpResponse:
        incoming = request.headers.get(HEADER, "")
        request_id = incoming if _VALID.match(incoming) else uuid.uuid4().hex
        request.request_id = request_id
        token = _current.set(request_id)
        try:
            response = self.get_response(request)
        finally:
            _current.reset(token)
        response[HEADER] = request_id
        return response


class RequestIdFilter(logging.Filter):
    """Give every log record a ``request_id`` attribute for the formatter."""

    def filter(self, record: logging.LogRecord) -> bool:
        if not hasattr(record, "request_id"):
            request = getattr(record, "request", None)
            record.request_id = getattr(request, "request_id", None) or current()
        return True


def server_error(request: HttpRequest, template_name: str = "500.html") -> HttpResponse:
    """The 500 page with the request id, so a user can quote it (Django's shows no context)."""
    request_id = getattr(request, "request_id", None) or current()
    try:
        body = loader.get_template(template_name).render({"request_id": request_id})
    except Exception:  # noqa: BLE001 - the error page itself must never fail
        body = f"<h1>Er ging iets mis</h1><p>Foutcode: {request_id}</p>"
    return HttpResponseServerError(body)
