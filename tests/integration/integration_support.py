"""Helpers for the integration tests: independent logged-in clients and form round-trips."""

from __future__ import annotations

import importlib.util
import sys
from pathlib import Path

from django.test import Client


def _shared_conftest():
    """tests/conftest.py as a module. ``import conftest`` is ambiguous: tests/unit/frameworks and
    tests/e2e have their own conftest.py, and whichever pytest loaded last owns that name."""
    name = "proeftuin_shared_conftest"
    if name not in sys.modules:
        path = Path(__file__).resolve().parents[1] / "conftest.py"
        spec = importlib.util.spec_from_file_location(name, path)
        module = importlib.util.module_from_spec(spec)
        sys.modules[name] = module
        spec.loader.exec_module(module)
    return sys.modules[name]


PASSWORD = _shared_conftest().PASSWORD
make_project = _shared_conftest().make_project


def login(user, **client_kwargs) -> Client:
    """A fresh client logged in through the real login form (as the shared ``client_for`` does)."""
    http = Client(**client_kwargs)
    response = http.post("/account/inloggen/", {"username": user.username, "password": PASSWORD})
    assert response.status_code == 302, "login failed"
    return http


def form_data(response, **overrides) -> dict:
    """What a browser would submit for the form in ``response``, with ``overrides`` applied."""
    form = response.context["form"]
    data = {}
    for name in form.fields:
        value = form[name].value()
        if value is None or value is False:
            continue
        if value is True:
            value = "on"
        elif isinstance(value, list | tuple):
            value = [getattr(v, "pk", v) for v in value]
        data[name] = value
    data.update(overrides)
    return {k: v for k, v in data.items() if v is not None}


def field_errors(response, field: str) -> list[str]:
    return list(response.context["form"].errors.get(field, []))
