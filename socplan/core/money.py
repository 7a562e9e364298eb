"""Money helpers: every amount is a Decimal, rounded to whole CZK (ROUND_HALF_UP) unless a rule says otherwise.

`largest_remainder` splits a whole-crown total into parts proportional to weights so that the parts add up
exactly to the total — the way allocations and co-financing splits reconcile "to the crown".
"""

from __future__ import annotations

from collections.abc import Sequence
from decimal import ROUND_HALF_UP, Decimal

ONE = Decimal(1)
NBSP = "\xa0"


def to_decimal(value) -> Decimal:
    if isinstance(value, Decimal):
        return value
    if isinstance(value, float):
        # Go through repr so 0.1 becomes Decimal("0.1"), not its binary expansion.
        return Decimal(repr(value))
    return Decimal(value)


def czk(value) -> Decimal:
    """Round to whole crowns, half up (the rounding the Czech subsidy rules use)."""
    return to_decimal(value).quantize(ONE, rounding=ROUND_HALF_UP)


def format_number(value, decimals: int = 0) -> str:
    """Czech grouping: '3 039 820 634' with non-breaking spaces, decimal comma."""
    d = to_decimal(value)
    quant = ONE if decimals == 0 else Decimal(1).scaleb(-decimals)
    d = d.quantize(quant, rounding=ROUND_HALF_UP)
    sign = "-" if d < 0 else ""
    whole, _, frac = f"{abs(d):f}".partition(".")
    groups = []
    while whole:
        groups.insert(0, whole[-3:])
        whole = whole[:-3]
    text = NBSP.join(groups) or "0"
    return sign + text + ("," + frac if frac else "")


def format_czk(value) -> str:
    """'3 039 820 634 Kč' (whole crowns, non-breaking spaces)."""
    return format_number(czk(value)) + NBSP + "Kč"


def largest_remainder(total: Decimal, weights: Sequence[Decimal | int | float]) -> list[Decimal]:
    """Split whole-crown `total` in proportion to `weights`; the parts are whole crowns summing to `total`.

    Ties in the remainders go to the earlier position, so the result is deterministic.
    """
    total = to_decimal(total)
    if total != total.to_integral_value():
        raise ValueError("total must be whole crowns")
    ws = [to_decimal(w) for w in weights]
    if any(w < 0 for w in ws):
        raise ValueError("weights must not be negative")
    wsum = sum(ws, Decimal(0))
    if not ws:
        return []
    if wsum == 0:
        raise ValueError("weights sum to zero")
    exact = [total * w / wsum for w in ws]
    floors = [e.to_integral_value(rounding="ROUND_FLOOR") for e in exact]
    left = int(total - sum(floors, Decimal(0)))
    order = sorted(range(len(ws)), key=lambda i: (-(exact[i] - floors[i]), i))
    for i in order[:left]:
        floors[i] += 1
    return floors
