"""The link from monitoring (*tel en vertel*) into the effects chain.

Seed 004 §2.2.3: monitoring during delivery feeds an ex-post MKBA. An effect marked
``basis = "observed"`` with an ``observed_measure`` takes its size from the project's paired
change under the project's pair definition (by default the 0-meting against the end
measurement): fewer heavy measures, fewer professionals
or fewer organisations per participant. The size is the mean reduction with its 90% confidence
interval as low and high, drawn as a normal distribution in Monte Carlo (which reads low and high
as the 5th and 95th percentiles). The mark "waargenomen" and the source sentence travel with it.

Small-cell suppression holds here too: a figure over fewer pairs than the threshold is not
returned, and the effect keeps its typed numbers.
"""

from __future__ import annotations

from dataclasses import dataclass

from django.utils.translation import gettext as _

from proeftuin.core.monitoring.stats import t_interval
from proeftuin.core.valuation import Distribution, Estimate

#: Monte Carlo's normal distribution reads low / high as a 90% interval (montecarlo.Z95).
CONFIDENCE = 0.90


@dataclass(frozen=True, slots=True)
class ObservedInput:
    """What monitoring observed for one effect, with its uncertainty.

    ``size`` is the observed change per participant (for a probability-type effect: the share of
    participants for whom it happened, e.g. heavy measures avoided between the 0- and 1-meting),
    as low / likely / high (a 90% interval); ``participants`` the observed group size, or
    ``None`` to keep the typed one. ``source`` names the measurement and ``n`` the pairs it
    covers; both are shown beside the number.
    """

    size: Estimate
    participants: Estimate | None = None
    source: str = ""
    n: int = 0


def observed_inputs(project, *, live: bool = False) -> dict[int, ObservedInput]:
    """Observed values for the project's effects marked observed, keyed by ``Effect.pk``.

    ``live``: the reader may see participant-level data, so the sum over case timelines is the
    live one (and the read is logged); otherwise it is the one in the project's latest release,
    like every figure a role without participant access reads.

    Only effects of ``project`` whose ``basis`` is ``"observed"`` and that name a measure; never a
    value for a group below the suppression threshold; ``{}`` means "nothing observed yet", never
    "observed to be zero".
    """
    from proeftuin.monitoring import services
    from proeftuin.monitoring.analytics import burden as analytics_burden
    from proeftuin.monitoring.analytics import burden_labels
    from proeftuin.monitoring.analytics import pairing as analytics_pairing

    from .models import Effect

    effects = list(
        Effect.objects.filter(project=project, basis=Effect.BasisChoice.OBSERVED).exclude(
            observed_measure=""
        )
    )
    if not effects:
        return {}
    found: dict[int, ObservedInput] = {}
    case_effects = [e for e in effects if e.observed_measure == "case_costs"]
    if case_effects:
        found.update(_case_inputs(project, case_effects, live=live))
        effects = [e for e in effects if e.observed_measure != "case_costs"]
        if not effects:
            return found
    # Through the disclosure control like every monitoring figure: one pair per person. A role
    # without participant access reads the latest release, never live pairs (black-box finding:
    # one changed end measurement moved a funder's MKBA figure).
    if live:
        report = analytics_burden([project.pk], confidence=CONFIDENCE)
        definition = services.pair_definition(project.pk)
    else:
        from proeftuin.monitoring.releases import pair_definition_for, released_figures

        released = released_figures(project)
        report = released.burden()
        definition = pair_definition_for(released, project)
    figures = {
        group.key.get("domain"): group
        for group in report.groups
        if not group.suppressed and group.mean_change is not None
    }
    labels = burden_labels()
    # The source sentence names how the project's pairs are made (issue 10, item 2).
    pairing = analytics_pairing(definition)
    for effect in effects:
        group = figures.get(effect.observed_measure)
        if group is None:
            continue
        # A decrease is the effect: the reduction is minus the change (latest − baseline), with
        # the interval at the MKBA's 90% whatever confidence the figures were published with.
        ci_low, ci_high = t_interval(group.mean_change, group.se_change, group.df, CONFIDENCE)
        low, likely, high = -ci_high, -group.mean_change, -ci_low
        if effect.size_kind == Effect.Kind.PROBABILITY:
            low, likely, high = (min(max(v, 0.0), 1.0) for v in (low, likely, high))
        found[effect.pk] = ObservedInput(
            size=Estimate(low, likely, high, Distribution.NORMAL),
            source=_(
                "Tel en vertel: %(measure)s, gemiddelde afname per deelnemer (%(pairs)s), "
                "%(n)s paren, 90%%-betrouwbaarheidsinterval."
            )
            % {
                "measure": labels.get(effect.observed_measure, effect.observed_measure),
                "pairs": pairing["label"],
                "n": group.n,
            },
            n=group.n or 0,
        )
    return found


def _euro(value: float | None) -> str:
    from proeftuin.common.numbers import decimal_text

    return "—" if value is None else "€ " + decimal_text(value, 0, grouping=True)


def _case_inputs(project, effects, *, live: bool) -> dict[int, ObservedInput]:
    """The sum over case timelines as published (the disclosure module): the mean saving per
    person with its 90% interval and n in persons; never a value below the small-cell threshold,
    never an incomplete case counted as zero."""
    from proeftuin.monitoring.case_summary import summary_for

    summary = summary_for(project, live=live)
    if summary is None or summary.mean is None:
        return {}
    low = summary.low if summary.low is not None else summary.mean
    high = summary.high if summary.high is not None else summary.mean
    source = _(
        "Casusverloop (waargenomen kosten), gevonden door waarneming: referentie 'zonder aanpak' "
        "min de werkelijke hulp, gemiddeld %(mean)s per deelnemer (standaardfout %(se)s, "
        "90%%-betrouwbaarheidsinterval %(low)s tot %(high)s), over %(n)s casussen geteld in "
        "personen (%(incomplete)s onvolledig, niet meegeteld). Een bedrag in euro in constante "
        "prijzen: geen prijs nodig."
    ) % {
        "mean": _euro(summary.mean),
        "se": _euro(summary.se),
        "low": _euro(low),
        "high": _euro(high),
        "n": summary.n,
        "incomplete": summary.incomplete,
    }
    return {
        effect.pk: ObservedInput(
            size=Estimate(low, summary.mean, high, Distribution.NORMAL),
            source=source,
            n=summary.n,
        )
        for effect in effects
    }
