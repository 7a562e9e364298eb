"""Two-step floating catchment area (2SFCA), its enhanced variant (E2SFCA) and the balanced variant (BFCA).

Formula (identical to PySAL ``access`` ``two_stage_fca`` / ``enhanced_two_stage_fca``; see
docs/availability.md for the derivation and a hand-computed example)::

    step 1   D_j = Σ_i  P_i · w(c_ij)            over pairs with c_ij <= cut-off
             R_j = S_j / D_j                      (R_j = 0 when D_j = 0)
    step 2   A_i = Σ_j  R_j · w(c_ij)            over the same pairs

``P_i`` demand (population of the target group) of obec i, ``S_j`` capacity at site j, ``c_ij`` the cost
(km or minutes), ``w`` the decay: 1 for plain 2SFCA, a step or gaussian function for E2SFCA.  The same
weight is applied in both steps.  Field services (terénní) use their declared territorial reach
instead: ``w = 1`` for each obec in the reach, 0 elsewhere (no distance from the office).

Everything is a sparse-matrix product: ``D = Wᵀ P``, ``A = W R`` with ``W`` (obce × columns) built once
per cost structure and decay (:class:`AccessibilityModel`), for all kinds at once (``P``/``S`` can be
matrices with one column per kind) and for every what-if (:meth:`AccessibilityModel.what_if`).

BFCA (balanced FCA, Paez, Higgins & Vivona 2019, "Demand and level of service inflation in Floating Catchment
Area (FCA) methods", PLOS ONE 14(6): e0218773) divides each obec's weights by their sum over the sites that
have supply of the kind (the obce's own empty sites, kept for what-ifs, are not places to go)::

    W'_ij = w(c_ij) / Σ_{j: S_j > 0} w(c_ij)        (0 where S_j = 0)
    step 1   D_j = Σ_i P_i · W'_ij      (Σ_j D_j = Σ_i P_i over reaching obce: nobody is counted twice)
    step 2   A_i = Σ_j R_j · W'_ij      (Σ_i P_i A_i = Σ_j S_j: supply is conserved, as in 2SFCA/E2SFCA)

:class:`Balanced` wraps a decay to ask for it. The normalisation depends on where supply is, so a BFCA what-if
is a full recomputation (still two sparse products).
"""

from __future__ import annotations

from collections.abc import Iterable, Mapping
from dataclasses import dataclass
from typing import Any

import numpy as np
from scipy import sparse

from .distance import CostStructure

__all__ = [
    "NO_DECAY",
    "AccessibilityModel",
    "Balanced",
    "Facilities",
    "FcaResult",
    "GaussianDecay",
    "NoDecay",
    "StepDecay",
    "WhatIfResult",
    "reach_matrix",
]


# --------------------------------------------------------------------------------------------- decays
@dataclass(frozen=True)
class NoDecay:
    """w(c) = 1 within the cut-off: the original 2SFCA (Luo & Wang 2003)."""

    def __call__(self, cost: np.ndarray) -> np.ndarray:
        return np.ones_like(np.asarray(cost, dtype=float))

    @property
    def label(self) -> str:
        return "2sfca"


NO_DECAY = NoDecay()


@dataclass(frozen=True)
class GaussianDecay:
    """w(c) = exp(-c² / (2σ²)), so w(0) = 1 (PySAL ``access.weights.gaussian(sigma)``, unnormalised)."""

    sigma: float

    def __post_init__(self):
        if not self.sigma or not np.isfinite(self.sigma):
            raise ValueError("sigma must be a non-zero finite number")

    def __call__(self, cost: np.ndarray) -> np.ndarray:
        x = np.asarray(cost, dtype=float)
        return np.exp(-x * x / (2 * self.sigma**2))

    @property
    def label(self) -> str:
        return f"e2sfca-gaussian(sigma={self.sigma:g})"


@dataclass(frozen=True)
class StepDecay:
    """Step weights: w(c) = v_k for the smallest threshold t_k with c <= t_k, 0 beyond the largest.

    Same semantics as PySAL ``access.weights.step_fn({t_k: v_k})``; E2SFCA of Luo & Qi (2009) uses
    ``{10: 1, 20: 0.68, 30: 0.22}`` (minutes).
    """

    thresholds: tuple[tuple[float, float], ...]

    def __post_init__(self):
        items = tuple(sorted((float(t), float(v)) for t, v in self.thresholds))
        if not items:
            raise ValueError("StepDecay needs at least one threshold")
        if any(v < 0 for _, v in items):
            raise ValueError("step weights must be non-negative")
        if len({t for t, _ in items}) != len(items):
            raise ValueError("step thresholds must be distinct")
        object.__setattr__(self, "thresholds", items)

    @classmethod
    def from_dict(cls, steps: Mapping[float, float]) -> StepDecay:
        return cls(tuple(steps.items()))

    def __call__(self, cost: np.ndarray) -> np.ndarray:
        x = np.asarray(cost, dtype=float)
        bounds = np.array([t for t, _ in self.thresholds])
        values = np.array([v for _, v in self.thresholds] + [0.0])
        return values[np.searchsorted(bounds, x, side="left")]

    @property
    def label(self) -> str:
        inner = ",".join(f"{t:g}:{v:g}" for t, v in self.thresholds)
        return f"e2sfca-step({inner})"


@dataclass(frozen=True)
class Balanced:
    """BFCA: the wrapped decay's weights, each obec's row divided by its sum (see the module docstring)."""

    decay: NoDecay | GaussianDecay | StepDecay

    def __call__(self, cost: np.ndarray) -> np.ndarray:
        return self.decay(cost)

    @property
    def label(self) -> str:
        return "bfca-" + self.decay.label


# ----------------------------------------------------------------------------------------- facilities
@dataclass(frozen=True, eq=False)
class Facilities:
    """Supply points: one row per facility (a service of one kind at one place).

    ``site``: index into the cost structure's sites (-1 for a field service); ``field``: row of the
    reach matrix for a field service (-1 for a point facility).  ``obec``, ``lat``, ``lon`` are only
    carried for output (:func:`socplan.availability.engine.to_json_dict`).
    """

    ids: np.ndarray
    kind: np.ndarray
    capacity: np.ndarray
    site: np.ndarray
    field: np.ndarray
    obec: np.ndarray
    lat: np.ndarray
    lon: np.ndarray

    @classmethod
    def build(
        cls,
        *,
        ids,
        kind,
        capacity,
        site=None,
        field=None,
        obec=None,
        lat=None,
        lon=None,
    ) -> Facilities:
        n = len(ids)

        def col(values, fill, dtype):
            if values is None:
                return np.full(n, fill, dtype=dtype)
            arr = np.asarray(values, dtype=dtype)
            if arr.shape != (n,):
                raise ValueError("all facility columns must have one value per facility")
            return arr

        fac = cls(
            ids=col(ids, None, object),
            kind=col(kind, None, object),
            capacity=col(capacity, 0.0, float),
            site=col(site, -1, np.int64),
            field=col(field, -1, np.int64),
            obec=col(obec, None, object),
            lat=col(lat, np.nan, float),
            lon=col(lon, np.nan, float),
        )
        if ((fac.site >= 0) == (fac.field >= 0)).any():
            raise ValueError("each facility needs exactly one of site (point) or field (reach row)")
        if not np.isfinite(fac.capacity).all() or (fac.capacity < 0).any():
            raise ValueError("capacities must be finite and non-negative")
        return fac

    def __len__(self) -> int:
        return len(self.ids)

    def take(self, mask_or_index) -> Facilities:
        sel = np.asarray(mask_or_index)
        return Facilities(**{name: getattr(self, name)[sel] for name in self.__dataclass_fields__})


def reach_matrix(n_obce: int, service_row: np.ndarray, obec_index: np.ndarray, n_services: int | None = None):
    """Incidence (n_services × n_obce) of field services' declared territorial reach (1 = serves the obec)."""
    rows = np.asarray(service_row, dtype=np.int64)
    cols = np.asarray(obec_index, dtype=np.int64)
    n_rows = int(rows.max()) + 1 if n_services is None else n_services
    m = sparse.csr_array((np.ones(len(rows)), (rows, cols)), shape=(n_rows, n_obce))
    m.sum_duplicates()
    m.data[:] = 1.0  # a repeated (service, obec) pair still counts once
    return m


# -------------------------------------------------------------------------------------------- results
@dataclass(frozen=True, eq=False)
class FcaResult:
    """``access`` (n_obce[, k]): A_i; ``column_demand`` (n_columns[, k]): D_j; ``ratio``: R_j;
    ``supply``: S_j; ``demand``: P_i.  Columns are the structure's sites followed by the field services."""

    access: np.ndarray
    column_demand: np.ndarray
    ratio: np.ndarray
    supply: np.ndarray
    demand: np.ndarray | None = None


@dataclass(frozen=True, eq=False)
class WhatIfResult:
    access: np.ndarray  # A_i after the change (n_obce,)
    delta: np.ndarray  # change against the base (n_obce,)
    supply: np.ndarray  # S_j after the change (n_columns,)


# ------------------------------------------------------------------------------------------------ model
class AccessibilityModel:
    """Weights ``W`` (n_obce × n_columns) for one cost structure and one decay, built once.

    Columns ``0 … n_sites-1`` are the structure's sites (weights ``decay(cost)``), columns
    ``n_sites …`` the field services (rows of ``reach``, weight 1). With a :class:`Balanced` decay each obec's
    weights are normalised over the supplied columns at compute time (BFCA).
    """

    def __init__(self, costs: CostStructure, decay=None, reach: Any = None):
        self.costs = costs
        self.decay = NO_DECAY if decay is None else decay
        w_sites = costs.weights(self.decay)
        if reach is not None:
            reach = sparse.csr_array(reach, dtype=float)
            if reach.shape[1] != costs.n_origins:
                raise ValueError("reach must have one column per obec of the cost structure")
            self.n_field = reach.shape[0]
            w = sparse.hstack([w_sites, reach.T], format="csr")
        else:
            self.n_field = 0
            w = w_sites
        self.balanced = isinstance(self.decay, Balanced)
        self.W = sparse.csr_array(w)
        self.WT = self.W.T.tocsr()

    @property
    def n_obce(self) -> int:
        return self.costs.n_origins

    @property
    def n_sites(self) -> int:
        return self.costs.n_sites

    @property
    def n_columns(self) -> int:
        return self.costs.n_sites + self.n_field

    def columns(self, facilities: Facilities) -> np.ndarray:
        """Column of every facility in ``W``."""
        col = np.where(facilities.site >= 0, facilities.site, self.n_sites + facilities.field)
        if ((facilities.site >= self.n_sites) | (facilities.field >= self.n_field)).any():
            raise ValueError("facility site/field index outside the model")
        return col

    def supply(self, facilities: Facilities, kinds: Iterable[Any] | None = None) -> np.ndarray:
        """Capacity per column: a vector (kinds=None: all facilities) or a matrix, one column per kind."""
        cols = self.columns(facilities)
        if kinds is None:
            out = np.zeros(self.n_columns)
            np.add.at(out, cols, facilities.capacity)
            return out
        kinds = list(kinds)
        pos = {k: i for i, k in enumerate(kinds)}
        kidx = np.array([pos.get(k, -1) for k in facilities.kind], dtype=np.int64)
        keep = kidx >= 0
        out = np.zeros((self.n_columns, len(kinds)))
        np.add.at(out, (cols[keep], kidx[keep]), facilities.capacity[keep])
        return out

    def column_demand(self, demand) -> np.ndarray:
        """Step 1 demand D = Wᵀ P (vector, or one column per kind)."""
        p = np.asarray(demand, dtype=float)
        if p.shape[0] != self.n_obce:
            raise ValueError("demand must have one row per obec of the cost structure")
        return self.WT @ p

    def compute(self, demand, supply, column_demand: np.ndarray | None = None) -> FcaResult:
        """2SFCA / E2SFCA for one or many kinds.

        ``demand``: (n_obce,) or (n_obce, k); ``supply``: (n_columns,) or (n_columns, k).
        ``column_demand`` (D from an earlier call with the same demand) skips step 1.
        """
        s = np.asarray(supply, dtype=float)
        if s.shape[0] != self.n_columns:
            raise ValueError("supply must have one row per column (sites + field services)")
        if self.balanced:
            return self._compute_balanced(demand, s)
        d = self.column_demand(demand) if column_demand is None else np.asarray(column_demand, dtype=float)
        d_b = d[:, None] if (d.ndim == 1 and s.ndim == 2) else d
        ratio = np.divide(s, d_b, out=np.zeros(np.broadcast_shapes(s.shape, d_b.shape)), where=d_b > 0)
        access = self.W @ ratio
        return FcaResult(access=access, column_demand=d, ratio=ratio, supply=s, demand=np.asarray(demand, float))

    def _compute_balanced(self, demand, s: np.ndarray) -> FcaResult:
        """BFCA: with inv_i = 1 / Σ_{j: S_j > 0} w_ij, D = mask · Wᵀ(P · inv), R = S / D, A = inv · W R."""
        p = np.asarray(demand, dtype=float)
        if p.shape[0] != self.n_obce:
            raise ValueError("demand must have one row per obec of the cost structure")
        mask = (s > 0).astype(float)
        reached = self.W @ mask  # (n_obce[, k]) weight of the supplied columns each obec reaches
        inv = np.divide(1.0, reached, out=np.zeros_like(reached), where=reached > 0)
        p_b = p[:, None] if (p.ndim == 1 and s.ndim == 2) else p
        d = (self.WT @ (p_b * inv)) * mask
        ratio = np.divide(s, d, out=np.zeros_like(s), where=d > 0)
        access = inv * (self.W @ ratio)
        return FcaResult(access=access, column_demand=d, ratio=ratio, supply=s, demand=p)

    def what_if(
        self,
        base: FcaResult,
        *,
        kind: int | None = None,
        add_at_obec: Mapping[int, float] | None = None,
        add_at_column: Mapping[int, float] | None = None,
        remove: Facilities | None = None,
    ) -> WhatIfResult:
        """Recompute one kind after adding capacity at obce and/or removing facilities.

        ``kind``: column of ``base`` (None when ``base`` is for a single kind).  ``add_at_obec`` maps an
        obec index to added capacity, placed at the obec's own site (``costs.obec_site``); ``remove``: the
        facilities (of this kind) to take out.  Reuses ``W`` and the step-1 demand ``D`` of ``base``
        (D does not depend on supply), so the cost is one sparse mat-vec.
        """
        s = base.supply if kind is None else base.supply[:, kind]
        d = base.column_demand
        if d.ndim == 2:
            d = d[:, kind]
        s = s.astype(float, copy=True)
        for obec, cap in (add_at_obec or {}).items():
            site = int(self.costs.obec_site[int(obec)])
            if site < 0:
                raise ValueError("the cost structure has no obec sites (build it with include_obec_sites)")
            s[site] += float(cap)
        for col, cap in (add_at_column or {}).items():
            s[int(col)] += float(cap)
        if remove is not None and len(remove):
            np.subtract.at(s, self.columns(remove), remove.capacity)
            np.maximum(s, 0.0, out=s)
        base_access = base.access if kind is None else base.access[:, kind]
        if self.balanced:  # where supply is decides the normalisation: recompute
            if base.demand is None:
                raise ValueError("a BFCA what-if needs the base result's demand")
            p = base.demand if base.demand.ndim == 1 else base.demand[:, kind]
            access = self._compute_balanced(p, s).access
            return WhatIfResult(access=access, delta=access - base_access, supply=s)
        ratio = np.divide(s, d, out=np.zeros_like(s), where=d > 0)
        access = self.W @ ratio
        return WhatIfResult(access=access, delta=access - base_access, supply=s)
