"""Errors for bad valuation input.

The issue asks that bad input (a cycle, an effect that benefits nobody, low above high, a negative
probability, a missing price) gets an explicit message and never a server error. Every error is a
``ValueError`` so callers can catch one family; each carries a stable ``code`` and the id of the
element at fault, so the interface can point at it and translate the message.
"""

from __future__ import annotations


class ValuationError(ValueError):
    """Base class: input the valuation engine cannot use, with the element that is at fault."""

    code = "invalid"

    def __init__(self, message: str, *, element_id: str | None = None, field: str | None = None):
        super().__init__(message)
        self.element_id = element_id
        self.field = field


class DuplicateIdError(ValuationError):
    """Two elements share an id, so links between them would be ambiguous."""

    code = "duplicate_id"


class UnknownReferenceError(ValuationError):
    """A link points at an element that does not exist."""

    code = "unknown_reference"


class InvalidLinkError(ValuationError):
    """A link that makes no sense in the chain, such as one that ends in an investment."""

    code = "invalid_link"


class CycleError(ValuationError):
    """The chain loops back on itself; a theory of change must run one way (004 §2.2.1)."""

    code = "cycle"

    def __init__(self, message: str, *, cycle: tuple[str, ...]):
        super().__init__(message, element_id=cycle[0] if cycle else None)
        self.cycle = cycle


class UnallocatedEffectError(ValuationError):
    """An effect whose benefit lands with nobody, or whose shares do not add up to the whole."""

    code = "benefits_nobody"


class RangeOrderError(ValuationError):
    """A low value above its high value, or a likely value outside [low, high]."""

    code = "range_order"


class ShareError(ValuationError):
    """A share or probability outside [0, 1] (deadweight, attribution, decay, allocation)."""

    code = "share_out_of_bounds"


class InvalidValueError(ValuationError):
    """A number that cannot be right: not finite, a negative count, a negative horizon."""

    code = "invalid_value"


class MissingPriceError(ValuationError):
    """An effect refers to a price key that is not on the price list.

    Different from a price that is on the list as *onbekend* (unknown): that one is allowed and
    reported, because an unknown value is an answer (PRODUCT.md, principles).
    """

    code = "missing_price"
