"""Optimisation mode of the allocation: protected existing network, then a weighted max–min fair share.

The model a region can defend (docs/financing.md §3.5). Entry *i* has optimal support ``nᵢ`` (OP), bounds
``loᵢ ≤ xᵢ ≤ hiᵢ`` from the per-kind policy (:class:`~.allocation.KindBounds`), a tier (0 = the existing network,
1, 2, … = development requests by priority) and a weight ``wᵢ > 0`` (e.g. ``0.5 + evaluation points / 100``).

1. **Protection.** Every existing entry (tier 0) first gets its *floor* ``fᵢ = clamp(max(floorᵢ, loᵢ), 0, hiᵢ)``:
   ``floorᵢ`` is an input array (e.g. the programme's year-on-year damping rule, :func:`damping_floors`), so
   nobody is above optimal support and nothing is given to development requests while a floor is unmet. When the
   budget does not cover the floors, they are reduced by one common coefficient.
2. **Tier order.** Tiers are served in order: a development tier gets anything only when every entry of the
   earlier tiers is at its upper bound.
3. **Max–min fair share within the tier that the budget reaches.** Among all amounts with ``fᵢ ≤ xᵢ ≤ hiᵢ`` and
   ``Σxᵢ`` = what is left, the one that lexicographically maximises the smallest *weighted funded share*
   ``xᵢ / (wᵢ·nᵢ)`` — water-filling: ``xᵢ = clamp(λ·wᵢ·nᵢ, fᵢ, hiᵢ)`` with one common level λ. Exact in
   fractions; rounded to the crown by the divisor rule of the rules mode (Webster), so the total is exact.

Properties that follow from the construction (and that hypothesis tests check): the amounts add up to the budget
or to Σhi; nobody gets more than its upper bound (≤ OP); more budget never gives an entry less (λ only rises,
tiers only fill); equal entries get equal exact amounts (the crowns differ by at most one, the extra crown to the
earlier row); floors hold whenever the budget covers them; tier order holds.

Each amount is explained by the constraint that bound it (:data:`BOUND_LABEL`): the floor, the per-kind cap,
the full need, the common level λ, a reduced floor or an unfunded tier.

A knapsack formulation (maximise Σ wᵢxᵢ under one budget row) was this mode before: it funded whole entries by
weight, gave nothing to existing services while funding requests and was not monotone; it is not offered.
"""

from __future__ import annotations

from collections.abc import Mapping, Sequence
from dataclasses import replace
from decimal import ROUND_HALF_UP, Decimal
from fractions import Fraction

import numpy as np
import pandas as pd

from socplan.core.money import to_decimal

from .allocation import (
    OPTIMISE,
    UNIFORM,
    AllocationResult,
    KindBounds,
    _tiers,
    _whole,
    entry_bounds,
    protected_floors,
    rules_core,
)
from .support import InputError, SupportResult, kc, num

WEIGHT_DIGITS = 4  # weights are used exactly at 0.0001
MAX_WEIGHT = Decimal(1000)

FLOOR, FLOOR_REDUCED, CAP, NEED, LEVEL, UNFUNDED = "floor", "floor_reduced", "cap", "need", "level", "unfunded"
BOUND_LABEL = {
    FLOOR: "chráněné minimum (podlaha)",
    FLOOR_REDUCED: "podlahy krácené (rozpočet nestačí ani na ně)",
    CAP: "strop druhu",
    NEED: "plná optimální podpora",
    LEVEL: "společná úroveň λ",
    UNFUNDED: "vrstva bez prostředků",
}


def weights_scaled(weights: Sequence) -> np.ndarray:
    """Weights as int64 in units of 10⁻⁴ (half up); each must be in (0, 1000]."""
    arr = np.asarray(weights)
    if arr.dtype.kind in "iuf":  # numbers: vectorised (floats read at 0.0001, as their shortest repr would be)
        scaled = np.rint(arr.astype(float) * 10**WEIGHT_DIGITS)
        if not np.isfinite(scaled).all() or (scaled <= 0).any() or (scaled > MAX_WEIGHT * 10**WEIGHT_DIGITS).any():
            raise InputError(f"weights must be numbers in [0.0001, {MAX_WEIGHT}]")
        return scaled.astype(np.int64)
    out = np.empty(len(weights), dtype=np.int64)
    for i, w in enumerate(weights):
        d = to_decimal(repr(float(w)) if isinstance(w, (float, np.floating)) else w)
        if not d.is_finite() or d <= 0 or d > MAX_WEIGHT:
            raise InputError(f"weight {w!r} must be a number in (0, {MAX_WEIGHT}]")
        s = int(d.scaleb(WEIGHT_DIGITS).quantize(Decimal(1), ROUND_HALF_UP))
        if s <= 0:
            raise InputError(f"weight {w!r} is below 0.0001")
        out[i] = s
    return out


def optimise_core(need, tier, lo, hi, weights, budget: int, floors=None):
    """Plain arrays in, ``(allocated int64, [TierOutcome], f, basis)`` out; ``basis`` = wᵢ·nᵢ in 10⁻⁴ units."""
    need = np.asarray(need, dtype=np.int64)
    tier = np.asarray(tier, dtype=np.int64)
    lo, hi = np.asarray(lo, dtype=np.int64), np.asarray(hi, dtype=np.int64)
    w = weights_scaled(weights) if not (isinstance(weights, np.ndarray) and weights.dtype == np.int64) else weights
    if len(w) != len(need):
        raise InputError("one weight per network entry is required")
    f = protected_floors(lo, hi, tier, floors)
    big = need.size and int(need.max()) * int(w.max()) >= 2**62
    basis = need.astype(object) * w.astype(object) if big else need * w
    allocated, outcomes = rules_core(basis, tier, f, hi, int(budget), UNIFORM)
    # the tier table shows the need in crowns, not the weighted basis
    outcomes = [replace(o, need=int(need[tier == o.tier].sum())) for o in outcomes]
    return allocated, outcomes, f, basis


def allocate_optimise(support: SupportResult, budget, *, bounds: Mapping[str, KindBounds] | None = None,
                      floors=None, weights=None) -> AllocationResult:
    """Optimisation-mode allocation of ``budget`` (whole CZK); see the module docstring.

    ``weights`` – one per entry (default: the frame's ``weight`` column, else 1); ``floors`` – whole-CZK protected
    amounts of the existing entries (e.g. :func:`damping_floors`), default none beyond the per-kind floors.
    """
    budget = _whole(budget)
    need = support.optimal_support
    bounds = {str(k): v for k, v in (bounds or {}).items()}
    lo, hi = entry_bounds(need, support.kinds, bounds)
    tier = _tiers(support)
    if weights is None:
        if "weight" in support.frame.columns:
            weights = pd.to_numeric(support.frame["weight"], errors="raise").fillna(1.0).tolist()
        else:
            weights = [1] * len(support)
    w = weights_scaled(weights)
    allocated, outcomes, f, basis = optimise_core(need, tier, lo, hi, w, budget, floors)
    return AllocationResult(OPTIMISE, budget, support, need, lo, hi, allocated, outcomes, tier, UNIFORM,
                            w.astype(float) / 10**WEIGHT_DIGITS, bounds, f, basis, explain)


# --- the damping rule as floors -----------------------------------------------------------------------------

def damping_floors(previous, previous_size, current_size, max_drop) -> np.ndarray:
    """Year-on-year damping: support may not drop by more than ``max_drop`` (a share, e.g. 0.1) against last
    year's amount unless the entry shrank; a shrunk entry's floor shrinks in proportion to its size.

    ``floorᵢ = round_half_up((1 − max_drop) × previousᵢ × min(1, current_sizeᵢ / previous_sizeᵢ))``; an entry
    without a previous amount or size gets 0. Sizes are FTE or beds (any non-negative numbers).
    """
    d = to_decimal(max_drop)
    if not (0 <= d <= 1):
        raise InputError("max_drop must be between 0 and 1")
    keep = Fraction(1) - Fraction(d)
    out = np.zeros(len(previous), dtype=np.int64)
    plain = [list(np.asarray(a, dtype=object).tolist()) for a in (previous, previous_size, current_size)]
    for i, (p, ps, cs) in enumerate(zip(*plain, strict=True)):
        p = int(_dec(p))
        ps, cs = Fraction(_dec(ps)), Fraction(_dec(cs))
        if p <= 0 or ps <= 0:
            continue
        x = keep * p * min(Fraction(1), cs / ps)
        out[i] = (x.numerator * 2 + x.denominator) // (2 * x.denominator)
    return out


def _dec(v) -> Decimal:
    if v is None or (isinstance(v, float) and v != v):
        return Decimal(0)
    return to_decimal(repr(v) if isinstance(v, float) else v)


# --- explanation: which constraint bound each amount -------------------------------------------------------

def binding(result: AllocationResult) -> np.ndarray:
    """Per entry the constraint that bound its amount (keys of :data:`BOUND_LABEL`)."""
    status = {o.tier: o for o in result.tiers}
    out = np.empty(len(result.need), dtype=object)
    for i in range(len(result.need)):
        out[i] = _bound(result, i, status)
    return out


def _bound(result: AllocationResult, i: int, status: dict) -> str:
    basis = result.need if result.basis is None else result.basis
    f = result.lower if result.floor is None else result.floor
    o = status[int(result.tier[i])]
    x, hi = int(result.allocated[i]), int(result.upper[i])
    full = NEED if hi == int(result.need[i]) else CAP
    if o.status == "unfunded":
        return UNFUNDED
    if o.status == "floors_reduced":
        return FLOOR_REDUCED
    if o.status == "full" or o.coefficient is None:
        return full if x == hi else FLOOR
    exact = o.coefficient * int(basis[i])
    return FLOOR if exact <= int(f[i]) else full if exact >= hi else LEVEL


def level(result: AllocationResult, tier: int) -> Fraction | None:
    """λ of a reduced tier: the amount per weighted crown of need (x = λ·w·OP before the bounds)."""
    o = next((t for t in result.tiers if t.tier == tier), None)
    if o is None or o.coefficient is None:
        return None
    return o.coefficient * 10**WEIGHT_DIGITS if result.mode == OPTIMISE else o.coefficient


def explain(result: AllocationResult, i: int) -> str:
    """Czech explanation of one amount of the optimisation mode."""
    sid = result.support.service_ids[i]
    t = int(result.tier[i])
    n, x, hi, f = int(result.need[i]), int(result.allocated[i]), int(result.upper[i]), int(result.floor[i])
    w = Decimal(int(round(result.weights[i] * 10**WEIGHT_DIGITS))).scaleb(-WEIGHT_DIGITS).normalize()
    what = "stávající síť" if t == 0 else f"rozvojové záměry, priorita {t}"
    lines = [f"Služba {sid} ({what}): optimální podpora {kc(n)}, přiděleno {kc(x)}; váha {num(w)}, "
             f"meze [{kc(f)}; {kc(hi)}]."]
    b = _bound(result, i, {o.tier: o for o in result.tiers})
    lam = level(result, t)
    if b == UNFUNDED:
        lines.append("Na tuto vrstvu nezbyly prostředky: dřívější vrstvy nejsou plně pokryty.")
    elif b == FLOOR_REDUCED:
        lines.append("Rozpočet nestačí ani na chráněná minima stávající sítě; minima jsou krácena jedním "
                     "společným koeficientem.")
    elif b == FLOOR:
        lines.append(f"Určuje chráněné minimum {kc(f)} (např. meziroční tlumení): je vyšší než společná úroveň.")
    elif b in (NEED, CAP):
        what_bound = "plná optimální podpora" if b == NEED else "strop druhu"
        lines.append(f"Určuje {what_bound} {kc(hi)}.")
    else:
        lam_d = Decimal(lam.numerator) / Decimal(lam.denominator)
        lines.append(f"Určuje společná úroveň λ = {num(lam_d.quantize(Decimal('1e-10'), ROUND_HALF_UP))}: "
                     f"λ × váha × OP = {kc((lam_d * w * n).quantize(Decimal('0.01'), ROUND_HALF_UP))}, "
                     "zaokrouhleno na celé Kč tak, aby součet byl přesně rozpočet.")
    return "\n".join(lines)
