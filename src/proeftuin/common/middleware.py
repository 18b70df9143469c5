"""Site-wide request handling that is not about accounts."""

from __future__ import annotations

from django.conf import settings
from django.middleware.locale import LocaleMiddleware
from django.utils import translation
from django.utils.translation.trans_real import parse_accept_lang_header


def api_language(accept_language: str) -> str:
    """The API's language: the first supported one in ``Accept-Language``, else Dutch.

    ``en-GB,en;q=0.9`` → ``en``; ``de, *`` → ``nl`` (Dutch is the domain's language).
    """
    supported = dict(settings.LANGUAGES)
    for code, _quality in parse_accept_lang_header(accept_language):
        base = code.split("-")[0].lower()
        if base in supported:
            return base
    return settings.LANGUAGE_CODE


class DutchFirstLocaleMiddleware(LocaleMiddleware):
    """Dutch first: the interface is Dutch unless the user chose English with the language
    toggle (the language cookie). The browser's Accept-Language is not consulted, so a civil
    servant whose browser happens to be English still gets the Dutch interface.

    The API (``/api/``) is the exception: a machine client has no toggle, so its problems
    follow ``Accept-Language`` (Dutch unless English comes first) and never the cookie."""

    def process_request(self, request):
        if request.path.startswith("/api/"):
            translation.activate(api_language(request.headers.get("Accept-Language", "")))
            request.LANGUAGE_CODE = translation.get_language()
            return
        language = request.COOKIES.get(settings.LANGUAGE_COOKIE_NAME)
        if language not in dict(settings.LANGUAGES):
            language = settings.LANGUAGE_CODE
        translation.activate(language)
        request.LANGUAGE_CODE = translation.get_language()


class NoStoreMiddleware:
    """``Cache-Control: no-store`` on participant-level pages and on every download.

    Tel en vertel pages (and its API) show participant data; exports and downloads carry it or
    other tenant data in a file. Neither may stay in a browser or proxy cache on a shared
    computer. Paths are listed in ``PROEFTUIN_NO_STORE_PREFIXES``; attachments are recognised by
    their ``Content-Disposition``.
    """

    def __init__(self, get_response):
        self.get_response = get_response
        self.prefixes = tuple(getattr(settings, "PROEFTUIN_NO_STORE_PREFIXES", ()))

    def __call__(self, request):
        response = self.get_response(request)
        disposition = response.get("Content-Disposition", "")
        if request.path.startswith(self.prefixes) or disposition.startswith("attachment"):
            response["Cache-Control"] = "no-store"
            response["Pragma"] = "no-cache"
        return response


class RequestBodyLimitMiddleware:
    """Refuse a request body above ``PROEFTUIN_MAX_REQUEST_BYTES`` with a friendly 413 page.

    Django's DATA_UPLOAD_MAX_MEMORY_SIZE does not count uploaded files, so a multi-gigabyte upload
    would otherwise be streamed to disk before any form could say it is too large.
    """

    def __init__(self, get_response):
        self.get_response = get_response

    def __call__(self, request):
        limit = settings.PROEFTUIN_MAX_REQUEST_BYTES
        try:
            length = int(request.META.get("CONTENT_LENGTH") or 0)
        except ValueError:
            length = 0
        if length > limit and request.path.startswith("/api/"):
            # The API answers in problem+json, in the language Accept-Language asks for.
            from django.http import JsonResponse

            from proeftuin.api.problems import API_VERSION, CONTENT_TYPE, problem

            with translation.override(api_language(request.headers.get("Accept-Language", ""))):
                body = problem(
                    413,
                    translation.gettext("De body is groter dan %(limit)s MB.")
                    % {"limit": limit // (1024 * 1024) or 1},
                    instance=request.path,
                )
            response = JsonResponse(body, status=413, content_type=CONTENT_TYPE)
            response["API-Version"] = API_VERSION
            return response
        if length > limit:
            from django.shortcuts import render

            return render(
                request,
                "413.html",
                {"limit_mb": limit // (1024 * 1024)},
                status=413,
            )
        return self.get_response(request)
