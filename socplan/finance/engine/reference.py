"""Straightforward per-entry Decimal implementations (the benchmark's reference and the tests' oracle).

Written to be obviously right rather than fast: one loop over the entries, Python Decimal / Fraction
arithmetic, the definitions of docs/financing.md taken literally. The vectorised engine must agree with these
to the crown (support: exactly; rules allocation: exactly; the optimisation mode is the rules engine on
weighted need, so ``reference_rules`` on ``weight × OP`` is its oracle too).
"""

from __future__ import annotations

import math
from collections.abc import Sequence
from decimal import ROUND_FLOOR, ROUND_HALF_UP, Decimal, localcontext
from fractions import Fraction

import pandas as pd

from socplan.core.money import to_decimal

from .params import GROUP_UNIT, FinanceParams, Group, Unit

ONE = Decimal(1)


def _get(row: dict, name: str):
    v = row.get(name)
    if v is None or v is pd.NA or (isinstance(v, float) and math.isnan(v)):
        return None
    return to_decimal(v)


def _czk(d: Decimal) -> Decimal:
    return d.quantize(ONE, ROUND_HALF_UP)


def reference_support(frame: pd.DataFrame, params: FinanceParams) -> list[dict]:
    """One dict per row: service_id, group and the five amounts as Decimal whole CZK."""
    out = []
    with localcontext() as ctx:
        ctx.prec = 60
        for row in frame.to_dict("records"):
            kind = str(row["kind"])
            g = row.get("group")
            if g is None or (isinstance(g, float) and math.isnan(g)):
                group = params.group_of(kind, str(row["form"]))
            else:
                group = Group(str(g))
            rate = params.rate(kind, group)
            muni_rate = _get(row, "municipal_rate")
            muni_rate = Decimal(0) if muni_rate is None else muni_rate
            k_share = _get(row, "region_cofinancing_share")
            k_share = params.region_cofinancing[group] if k_share is None else k_share
            if GROUP_UNIT[group] == Unit.FTE_MONTH:
                u = _get(row, "fte")
                m = _get(row, "months")
                m = params.months if m is None else m
                k = _get(row, "users")
                k = Decimal(0) if k is None else k
                on = _czk(rate.normative * u * m)
                fees = _czk(rate.user_fee * k * m)
                hi = Decimal(0)
            else:
                beds = _get(row, "beds")
                days = _get(row, "days")
                days = Decimal(params.days_in_year) if days is None else days
                occ = _get(row, "occupancy")
                occ = rate.occupancy if occ is None else occ
                occupied = beds * days * occ
                on = _czk(rate.normative * occupied)
                fees = _czk(rate.user_fee * occupied)
                hi = _czk(rate.health_insurance * occupied)
            given_fees, given_hi = _get(row, "user_fees"), _get(row, "health_insurance")
            if given_fees is not None:
                fees = _czk(given_fees)
            if given_hi is not None:
                hi = _czk(given_hi)
            municipal = _czk(muni_rate * on)  # the municipalities' required share: round_half_up(rate × ON)
            region = _czk(k_share * on)
            cofin = municipal + region
            support = max(Decimal(0), on - fees - hi - cofin)
            out.append({"service_id": row["service_id"], "group": group, "optimised_cost": on, "user_fees": fees,
                        "health_insurance": hi, "municipal_cofinancing": municipal, "region_cofinancing": region,
                        "cofinancing": cofin, "optimal_support": support})
    return out


# --- rules mode -----------------------------------------------------------------------------------------------

def _v(n: int, lo: int, hi: int, t: Decimal) -> int:
    return min(max(int((n * t + Decimal("0.5")).to_integral_value(ROUND_FLOOR)), lo), hi)


def reference_uniform(n: Sequence[int], lo: Sequence[int], hi: Sequence[int], budget: int) -> list[int]:
    """The definition: x = clamp(⌊nᵢ·t + ½⌋, lo, hi) at the least t with Σx ≥ budget; ties → earlier rows.

    Found by plain bisection on t in Decimal arithmetic, narrowed until at most one crossing point is left.
    """
    n, lo, hi = list(map(int, n)), list(map(int, lo)), list(map(int, hi))
    if budget <= sum(lo):
        return list(lo)
    big = max(n)
    with localcontext() as ctx:
        ctx.prec = 120
        s = lambda t: sum(_v(a, b, c, t) for a, b, c in zip(n, lo, hi, strict=True))  # noqa: E731
        t_lo = Decimal(0)
        t_hi = Decimal(max(Fraction(c, a) for a, c in zip(n, hi, strict=True) if a > 0).__ceil__() + 1)
        width = Decimal(1) / (Decimal(16) * big * big)  # distinct crossings are ≥ 1/(4·nᵢ·nⱼ) apart
        while t_hi - t_lo > width:
            mid = (t_lo + t_hi) / 2
            if s(mid) >= budget:
                t_hi = mid
            else:
                t_lo = mid
        base = [_v(a, b, c, t_lo) for a, b, c in zip(n, lo, hi, strict=True)]
        top = [_v(a, b, c, t_hi) for a, b, c in zip(n, lo, hi, strict=True)]
    extra = budget - sum(base)
    for i in range(len(n)):
        if extra == 0:
            break
        if top[i] > base[i]:
            base[i] += 1
            extra -= 1
    assert extra == 0
    return base


def reference_coefficient(n, lo, hi, budget) -> Fraction:
    """Exact k with Σ clamp(k·nᵢ, loᵢ, hiᵢ) = budget by sweeping all breakpoints in order."""
    points = sorted({Fraction(0)} | {Fraction(x, m) for x, m in zip(list(lo) + list(hi), list(n) * 2, strict=True)
                                     if m > 0})

    def s(k: Fraction) -> Fraction:
        return sum((min(max(k * a, b), c) for a, b, c in zip(n, lo, hi, strict=True)), Fraction(0))

    prev = points[0]
    for p in points:
        sp = s(p)
        if sp >= budget:
            if sp == budget or p == prev:
                return p
            sprev = s(prev)
            return prev + (p - prev) * (budget - sprev) / (sp - sprev)
        prev = p
    raise ValueError("budget above Σhi")


def reference_largest_remainder(n, lo, hi, budget) -> list[int]:
    k = reference_coefficient(n, lo, hi, budget)
    exact = [min(max(k * a, Fraction(b)), Fraction(c)) for a, b, c in zip(n, lo, hi, strict=True)]
    floors = [math.floor(e) for e in exact]
    order = sorted(range(len(n)), key=lambda i: (-(exact[i] - floors[i]), i))
    for i in order[: budget - sum(floors)]:
        floors[i] += 1
    return floors


def reference_rules(need, tier, lo, hi, budget: int, rounding: str = "uniform") -> list[int]:
    """Tier by tier, per entry: full tiers get hi, the first tier that does not fit is shared, later get 0."""
    fill = reference_uniform if rounding == "uniform" else reference_largest_remainder
    need, tier, lo, hi = list(map(int, need)), list(map(int, tier)), list(map(int, lo)), list(map(int, hi))
    out = [0] * len(need)
    remaining = int(budget)
    for t in sorted(set(tier)):
        idx = [i for i in range(len(need)) if tier[i] == t]
        capped = sum(hi[i] for i in idx)
        floors = sum(lo[i] for i in idx)
        if remaining >= capped:
            for i in idx:
                out[i] = hi[i]
        elif remaining == 0:
            pass
        elif remaining >= floors:
            act = [i for i in idx if need[i] > 0 and hi[i] > lo[i]]
            rest = remaining - sum(lo[i] for i in idx if i not in act)
            for i in idx:
                out[i] = lo[i]
            if act:
                vals = fill([need[i] for i in act], [lo[i] for i in act], [hi[i] for i in act], rest)
                for i, x in zip(act, vals, strict=True):
                    out[i] = x
        else:
            act = [i for i in idx if lo[i] > 0]
            vals = fill([lo[i] for i in act], [0] * len(act), [lo[i] for i in act], remaining)
            for i, x in zip(act, vals, strict=True):
                out[i] = x
        remaining -= sum(out[i] for i in idx)
    return out
