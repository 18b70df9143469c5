"""Checks on a chain before any money is put on it.

Errors (``errors.ValuationError`` subclasses) stop the calculation and name the element at fault.
Findings are weaker: the calculation can run, but the workshop should look again, for example at
a link without its if-then assumption, or at a price that is *onbekend*.
"""

from __future__ import annotations

import math
from collections.abc import Iterable
from dataclasses import dataclass

from proeftuin.core.valuation.errors import (
    CycleError,
    DuplicateIdError,
    InvalidLinkError,
    InvalidValueError,
    MissingPriceError,
    RangeOrderError,
    ShareError,
    UnallocatedEffectError,
    UnknownReferenceError,
)
from proeftuin.core.valuation.model import (
    Activity,
    Chain,
    Distribution,
    Effect,
    Estimate,
    Investment,
    Measure,
    PriceList,
    Settings,
    SizeKind,
)

LOGNORMAL_MAX_RATIO = 1_000.0
"""Widest high/low a lognormal estimate may span: beyond it the mean (the headline) is
dominated by the far tail rather than by the workshop's estimate."""

SHARE_TOLERANCE = 1e-9
"""How far allocation shares may miss 1 by rounding before the effect counts as misallocated."""


@dataclass(frozen=True, slots=True)
class Finding:
    """Something to look at again that does not stop the calculation."""

    element_id: str
    code: str
    message: str


def check_estimate(
    estimate: Estimate,
    label: str,
    field: str,
    *,
    lower: float | None = None,
    upper: float | None = None,
    element_id: str,
) -> None:
    """Raise if an estimate is out of order or outside its bounds, naming element and field.

    A bounded quantity in [0, 1] (a share or probability) raises ``ShareError``; other bounds
    (a count below zero) raise ``InvalidValueError``.
    """
    points = (estimate.low, estimate.likely, estimate.high)
    if not all(math.isfinite(p) for p in points):
        raise InvalidValueError(
            f"{label}: {field} must be a finite number, got {points}",
            element_id=element_id,
            field=field,
        )
    if estimate.low > estimate.high:
        raise RangeOrderError(
            f"{label}: {field} low {estimate.low:g} is above high {estimate.high:g}",
            element_id=element_id,
            field=field,
        )
    if not estimate.low <= estimate.likely <= estimate.high:
        raise RangeOrderError(
            f"{label}: {field} likely {estimate.likely:g} lies outside "
            f"[{estimate.low:g}, {estimate.high:g}]",
            element_id=element_id,
            field=field,
        )
    is_share = lower == 0.0 and upper == 1.0
    error = ShareError if is_share else InvalidValueError
    if lower is not None and estimate.low < lower:
        what = "a share or probability in [0, 1]" if is_share else f"at least {lower:g}"
        raise error(
            f"{label}: {field} must be {what}, got low {estimate.low:g}",
            element_id=element_id,
            field=field,
        )
    if upper is not None and estimate.high > upper:
        what = "a share or probability in [0, 1]" if is_share else f"at most {upper:g}"
        raise error(
            f"{label}: {field} must be {what}, got high {estimate.high:g}",
            element_id=element_id,
            field=field,
        )
    if estimate.distribution == Distribution.LOGNORMAL and estimate.uncertain and estimate.low <= 0:
        raise InvalidValueError(
            f"{label}: {field} uses a lognormal distribution, which needs low > 0 "
            f"(got {estimate.low:g})",
            element_id=element_id,
            field=field,
        )
    if (
        estimate.distribution == Distribution.LOGNORMAL
        and estimate.uncertain
        and estimate.high > LOGNORMAL_MAX_RATIO * estimate.low
    ):
        raise InvalidValueError(
            f"{label}: {field} uses a lognormal distribution over a range wider than a factor "
            f"{LOGNORMAL_MAX_RATIO:g} (low {estimate.low:g}, high {estimate.high:g}); its expected "
            "value would be dominated by the tail. Narrow the range or use PERT",
            element_id=element_id,
            field=field,
        )


def check_settings(settings: Settings) -> None:
    """A horizon must be a whole number of years ≥ 0 and the rate above −100%."""
    if not isinstance(settings.horizon, int) or settings.horizon < 0:
        raise InvalidValueError(
            f"settings: horizon must be a whole number of years ≥ 0, got {settings.horizon!r}",
            element_id="settings",
            field="horizon",
        )
    rate = settings.discount_rate
    if not math.isfinite(rate) or rate <= -1.0:
        raise InvalidValueError(
            f"settings: discount rate must be finite and above -100%, got {rate!r}",
            element_id="settings",
            field="discount_rate",
        )


def validate(
    chain: Chain, prices: PriceList, settings: Settings | None = None
) -> tuple[Finding, ...]:
    """Raise on input that cannot be valued; return the findings for input that can.

    Raises (all ``ValueError``): duplicate ids, links to missing elements or into an investment,
    a cycle, an effect that benefits nobody, a range out of order, a share outside [0, 1], a
    price key missing from the price list, a bad horizon or rate.
    """
    settings = settings or Settings()
    check_settings(settings)
    labels = _check_ids(chain)
    _check_links(chain, labels)
    _check_cycles(chain, labels)
    for investment in chain.investments:
        _check_investment(investment)
    groups = {group.id for group in chain.groups}
    for group in chain.groups:
        check_estimate(group.size, group.label, "participants", lower=0.0, element_id=group.id)
    for effect in chain.effects:
        _check_effect(effect, prices)
        if effect.group and effect.group not in groups:
            raise UnknownReferenceError(
                f"{effect.label}: participant group '{effect.group}' does not exist",
                element_id=effect.id,
                field="group",
            )
    for price in prices.prices:
        if price.value is not None:
            check_estimate(price.value, f"price '{price.key}'", "value", element_id=price.key)
    return tuple(_findings(chain, prices, settings))


def _check_ids(chain: Chain) -> dict[str, str]:
    labels: dict[str, str] = {}
    elements: tuple[Investment | Activity | Effect, ...] = (
        *chain.investments,
        *chain.activities,
        *chain.effects,
    )
    for element in elements:
        if not element.id:
            raise InvalidValueError(f"{element.label}: an element needs an id", field="id")
        if element.id in labels:
            raise DuplicateIdError(
                f"id '{element.id}' is used twice: {labels[element.id]} and {element.label}",
                element_id=element.id,
                field="id",
            )
        labels[element.id] = element.label
    return labels


def _check_links(chain: Chain, labels: dict[str, str]) -> None:
    investments = {i.id for i in chain.investments}
    for link in chain.links:
        for end, name in ((link.source, "source"), (link.target, "target")):
            if end not in labels:
                raise UnknownReferenceError(
                    f"link {link.source} → {link.target}: its {name} '{end}' is not in the chain",
                    element_id=end,
                    field=name,
                )
        if link.target in investments:
            raise InvalidLinkError(
                f"link {link.source} → {link.target}: {labels[link.target]} cannot be caused "
                "by another element; investments only start a chain",
                element_id=link.target,
                field="target",
            )


def _check_cycles(chain: Chain, labels: dict[str, str]) -> None:
    """Depth-first search; on a back edge, report the loop element by element."""
    graph: dict[str, list[str]] = {node: [] for node in labels}
    for link in chain.links:
        graph[link.source].append(link.target)
    state: dict[str, int] = dict.fromkeys(graph, 0)  # 0 new, 1 on the path, 2 done
    for root in graph:
        if state[root]:
            continue
        path: list[str] = [root]
        iters = [iter(graph[root])]
        state[root] = 1
        while iters:
            nxt = next(iters[-1], None)
            if nxt is None:
                state[path.pop()] = 2
                iters.pop()
            elif state[nxt] == 1:
                cycle = (*path[path.index(nxt) :], nxt)
                named = " → ".join(labels[node] for node in cycle)
                raise CycleError(f"the chain has a cycle: {named}", cycle=cycle)
            elif state[nxt] == 0:
                state[nxt] = 1
                path.append(nxt)
                iters.append(iter(graph[nxt]))


def _check_investment(investment: Investment) -> None:
    label = investment.label
    if not investment.party:
        raise InvalidValueError(
            f"{label}: name the party that pays", element_id=investment.id, field="party"
        )
    if not isinstance(investment.start_year, int) or investment.start_year < 0:
        raise InvalidValueError(
            f"{label}: start year must be a whole number ≥ 0, got {investment.start_year!r}",
            element_id=investment.id,
            field="start_year",
        )
    for offset, amount in enumerate(investment.amounts):
        if not math.isfinite(amount):
            raise InvalidValueError(
                f"{label}: amount in year {investment.start_year + offset} is not a number",
                element_id=investment.id,
                field="amounts",
            )
    check_estimate(
        investment.cost_factor, label, "cost_factor", lower=0.0, element_id=investment.id
    )


def _check_effect(effect: Effect, prices: PriceList) -> None:
    label = effect.label
    if effect.size_kind == SizeKind.PROBABILITY:
        check_estimate(effect.size, label, "size", lower=0.0, upper=1.0, element_id=effect.id)
    else:
        check_estimate(effect.size, label, "size", element_id=effect.id)
    check_estimate(effect.participants, label, "participants", lower=0.0, element_id=effect.id)
    for name in ("decay", "deadweight", "attribution", "displacement"):
        check_estimate(
            getattr(effect, name), label, name, lower=0.0, upper=1.0, element_id=effect.id
        )
    if not isinstance(effect.start_year, int) or effect.start_year < 0:
        raise InvalidValueError(
            f"{label}: start year must be a whole number ≥ 0, got {effect.start_year!r}",
            element_id=effect.id,
            field="start_year",
        )
    if effect.duration is not None and (
        not isinstance(effect.duration, int) or effect.duration < 1
    ):
        raise InvalidValueError(
            f"{label}: duration must be a whole number of years ≥ 1 (or open), "
            f"got {effect.duration!r}",
            element_id=effect.id,
            field="duration",
        )
    if not effect.beneficiaries:
        raise UnallocatedEffectError(
            f"{label} benefits nobody: say which party and policy domain gain from it",
            element_id=effect.id,
            field="beneficiaries",
        )
    for share in effect.beneficiaries:
        if not math.isfinite(share.share) or not 0.0 <= share.share <= 1.0:
            raise ShareError(
                f"{label}: the share for {share.party} ({share.domain}) must be in [0, 1], "
                f"got {share.share:g}",
                element_id=effect.id,
                field="beneficiaries",
            )
        if not share.party:
            raise UnallocatedEffectError(
                f"{label}: a benefit share has no party",
                element_id=effect.id,
                field="beneficiaries",
            )
    total = math.fsum(share.share for share in effect.beneficiaries)
    if abs(total - 1.0) > SHARE_TOLERANCE:
        raise UnallocatedEffectError(
            f"{label}: the benefit shares add up to {total:g}, not 1; "
            "every euro of the effect must land with someone",
            element_id=effect.id,
            field="beneficiaries",
        )
    if effect.in_euros:
        if effect.price_key:
            raise InvalidValueError(
                f"{label}: the size is already in euros, so it takes no price "
                f"(got price '{effect.price_key}')",
                element_id=effect.id,
                field="price_key",
            )
        return
    if effect.price_key not in prices:
        raise MissingPriceError(
            f"{label}: price '{effect.price_key}' is not on the price list"
            + (f" '{prices.name}'" if prices.name else "")
            + "; add it, or add it as onbekend (unknown)",
            element_id=effect.id,
            field="price_key",
        )


def _findings(chain: Chain, prices: PriceList, settings: Settings) -> Iterable[Finding]:
    horizon = settings.horizon
    targets = {link.target for link in chain.links}
    sources = {link.source for link in chain.links}
    for link in chain.links:
        if not link.assumption.strip():
            yield Finding(
                link.source,
                "no_assumption",
                f"link {link.source} → {link.target} has no if-then assumption",
            )
    for investment in chain.investments:
        if investment.id not in sources:
            yield Finding(investment.id, "unlinked", f"{investment.label} pays for no activity")
        if investment.amounts and investment.start_year >= horizon:
            yield Finding(
                investment.id, "beyond_horizon", f"{investment.label} starts after the horizon"
            )
    for activity in chain.activities:
        if activity.id not in sources:
            yield Finding(activity.id, "unlinked", f"{activity.label} leads to no effect")
    for effect in chain.effects:
        if effect.id not in targets:
            yield Finding(effect.id, "unlinked", f"{effect.label} is not caused by any activity")
        if effect.start_year >= horizon:
            yield Finding(effect.id, "beyond_horizon", f"{effect.label} starts after the horizon")
        price = prices.get(effect.price_key)
        if effect.measure == Measure.NET and (
            effect.deadweight.high > 0 or effect.attribution.low < 1 or effect.displacement.high > 0
        ):
            yield Finding(
                effect.id,
                "net_corrections_ignored",
                f"{effect.label} is already an increment against the reference scenario; its "
                "deadweight, attribution and displacement are not applied again",
            )
        if price is not None and price.value is None:
            yield Finding(
                effect.id,
                "unknown_price",
                f"{effect.label}: price '{price.key}' is onbekend (unknown); the effect is left "
                "out of the balance and reported separately",
            )
