"""Links that users type (evidence links): http(s) web addresses or paths inside Proeftuin only.

Browsers read ``/\\host`` and ``//host`` as addresses on another host, and ``javascript:`` or
``data:`` run or show content; none of these may become an ``href``. Control characters and
backslashes are refused anywhere, because browsers strip or normalise them before parsing.
"""

from __future__ import annotations

import re

from django.core.exceptions import ValidationError
from django.core.validators import URLValidator

_CONTROL_OR_BACKSLASH = re.compile(r"[\x00-\x20\x7f\\]")
_WEB = URLValidator(schemes=["http", "https"])


def is_safe_link(value: str) -> bool:
    """Whether ``value`` may be rendered as a link: http(s), or a path starting with one ``/``."""
    if not value or _CONTROL_OR_BACKSLASH.search(value):
        return False
    if value.startswith("/"):
        return not value.startswith("//")
    if not value.lower().startswith(("http://", "https://")):
        return False
    try:
        _WEB(value)
    except ValidationError:
        return False
    return True
