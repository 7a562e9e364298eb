"""Coverage indicators and need estimation (pure functions on arrays).

* coverage per 1,000:   ratio = capacity / population × 1000          (NaN where population is 0)
* required capacity:    required = target_per_1000 × population / 1000
* gap (capacity units): gap = required − capacity   (positive = missing units, negative = surplus)
* need:                 need = population × utilisation rate            (e.g. 65+ × share using the kind)

``coverage_table`` aggregates obec-level arrays to any territorial unit (obec, ORP, okres, kraj) by
summing capacity and population per unit *before* dividing.
"""

from __future__ import annotations

import numpy as np
import pandas as pd

__all__ = ["capacity_gap", "coverage_per_1000", "coverage_table", "estimate_need", "required_capacity"]


def coverage_per_1000(capacity, population) -> np.ndarray:
    """Capacity per 1,000 of the relevant population; NaN where the population is 0."""
    cap = np.asarray(capacity, dtype=float)
    pop = np.asarray(population, dtype=float)
    cap, pop = np.broadcast_arrays(cap, pop)
    return np.divide(cap * 1000.0, pop, out=np.full(cap.shape, np.nan), where=pop > 0)


def required_capacity(population, target_per_1000) -> np.ndarray:
    """Capacity needed to reach the target value (units per 1,000 of the population)."""
    return np.asarray(target_per_1000, dtype=float) * np.asarray(population, dtype=float) / 1000.0


def capacity_gap(capacity, population, target_per_1000) -> np.ndarray:
    """Gap in capacity units: required − existing (positive = missing units, negative = surplus)."""
    return required_capacity(population, target_per_1000) - np.asarray(capacity, dtype=float)


def estimate_need(population, utilisation_rate) -> np.ndarray:
    """Need = target population × utilisation rate.

    numpy broadcasting applies: a scalar rate, one rate per obec, or — with ``population[:, None]`` and
    one rate per kind (k,) — an (n, k) matrix.  Rates are fractions (0.05 = 5 % of the group use the kind).
    """
    pop = np.asarray(population, dtype=float)
    rate = np.asarray(utilisation_rate, dtype=float)
    if (rate < 0).any():
        raise ValueError("utilisation rates must be non-negative")
    return pop * rate


def coverage_table(unit_codes, capacity, population, target_per_1000=None) -> pd.DataFrame:
    """Aggregate obec-level ``capacity`` and ``population`` to units and compute the indicators.

    ``unit_codes``: the unit (e.g. ORP code) of each obec; returns one row per unit (sorted by code)
    with ``capacity``, ``population``, ``per_1000`` and, when a target is given, ``required`` and ``gap``.
    ``target_per_1000`` is a scalar (one regional target value for the kind).
    """
    frame = pd.DataFrame(
        {
            "unit": np.asarray(unit_codes, dtype=object),
            "capacity": np.asarray(capacity, dtype=float),
            "population": np.asarray(population, dtype=float),
        }
    )
    out = frame.groupby("unit", sort=True)[["capacity", "population"]].sum()
    out["per_1000"] = coverage_per_1000(out["capacity"].to_numpy(), out["population"].to_numpy())
    if target_per_1000 is not None:
        out["required"] = required_capacity(out["population"].to_numpy(), target_per_1000)
        out["gap"] = out["required"] - out["capacity"]
    return out
