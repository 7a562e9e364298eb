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
from dataclasses import dataclass, field, replace
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
    TierOutcome,
    _tiers,
    _whole,
    entry_bounds,
    fill,
    protected_floors,
    rules_core,
)
from .support import InputError, SupportResult, kc, num

WEIGHT_DIGITS = 4  # weights are used exactly at 0.0001
MAX_WEIGHT = Decimal(1000)

FLOOR, FLOOR_REDUCED, CAP, NEED, LEVEL, UNFUNDED = "floor", "floor_reduced", "cap", "need", "level", "unfunded"
MINIMUM, MINIMUM_REDUCED, KIND_TOTAL = "minimum", "minimum_reduced", "kind_total"
BOUND_LABEL = {
    FLOOR: "chráněné minimum (podlaha)",
    FLOOR_REDUCED: "podlahy krácené (rozpočet nestačí ani na ně)",
    MINIMUM: "minimum druhu nebo okresu",
    MINIMUM_REDUCED: "minima druhů a okresů krácena",
    CAP: "strop druhu",
    KIND_TOTAL: "strop druhu celkem",
    NEED: "plná optimální podpora",
    LEVEL: "společná úroveň",
    UNFUNDED: "vrstva bez prostředků",
}
MINIMA_REDUCED = "minima_reduced"  # tier status: the budget covers the protected floors, not the group minima


@dataclass(frozen=True)
class GroupLimits:
    """Policy limits on groups of entries (whole CZK), set by the region for the optimisation mode.

    ``kind_floor`` – per kind code: the kind's existing entries (tier 0) get at least this much together;
    ``kind_cap`` – per kind code: the kind's entries (all tiers) get at most this much together (never below the
    protected floors and minima); ``district_minimum`` – per district code: the district's existing entries get at
    least this much together (e.g. a minimum per inhabitant × the district's population). A minimum above what the
    group's entries may get (Σ upper bounds) is met as far as it can be.
    """

    kind_floor: Mapping[str, int] = field(default_factory=dict)
    kind_cap: Mapping[str, int] = field(default_factory=dict)
    district_minimum: Mapping[str, int] = field(default_factory=dict)

    def __post_init__(self):
        for name in ("kind_floor", "kind_cap", "district_minimum"):
            clean = {}
            for key, value in dict(getattr(self, name)).items():
                d = to_decimal(value)
                if not d.is_finite() or d < 0 or d != d.to_integral_value():
                    raise InputError(f"{name}[{key!r}] must be a non-negative whole number of CZK")
                clean[str(key)] = int(d)
            object.__setattr__(self, name, clean)

    def __bool__(self):
        return bool(self.kind_floor or self.kind_cap or self.district_minimum)


def group_bounds(basis, tier, f, hi, kinds, districts, limits: GroupLimits | None):
    """``(lo2, hi2)``: per entry the lower bound the group minima lift it to and the upper bound the kind caps leave.

    A group minimum ``m`` over the group's existing entries ``G`` is shared inside the group by the mode's own rule:
    ``lo2ᵢ = clamp(μ·basisᵢ, fᵢ, hiᵢ)`` with ``Σ_G = min(m, Σ_G hi)`` (one common level μ of the group; an entry
    in two groups takes the higher bound). A kind cap ``c`` is the tiered allocation of ``c`` among the kind's
    entries (existing first, at least ``lo2``): ``hi2ᵢ = max(that, lo2ᵢ)``. Both are independent of the budget,
    so the allocation stays monotone in it.
    """
    lo2 = np.asarray(f, dtype=np.int64).copy()
    hi = np.asarray(hi, dtype=np.int64)
    hi2 = hi.copy()
    if not limits:
        return lo2, hi2
    kinds = np.asarray([str(k) for k in kinds], dtype=object)
    districts = np.asarray(["" if d is None else str(d) for d in districts], dtype=object)
    existing = np.asarray(tier) == 0
    f = np.asarray(f, dtype=np.int64)
    for labels, minima in ((kinds, limits.kind_floor), (districts, limits.district_minimum)):
        for key, m in sorted(minima.items()):
            idx = np.flatnonzero((labels == key) & existing)
            if not idx.size:
                continue
            target = min(int(m), int(hi[idx].sum()))
            if target <= int(f[idx].sum()):
                continue
            vals, _k = fill(basis[idx], f[idx], hi[idx], target)
            lo2[idx] = np.maximum(lo2[idx], np.asarray(vals, dtype=np.int64))
    for key, c in sorted(limits.kind_cap.items()):
        idx = np.flatnonzero(kinds == key)
        if not idx.size or int(c) >= int(hi[idx].sum()):
            continue
        vals, _o = rules_core(basis[idx], np.asarray(tier)[idx], lo2[idx], hi[idx], int(c))
        hi2[idx] = np.maximum(vals, lo2[idx])
    return lo2, hi2


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


def optimise_core(need, tier, lo, hi, weights, budget: int, floors=None, *, kinds=None, districts=None,
                  limits: GroupLimits | None = None):
    """Plain arrays in, ``(allocated int64, [TierOutcome], f, basis)`` out; ``basis`` = wᵢ·nᵢ in 10⁻⁴ units.

    ``limits`` (with ``kinds`` and ``districts``, one label per entry) adds the region's group policy
    (:class:`GroupLimits`); :func:`optimise_bounds` gives the bounds it leads to.
    """
    allocated, outcomes, f, basis, _lo2, _hi2 = _optimise(need, tier, lo, hi, weights, budget, floors,
                                                          kinds, districts, limits)
    return allocated, outcomes, f, basis


def _optimise(need, tier, lo, hi, weights, budget, floors, kinds, districts, limits):
    need = np.asarray(need, dtype=np.int64)
    tier = np.asarray(tier, dtype=np.int64)
    lo, hi = np.asarray(lo, dtype=np.int64), np.asarray(hi, dtype=np.int64)
    w = weights_scaled(weights) if not (isinstance(weights, np.ndarray) and weights.dtype == np.int64) else weights
    if len(w) != len(need):
        raise InputError("one weight per network entry is required")
    f = protected_floors(lo, hi, tier, floors)
    big = need.size and int(need.max()) * int(w.max()) >= 2**62
    basis = need.astype(object) * w.astype(object) if big else need * w
    budget = int(budget)
    if limits:
        if kinds is None or districts is None or len(kinds) != len(need) or len(districts) != len(need):
            raise InputError("group limits need one kind and one district per network entry")
        lo2, hi2 = group_bounds(basis, tier, f, hi, kinds, districts, limits)
    else:
        lo2, hi2 = f, hi
    existing = tier == 0
    floors0, minima0 = int(f[existing].sum()), int(lo2[existing].sum())
    if budget >= minima0 or minima0 == floors0:
        allocated, outcomes = rules_core(basis, tier, lo2, hi2, budget, UNIFORM)
    elif budget <= floors0:  # not even the protected floors: they are reduced (the minima wait)
        allocated, outcomes = rules_core(basis, tier, f, hi2, budget, UNIFORM)
    else:  # the floors are covered, the group minima are not: each entry gets a common share of its minimum
        allocated = np.zeros(len(need), dtype=np.int64)
        idx = np.flatnonzero(existing)
        vals, k = fill(lo2[idx], f[idx], lo2[idx], budget)
        allocated[idx] = vals
        outcomes = [TierOutcome(0, len(idx), 0, int(hi2[idx].sum()), minima0, budget, budget, MINIMA_REDUCED, k)]
        for t in sorted(set(tier[~existing].tolist())):
            j = np.flatnonzero(tier == t)
            outcomes.append(TierOutcome(int(t), len(j), 0, int(hi2[j].sum()), int(lo2[j].sum()), 0, 0, "unfunded"))
    # the tier table shows the need in crowns, not the weighted basis
    outcomes = [replace(o, need=int(need[tier == o.tier].sum())) for o in outcomes]
    return allocated, outcomes, f, basis, lo2, hi2


def allocate_optimise(support: SupportResult, budget, *, bounds: Mapping[str, KindBounds] | None = None,
                      floors=None, weights=None, limits: GroupLimits | None = None) -> AllocationResult:
    """Optimisation-mode allocation of ``budget`` (whole CZK); see the module docstring.

    ``weights`` – one per entry (default: the frame's ``weight`` column, else 1); ``floors`` – whole-CZK protected
    amounts of the existing entries (e.g. :func:`damping_floors`), default none beyond the per-kind floors;
    ``limits`` – the region's per-kind totals and per-district minima (:class:`GroupLimits`; districts are the
    frame's ``district_code``).
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
    districts = None
    if limits:
        if "district_code" not in support.frame.columns:
            raise InputError("per-district minima need the frame's district_code column")
        districts = support.frame["district_code"].fillna("").astype(str).tolist()
    allocated, outcomes, f, basis, lo2, hi2 = _optimise(need, tier, lo, hi, w, budget, floors,
                                                        list(support.kinds), districts, limits)
    return AllocationResult(OPTIMISE, budget, support, need, lo, hi, allocated, outcomes, tier, UNIFORM,
                            w.astype(float) / 10**WEIGHT_DIGITS, bounds, f, basis, explain,
                            group_lower=lo2 if limits else None, group_upper=hi2 if limits else None)


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
    lo2 = f if result.group_lower is None else result.group_lower
    hi2 = result.upper if result.group_upper is None else result.group_upper
    o = status[int(result.tier[i])]
    x, hi, top = int(result.allocated[i]), int(result.upper[i]), int(hi2[i])
    full = (NEED if hi == int(result.need[i]) else CAP) if top == hi else KIND_TOTAL
    low = FLOOR if int(lo2[i]) == int(f[i]) else MINIMUM
    if o.status == "unfunded":
        return UNFUNDED
    if o.status == "floors_reduced":
        return FLOOR_REDUCED
    if o.status == MINIMA_REDUCED:
        return MINIMUM_REDUCED if x > int(f[i]) or int(lo2[i]) > int(f[i]) else FLOOR
    if o.status == "full" or o.coefficient is None:
        return full if x == top else low
    if o.floors < int(lo2[result.tier == o.tier].sum()) and int(lo2[i]) > int(f[i]):
        return MINIMUM_REDUCED  # the tier was shared between the floors and the minima (budget below the minima)
    exact = o.coefficient * int(basis[i])
    return low if exact <= int(lo2[i]) else full if exact >= top else LEVEL


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
    n, x, f = int(result.need[i]), int(result.allocated[i]), int(result.floor[i])
    hi = int(result.upper[i] if result.group_upper is None else result.group_upper[i])
    lo2 = f if result.group_lower is None else int(result.group_lower[i])
    w = Decimal(int(round(result.weights[i] * 10**WEIGHT_DIGITS))).scaleb(-WEIGHT_DIGITS).normalize()
    what = "stávající síť" if t == 0 else f"rozvojové záměry, priorita {t}"
    lines = [f"Služba {sid} ({what}): optimální podpora {kc(n)}, přiděleno {kc(x)}; váha {num(w)}, "
             f"meze [{kc(max(f, lo2))}; {kc(hi)}]."]
    b = _bound(result, i, {o.tier: o for o in result.tiers})
    lam = level(result, t)
    if b == UNFUNDED:
        lines.append("Na tuto vrstvu nezbyly prostředky: dřívější vrstvy nejsou plně pokryty.")
    elif b == FLOOR_REDUCED:
        lines.append("Rozpočet nestačí ani na chráněná minima stávající sítě; minima jsou krácena jedním "
                     "společným koeficientem.")
    elif b == MINIMUM_REDUCED:
        lines.append(f"Rozpočet pokryje chráněná minima, ne však minima druhů a okresů: každá položka má své chráněné "
                     f"minimum {kc(f)} a společný podíl ze svého minima skupiny {kc(lo2)}.")
    elif b == FLOOR:
        lines.append(f"Určuje chráněné minimum {kc(f)} (např. meziroční tlumení): je vyšší než společná úroveň.")
    elif b == MINIMUM:
        lines.append(f"Určuje minimum skupiny {kc(lo2)}: minimum druhu celkem nebo minimum okresu na obyvatele, "
                     "rozdělené mezi stávající služby skupiny společnou úrovní.")
    elif b in (NEED, CAP, KIND_TOTAL):
        what_bound = {NEED: "plná optimální podpora", CAP: "strop druhu",
                      KIND_TOTAL: "strop druhu celkem (podíl služby na stropu druhu)"}[b]
        lines.append(f"Určuje {what_bound} {kc(hi)}.")
    else:
        lam_d = Decimal(lam.numerator) / Decimal(lam.denominator)
        lines.append(f"Určuje společná úroveň λ = {num(lam_d.quantize(Decimal('1e-10'), ROUND_HALF_UP))}: "
                     f"λ × váha × OP = {kc((lam_d * w * n).quantize(Decimal('0.01'), ROUND_HALF_UP))}, "
                     "zaokrouhleno na celé Kč tak, aby součet byl přesně rozpočet.")
    return "\n".join(lines)
