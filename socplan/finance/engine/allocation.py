"""Allocation of a limited budget to the network (rules mode and optimisation mode), comparison, JSON.

**Rules mode** (:func:`allocate_rules`, docs/financing.md §3):

1. Entries are grouped in *tiers*: ``tier`` 0 = the existing network, 1, 2, … = development requests in the
   action plan's priority order. Tiers are served in that order.
2. Each entry may get at most ``hi = czk(cap × OP)`` and, in a tier that is being reduced, at least
   ``lo = czk(floor × OP)``; ``floor``/``cap`` are per kind (:class:`KindBounds`, defaults 0 and 1).
3. A tier whose capped need fits in the remaining budget gets it in full. The first tier that does not fit
   gets the whole remainder, shared by a **uniform reduction coefficient** *k*: entry *i* gets
   ``clamp(k × OPᵢ, loᵢ, hiᵢ)``, *k* chosen so the tier's sum equals the remainder. Later tiers get nothing.
   If the remainder is below the tier's floors, the floors themselves are reduced by a common coefficient.
4. Amounts are whole crowns and add up to the budget exactly (or to the capped need when that is smaller).

Rounding to the crown. The default ``rounding="uniform"`` gives every entry of the reduced tier
``czk(t × OPᵢ)`` (clamped) for one common *t* ≈ *k* chosen so that the total is exact; when several entries
sit on the half-crown at that *t*, earlier rows take the extra crown. (This is the Sainte-Laguë/Webster
divisor rule.) It is *monotone*: a smaller budget never gives any entry more. ``rounding="largest_remainder"``
(Hamilton) rounds ``k × OPᵢ`` down and hands the missing crowns to the largest remainders; it reconciles equally
exactly and never differs from the exact share by a crown or more, but it can break monotonicity by one crown
(the "Alabama paradox"; docs/financing.md §3.3 and tests show a case), which the acceptance criteria forbid —
hence the default.

**Optimisation mode** (:func:`socplan.finance.engine.optimise.allocate_optimise`): the existing network's
protected floors first, then tiers in order, and within the tier the budget reaches the weighted max–min fair
share (water-filling) — see that module. Both modes round with the same divisor rule and share its properties.
"""

from __future__ import annotations

import heapq
from collections.abc import Callable, Mapping, Sequence
from dataclasses import dataclass, field
from decimal import ROUND_HALF_UP, Decimal
from fractions import Fraction

import numpy as np
import pandas as pd

from socplan.core.money import to_decimal

from .params import SHARE_DIGITS
from .support import InputError, SupportResult, kc, num, scaled_column

RULES, OPTIMISE = "rules", "optimise"
UNIFORM, LARGEST_REMAINDER = "uniform", "largest_remainder"


@dataclass(frozen=True)
class KindBounds:
    """Per-kind bounds as shares of each entry's optimal support (``floor ≤ allocation/OP ≤ cap``)."""

    floor: Decimal = Decimal(0)
    cap: Decimal = Decimal(1)

    def __post_init__(self):
        for name in ("floor", "cap"):
            value = to_decimal(getattr(self, name))
            if value != value.quantize(Decimal(1).scaleb(-SHARE_DIGITS)):
                raise ValueError(f"{name} has more than {SHARE_DIGITS} decimal places")
            if not (0 <= value <= 1):
                raise ValueError(f"{name} must be between 0 and 1")
            object.__setattr__(self, name, value)
        if self.floor > self.cap:
            raise ValueError("floor above cap")


@dataclass(frozen=True)
class TierOutcome:
    tier: int
    services: int
    need: int  # Σ optimal support
    capped_need: int  # Σ hi
    floors: int  # Σ lo
    available: int  # budget left when the tier was reached
    allocated: int
    status: str  # "full" | "reduced" | "floors_reduced" | "unfunded"
    coefficient: Fraction | None = None  # exact k of a reduced tier

    @property
    def coefficient_decimal(self) -> Decimal | None:
        if self.coefficient is None:
            return None
        return (Decimal(self.coefficient.numerator) / Decimal(self.coefficient.denominator)).quantize(
            Decimal("1e-10"), ROUND_HALF_UP)


@dataclass(eq=False)
class AllocationResult:
    mode: str
    budget: int
    support: SupportResult
    need: np.ndarray  # int64, = optimal support
    lower: np.ndarray
    upper: np.ndarray
    allocated: np.ndarray  # int64 whole CZK
    tiers: list[TierOutcome]
    tier: np.ndarray
    rounding: str = UNIFORM
    weights: np.ndarray | None = None
    bounds: Mapping[str, KindBounds] = field(default_factory=dict)
    floor: np.ndarray | None = None  # the lower bound actually used (protected floors of the existing network)
    basis: np.ndarray | None = None  # what the reduced tier is shared by: OP (rules) or weight × OP (optimise)
    # the mode's own explanation of one amount (the optimisation mode gives its own; None = the rules' text)
    explainer: Callable[[AllocationResult, int], str] | None = field(default=None, compare=False, repr=False)
    # the optimisation mode's group policy: per entry the lower bound the kind / district minima lift it to and the
    # upper bound the kind's total cap leaves it (None: no group limits)
    group_lower: np.ndarray | None = None
    group_upper: np.ndarray | None = None

    @property
    def total_allocated(self) -> Decimal:
        return Decimal(int(self.allocated.sum(dtype=np.int64)))

    @property
    def total_optimal(self) -> Decimal:
        return Decimal(int(self.need.sum(dtype=np.int64)))

    @property
    def budget_decimal(self) -> Decimal:
        return Decimal(self.budget)

    @property
    def objective(self) -> Decimal | None:
        """Σ wᵢ·xᵢ (weighted covered need) when weights are known."""
        if self.weights is None:
            return None
        return sum((w * Decimal(int(x)) for w, x in zip(self._weights_decimal(), self.allocated, strict=True)),
                   Decimal(0))

    def _weights_decimal(self) -> list[Decimal]:
        return [Decimal(repr(float(w))) for w in self.weights]

    def allocation(self, service_id) -> Decimal:
        return Decimal(int(self.allocated[self.support.index_of(service_id)]))

    def to_frame(self) -> pd.DataFrame:
        out = self.support.frame.copy()
        out["group"] = [g.value for g in self.support.group]
        out["optimal_support"] = self.need
        out["lower"] = self.lower
        out["upper"] = self.upper
        out["allocated"] = self.allocated
        return out

    def explain(self, service_id) -> str:
        return _explain_allocation(self, self.support.index_of(service_id))


# --- bounds -------------------------------------------------------------------------------------------------

def entry_bounds(need: np.ndarray, kinds: Sequence[str], bounds: Mapping[str, KindBounds] | None):
    """``(lo, hi)`` per entry: czk(floor × OP), czk(cap × OP) of its kind (half up)."""
    need = np.asarray(need, dtype=np.int64)
    unit = 10**SHARE_DIGITS
    f = np.zeros(len(need), dtype=np.int64)
    c = np.full(len(need), unit, dtype=np.int64)
    for kind, b in (bounds or {}).items():
        mask = np.asarray(kinds) == str(kind)
        f[mask] = int(b.floor.scaleb(SHARE_DIGITS))
        c[mask] = int(b.cap.scaleb(SHARE_DIGITS))
    big = need.size and int(need.max()) * unit >= 2**62
    n = need.astype(object) if big else need
    lo = np.asarray((n * f + unit // 2) // unit, dtype=np.int64)
    hi = np.asarray((n * c + unit // 2) // unit, dtype=np.int64)
    return lo, hi


# --- exact coefficient of a reduced tier --------------------------------------------------------------------

def _clamped_sum(n: list[int], lo: list[int], hi: list[int], k: Fraction) -> Fraction:
    p, q = k.numerator, k.denominator
    total = 0
    for ni, li, hi_ in zip(n, lo, hi, strict=True):
        x = ni * p
        total += li * q if x <= li * q else hi_ * q if x >= hi_ * q else x
    return Fraction(total, q)


def reduction_coefficient(n: Sequence[int], lo: Sequence[int], hi: Sequence[int], budget: int) -> Fraction:
    """Exact k ≥ 0 with Σ clamp(k·nᵢ, loᵢ, hiᵢ) = budget (Σlo ≤ budget ≤ Σhi, nᵢ > 0)."""
    n, lo, hi = [int(x) for x in n], [int(x) for x in lo], [int(x) for x in hi]
    nf, lof, hif = np.array(n, float), np.array(lo, float), np.array(hi, float)
    a, b = 0.0, float(max((h / m for h, m in zip(hi, n, strict=True)), default=1.0)) + 1.0
    for _ in range(200):  # float bisection: a good starting point
        mid = (a + b) / 2
        if np.clip(nf * mid, lof, hif).sum() < budget:
            a = mid
        else:
            b = mid
        if b - a <= 1e-15 * b:
            break
    k = Fraction(b)
    for _ in range(50):  # exact linear solve on the segment the estimate falls in
        p, q = k.numerator, k.denominator
        fixed, free = 0, 0
        for ni, li, hi_ in zip(n, lo, hi, strict=True):
            x = ni * p
            if x < li * q:
                fixed += li
            elif x > hi_ * q:
                fixed += hi_
            else:
                free += ni
        if free == 0:
            if fixed == budget:
                return k
            break
        k_new = Fraction(budget - fixed, free)
        if _clamped_sum(n, lo, hi, k_new) == budget:
            return k_new
        if k_new == k:
            break
        k = k_new
    return _coefficient_by_breakpoints(n, lo, hi, budget)


def _coefficient_by_breakpoints(n, lo, hi, budget) -> Fraction:
    """Slow exact fallback: bisection over the sorted breakpoints loᵢ/nᵢ, hiᵢ/nᵢ."""
    points = sorted({Fraction(x, m) for x, m in zip(lo + hi, n + n, strict=True)})
    i, j = 0, len(points) - 1
    if _clamped_sum(n, lo, hi, points[0]) >= budget:
        j = 0
    while j - i > 1:
        mid = (i + j) // 2
        if _clamped_sum(n, lo, hi, points[mid]) >= budget:
            j = mid
        else:
            i = mid
    s_hi = _clamped_sum(n, lo, hi, points[j])
    if j == 0 or s_hi == budget:
        return points[j]
    s_lo = _clamped_sum(n, lo, hi, points[i])
    # linear between points[i] and points[j]
    return points[i] + (points[j] - points[i]) * (budget - s_lo) / (s_hi - s_lo)


# --- rounding to the crown ----------------------------------------------------------------------------------

def _uniform_round(n: list[int], lo: list[int], hi: list[int], budget: int, t0: Fraction) -> list[int]:
    """Canonical ``clamp(⌊nᵢ·t + ½⌋, loᵢ, hiᵢ)`` with the smallest t reaching ``budget``; ties → earlier rows.

    Starts at t0 (≈ the exact coefficient) and walks the crossing points t = (2v ± 1)/(2nᵢ) in exact order.
    """
    p, q = t0.numerator, t0.denominator
    m = len(n)
    v = [min(max((2 * n[i] * p + q) // (2 * q), lo[i]), hi[i]) for i in range(m)]
    s = sum(v)
    if s == budget:
        return v
    shift = 2 * max(n).bit_length() + 8  # exact order key: ⌊c·2^shift⌋ separates distinct crossings

    def key(numer: int, i: int) -> int:
        return (numer << shift) // (2 * n[i])

    if s < budget:
        heap = [(key(2 * v[i] + 1, i), i) for i in range(m) if v[i] < hi[i]]
        heapq.heapify(heap)
        while s < budget:
            c, i = heapq.heappop(heap)
            group = [i]
            while heap and heap[0][0] == c:
                group.append(heapq.heappop(heap)[1])
            group.sort()
            if s + len(group) > budget:
                for i in group[: budget - s]:
                    v[i] += 1
                return v
            for i in group:
                v[i] += 1
                if v[i] < hi[i]:
                    heapq.heappush(heap, (key(2 * v[i] + 1, i), i))
            s += len(group)
        return v
    heap = [(-key(2 * v[i] - 1, i), i) for i in range(m) if v[i] > lo[i]]
    heapq.heapify(heap)
    while s > budget:
        c, i = heapq.heappop(heap)
        group = [i]
        while heap and heap[0][0] == c:
            group.append(heapq.heappop(heap)[1])
        group.sort()
        if s - len(group) < budget:
            keep = budget - (s - len(group))
            for i in group[keep:]:
                v[i] -= 1
            return v
        for i in group:
            v[i] -= 1
            if v[i] > lo[i]:
                heapq.heappush(heap, (-key(2 * v[i] - 1, i), i))
        s -= len(group)
    return v


def _largest_remainder_round(n, lo, hi, budget: int, k: Fraction) -> list[int]:
    p, q = k.numerator, k.denominator
    nums = [min(max(ni * p, li * q), hi_ * q) for ni, li, hi_ in zip(n, lo, hi, strict=True)]
    floors = [x // q for x in nums]
    left = budget - sum(floors)
    order = sorted(range(len(n)), key=lambda i: (-(nums[i] % q), i))
    for i in order[:left]:
        floors[i] += 1
    return floors


def fill(n: Sequence[int], lo: Sequence[int], hi: Sequence[int], budget: int, rounding: str = UNIFORM):
    """Whole-crown amounts ``loᵢ ≤ xᵢ ≤ hiᵢ`` with Σx = budget, shared by a uniform coefficient.

    Returns ``(amounts, k)``; requires Σlo ≤ budget ≤ Σhi. Entries with nᵢ = 0 get loᵢ (= hiᵢ = 0).
    """
    n, lo, hi = [int(x) for x in n], [int(x) for x in lo], [int(x) for x in hi]
    if not (sum(lo) <= budget <= sum(hi)):
        raise ValueError("budget outside [Σlo, Σhi]")
    out = list(lo)
    idx = [i for i in range(len(n)) if n[i] > 0 and hi[i] > lo[i]]
    rest = budget - sum(lo) + sum(lo[i] for i in idx)
    if not idx:
        return out, None
    sn, sl, sh = [n[i] for i in idx], [lo[i] for i in idx], [hi[i] for i in idx]
    k = reduction_coefficient(sn, sl, sh, rest)
    if rounding == UNIFORM:
        vals = _uniform_round(sn, sl, sh, rest, k)
    elif rounding == LARGEST_REMAINDER:
        vals = _largest_remainder_round(sn, sl, sh, rest, k)
    else:
        raise ValueError(f"unknown rounding {rounding!r}")
    for i, x in zip(idx, vals, strict=True):
        out[i] = x
    return out, k


# --- rules mode ---------------------------------------------------------------------------------------------

def rules_core(need, tier, lo, hi, budget: int, rounding: str = UNIFORM):
    """Tiered allocation on plain arrays. Returns ``(allocated int64 array, [TierOutcome])``."""
    need = np.asarray(need, dtype=np.int64)
    tier = np.asarray(tier, dtype=np.int64)
    lo, hi = np.asarray(lo, dtype=np.int64), np.asarray(hi, dtype=np.int64)
    budget = int(budget)
    if budget < 0:
        raise ValueError("budget must not be negative")
    if (lo > hi).any() or (lo < 0).any():
        raise ValueError("bounds must satisfy 0 ≤ lo ≤ hi")
    out = np.zeros(len(need), dtype=np.int64)
    outcomes = []
    remaining = budget
    for t in sorted(set(tier.tolist())):
        idx = np.flatnonzero(tier == t)
        capped = int(hi[idx].sum())
        floors = int(lo[idx].sum())
        available = remaining
        coef = None
        if remaining >= capped:
            out[idx] = hi[idx]
            status = "full"
        elif remaining == 0:
            status = "unfunded"
        elif remaining >= floors:
            vals, coef = fill(need[idx], lo[idx], hi[idx], remaining, rounding)
            out[idx] = vals
            status = "reduced"
        else:
            vals, coef = fill(lo[idx], np.zeros(len(idx), np.int64), lo[idx], remaining, rounding)
            out[idx] = vals
            status = "floors_reduced"
        allocated = int(out[idx].sum())
        remaining -= allocated
        outcomes.append(TierOutcome(int(t), len(idx), int(need[idx].sum()), capped, floors, available, allocated,
                                    status, coef))
    return out, outcomes


def _tiers(support: SupportResult) -> np.ndarray:
    if "tier" not in support.frame.columns:
        return np.zeros(len(support), dtype=np.int64)
    values, present = scaled_column(support.frame, "tier", 0)
    return np.where(present, values, 0)


def protected_floors(lo, hi, tier, floors=None) -> np.ndarray:
    """``fᵢ``: for existing entries (tier 0) max(floorᵢ, loᵢ) clamped to [0, hiᵢ]; loᵢ for development tiers."""
    lo, hi, tier = (np.asarray(a, dtype=np.int64) for a in (lo, hi, tier))
    if floors is None:
        return lo.copy()
    f = np.asarray(floors, dtype=np.int64)
    if f.shape != lo.shape:
        raise InputError("floors: one value per network entry is required")
    if (f < 0).any():
        raise InputError("floors must not be negative")
    return np.where(tier == 0, np.minimum(np.maximum(f, lo), hi), lo)


def allocate_rules(support: SupportResult, budget, *, bounds: Mapping[str, KindBounds] | None = None,
                   rounding: str = UNIFORM, floors=None) -> AllocationResult:
    """Rules-mode allocation of ``budget`` (whole CZK) to the entries of ``support``.

    ``floors`` – optional whole-CZK protected amounts of the existing entries (tier 0), e.g. the damping rule
    (:func:`socplan.finance.engine.optimise.damping_floors`); they raise the per-kind floor of those entries.
    """
    budget = _whole(budget)
    need = support.optimal_support
    bounds = {str(k): v for k, v in (bounds or {}).items()}
    lo, hi = entry_bounds(need, support.kinds, bounds)
    tier = _tiers(support)
    f = protected_floors(lo, hi, tier, floors)
    allocated, outcomes = rules_core(need, tier, f, hi, budget, rounding)
    return AllocationResult(RULES, budget, support, need, lo, hi, allocated, outcomes, tier, rounding, None, bounds,
                            f, need)


def _whole(budget) -> int:
    d = to_decimal(budget)
    if d != d.to_integral_value() or d < 0:
        raise InputError("budget must be a non-negative whole number of CZK")
    return int(d)


# --- comparison and JSON ------------------------------------------------------------------------------------

def compare_allocations(base: AllocationResult, variant: AllocationResult,
                        by: Sequence[str] | None = None) -> dict[str, pd.DataFrame]:
    """What-if: the two results side by side per kind / district / service (or any frame column).

    Returns ``{column: DataFrame}``; each frame has the column, ``optimal_base``, ``allocated_base``,
    ``optimal_variant``, ``allocated_variant``, ``delta_allocated`` and ``delta_optimal`` (Decimal, whole CZK),
    plus a final ``"Celkem"`` row. Services are matched by ``service_id``; one missing on a side counts as 0.
    """
    fa, fb = base.to_frame(), variant.to_frame()
    if by is None:
        by = [c for c in ("kind", "group", "district", "orp", "service_id") if c in fa.columns or c in fb.columns]
    out = {}
    for col in by:
        a = _sums(fa, col, "base")
        b = _sums(fb, col, "variant")
        m = a.merge(b, on=col, how="outer").fillna(0)
        for c in ("optimal_base", "allocated_base", "optimal_variant", "allocated_variant"):
            m[c] = m[c].astype(np.int64)
        m = m.sort_values(col, key=lambda s: s.astype(str), kind="stable").reset_index(drop=True)
        total = {col: "Celkem"}
        for c in ("optimal_base", "allocated_base", "optimal_variant", "allocated_variant"):
            total[c] = int(m[c].sum())
        m = pd.concat([m, pd.DataFrame([total])], ignore_index=True)
        m["delta_allocated"] = m["allocated_variant"] - m["allocated_base"]
        m["delta_optimal"] = m["optimal_variant"] - m["optimal_base"]
        for c in m.columns:
            if c != col:
                m[c] = [Decimal(int(v)) for v in m[c]]
        out[col] = m
    return out


def _sums(frame: pd.DataFrame, col: str, suffix: str) -> pd.DataFrame:
    if col not in frame.columns:
        raise KeyError(f"column {col!r} not in the network frame")
    keys = frame[col].astype(object).where(frame[col].notna(), "–")
    g = pd.DataFrame({col: keys, "o": frame["optimal_support"], "x": frame["allocated"]}).groupby(
        col, sort=False, dropna=False)[["o", "x"]].sum().reset_index()
    return g.rename(columns={"o": f"optimal_{suffix}", "x": f"allocated_{suffix}"})


def to_json_dict(result: AllocationResult, *, region: str | None = None, year: int | None = None) -> dict:
    """The ``socplan allocate … --json`` document; amounts are whole-CZK decimal strings."""
    ids = result.support.service_ids
    return {
        "region": region if region is not None else result.support.params.region,
        "year": int(year if year is not None else result.support.params.year),
        "mode": result.mode,
        "budget": str(result.budget),
        "total_optimal": str(result.total_optimal),
        "total_allocated": str(result.total_allocated),
        "services": [
            {"service_id": _jsonable(sid), "optimal_support": str(int(o)), "allocated": str(int(x))}
            for sid, o, x in zip(ids.tolist(), result.need.tolist(), result.allocated.tolist(), strict=True)
        ],
    }


def _jsonable(v):
    if isinstance(v, np.generic):
        return v.item()
    return v


# --- explanations -------------------------------------------------------------------------------------------

def tier_label(t: int) -> str:
    return "stávající síť" if t == 0 else f"rozvojové záměry, priorita {t}"


def _explain_allocation(res: AllocationResult, i: int) -> str:
    sid = res.support.service_ids[i]
    t = int(res.tier[i])
    need, lo, hi, x = (int(res.need[i]), int(res.lower[i]), int(res.upper[i]), int(res.allocated[i]))
    lines = [f"Služba {sid} ({tier_label(t)}): optimální podpora {kc(need)}, přiděleno {kc(x)}."]
    kind = str(res.support.kinds[i])
    b = res.bounds.get(kind)
    if b is not None and (b.floor > 0 or b.cap < 1):
        lines.append(f"Meze druhu §{kind}: nejméně {num(b.floor)} × OP = {kc(lo)}, nejvýše {num(b.cap)} × OP = {kc(hi)}.")
    outcome = next(o for o in res.tiers if o.tier == t)
    if res.explainer is not None:
        return res.explainer(res, i)
    if outcome.status == "full":
        lines.append(f"Vrstva je pokryta celá (zbývalo {kc(outcome.available)}, potřeba vrstvy {kc(outcome.capped_need)}).")
    elif outcome.status == "unfunded":
        lines.append("Na vrstvu již nezbyly prostředky.")
    elif outcome.status == "reduced":
        k = outcome.coefficient
        exact = Fraction(need) * k if k is not None else Fraction(0)
        exact_d = Decimal(exact.numerator) / Decimal(exact.denominator)
        lines.append(f"Vrstva krácena: zbývající rozpočet {kc(outcome.available)} < potřeba vrstvy {kc(outcome.capped_need)}; "
                     f"jednotný koeficient k = {num(outcome.coefficient_decimal)}.")
        lines.append(f"k × OP = {num(outcome.coefficient_decimal)} × {num(Decimal(need))} = "
                     f"{num(exact_d.quantize(Decimal('0.01'), ROUND_HALF_UP))} Kč, v mezích [{num(Decimal(lo))}; {num(Decimal(hi))}], "
                     f"zaokrouhleno na celé Kč tak, aby součet vrstvy byl přesně {kc(outcome.allocated)}: {kc(x)}.")
    else:
        lines.append(f"Zbývající rozpočet {kc(outcome.available)} nestačí ani na minimální podíly vrstvy "
                     f"({kc(outcome.floors)}); minimální podíly kráceny koeficientem {num(outcome.coefficient_decimal)}.")
    return "\n".join(lines)
