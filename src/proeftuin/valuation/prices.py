"""The installation's price catalogue: the shipped list plus ``PROEFTUIN_PRICELISTS_DIR``.

Loaded once per value of the environment variable (the files do not change while the server
runs; a restart picks up edits). A broken installation file is reported by ``manage.py check``
(see :func:`check_price_lists`) and on the valuation screens, never as a server error.
"""

from __future__ import annotations

import os
from functools import lru_cache

from django.core import checks

from proeftuin.core.valuation.pricelist import (
    ENV_VAR,
    PriceCatalogue,
    PriceListLoadError,
    load_price_catalogue,
)


@lru_cache(maxsize=8)
def _catalogue(env_value: str) -> PriceCatalogue:
    return load_price_catalogue(environ={ENV_VAR: env_value})


def catalogue() -> PriceCatalogue:
    """The merged price catalogue; raises :class:`PriceListLoadError` for a broken file."""
    return _catalogue(os.environ.get(ENV_VAR, ""))


def clear_cache() -> None:
    _catalogue.cache_clear()


def check_price_lists(app_configs=None, **kwargs) -> list[checks.CheckMessage]:
    """System check: every price-list file loads (file, path and rule named on failure)."""
    try:
        catalogue()
    except PriceListLoadError as exc:
        return [
            checks.Error(
                f"Price list cannot be loaded: {exc}",
                hint=f"Fix the file, or remove it from {ENV_VAR}.",
                id="valuation.E001",
            )
        ]
    return []
