"""JSON API for Tel en vertel: aggregated effect figures, small cells suppressed like everywhere.

``GET /api/tel-en-vertel/projecten/<pk>/effecten/?instrument=…&uitsplitsing=wijk|leeftijd|periode``

Deprecated: use ``/api/v1/projecten/<pk>/effecten`` (same figures, Dutch keys, full schema).

Scoped like the screens: a project the caller's organisation cannot see is a 404. Groups hidden by
disclosure control are left out entirely; ``suppressed_groups`` says how many. Roles without
participant-level access get the latest release (``stand``), never live figures.
"""

from __future__ import annotations

from drf_spectacular.utils import OpenApiParameter, extend_schema
from rest_framework.exceptions import ValidationError
from rest_framework.response import Response
from rest_framework.views import APIView

from proeftuin.portfolio.access import visible_project

from . import analytics, releases, services

BREAKDOWNS = {"wijk": "neighbourhood", "leeftijd": "age_group", "periode": "period"}


def _key(value):
    return value.isoformat() if hasattr(value, "isoformat") else value


class ProjectEffectsView(APIView):
    """Change per life domain (n, mean change, 95% CI, shares, effect size, distributions)."""

    @extend_schema(
        parameters=[
            OpenApiParameter("instrument", str, description="instrument id"),
            OpenApiParameter(
                "uitsplitsing", str, enum=list(BREAKDOWNS), description="breakdown per group"
            ),
        ],
        responses={200: dict},
    )
    def finalize_response(self, request, response, *args, **kwargs):
        from proeftuin.api.problems import mark_deprecated

        response = super().finalize_response(request, response, *args, **kwargs)
        return mark_deprecated(response, f"/api/v1/projecten/{self.kwargs.get('pk')}/effecten")

    def get(self, request, pk: int):
        project = visible_project(request, pk)
        return Response(
            effect_figures(
                request,
                project,
                request.query_params.get("instrument"),
                request.query_params.get("uitsplitsing"),
            )
        )


def effect_figures(request, project, wanted: str | None, split: str | None) -> dict:
    """The figures both API versions publish, through the disclosure core like the screens.

    ``releases.figures_for`` gives a role without participant access the latest release."""
    figures = releases.figures_for(request, project)
    in_use = {i.id: i for i in figures.instruments_in_use()}
    if wanted and wanted not in in_use:
        raise ValidationError({"instrument": "unknown or not used in this project"})
    instrument = in_use.get(wanted) if wanted else None
    instrument = instrument or next(iter(in_use.values()), services.instrument())
    if split and split not in BREAKDOWNS:
        raise ValidationError({"uitsplitsing": f"one of {', '.join(BREAKDOWNS)}"})
    levels = instrument.scale.values
    by = (BREAKDOWNS[split],) if split else ()
    output = figures.effect_output(instrument)
    definition = releases.pair_definition_for(figures, project)
    names = analytics.pairing(definition)
    if split:
        # Protected together with the project's figure per domain (linked tables).
        groups, hidden = [], 0
        for item in instrument.item_ids:
            part = analytics.shown_groups(output.breakdown(item, BREAKDOWNS[split]))
            hidden += part.suppressed
            groups += [(item, g) for g in part.groups]
    else:
        shown = analytics.shown_groups(output.total)
        groups = [(g.key["domain"], g) for g in shown.groups]
        hidden = shown.suppressed
    return {
        "project": project.pk,
        "instrument": instrument.id,
        "threshold": services.threshold(),
        "released": figures.released,
        "stand": figures.stand.isoformat() if figures.stand else None,
        "unit": "persons: one trajectory per person (the most recent complete pair)",
        "pair_definition": names["code"] or None,
        "pair_definition_label": names["label"],
        "breakdown": by[0] if by else None,
        "suppressed_groups": hidden,
        "groups": [
            {
                "domain": domain,
                **({by[0]: _key(g.key.get(by[0]))} if by else {}),
                **analytics.api_group(g, levels),
            }
            for domain, g in groups
        ],
    }
