"""'Where to add capacity': maximal covering location problem (MCLP, Church & ReVelle 1974).

Demand nodes are the obce with their need ``a_i`` (e.g. population 65+ × utilisation rate); candidate
sites are obce.  Obec ``i`` is *covered* when a facility of the kind lies within the service radius
``r`` (cost ≤ r in the prebuilt cost structure) or, for field services, when it lies in a service's
declared reach.  Existing facilities are fixed: obce they already cover count as covered and cannot
gain.  Choose at most ``K`` new obce to maximise the newly covered need::

    max  Σ_{i∈U} a_i y_i
    s.t. y_i ≤ Σ_{j∈N_i} x_j          for every not-yet-covered obec i ∈ U   (N_i = candidates within r of i)
         Σ_j x_j ≤ K
         x_j ∈ {0, 1},  0 ≤ y_i ≤ 1

solved as an integer programme with HiGHS (``scipy.optimize.milp``).
"""

from __future__ import annotations

from dataclasses import dataclass

import numpy as np
from scipy import sparse
from scipy.optimize import Bounds, LinearConstraint, milp

from .distance import CostStructure

__all__ = ["LocationResult", "coverage_matrix", "existing_coverage", "maximal_covering"]


@dataclass(frozen=True, eq=False)
class LocationResult:
    selected: np.ndarray  # obec indices of the chosen sites, ascending
    gain: float  # need newly covered by the chosen sites
    newly_covered: np.ndarray  # bool (n_obce,)
    already_covered: np.ndarray  # bool (n_obce,)
    optimal: bool  # HiGHS proved optimality (False e.g. after a time limit)
    message: str


def coverage_matrix(costs: CostStructure, radius: float) -> sparse.csr_array:
    """Boolean (n_obce × n_obce) matrix: [i, o] = 1 when obec o's own site is within ``radius`` of obec i.

    Needs a structure with obec sites (``build_distance_costs(..., include_obec_sites=True)`` or a
    travel-time structure).  ``radius`` must not exceed the structure's cut-off.
    """
    if costs.cutoff is not None and radius > costs.cutoff:
        raise ValueError("radius is larger than the cost structure's cut-off")
    if (costs.obec_site < 0).any():
        raise ValueError("the cost structure has no site for every obec")
    site_to_obec = np.full(costs.n_sites, -1, dtype=np.int64)
    site_to_obec[costs.obec_site] = np.arange(costs.n_origins)
    cols = site_to_obec[costs.indices]
    keep = (cols >= 0) & (costs.cost <= radius)
    rows = costs.rows[keep]
    return sparse.csr_array(
        (np.ones(int(keep.sum()), dtype=np.int8), (rows, cols[keep])),
        shape=(costs.n_origins, costs.n_origins),
    )


def existing_coverage(model, supply: np.ndarray, radius: float) -> np.ndarray:
    """Obce already covered for one kind: a site with capacity within ``radius``, or in a field reach.

    ``model`` is an :class:`~socplan.availability.engine.fca.AccessibilityModel`; ``supply`` its column
    vector of capacity (``model.supply(facilities_of_kind)``).
    """
    costs = model.costs
    s = np.asarray(supply, dtype=float)
    if costs.cutoff is not None and radius > costs.cutoff:
        raise ValueError("radius is larger than the cost structure's cut-off")
    within = costs.matrix((costs.cost <= radius).astype(float))
    covered = within @ (s[: costs.n_sites] > 0).astype(float) > 0
    if model.n_field:
        reach_t = model.W[:, [*range(model.n_sites, model.n_columns)]]
        covered |= reach_t @ (s[model.n_sites :] > 0).astype(float) > 0
    return covered


def maximal_covering(
    *,
    need,
    coverage: sparse.csr_array,
    k: int,
    already_covered=None,
    candidates=None,
    time_limit: float | None = 60.0,
) -> LocationResult:
    """Choose up to ``k`` candidate obce maximising newly covered need (see module docstring).

    ``need`` (n,); ``coverage`` (n × n) from :func:`coverage_matrix`; ``already_covered`` bool (n,)
    from :func:`existing_coverage`; ``candidates`` bool (n,) restricts where capacity may be added.
    """
    a = np.asarray(need, dtype=float)
    n = a.shape[0]
    cov = sparse.csr_array(coverage)
    if cov.shape != (n, n):
        raise ValueError("coverage must be n_obce × n_obce")
    if k < 0:
        raise ValueError("k must be non-negative")
    done = np.zeros(n, dtype=bool) if already_covered is None else np.asarray(already_covered, dtype=bool)
    cand_mask = np.ones(n, dtype=bool) if candidates is None else np.asarray(candidates, dtype=bool)

    open_i = np.flatnonzero(~done & (a > 0))
    sub = cov[open_i][:, np.flatnonzero(cand_mask)]
    cand_all = np.flatnonzero(cand_mask)
    useful = np.asarray(sub.sum(axis=0)).ravel() > 0
    cand = cand_all[useful]
    sub = sub[:, np.flatnonzero(useful)]
    coverable = np.asarray(sub.sum(axis=1)).ravel() > 0
    dem = open_i[coverable]
    sub = sparse.csr_array(sub[np.flatnonzero(coverable)], dtype=float)

    empty = np.zeros(n, dtype=bool)
    if k == 0 or len(cand) == 0 or len(dem) == 0:
        return LocationResult(np.zeros(0, dtype=np.int64), 0.0, empty, done, True, "nothing to cover")

    nx, ny = len(cand), len(dem)
    c = np.concatenate([np.zeros(nx), -a[dem]])
    # y_i - Σ_j a_ij x_j <= 0
    link = sparse.hstack([-sub, sparse.eye_array(ny, format="csr")], format="csr")
    budget = sparse.csr_array(np.concatenate([np.ones(nx), np.zeros(ny)])[None, :])
    constraints = [
        LinearConstraint(link, -np.inf, 0.0),
        LinearConstraint(budget, -np.inf, float(k)),
    ]
    integrality = np.concatenate([np.ones(nx), np.zeros(ny)])
    options = {"disp": False}
    if time_limit is not None:
        options["time_limit"] = float(time_limit)
    res = milp(c, integrality=integrality, bounds=Bounds(0.0, 1.0), constraints=constraints, options=options)
    if res.x is None:
        raise RuntimeError(f"HiGHS found no solution: {res.message}")
    chosen = np.sort(cand[res.x[:nx] > 0.5])
    reached = np.zeros(n, dtype=bool)
    if len(chosen):
        pick = np.zeros(n)
        pick[chosen] = 1.0
        reached = cov @ pick > 0
    newly = reached & ~done
    gain = float(a[newly].sum())
    return LocationResult(chosen, gain, newly, done, bool(res.status == 0), str(res.message))
