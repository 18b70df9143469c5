"""The project page's tabs. Later capabilities register their own tab here.

A tab is a URL name that takes the project's pk, a label, and an order. Registration happens in each
app's ``AppConfig.ready`` so the portfolio app needs to know nothing of the others.
"""

from __future__ import annotations

from dataclasses import dataclass

from django.utils.functional import Promise
from django.utils.translation import gettext_lazy as _


@dataclass(frozen=True)
class Tab:
    slug: str
    label: str | Promise
    url_name: str
    order: int


_TABS: dict[str, Tab] = {}


def register(tab: Tab) -> None:
    _TABS[tab.slug] = tab


def all_tabs() -> list[Tab]:
    return sorted(_TABS.values(), key=lambda t: t.order)


for _tab in (
    Tab("overzicht", _("Overzicht"), "portfolio:project", 10),
    Tab("coalitie", _("Coalitie"), "portfolio:coalition", 20),
    Tab("financiering", _("Financiering"), "portfolio:funding", 30),
    Tab("doelen", _("Doelen"), "portfolio:goals", 40),
    Tab("besluiten", _("Besluiten"), "portfolio:decisions", 50),
    Tab("participatie", _("Participatie"), "portfolio:participation", 55),
    Tab("delen", _("Delen"), "portfolio:grants", 80),
    Tab("geschiedenis", _("Geschiedenis"), "portfolio:history", 90),
):
    register(_tab)
