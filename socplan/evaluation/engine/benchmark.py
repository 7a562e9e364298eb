"""Benchmarking of unit costs and ratios per kind and form (srovnávání / benchmarking).

Statistics (hand-checkable)
---------------------------
* Quartiles use linear interpolation between order statistics (Hyndman–Fan type 7, the numpy/pandas default
  and Excel ``QUARTIL.INC``): for sorted values x₁ ≤ … ≤ xₙ the p-quantile sits at position
  h = 1 + p·(n − 1), i.e. x_⌊h⌋ + (h − ⌊h⌋)·(x_⌊h⌋+1 − x_⌊h⌋). Median = Q2.
* IQR = Q3 − Q1; **outliers** (odlehlé hodnoty) are values < Q1 − 1.5·IQR or > Q3 + 1.5·IQR (Tukey fences).
* Missing values (NaN) are left out of every statistic and counted in ``n_missing``.

Reference value rule (domain.md §5.2, Královéhradecký kraj)
-----------------------------------------------------------
The **regional** value is used when the region has at least ``min_providers`` services of the kind (and
form) with a value **and** the regional value is higher than the national one; otherwise the **national**
value is used. If there is no national value, the regional one is used when it rests on enough services.

"Where my service stands"
-------------------------
Only aggregates of the peer group are returned – never another provider's identity or single value. When the
peer group (including the service itself) has fewer than ``min_peers`` values, no distribution is returned
at all, because with two or three services a median or quartile *is* another provider's figure.
The percentile is the mid-rank percentile 100·(below + ½·equal)/n, where *equal* includes the service.
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass

import numpy as np
import pandas as pd

from .formatting import num
from .indicators import COMPUTED_INDICATORS, compute_indicators

IQR_FACTOR = 1.5
STAT_COLUMNS = (
    "n",
    "n_missing",
    "min",
    "q1",
    "median",
    "q3",
    "max",
    "iqr",
    "lower_fence",
    "upper_fence",
    "n_low_outliers",
    "n_high_outliers",
)


def indicator_frame(frame: pd.DataFrame, *, days_in_year: int = 365) -> pd.DataFrame:
    """``service_id``, ``kind``, ``form`` plus the computed indicators (input for the functions below)."""
    ids = [c for c in ("service_id", "kind", "form") if c in frame.columns]
    out = frame[ids].copy()
    if "kind" in out:
        out["kind"] = out["kind"].astype(str)
    ind = compute_indicators(frame, days_in_year=days_in_year)
    return pd.concat([out, ind[list(COMPUTED_INDICATORS)]], axis=1)


def distribution(
    frame: pd.DataFrame,
    *,
    columns: Sequence[str] | None = None,
    by: Sequence[str] = ("kind", "form"),
) -> pd.DataFrame:
    """Per group (``by``) and indicator: n, n_missing, min, Q1, median, Q3, max, IQR, fences, outlier counts.

    Returns a frame indexed by ``(*by, "indicator")`` with :data:`STAT_COLUMNS`.
    """
    by = list(by)
    columns = list(columns) if columns is not None else [c for c in COMPUTED_INDICATORS if c in frame.columns]
    long = frame[by + columns].melt(id_vars=by, value_vars=columns, var_name="indicator", value_name="value")
    long["value"] = pd.to_numeric(long["value"], errors="coerce")
    keys = by + ["indicator"]
    g = long.groupby(keys, sort=True, observed=True)["value"]
    stats = pd.DataFrame(
        {
            "n": g.count(),
            "n_missing": g.size() - g.count(),
            "min": g.min(),
            "q1": g.quantile(0.25),
            "median": g.median(),
            "q3": g.quantile(0.75),
            "max": g.max(),
        }
    )
    stats["iqr"] = stats["q3"] - stats["q1"]
    stats["lower_fence"] = stats["q1"] - IQR_FACTOR * stats["iqr"]
    stats["upper_fence"] = stats["q3"] + IQR_FACTOR * stats["iqr"]
    fences = long.join(stats[["lower_fence", "upper_fence"]], on=keys)
    low = (fences["value"] < fences["lower_fence"]).groupby([fences[k] for k in keys], observed=True).sum()
    high = (fences["value"] > fences["upper_fence"]).groupby([fences[k] for k in keys], observed=True).sum()
    stats["n_low_outliers"] = low.reindex(stats.index).fillna(0).astype(np.int64)
    stats["n_high_outliers"] = high.reindex(stats.index).fillna(0).astype(np.int64)
    stats["n"] = stats["n"].astype(np.int64)
    stats["n_missing"] = stats["n_missing"].astype(np.int64)
    return stats[list(STAT_COLUMNS)]


def outlier_flags(frame: pd.DataFrame, column: str, *, by: Sequence[str] = ("kind", "form")) -> pd.Series:
    """Per service: ``-1`` below the lower fence, ``1`` above the upper fence, ``0`` otherwise (NaN → 0)."""
    by = list(by)
    v = pd.to_numeric(frame[column], errors="coerce")
    g = v.groupby([frame[b] for b in by], observed=True, sort=False)
    q1 = g.transform("quantile", 0.25)
    q3 = g.transform("quantile", 0.75)
    iqr = q3 - q1
    flags = np.where(v < q1 - IQR_FACTOR * iqr, -1, np.where(v > q3 + IQR_FACTOR * iqr, 1, 0))
    return pd.Series(flags, index=frame.index, name=f"{column}_outlier")


def reference_values(
    regional: pd.DataFrame,
    national: pd.DataFrame,
    column: str,
    *,
    by: Sequence[str] = ("kind", "form"),
    min_providers: int = 5,
    statistic: str = "median",
) -> pd.DataFrame:
    """Reference value per group by the regional-vs-national rule (see the module docstring).

    ``statistic`` is any pandas groupby reduction name ("median", "mean", …). Columns: n_regional, regional,
    n_national, national, reference, source ("regionální" | "celostátní" | "" when there is none).
    """
    by = list(by)

    def agg(df):
        v = pd.to_numeric(df[column], errors="coerce")
        g = v.groupby([df[b].astype(str) for b in by], observed=True)
        return g.count(), g.agg(statistic)

    n_r, v_r = agg(regional)
    n_n, v_n = agg(national)
    out = pd.DataFrame({"n_regional": n_r, "regional": v_r}).join(
        pd.DataFrame({"n_national": n_n, "national": v_n}), how="outer"
    )
    out["n_regional"] = out["n_regional"].fillna(0).astype(np.int64)
    out["n_national"] = out["n_national"].fillna(0).astype(np.int64)
    enough = out["n_regional"] >= min_providers
    use_regional = enough & out["regional"].notna() & (
        out["national"].isna() | (out["regional"] > out["national"])
    )
    out["reference"] = np.where(use_regional, out["regional"], out["national"])
    out["source"] = np.where(use_regional, "regionální", np.where(out["national"].notna(), "celostátní", ""))
    out.index.names = by
    return out


@dataclass(frozen=True)
class Standing:
    """Where one service stands among services of the same kind and form (no other identities)."""

    service_id: object
    indicator: str
    value: float
    n: int  # services in the peer group with a value (including this one)
    enough_peers: bool
    percentile: float | None = None
    quartile: int | None = None  # 1 … 4 (1 = lowest values)
    q1: float | None = None
    median: float | None = None
    q3: float | None = None
    outlier: str | None = None  # "nízká" | "vysoká" | None
    message: str = ""


def where_my_service_stands(
    frame: pd.DataFrame,
    service_id,
    column: str,
    *,
    by: Sequence[str] = ("kind", "form"),
    min_peers: int = 5,
    label: str | None = None,
) -> Standing:
    """Percentile and quartile position of one service's ``column`` among its peers (same ``by`` values)."""
    row = frame.loc[frame["service_id"] == service_id]
    if row.empty:
        raise KeyError(service_id)
    row = row.iloc[0]
    mask = np.ones(len(frame), dtype=bool)
    for b in by:
        mask &= (frame[b].astype(str) == str(row[b])).to_numpy()
    peers = pd.to_numeric(frame.loc[mask, column], errors="coerce").dropna().to_numpy(dtype=float)
    value = pd.to_numeric(pd.Series([row[column]]), errors="coerce").iloc[0]
    name = label or column
    if np.isnan(value):
        return Standing(service_id, column, float("nan"), len(peers), False,
                        message=f"Pro ukazatel {name} chybí údaj vaší služby, nelze ji porovnat.")
    n = len(peers)
    if n < min_peers:
        return Standing(
            service_id, column, float(value), n, False,
            message=f"Ukazatel {name}: srovnatelných služeb je jen {n} (nejméně {min_peers}); "
            "srovnání se nezveřejňuje, aby nebyly odhaleny údaje jiných poskytovatelů.",
        )
    q1, med, q3 = np.quantile(peers, [0.25, 0.5, 0.75])
    below = int((peers < value).sum())
    equal = int((peers == value).sum())
    percentile = 100.0 * (below + 0.5 * equal) / n
    quartile = 1 if value <= q1 else 2 if value <= med else 3 if value <= q3 else 4
    iqr = q3 - q1
    outlier = "nízká" if value < q1 - IQR_FACTOR * iqr else "vysoká" if value > q3 + IQR_FACTOR * iqr else None
    msg = (
        f"Ukazatel {name}: vaše služba {num(value, 4)}; u {n} služeb stejného druhu a formy je "
        f"medián {num(med, 4)}, 1. kvartil {num(q1, 4)}, 3. kvartil {num(q3, 4)}. "
        f"Vaše služba je v {quartile}. čtvrtině (percentil {num(percentile, 1)})."
    )
    if outlier:
        msg += f" Hodnota je odlehlá ({outlier})."
    return Standing(
        service_id=service_id,
        indicator=column,
        value=float(value),
        n=n,
        enough_peers=True,
        percentile=percentile,
        quartile=quartile,
        q1=float(q1),
        median=float(med),
        q3=float(q3),
        outlier=outlier,
        message=msg,
    )
