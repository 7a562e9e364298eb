"""Naive per-service reference implementation of :func:`scoring.evaluate` (pure Python loops).

Not used by the application. It exists so that the vectorised engine can be cross-checked against an
independent, obviously-correct formulation (tests) and timed side by side (bench/evaluation_bench.py).
It applies the same documented rules: NaN/negative inputs and zero denominators are missing; missing
indicators score 0; compared quantity rounded to 9 decimals; score rounded to 6; competition ranking.
"""

from __future__ import annotations

import bisect
import calendar
import math

from .indicators import FORMULAS
from .methodology import Methodology


def _num(x) -> float:
    try:
        v = float(x)
    except (TypeError, ValueError):
        return math.nan
    return v if math.isfinite(v) and v >= 0 else math.nan


def _indicator(rec: dict, code: str, days: int) -> float:
    if code not in FORMULAS:
        return _num(rec.get(code))
    num_cols, den_cols = FORMULAS[code]
    n = sum(_num(rec.get(c)) for c in num_cols)
    d = sum(_num(rec.get(c)) for c in den_cols)
    if math.isnan(n) or math.isnan(d) or d <= 0:
        return math.nan
    v = n / d
    if not math.isfinite(v):
        return math.nan
    return v / days if code == "occupancy" else v


def evaluate_naive(records: list[dict], m: Methodology) -> list[dict]:
    """``records``: one dict per service with the input columns. Returns one dict per service:
    service_id, kind, score, rank, meets_threshold, missing (codes), points (code → points)."""
    days = 366 if calendar.isleap(m.year) else 365
    out = []
    for rec in records:
        kind = str(rec["kind"])
        form = rec.get("form") or None
        weights = m.weights_for(kind, form)
        score = 0.0
        missing = []
        points = {}
        for ind in m.indicators:
            scale = m.scale_for(ind, kind, form)
            if scale is None:
                continue
            value = _indicator(rec, ind.code, days)
            if ind.relative:
                value = value / m.reference_for(ind, kind, form)
            if not math.isfinite(value):
                missing.append(ind.code)
                pts = 0.0
            else:
                value = round(value, 9) if abs(value) < 1e12 else value
                if ind.direction == "lower":
                    idx = bisect.bisect_left(scale.thresholds, value)
                else:
                    idx = bisect.bisect_right(scale.thresholds, value)
                pts = scale.points[idx]
            points[ind.code] = pts
            score += pts * weights[ind.code] / m.max_points
        score = min(max(round(score, 6), 0.0), 100.0)
        out.append(
            {
                "service_id": rec["service_id"],
                "kind": kind,
                "score": score,
                "meets_threshold": score >= m.threshold_for(kind, form),
                "missing": missing,
                "points": points,
            }
        )
    by_kind: dict[str, list[dict]] = {}
    for r in out:
        by_kind.setdefault(r["kind"], []).append(r)
    for members in by_kind.values():
        ordered = sorted(members, key=lambda r: -r["score"])
        for pos, r in enumerate(ordered):
            if pos > 0 and r["score"] == ordered[pos - 1]["score"]:
                r["rank"] = ordered[pos - 1]["rank"]
            else:
                r["rank"] = pos + 1
    return out
