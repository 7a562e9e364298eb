"""Machine-readable output of ``socplan accessibility --kind K … --json``."""

from __future__ import annotations

import math
from dataclasses import dataclass
from typing import Any

import numpy as np

from .fca import Facilities

__all__ = ["DemandPoints", "to_json_dict"]


@dataclass(frozen=True, eq=False)
class DemandPoints:
    """Demand points: obce with population (of the relevant target group) and their point."""

    codes: np.ndarray
    population: np.ndarray
    lat: np.ndarray
    lon: np.ndarray


def _num(x) -> float | None:
    x = float(x)
    return x if math.isfinite(x) else None


def _plain(x) -> Any:
    if isinstance(x, np.generic):
        return x.item()
    return x


def to_json_dict(
    *,
    kind: Any,
    method: str,
    radius_km: float | None,
    demand: DemandPoints,
    values,
    facilities: Facilities,
) -> dict:
    """``{"kind", "method", "radius_km", "results": [...], "facilities": [...]}``.

    ``results``: one entry per demand point used (obec code as text, population as int, lat, lon, value).
    ``facilities``: the supply points of ``kind`` that the computation used (id, obec, lat, lon, capacity).
    Non-finite numbers become ``null``.
    """
    vals = np.asarray(values, dtype=float)
    if vals.shape != (len(demand.codes),):
        raise ValueError("values must have one entry per demand point")
    results = [
        {
            "obec": str(code),
            "population": int(round(float(pop))),
            "lat": _num(lat),
            "lon": _num(lon),
            "value": _num(v),
        }
        for code, pop, lat, lon, v in zip(
            demand.codes, demand.population, demand.lat, demand.lon, vals, strict=True
        )
    ]
    mask = np.array([k == kind for k in facilities.kind], dtype=bool)
    fac = facilities.take(mask)
    fac_list = []
    for fid, obec, lat, lon, cap in zip(fac.ids, fac.obec, fac.lat, fac.lon, fac.capacity, strict=True):
        c = float(cap)
        fac_list.append(
            {
                "id": _plain(fid),
                "obec": None if obec is None else str(obec),
                "lat": _num(lat),
                "lon": _num(lon),
                "capacity": int(c) if c.is_integer() else c,
            }
        )
    return {
        "kind": _plain(kind),
        "method": method,
        "radius_km": None if radius_km is None else float(radius_km),
        "results": results,
        "facilities": fac_list,
    }
