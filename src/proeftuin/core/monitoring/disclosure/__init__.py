"""Disclosure control for every monitoring output: the one module figures pass through.

Small-cell suppression alone (``suppression``) protects a cell on its own; this module protects
what an attacker can compute from *several* published figures (see decision record 0015):

- **persons, not trajectories**: the threshold counts distinct persons. ``one_pair_per_person``
  keeps one trajectory per person and domain (the most recent complete pair), so n, the shares and
  the confidence interval are about persons and two trajectories of one person are never counted
  as two independent observations;
- **secondary suppression across linked tables** (``suppress_linked_cells``): the cells of one
  output (a total and its breakdowns; process indicators per year and quarter, per project and
  neighbourhood) are linked by *total = sum of parts* relations. Hidden cells are added, smallest
  first, until in every relation the hidden cells together hold at least ``threshold`` persons and
  no hidden cell can be computed by adding and subtracting published cells (checked with linear
  algebra on the relations, the way τ-ARGUS checks a suppression pattern);
- **rounding of small counts** (``protect_distribution``, ``protect_shares``,
  ``round_to_base``): a per-level distribution or a set of shares is exact only when each count is
  0 or at least the threshold; otherwise every count is rounded to base 5 and shares are derived
  from the rounded counts (ONS, OpenSAFELY practice);
- **no differencing across time** (``persons_changed_between``): a new release of figures for
  roles without participant-level access must differ from the previous one in at least
  ``threshold`` persons;
- **the sum over case timelines** (``protected_case_summary``): the saving per person, not per
  trajectory; nothing below the threshold; the incomplete count rounded.

Every function takes ``protect``-style switches only where the attack-test suite needs a positive
control; production callers never pass them.
"""

from proeftuin.core.monitoring.disclosure.cases import (
    CaseSaving,
    protected_case_summary,
    savings_per_person,
)
from proeftuin.core.monitoring.disclosure.reports import (
    PROCESS_COUNTS,
    protected_effect_reports,
    protected_effect_sums,
    protected_process_reports,
    published_group,
)
from proeftuin.core.monitoring.disclosure.rules import (
    FULL,
    NONE,
    PERSON,
    ROUNDING_BASE,
    Protection,
    Relation,
    counts_are_safe,
    derivable_hidden_cells,
    one_pair_per_person,
    partition_relations,
    persons_changed_between,
    persons_per_group,
    protect_distribution,
    protect_shares,
    round_to_base,
    suppress_linked_cells,
    suppress_partitioned_cells,
)

__all__ = [
    "CaseSaving",
    "FULL",
    "NONE",
    "PERSON",
    "PROCESS_COUNTS",
    "ROUNDING_BASE",
    "Protection",
    "Relation",
    "counts_are_safe",
    "derivable_hidden_cells",
    "one_pair_per_person",
    "partition_relations",
    "persons_changed_between",
    "persons_per_group",
    "protected_case_summary",
    "protect_distribution",
    "protect_shares",
    "protected_effect_reports",
    "protected_effect_sums",
    "protected_process_reports",
    "published_group",
    "round_to_base",
    "savings_per_person",
    "suppress_linked_cells",
    "suppress_partitioned_cells",
]
