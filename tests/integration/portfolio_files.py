"""Portfolio files for the import tests: the flat layout of a national evaluation (seed 001)."""

from __future__ import annotations

import io

from openpyxl import Workbook

THEMES = ["Wonen", "Schulden en armoede", "Jeugd en gezin", "Ouderen", "Participatie en werk"]
MUNICIPALITIES = [("GM0344", "Utrecht"), ("GM0363", "Amsterdam"), ("GM0599", "Rotterdam")]


def pilots_xlsx(count: int = 43, *, bad_row: int | None = None, extra_sheets: bool = True) -> bytes:
    """``count`` pilots, one row each with municipality, theme, period and one funding stream."""
    book = Workbook()
    sheet = book.active
    sheet.title = "Pilots"
    sheet.append(
        [
            "Projectnaam",
            "Gemeente",
            "Gemeentecode",
            "Thema",
            "Startdatum",
            "Einddatum",
            "Regeling",
            "Financier",
            "Bedrag",
        ]
    )
    for i in range(1, count + 1):
        code, name = MUNICIPALITIES[i % len(MUNICIPALITIES)]
        start = "01-01-2025" if i != bad_row else "begin volgend jaar"
        sheet.append(
            [
                f"Pilot {i:02d}",
                name,
                code,
                THEMES[i % len(THEMES)],
                start,
                "31-12-2026",
                "Proeftuinregeling",
                "ZonMw",
                f"{100_000 + i * 1000}",
            ]
        )
    if extra_sheets:
        coalition = book.create_sheet("Coalitie")
        coalition.append(["Projectnaam", "Coalitiepartner", "Rol", "Niveau van draagvlak"])
        coalition.append(["Pilot 01", "Woonstad", "Uitvoerder", "Uitvoerend"])
        goals = book.create_sheet("Doelen")
        goals.append(["Projectnaam", "Soort doel", "Doel"])
        goals.append(["Pilot 01", "Resultaatdoel", "Minder huisuitzettingen"])
    out = io.BytesIO()
    book.save(out)
    return out.getvalue()
