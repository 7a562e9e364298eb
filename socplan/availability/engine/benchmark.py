"""Benchmarking units against comparators (pure numpy / pandas / scipy, no Django).

* **Comparators** for a unit's capacity per 1,000 of the kind's target population: the country, the unit's own
  kraj, and *similar areas* — the units of the same size class and age-structure class (`similar_area_groups`).
  Every comparator value is pooled: Σ capacity / Σ population × 1000 over the comparator's units (the unit
  itself included), never a mean of ratios.
* **RAG**: ratio = unit per 1,000 ÷ comparator per 1,000; green ≥ `GREEN_AT`, amber ≥ `AMBER_AT`, red below
  (the same thresholds as the kraj coverage page).
* **Confidence**: the unit's capacity is treated as a Poisson count; its exact (Garwood) interval at `level`
  divided by the population gives an interval of the unit's per 1,000. The RAG is *certain* ("high") when both
  ends of that interval fall in the same RAG class, else "low"; `significance` says whether the whole interval
  lies below ("lower") or above ("higher") the comparator, or contains it ("similar").

docs/availability.md §9 works the formulas out by hand; tests/availability/test_national_engine.py checks them.
"""

from __future__ import annotations

from dataclasses import dataclass

import numpy as np
import pandas as pd
from scipy.stats import chi2

__all__ = ["AMBER_AT", "GREEN_AT", "SimilarGroups", "compare", "group_rates", "poisson_interval", "rag_class",
           "similar_area_groups"]

GREEN_AT = 0.95
AMBER_AT = 0.80


def rag_class(ratio, green_at: float = GREEN_AT, amber_at: float = AMBER_AT) -> np.ndarray:
    """'green' / 'amber' / 'red' per ratio (None where the ratio is missing or not finite)."""
    r = np.asarray(ratio, dtype=float)
    out = np.full(r.shape, None, dtype=object)
    ok = np.isfinite(r)
    out[ok & (r >= green_at)] = "green"
    out[ok & (r < green_at) & (r >= amber_at)] = "amber"
    out[ok & (r < amber_at)] = "red"
    return out


def poisson_interval(count, level: float = 0.95) -> tuple[np.ndarray, np.ndarray]:
    """Exact (Garwood) interval of a Poisson count x: [χ²(α/2; 2x) / 2, χ²(1 − α/2; 2x + 2) / 2], lower 0 at x = 0.

    Non-integer counts (capacity split over facilities) use the same formula (the χ² quantile is continuous)."""
    x = np.asarray(count, dtype=float)
    alpha = 1.0 - level
    with np.errstate(invalid="ignore"):
        lo = np.where(x > 0, chi2.ppf(alpha / 2, 2 * np.maximum(x, 1e-300)) / 2, 0.0)
        hi = chi2.ppf(1 - alpha / 2, 2 * x + 2) / 2
    return lo, hi


@dataclass(frozen=True)
class SimilarGroups:
    labels: np.ndarray  # per unit: "V1-S3" = size class 1 (smallest), share-65+ class 3 (oldest); None if unknown
    size_edges: list[float]  # inner class bounds of the population (bins − 1 values)
    share_edges: list[float]  # inner class bounds of the share 65+


def _quantile_bins(values: np.ndarray, bins: int) -> tuple[np.ndarray, list[float]]:
    """Class 1 … bins of each value by the (i / bins)-quantiles (numpy's linear interpolation) of the finite
    values; a value equal to a bound belongs to the lower class (as the map legends). 0 = missing."""
    finite = values[np.isfinite(values)]
    if finite.size == 0:
        return np.zeros(values.shape, dtype=int), []
    edges = [float(q) for q in np.quantile(finite, [i / bins for i in range(1, bins)])]
    cls = np.searchsorted(np.asarray(edges), values, side="left") + 1
    return np.where(np.isfinite(values), cls, 0), edges


def similar_area_groups(population, population_65, bins: int = 3) -> SimilarGroups:
    """Group units by size (total population) and age structure (share 65+): `bins` quantile classes of each,
    bins² groups. A unit with no population has no group."""
    pop = np.asarray(population, dtype=float)
    old = np.asarray(population_65, dtype=float)
    share = np.divide(old, pop, out=np.full(pop.shape, np.nan), where=pop > 0)
    size = np.where(pop > 0, pop, np.nan)
    size_cls, size_edges = _quantile_bins(size, bins)
    share_cls, share_edges = _quantile_bins(share, bins)
    labels = np.array([f"V{a}-S{b}" if a and b else None for a, b in zip(size_cls, share_cls, strict=True)],
                      dtype=object)
    return SimilarGroups(labels=labels, size_edges=size_edges, share_edges=share_edges)


def group_rates(groups, capacity, population) -> np.ndarray:
    """Per unit: the pooled per 1,000 of its group (Σ capacity / Σ population × 1000 over the group's units);
    NaN for a unit without a group or a group without population."""
    g = pd.Series(np.asarray(groups, dtype=object))
    df = pd.DataFrame({"g": g, "c": np.asarray(capacity, dtype=float), "p": np.asarray(population, dtype=float)})
    sums = df.dropna(subset=["g"]).groupby("g")[["c", "p"]].sum()
    rate = (sums["c"] * 1000.0 / sums["p"].where(sums["p"] > 0)).to_dict()
    return np.array([rate.get(x, np.nan) if x is not None else np.nan for x in g], dtype=float)


def compare(capacity, population, comparator, *, level: float = 0.95, green_at: float = GREEN_AT,
            amber_at: float = AMBER_AT) -> pd.DataFrame:
    """Each unit against its comparator value (per 1,000): per_1000, its interval, ratio, RAG, significance and
    confidence of the RAG. Rows align with the inputs."""
    cap = np.asarray(capacity, dtype=float)
    pop = np.asarray(population, dtype=float)
    comp = np.broadcast_to(np.asarray(comparator, dtype=float), cap.shape)
    has_pop = pop > 0
    per = np.divide(cap * 1000.0, pop, out=np.full(cap.shape, np.nan), where=has_pop)
    lo_n, hi_n = poisson_interval(cap, level)
    lo = np.divide(lo_n * 1000.0, pop, out=np.full(cap.shape, np.nan), where=has_pop)
    hi = np.divide(hi_n * 1000.0, pop, out=np.full(cap.shape, np.nan), where=has_pop)
    ok = np.isfinite(comp) & (comp > 0) & has_pop
    safe = np.where(ok, comp, 1.0)
    ratio = np.where(ok, per / safe, np.nan)
    rag = rag_class(ratio, green_at, amber_at)
    rag_lo = rag_class(np.where(ok, lo / safe, np.nan), green_at, amber_at)
    rag_hi = rag_class(np.where(ok, hi / safe, np.nan), green_at, amber_at)
    confidence = np.full(cap.shape, None, dtype=object)
    confidence[ok] = np.where(rag_lo[ok] == rag_hi[ok], "high", "low")
    significance = np.full(cap.shape, None, dtype=object)
    significance[ok] = np.where(hi[ok] < comp[ok], "lower", np.where(lo[ok] > comp[ok], "higher", "similar"))
    out = pd.DataFrame({"capacity": cap, "population": pop, "per_1000": per, "ci_low": lo, "ci_high": hi,
                        "comparator": np.where(np.isfinite(comp), comp, np.nan)})
    out["ratio"] = ratio
    for name, values in (("rag", rag), ("significance", significance), ("confidence", confidence)):
        out[name] = pd.Series(list(values), dtype=object, index=out.index)  # None stays None (not NaN)
    return out
