"""The link from monitoring (*tel en vertel*) into the effects chain: a hook, empty for now.

Seed 004 §2.2.3: monitoring during delivery feeds an ex-post MKBA. The issue asks that observed
effects from *tel en vertel* (for example a change in heavy measures such as out-of-home
placements, or in the number of professionals per family) can feed the chain as inputs with their
uncertainty, and that observed and assumed inputs stay marked as such.

Today an effect is marked ``basis = "observed"`` by hand, with a note on its source
(``Effect.observed_source``), and its numbers are typed in. When the monitoring capability exists
it implements :func:`observed_inputs`; :mod:`proeftuin.valuation.convert` already calls it and
lets what it returns replace the typed numbers of effects marked observed, keeping the mark.
"""

from __future__ import annotations

from dataclasses import dataclass

from proeftuin.core.valuation import Estimate


@dataclass(frozen=True, slots=True)
class ObservedInput:
    """What monitoring observed for one effect, with its uncertainty.

    ``size`` is the observed change per participant (for a probability-type effect: the share of
    participants for whom it happened, e.g. heavy measures avoided between the 0- and 1-meting),
    as low / likely / high (say a 90% interval); ``participants`` the observed group size, or
    ``None`` to keep the typed one. ``source`` names the measurement and ``period`` the time it
    covers; both are shown beside the number.
    """

    size: Estimate
    participants: Estimate | None = None
    source: str = ""
    period: str = ""


def observed_inputs(project) -> dict[int, ObservedInput]:
    """Observed values for the project's effects marked observed, keyed by ``Effect.pk``.

    Contract for the monitoring capability:

    - return only effects of ``project`` whose ``basis`` is ``"observed"``;
    - never return a value for a group smaller than monitoring's suppression threshold (the
      privacy rule of *tel en vertel*): leave such an effect out, its typed numbers then stay;
    - ``{}`` means "nothing observed yet", never "observed to be zero".

    Returns ``{}`` until monitoring is built.
    """
    return {}
