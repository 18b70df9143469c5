"""Builders for the Tel en vertel integration tests (no tests here): trajectories with scores,
and the messy workbook a project leader keeps."""

from __future__ import annotations

import io
from datetime import date, timedelta

from django.db import transaction
from openpyxl import Workbook

from proeftuin.core.instruments import LIFE_DOMAINS
from proeftuin.monitoring import services
from proeftuin.monitoring.models import Measurement, Participant, Score, Trajectory

HX = {"HTTP_HX_REQUEST": "true"}
_counter = {"n": 0}


def add_trajectory(
    project,
    before: dict[str, int | None],
    after: dict[str, int | None] | None = None,
    *,
    neighbourhood: str = "Oost",
    birth_year: int | None = 1980,
    start: date = date(2025, 1, 6),
    professionals: tuple[int | None, int | None] = (6, 3),
    client: str | None = None,
) -> Trajectory:
    """A participant with a baseline (and a follow-up) scored per item; pairs refreshed."""
    _counter["n"] += 1
    client = client or f"T-{_counter['n']:05d}"
    with transaction.atomic():
        participant, _ = Participant.objects.get_or_create(
            organisation_id=project.owner_id,
            pseudonym=services.pseudonym_for(project.owner_id, client),
            defaults={"neighbourhood": neighbourhood, "birth_year": birth_year},
        )
        trajectory = Trajectory.objects.create(
            participant=participant, project=project, started_on=start
        )
        baseline = Measurement.objects.create(
            trajectory=trajectory,
            measured_on=start + timedelta(days=2),
            moment="baseline",
            instrument=LIFE_DOMAINS,
            professionals=professionals[0],
        )
        Score.objects.bulk_create(
            Score(measurement=baseline, item=item, value=value) for item, value in before.items()
        )
        if after is not None:
            follow = Measurement.objects.create(
                trajectory=trajectory,
                measured_on=start + timedelta(days=150),
                moment="end",
                instrument=LIFE_DOMAINS,
                professionals=professionals[1],
            )
            Score.objects.bulk_create(
                Score(measurement=follow, item=item, value=value) for item, value in after.items()
            )
        services.refresh_pairs([trajectory.pk])
    return trajectory


def messy_workbook(*, bad_score: bool = True, rows: int = 12) -> bytes:
    """A project leader's monitor: title rows, a merged two-row header with Dutch headers,
    dd-mm-jjjj dates as text, decimal commas, blank trailing rows, a second sheet, and (unless
    ``bad_score`` is False) one score out of range: a 7 in row 10, column L."""
    wb = Workbook()
    ws = wb.active
    ws.title = "Deelnemers 2025"
    ws["A1"] = "Monitor Eén gezin, één plan — wijkteam Oost"
    ws["A2"] = "Bijgewerkt door de projectleider, versie 3"
    ws["A4"] = "Deelnemer"
    ws.merge_cells("A4:E4")
    ws["F4"] = "0-meting"
    ws.merge_cells("F4:J4")
    ws["K4"] = "Eindmeting"
    ws.merge_cells("K4:O4")
    headers = [
        "Cliëntnummer",
        "Wijk",
        "Geboortejaar",
        "Startdatum",
        "Reden einde",
        "Datum",
        "Wonen",
        "Financiën",
        "Geestelijke gezondheid",
        "Aantal hulpverleners",
        "Datum",
        "Wonen",
        "Financiën",
        "Geestelijke gezondheid",
        "Aantal hulpverleners",
    ]
    for column, header in enumerate(headers, start=1):
        ws.cell(row=5, column=column, value=header)
    data = []
    for n in range(rows):
        day = (n % 27) + 1
        data.append(
            [
                f"K-{1000 + n}",
                ["Oost", "Centrum"][n % 2],
                1970 + n,
                f"{day:02d}-01-2025",
                "volgens plan" if n % 3 == 0 else None,
                f"{day:02d}-01-2025",
                2,
                "2,0",
                3,
                "4",
                f"{day:02d}-06-2025",
                4,
                "3,0",
                "onbekend",
                "2",
            ]
        )
    if bad_score:
        data[4][11] = 7  # row 10 (data starts in row 6), column L: Eindmeting / Wonen
    for r, row in enumerate(data, start=6):
        for c, value in enumerate(row, start=1):
            ws.cell(row=r, column=c, value=value)
    ws.cell(row=6 + len(data) + 2, column=1, value=" ")  # a blank-looking trailing row
    notes = wb.create_sheet("Toelichting")
    notes["A1"] = "Scores: 1 = acuut probleem, 5 = volledig zelfredzaam"
    out = io.BytesIO()
    wb.save(out)
    return out.getvalue()
