"""A data-subject access request (AVG art. 15): everything Proeftuin holds on one participant.

The organisation looks the person up by its own client number (hashed at once, as everywhere).
The export holds the participant's attributes, trajectories, measurements with scores, stories,
heavy measures and interventions in the project, and who accessed their data (the access-log
entries with their subject key, which survive an erasure). It never holds the keyed pseudonym,
only the short code. Writing the export is itself logged.
"""

from __future__ import annotations

import csv
import io
import json
from datetime import date, datetime

from . import audit, services
from .models import AccessLog, Participant, Trajectory


def _iso(value: object) -> object:
    return value.isoformat() if isinstance(value, date | datetime) else value


def _ratings(measurement) -> dict[str, dict]:
    parts: dict[str, dict] = {"eigen_scores": {}, "afgesproken_scores": {}}
    for r in measurement.ratings.all():
        key = "eigen_scores" if r.kind == "self" else "afgesproken_scores"
        value = "onbekend" if r.value is None else str(r.value)
        parts[key][r.item] = f"{value} ({', '.join(r.support)})" if r.support else value
    return parts


def participant_data(project, participant: Participant | None, subject: str) -> dict:
    """The participant's data in ``project`` (None: erased; then only the log remains)."""
    data: dict = {
        "project": {"id": project.pk, "naam": project.name, "organisatie": project.owner.name},
        "deelnemer": None,
        "trajecten": [],
        "inzagelogboek": [],
    }
    if participant is not None:
        data["deelnemer"] = {
            "code": participant.code,
            "huishouden": participant.household_key[:8].upper(),
            "wijk": participant.neighbourhood,
            "geboortejaar": participant.birth_year,
            "leeftijdsgroep": participant.age_group,
            "vastgelegd": _iso(participant.created_at),
        }
        trajectories = Trajectory.objects.filter(project=project, participant=participant)
        for t in trajectories.order_by("started_on").prefetch_related(
            "measurements__scores",
            "measurements__ratings",
            "stories",
            "heavy_measures",
            "interventions",
        ):
            data["trajecten"].append(
                {
                    "aangemeld": _iso(t.registered_on),
                    "start": _iso(t.started_on),
                    "einde": _iso(t.ended_on),
                    "reden_einde": t.get_end_reason_display() if t.end_reason else "",
                    "metingen": [
                        {
                            "datum": _iso(m.measured_on),
                            "meetmoment": m.get_moment_display(),
                            "instrument": m.instrument,
                            "hulpverleners": m.professionals,
                            "organisaties": m.organisations,
                            "ots": m.supervision_order,
                            "uithuisplaatsing": m.out_of_home_placement,
                            "huisuitzetting": m.eviction,
                            "scores": {
                                s.item: ("onbekend" if s.value is None else s.value)
                                for s in m.scores.all()
                            },
                            # The self-report and the agreed score (issue 13), with the split.
                            **_ratings(m),
                        }
                        for m in sorted(t.measurements.all(), key=lambda m: m.measured_on)
                    ],
                    "verhalen": [
                        {
                            "datum": _iso(s.told_on),
                            "tekst": s.text,
                            "toestemming": s.consent,
                            "leefgebied": s.domain,
                        }
                        for s in t.stories.all()
                    ],
                    "zware_middelen": [
                        {"soort": h.get_kind_display(), "datum": _iso(h.occurred_on)}
                        for h in t.heavy_measures.all()
                    ],
                    "interventies": [
                        {
                            "soort": i.get_kind_display(),
                            "datum": _iso(i.started_on),
                            "omschrijving": i.description,
                        }
                        for i in t.interventions.all()
                    ],
                }
            )
    entries = AccessLog.objects.filter(subject=subject).order_by("seq") if subject else []
    data["inzagelogboek"] = [
        {
            "tijdstip": _iso(e.at),
            "gebruiker": e.username,
            "organisatie": e.organisation,
            "rol": e.role,
            "handeling": e.get_action_display(),
            "soort": e.get_operation_display(),
        }
        for e in entries
    ]
    return data


def find(project, client_number: str) -> tuple[Participant | None, str]:
    """The participant (or None when erased or unknown) and their subject key in the log."""
    key = services.pseudonym_for(project.owner_id, client_number)
    participant = Participant.objects.filter(
        organisation_id=project.owner_id, pseudonym=key, trajectories__project=project
    ).first()
    return participant, audit.subject_key(key)


def as_json(data: dict) -> str:
    return json.dumps(data, ensure_ascii=False, indent=2, default=str)


RATING_FIELDS = {
    "scores": "score",
    "eigen_scores": "eigen score",
    "afgesproken_scores": "afgesproken score",
}


def as_csv(data: dict) -> str:
    """Long format (section; date; field; value) so every part fits one sheet."""
    out = io.StringIO()
    writer = csv.writer(out, delimiter=";")
    writer.writerow(["onderdeel", "datum", "veld", "waarde"])
    for field, value in (data["deelnemer"] or {}).items():
        writer.writerow(["deelnemer", "", field, value])
    for t in data["trajecten"]:
        for field in ("aangemeld", "start", "einde", "reden_einde"):
            writer.writerow(["traject", t["start"], field, t[field]])
        for m in t["metingen"]:
            for field, value in m.items():
                if field in RATING_FIELDS:
                    for item, score in value.items():
                        label = RATING_FIELDS[field]
                        writer.writerow(["meting", m["datum"], f"{label} {item}", score])
                elif field != "datum":
                    writer.writerow(["meting", m["datum"], field, value])
        for part in ("verhalen", "zware_middelen", "interventies"):
            for row in t[part]:
                for field, value in row.items():
                    if field != "datum":
                        writer.writerow([part, row["datum"], field, value])
    for e in data["inzagelogboek"]:
        writer.writerow(
            ["inzagelogboek", e["tijdstip"], e["handeling"], f"{e['gebruiker']} ({e['rol']})"]
        )
    return out.getvalue()
