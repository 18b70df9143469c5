"""Site-wide request handling that is not about accounts."""

from __future__ import annotations

from django.conf import settings
from django.middleware.locale import LocaleMiddleware
from django.utils import translation


class DutchFirstLocaleMiddleware(LocaleMiddleware):
    """Dutch first: the interface is Dutch unless the user chose English with the language
    toggle (the language cookie). The browser's Accept-Language is not consulted, so a civil
    servant whose browser happens to be English still gets the Dutch interface."""

    def process_request(self, request):
        language = request.COOKIES.get(settings.LANGUAGE_COOKIE_NAME)
        if language not in dict(settings.LANGUAGES):
            language = settings.LANGUAGE_CODE
        translation.activate(language)
        request.LANGUAGE_CODE = translation.get_language()
