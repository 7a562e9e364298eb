"""Distances and the sparse cost structure between municipalities (demand) and supply sites.

Framework-free (numpy / scipy / pandas only).  The cost structure is built **once** per region or
country and then reused for every kind of service and every what-if (see :mod:`.fca`).

* Straight-line distance: great-circle distance by the haversine formula on a sphere of radius
  ``EARTH_RADIUS_KM = 6371.0088`` km (the IUGG mean Earth radius), between the obec point and the site point.
* Travel time: an origin-obec × destination-obec matrix in minutes, imported from CSV
  (:func:`load_travel_time_csv`); there the supply sites are the obce themselves.

A :class:`CostStructure` stores only pairs within the cut-off, in CSR layout with origins (obce) as rows.
Pairs are kept explicitly (a cost of 0, e.g. a facility at the obec point, is a stored pair, not a
missing one).
"""

from __future__ import annotations

import io
import os
from collections.abc import Sequence
from dataclasses import dataclass, field
from typing import Any

import numpy as np
import pandas as pd
from scipy import sparse
from scipy.spatial import cKDTree

EARTH_RADIUS_KM = 6371.0088

__all__ = [
    "EARTH_RADIUS_KM",
    "CostStructure",
    "build_distance_costs",
    "costs_from_pairs",
    "haversine_km",
    "load_travel_time_csv",
    "unit_vectors",
]


def haversine_km(lat1, lon1, lat2, lon2, radius_km: float = EARTH_RADIUS_KM) -> np.ndarray:
    """Great-circle distance in km between points given in degrees (WGS84); numpy broadcasting applies.

    d = 2 R asin( sqrt( sin²(Δφ/2) + cos φ1 cos φ2 sin²(Δλ/2) ) )
    """
    phi1 = np.radians(np.asarray(lat1, dtype=float))
    phi2 = np.radians(np.asarray(lat2, dtype=float))
    dphi = phi2 - phi1
    dlmb = np.radians(np.asarray(lon2, dtype=float)) - np.radians(np.asarray(lon1, dtype=float))
    h = np.sin(dphi / 2.0) ** 2 + np.cos(phi1) * np.cos(phi2) * np.sin(dlmb / 2.0) ** 2
    return 2.0 * radius_km * np.arcsin(np.sqrt(np.clip(h, 0.0, 1.0)))


def unit_vectors(lat, lon) -> np.ndarray:
    """3-D unit vectors (n × 3) of points given in degrees."""
    phi = np.radians(np.asarray(lat, dtype=float))
    lmb = np.radians(np.asarray(lon, dtype=float))
    cphi = np.cos(phi)
    return np.column_stack([cphi * np.cos(lmb), cphi * np.sin(lmb), np.sin(phi)])


def _as_ids(ids: Sequence[Any] | np.ndarray) -> np.ndarray:
    arr = np.asarray(ids, dtype=object)
    if arr.ndim != 1:
        raise ValueError("ids must be one-dimensional")
    return arr


@dataclass(frozen=True, eq=False)
class CostStructure:
    """Sparse origin × site cost table (pairs within the cut-off only), CSR layout over origins.

    ``origin_ids``: demand points (obec codes).  ``site_ids``: supply sites (facility points, or obce).
    ``obec_site[i]``: the site index that stands for obec ``i``'s own point (where a what-if adds
    capacity "in obec i"), or -1 when the structure has no such site.
    """

    origin_ids: np.ndarray
    site_ids: np.ndarray
    indptr: np.ndarray
    indices: np.ndarray
    cost: np.ndarray
    cutoff: float | None
    unit: str
    obec_site: np.ndarray
    _weights: dict = field(default_factory=dict, repr=False, compare=False)

    @property
    def n_origins(self) -> int:
        return len(self.origin_ids)

    @property
    def n_sites(self) -> int:
        return len(self.site_ids)

    @property
    def nnz(self) -> int:
        return len(self.cost)

    @property
    def rows(self) -> np.ndarray:
        """Origin index of every stored pair."""
        return np.repeat(np.arange(self.n_origins), np.diff(self.indptr))

    def matrix(self, data: np.ndarray | None = None) -> sparse.csr_array:
        """The pattern as a CSR array (n_origins × n_sites) holding ``data`` (default: the costs).

        Note that a stored value of 0 stays stored here, but arithmetic treats it as absent.
        """
        values = self.cost if data is None else np.asarray(data, dtype=float)
        return sparse.csr_array((values, self.indices, self.indptr), shape=(self.n_origins, self.n_sites))

    def weights(self, decay) -> sparse.csr_array:
        """W[i, j] = decay(cost[i, j]) for stored pairs; computed once per decay and cached."""
        key = decay
        cached = self._weights.get(key)
        if cached is None:
            cached = self.matrix(decay(self.cost))
            cached.eliminate_zeros()  # a weight of 0 contributes nothing (e.g. beyond a step threshold)
            self._weights[key] = cached
        return cached

    def pairs_frame(self, origin: str = "origin", dest: str = "dest", cost: str = "cost") -> pd.DataFrame:
        """The stored pairs as a long table (origin id, site id, cost), e.g. for export or PySAL access."""
        return pd.DataFrame(
            {origin: self.origin_ids[self.rows], dest: self.site_ids[self.indices], cost: self.cost}
        )

    def site_index(self, ids: Sequence[Any]) -> np.ndarray:
        """Site indices for site ids (KeyError if one is unknown)."""
        return _lookup(self.site_ids, ids, "site")

    def origin_index(self, ids: Sequence[Any]) -> np.ndarray:
        """Origin (obec) indices for origin ids (KeyError if one is unknown)."""
        return _lookup(self.origin_ids, ids, "origin")


def _lookup(universe: np.ndarray, ids: Sequence[Any], what: str) -> np.ndarray:
    index = pd.Index(universe)
    pos = index.get_indexer(pd.Index(_as_ids(ids)))
    if (pos < 0).any():
        missing = _as_ids(ids)[pos < 0][:5]
        raise KeyError(f"unknown {what} id(s): {list(missing)}")
    return pos.astype(np.int64)


def costs_from_pairs(
    origin_ids: Sequence[Any],
    site_ids: Sequence[Any],
    origin_index: np.ndarray,
    site_index: np.ndarray,
    cost: np.ndarray,
    *,
    cutoff: float | None = None,
    unit: str = "km",
    obec_site: np.ndarray | None = None,
) -> CostStructure:
    """Build a :class:`CostStructure` from pairs given by integer indices.

    Pairs with cost > ``cutoff`` are dropped (the cut-off is inclusive, cost <= cutoff is kept).
    Duplicate pairs, negative or non-finite costs are errors.
    """
    o_ids = _as_ids(origin_ids)
    s_ids = _as_ids(site_ids)
    oi = np.asarray(origin_index, dtype=np.int64)
    si = np.asarray(site_index, dtype=np.int64)
    c = np.asarray(cost, dtype=float)
    if not (oi.shape == si.shape == c.shape) or oi.ndim != 1:
        raise ValueError("origin_index, site_index and cost must be 1-D arrays of equal length")
    if len(oi) and (oi.min() < 0 or oi.max() >= len(o_ids) or si.min() < 0 or si.max() >= len(s_ids)):
        raise ValueError("pair index out of range")
    if not np.isfinite(c).all() or (c < 0).any():
        raise ValueError("costs must be finite and non-negative")
    if cutoff is not None:
        keep = c <= cutoff
        oi, si, c = oi[keep], si[keep], c[keep]
    order = np.lexsort((si, oi))
    oi, si, c = oi[order], si[order], c[order]
    if len(oi) > 1:
        dup = (oi[1:] == oi[:-1]) & (si[1:] == si[:-1])
        if dup.any():
            k = int(np.argmax(dup))
            raise ValueError(f"duplicate pair ({o_ids[oi[k]]}, {s_ids[si[k]]})")
    indptr = np.zeros(len(o_ids) + 1, dtype=np.int64)
    np.cumsum(np.bincount(oi, minlength=len(o_ids)), out=indptr[1:])
    if obec_site is None:
        obec_site = np.full(len(o_ids), -1, dtype=np.int64)
    obec_site = np.asarray(obec_site, dtype=np.int64)
    if obec_site.shape != (len(o_ids),):
        raise ValueError("obec_site must have one entry per origin")
    return CostStructure(
        origin_ids=o_ids,
        site_ids=s_ids,
        indptr=indptr,
        indices=si.astype(np.int32 if len(s_ids) < 2**31 else np.int64),
        cost=c,
        cutoff=cutoff,
        unit=unit,
        obec_site=obec_site,
    )


def build_distance_costs(
    origin_ids: Sequence[Any],
    origin_lat,
    origin_lon,
    site_ids: Sequence[Any] = (),
    site_lat=(),
    site_lon=(),
    *,
    cutoff_km: float,
    include_obec_sites: bool = False,
    radius_km: float = EARTH_RADIUS_KM,
) -> CostStructure:
    """Great-circle distances (km) from every obec point to every site point within ``cutoff_km``.

    Candidate pairs come from a k-d tree on 3-D unit vectors (chord length is monotone in the
    great-circle distance), then the exact haversine distance decides (inclusive cut-off).

    With ``include_obec_sites=True`` the obec points themselves are added as the first ``n_origins``
    sites (site id = the obec id), so that a what-if can add capacity "in obec i" and the location
    model can use obce as candidate sites, all from this one structure.
    """
    o_ids = _as_ids(origin_ids)
    o_lat = np.asarray(origin_lat, dtype=float)
    o_lon = np.asarray(origin_lon, dtype=float)
    s_ids = _as_ids(site_ids)
    s_lat = np.asarray(site_lat, dtype=float)
    s_lon = np.asarray(site_lon, dtype=float)
    if not (len(o_ids) == len(o_lat) == len(o_lon)) or not (len(s_ids) == len(s_lat) == len(s_lon)):
        raise ValueError("ids and coordinates must have equal lengths")
    if include_obec_sites:
        if len(set(o_ids.tolist()) & set(s_ids.tolist())):
            raise ValueError("a facility site id equals an obec id; obec sites are labelled by obec id")
        s_ids = np.concatenate([o_ids, s_ids])
        s_lat = np.concatenate([o_lat, s_lat])
        s_lon = np.concatenate([o_lon, s_lon])
        obec_site = np.arange(len(o_ids), dtype=np.int64)
    else:
        obec_site = None
    if not (np.isfinite(o_lat).all() and np.isfinite(o_lon).all()):
        raise ValueError("every obec needs coordinates (fill or drop those without)")
    if not (np.isfinite(s_lat).all() and np.isfinite(s_lon).all()):
        raise ValueError("every site needs coordinates")
    if cutoff_km <= 0 or not np.isfinite(cutoff_km):
        raise ValueError("cutoff_km must be a positive number")

    if len(s_ids) == 0 or len(o_ids) == 0:
        empty = np.zeros(0, dtype=np.int64)
        return costs_from_pairs(
            o_ids, s_ids, empty, empty, np.zeros(0), cutoff=cutoff_km, obec_site=obec_site
        )

    # chord for the cut-off angle, slightly enlarged so boundary pairs are never lost to rounding
    angle = min(cutoff_km / radius_km, np.pi)
    chord = 2.0 * np.sin(angle / 2.0) * (1.0 + 1e-9) + 1e-12
    tree_o = cKDTree(unit_vectors(o_lat, o_lon))
    tree_s = cKDTree(unit_vectors(s_lat, s_lon))
    cand = tree_o.sparse_distance_matrix(tree_s, max_distance=chord, output_type="ndarray")
    oi = cand["i"].astype(np.int64)
    si = cand["j"].astype(np.int64)
    d = haversine_km(o_lat[oi], o_lon[oi], s_lat[si], s_lon[si], radius_km=radius_km)
    return costs_from_pairs(o_ids, s_ids, oi, si, d, cutoff=cutoff_km, unit="km", obec_site=obec_site)


def load_travel_time_csv(
    source: str | os.PathLike | io.IOBase,
    obec_ids: Sequence[Any] | None = None,
    *,
    cutoff_min: float | None = None,
    origin_col: str = "origin",
    dest_col: str = "destination",
    minutes_col: str = "minutes",
    add_self_pairs: bool = True,
    sep: str = ",",
) -> CostStructure:
    """Load an origin-obec × destination-obec travel-time matrix (minutes) from CSV.

    The CSV has a header with the columns ``origin``, ``destination`` and ``minutes`` (names can be
    changed); obec codes are read as text.  Pairs that are missing are unreachable.  The result is a
    :class:`CostStructure` whose sites are the obce (site id = obec code, ``obec_site[i] = i``):
    facilities are placed at the site of their obec.

    ``obec_ids`` fixes the set and order of obce (default: every code found in the file, sorted);
    codes in the file that are not in ``obec_ids`` are an error.  With ``add_self_pairs`` a missing
    (o, o) pair is added with 0 minutes, since a facility in one's own obec is reachable.
    """
    df = pd.read_csv(source, sep=sep, dtype={origin_col: str, dest_col: str})
    for col in (origin_col, dest_col, minutes_col):
        if col not in df.columns:
            raise ValueError(f"travel-time CSV lacks column {col!r} (has {list(df.columns)})")
    orig = df[origin_col].astype(str).str.strip().to_numpy(dtype=object)
    dest = df[dest_col].astype(str).str.strip().to_numpy(dtype=object)
    minutes = pd.to_numeric(df[minutes_col], errors="coerce").to_numpy(dtype=float)
    if not np.isfinite(minutes).all():
        raise ValueError("travel-time CSV has a missing or non-numeric minutes value")
    if obec_ids is None:
        ids = np.array(sorted(set(orig.tolist()) | set(dest.tolist())), dtype=object)
    else:
        ids = _as_ids([str(x) for x in obec_ids])
    oi = _lookup(ids, orig, "origin obec")
    di = _lookup(ids, dest, "destination obec")
    if add_self_pairs:
        n = len(ids)
        present = np.zeros(n, dtype=bool)
        present[oi[oi == di]] = True
        missing = np.flatnonzero(~present)
        oi = np.concatenate([oi, missing])
        di = np.concatenate([di, missing])
        minutes = np.concatenate([minutes, np.zeros(len(missing))])
    return costs_from_pairs(
        ids,
        ids,
        oi,
        di,
        minutes,
        cutoff=cutoff_min,
        unit="min",
        obec_site=np.arange(len(ids), dtype=np.int64),
    )
