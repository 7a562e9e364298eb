"""The evaluation engine: all services of a kraj and year scored at once (vectorised).

Formula (per service *s*, indicator *i* of criterion *c*)::

    compared(s, i) = value / reference        (relative indicators)
                   = value                    (otherwise)
    points(s, i)   = scale(kind of s, i)(compared)         0 … max_points (10)
    weight(s, i)   = weight(c) × share(i) / Σ share(j)     j = indicators of c applicable to the kind of s
    contribution   = points × weight / max_points
    score(s)       = Σ contributions                        0 … 100

Decisions (documented in docs/evaluation.md):

* **Missing data → 0 points, listed in ``missing``.** The indicator keeps its weight; the provider sees in the
  breakdown exactly how many points the missing figure costs and can get them by supplying it. Re-normalising
  the weights instead would reward withholding an unfavourable figure and would make services of one kind
  scored on different bases – neither is fair nor explainable to a regional officer.
* **Not applicable ≠ missing.** An indicator that does not apply to a kind (scale ``None``, e.g. occupancy for
  field services) is left out and its criterion's weight goes to the criterion's other indicators – the same
  for every service of the kind.
* **Rounding.** The compared quantity is rounded to 9 decimals before the scale is applied (so a value that
  equals a threshold on paper equals it in the computer); the score is rounded to 6 decimals (float noise)
  before ranking and the threshold test.
* **Rank** within the kind: 1 = best; equal scores share the best rank of their block and the next rank is
  skipped (standard competition ranking "1, 2, 2, 4", pandas ``method="min"``).
* **Threshold:** ``meets_threshold`` is ``score ≥ threshold`` of the kind (reaching it is enough).
"""

from __future__ import annotations

import calendar
import math
from collections.abc import Sequence
from dataclasses import dataclass

import numpy as np
import pandas as pd

from .indicators import compute_indicators
from .methodology import Methodology, MethodologyError, Scale, lookup, validate_methodology

COMPARE_DECIMALS = 9
SCORE_DECIMALS = 6


@dataclass
class EvaluationResult:
    """Wide frames indexed by ``service_id``; indicator frames have one column per indicator code.

    ``points`` is NaN where the indicator does not apply and 0 where it is missing; ``weights`` and
    ``contributions`` are 0 where it does not apply.
    """

    methodology: Methodology
    services: pd.DataFrame  # kind, form, group, score, rank, n_ranked, threshold, meets_threshold, n_missing
    inputs: pd.DataFrame  # the input frame, indexed by service_id
    values: pd.DataFrame
    references: pd.DataFrame
    compared: pd.DataFrame
    points: pd.DataFrame
    weights: pd.DataFrame
    contributions: pd.DataFrame
    applicable: pd.DataFrame
    missing: pd.DataFrame

    @property
    def indicator_codes(self) -> list[str]:
        return list(self.values.columns)

    def missing_codes(self, service_id) -> list[str]:
        row = self.missing.loc[service_id]
        return [c for c in self.indicator_codes if bool(row[c])]

    def missing_lists(self) -> list[list[str]]:
        """Missing indicator codes per service, in ``services`` order (methodology order inside)."""
        m = self.missing.to_numpy()
        codes = np.asarray(self.indicator_codes, dtype=object)
        out: list[list[str]] = [[] for _ in range(m.shape[0])]
        rows, cols = np.nonzero(m)
        for r, c in zip(rows.tolist(), cols.tolist(), strict=True):
            out[r].append(codes[c])
        return out

    def long(self) -> pd.DataFrame:
        """Tidy table: one row per service and applicable indicator."""
        parts = {
            "value": self.values,
            "reference": self.references,
            "compared": self.compared,
            "points": self.points,
            "weight": self.weights,
            "contribution": self.contributions,
            "missing": self.missing,
            "applicable": self.applicable,
        }
        stacked = pd.concat({k: v.stack(future_stack=True) for k, v in parts.items()}, axis=1)
        stacked.index.names = ["service_id", "indicator"]
        stacked = stacked[stacked["applicable"].astype(bool)].drop(columns="applicable")
        crit = {i.code: i.criterion for i in self.methodology.indicators}
        stacked.insert(0, "criterion", stacked.index.get_level_values("indicator").map(crit))
        return stacked


def _norm_kind(series: pd.Series) -> np.ndarray:
    # A kraj has a few dozen distinct kinds among thousands of services: normalise each distinct value once.
    codes, uniques = pd.factorize(series, use_na_sentinel=False)
    s = pd.Series(uniques, dtype=object).astype(str).str.strip()
    s = s.str.replace(r"^§\s*", "", regex=True).str.replace(r"\.0$", "", regex=True)
    return s.to_numpy(dtype=object)[codes]


def _norm_form(series: pd.Series) -> np.ndarray:
    codes, uniques = pd.factorize(series, use_na_sentinel=False)
    return pd.Series(uniques, dtype=object).astype(str).str.strip().to_numpy(dtype=object)[codes]


def _weights(m: Methodology, applicable: dict[str, bool]) -> dict[str, float]:
    """``Methodology.weights_for`` with the applicability already known (same arithmetic, same order)."""
    out: dict[str, float] = {}
    for c in m.criteria:
        members = [i for i in m.indicators if i.criterion == c.code]
        total_share = sum(i.share for i in members if applicable[i.code])
        for i in members:
            out[i.code] = c.weight * i.share / total_share if applicable[i.code] and total_share else 0.0
    return out


def _points(scale: Scale, direction: str, x: np.ndarray) -> np.ndarray:
    t = np.asarray(scale.thresholds, dtype=float)
    p = np.asarray(scale.points, dtype=float)
    side = "left" if direction == "lower" else "right"
    idx = np.searchsorted(t, np.where(np.isnan(x), 0.0, x), side=side)
    return np.where(np.isnan(x), np.nan, p[idx])


def evaluate(
    frame: pd.DataFrame,
    methodology: Methodology,
    *,
    validate: bool = True,
    rank_within: Sequence[str] = ("kind",),
) -> EvaluationResult:
    """Evaluate every service of ``frame`` (input columns: see :mod:`.indicators`) by ``methodology``."""
    m = methodology
    if validate:
        errors = validate_methodology(m)
        if errors:
            raise MethodologyError("Metodika není platná:\n" + "\n".join(errors))
    for col in ("service_id", "kind"):
        if col not in frame.columns:
            raise ValueError(f"missing column {col!r}")
    ids = frame["service_id"]
    if ids.duplicated().any():
        dup = ids[ids.duplicated()].iloc[0]
        raise ValueError(f"duplicate service_id {dup!r}")
    n = len(frame)
    kinds = _norm_kind(frame["kind"])
    forms = _norm_form(frame["form"]) if "form" in frame.columns else np.full(n, "", dtype=object)
    index = pd.Index(ids.to_numpy(), name="service_id")
    days = 366 if calendar.isleap(m.year) else 365
    ind = compute_indicators(frame, days_in_year=days)

    inds = m.indicators
    k = len(inds)
    codes_m = [i.code for i in inds]

    # --- resolve the methodology once per distinct (kind, form): a few dozen lookups, not one per service
    kind_codes, kind_u = pd.factorize(kinds, sort=False)
    form_codes, form_u = pd.factorize(forms, sort=False)
    pair_codes, pair_u = pd.factorize(kind_codes * len(form_u) + form_codes, sort=False)
    uniques = [f"{kind_u[p // len(form_u)]}\x1f{form_u[p % len(form_u)]}" for p in pair_u]
    combo_codes = pair_codes
    u = len(uniques)
    groups_u = np.empty(u, dtype=object)
    ref_u = np.full((u, k), np.nan)
    w_u = np.zeros((u, k))
    app_u = np.zeros((u, k), dtype=bool)
    thr_u = np.full(u, np.nan)
    scale_u = np.full((u, k), -1, dtype=np.int64)
    scale_tables: list[dict[Scale, int]] = [{} for _ in range(k)]
    unknown = []
    for j, key in enumerate(uniques):
        kind, form = key.split("\x1f")
        form = form or None
        group = m.group_of(kind, form)
        if group is None:
            unknown.append(kind)
            continue
        groups_u[j] = group
        keys = m.keys_for(kind, form)  # the lookups below are m.scale_for/reference_for/threshold_for by hand
        threshold = lookup(m.thresholds, keys)
        thr_u[j] = math.nan if threshold is None else float(threshold)
        scales = [lookup(ind_def.scales, keys) for ind_def in inds]
        weights = _weights(m, {ind_def.code: scale is not None for ind_def, scale in zip(inds, scales, strict=True)})
        for c, ind_def in enumerate(inds):
            scale = scales[c]
            if scale is None:
                continue
            app_u[j, c] = True
            w_u[j, c] = weights[ind_def.code]
            ref = lookup(ind_def.references, keys)
            ref_u[j, c] = math.nan if ref is None else float(ref)
            if ind_def.relative and not ref_u[j, c] > 0:
                raise MethodologyError(
                    f"Ukazatel „{ind_def.name}“ nemá referenční hodnotu pro druh § {kind}"
                    + (f" ({form})" if form else "")
                    + "."
                )
            scale_u[j, c] = scale_tables[c].setdefault(scale, len(scale_tables[c]))
    if unknown:
        raise MethodologyError("Metodika nezná druh služby: " + ", ".join(f"§ {x}" for x in sorted(set(unknown))))

    # --- broadcast to services
    W = w_u[combo_codes]
    REF = ref_u[combo_codes]
    APP = app_u[combo_codes]
    SID = scale_u[combo_codes]
    V = np.full((n, k), np.nan)
    for c, code in enumerate(codes_m):
        if code in ind.columns:
            V[:, c] = ind[code].to_numpy(dtype=float)
    rel = np.array([i.relative for i in inds], dtype=bool)
    with np.errstate(divide="ignore", invalid="ignore", over="ignore"):
        X = np.where(rel[None, :], V / REF, V)
        small = np.abs(X) < 1e12  # rounding to 9 decimals only matters (and only is safe) for usual magnitudes
        X = np.where(small, np.round(np.where(small, X, 0.0), COMPARE_DECIMALS), X)
    X[~APP | ~np.isfinite(X)] = np.nan

    P = np.full((n, k), np.nan)
    for c, ind_def in enumerate(inds):
        for scale, sid in scale_tables[c].items():
            mask = SID[:, c] == sid
            if mask.any():
                P[mask, c] = _points(scale, ind_def.direction, X[mask, c])
    MISS = APP & np.isnan(X)
    P[MISS] = 0.0
    C = np.where(APP, np.nan_to_num(P) * W / m.max_points, 0.0)
    score = np.round(C.sum(axis=1), SCORE_DECIMALS)
    score = np.clip(score, 0.0, 100.0)  # only float noise can leave the range (weights sum to 100)

    rank_keys = []
    for col in rank_within:
        if col == "kind":
            rank_keys.append(pd.Series(kinds, dtype=object))
        elif col == "form":
            rank_keys.append(pd.Series(forms, dtype=object))
        else:
            rank_keys.append(frame[col].reset_index(drop=True))
    s_score = pd.Series(score)
    grouped = s_score.groupby(rank_keys, sort=False, dropna=False)
    rank = grouped.rank(method="min", ascending=False).to_numpy().astype(np.int64)
    n_ranked = grouped.transform("size").to_numpy().astype(np.int64)

    thr = thr_u[combo_codes]
    services = pd.DataFrame(
        {
            "kind": kinds,
            "form": forms,
            "group": groups_u[combo_codes],
            "score": score,
            "rank": rank,
            "n_ranked": n_ranked,
            "threshold": thr,
            "meets_threshold": score >= thr,
            "n_missing": MISS.sum(axis=1),
            "max_score": np.round(W.sum(axis=1), SCORE_DECIMALS),
        },
        index=index,
    )

    def wide(a):
        return pd.DataFrame(a, index=index, columns=codes_m)

    inputs = frame.set_index(index).drop(columns=["service_id"])
    return EvaluationResult(
        methodology=m,
        services=services,
        inputs=inputs,
        values=wide(np.where(APP, V, np.nan)),
        references=wide(np.where(APP, REF, np.nan)),
        compared=wide(X),
        points=wide(P),
        weights=wide(W),
        contributions=wide(C),
        applicable=wide(APP),
        missing=wide(MISS),
    )
