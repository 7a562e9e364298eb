"""Explanations a provider can follow by hand, and the machine-readable output of ``socplan evaluate --json``."""

from __future__ import annotations

import math
from dataclasses import dataclass, field

import numpy as np

from .formatting import num
from .indicators import INPUT_LABELS, missing_inputs
from .scoring import EvaluationResult


@dataclass(frozen=True)
class ExplanationRow:
    criterion: str
    criterion_name: str
    criterion_weight: float
    indicator: str
    indicator_name: str
    unit: str
    value: float  # NaN when missing
    reference: float  # NaN when the indicator has none
    relative: bool
    compared: float  # value / reference for relative indicators, else the value
    scale: str  # Czech description of the scale used
    points: float
    max_points: float
    weight: float  # percent of the total score
    contribution: float  # points × weight / max_points
    missing: bool
    missing_inputs: tuple[str, ...] = ()  # Czech labels of the inputs that are missing

    @property
    def lost(self) -> float:
        return self.weight - self.contribution


@dataclass(frozen=True)
class Explanation:
    service_id: object
    kind: str
    form: str
    score: float
    max_score: float
    rank: int
    n_ranked: int
    threshold: float
    meets_threshold: bool
    rows: tuple[ExplanationRow, ...]
    message: str
    missing: tuple[str, ...] = field(default_factory=tuple)

    def text(self) -> str:
        """Plain-text breakdown (Czech), one line per indicator, then the total and the message."""
        head = ("Kritérium", "Ukazatel", "Hodnota", "Reference", "Poměřovaná hodnota", "Body", "Váha %", "Příspěvek")
        lines = [" | ".join(head)]
        for r in self.rows:
            value = "chybí (" + ", ".join(r.missing_inputs) + ")" if r.missing else num(r.value, 4)
            lines.append(
                " | ".join(
                    (
                        r.criterion_name,
                        r.indicator_name,
                        value,
                        num(r.reference, 4),
                        num(r.compared, 4),
                        f"{num(r.points, 2)} z {num(r.max_points, 2)}",
                        num(r.weight, 4),
                        num(r.contribution, 4),
                    )
                )
            )
        lines.append(f"Celkem: {num(self.score, 2)} ze {num(self.max_score, 2)} bodů; "
                     f"pořadí v druhu: {self.rank}. z {self.n_ranked}")
        lines.append(self.message)
        return "\n".join(lines)


def _bodu(x: float) -> str:
    """Czech noun form after a number of points."""
    if abs(x - round(x)) > 1e-9:
        return "bodu"
    x = abs(round(x))
    if x == 1:
        return "bod"
    if 2 <= x <= 4:
        return "body"
    return "bodů"


def _kind_label(kind: str, form: str) -> str:
    return f"§ {kind}" + (f" ({form})" if form else "")


def _message(score: float, thr: float, meets: bool, label: str, rows, top: int) -> str:
    """The Czech message: threshold met or not (with the largest losses), and what missing data cost."""
    missing_rows = [r for r in rows if r.missing]
    if meets:
        msg = (
            f"Služba splňuje práh pro síť: získala {num(score, 2)} {_bodu(round(score, 2))} ze 100, "
            f"práh pro druh {label} je {num(thr, 2)} {_bodu(thr)}."
        )
    else:
        gap = round(thr - score, 6)
        losses = sorted((r for r in rows if r.lost > 1e-9), key=lambda r: (-r.lost, r.indicator))[:top]
        loss_text = ", ".join(
            f"{r.indicator_name} ({num(r.contribution, 2)} z {num(r.weight, 2)})" for r in losses
        )
        msg = (
            f"Služba nedosáhla prahu pro síť: získala {num(score, 2)} {_bodu(round(score, 2))} ze 100, "
            f"práh pro druh {label} je {num(thr, 2)} {_bodu(thr)}, chybí {num(gap, 2)} {_bodu(round(gap, 2))}."
        )
        if loss_text:
            msg += f" Nejvíce bodů ztrácí u ukazatelů: {loss_text}."
    if missing_rows:
        worth = sum(r.weight for r in missing_rows)
        names = "; ".join(
            f"{r.indicator_name} (chybí: {', '.join(r.missing_inputs) or 'údaj'})" for r in missing_rows
        )
        msg += (
            f" Chybějící údaje se hodnotí 0 body: {names}. "
            f"Jejich doplněním lze získat až {num(worth, 2)} {_bodu(round(worth, 2))}."
        )
    return msg


def explain(result: EvaluationResult, service_id, *, top: int = 3) -> Explanation:
    """Breakdown indicator → points → weight → contribution, and a Czech message about the threshold."""
    m = result.methodology
    if service_id not in result.services.index:
        raise KeyError(service_id)
    svc = result.services.loc[service_id]
    inputs = result.inputs.loc[service_id]
    crit = {c.code: c for c in m.criteria}
    rows = []
    for c in m.criteria:
        for ind in m.indicators:
            if ind.criterion != c.code or not bool(result.applicable.at[service_id, ind.code]):
                continue
            miss = bool(result.missing.at[service_id, ind.code])
            scale = m.scale_for(ind, svc["kind"], svc["form"] or None)
            rows.append(
                ExplanationRow(
                    criterion=c.code,
                    criterion_name=crit[c.code].name,
                    criterion_weight=c.weight,
                    indicator=ind.code,
                    indicator_name=ind.name,
                    unit=ind.unit,
                    value=float(result.values.at[service_id, ind.code]),
                    reference=float(result.references.at[service_id, ind.code]),
                    relative=ind.relative,
                    compared=float(result.compared.at[service_id, ind.code]),
                    scale=scale.describe(ind.direction) if scale is not None else "",
                    points=float(result.points.at[service_id, ind.code]),
                    max_points=m.max_points,
                    weight=float(result.weights.at[service_id, ind.code]),
                    contribution=float(result.contributions.at[service_id, ind.code]),
                    missing=miss,
                    missing_inputs=tuple(INPUT_LABELS.get(x, ind.name if x == ind.code else x) for x in missing_inputs(inputs, ind.code))
                    if miss
                    else (),
                )
            )
    score = float(svc["score"])
    thr = float(svc["threshold"])
    meets = bool(svc["meets_threshold"])
    missing_rows = [r for r in rows if r.missing]
    msg = _message(score, thr, meets, _kind_label(svc["kind"], svc["form"]), rows, top)
    return Explanation(
        service_id=service_id,
        kind=svc["kind"],
        form=svc["form"],
        score=score,
        max_score=float(svc["max_score"]),
        rank=int(svc["rank"]),
        n_ranked=int(svc["n_ranked"]),
        threshold=thr,
        meets_threshold=meets,
        rows=tuple(rows),
        message=msg,
        missing=tuple(r.indicator for r in missing_rows),
    )


def explain_all(result: EvaluationResult, *, top: int = 3) -> dict:
    """``{service_id: Explanation}`` for every service – the same as :func:`explain` per service, built from
    the result's arrays at once (the scale descriptions are resolved once per kind and form)."""
    m = result.methodology
    svc = result.services
    inds = m.indicators
    crit = {c.code: c for c in m.criteria}
    order = [j for c in m.criteria for j, ind in enumerate(inds) if ind.criterion == c.code]
    app = result.applicable.to_numpy(dtype=bool)
    miss = result.missing.to_numpy(dtype=bool)
    arrays = {name: getattr(result, name).to_numpy(dtype=float)
              for name in ("values", "references", "compared", "points", "weights", "contributions")}
    kinds = svc["kind"].tolist()
    forms = svc["form"].tolist()
    scores = svc["score"].to_numpy(dtype=float)
    thresholds = svc["threshold"].to_numpy(dtype=float)
    meets_all = svc["meets_threshold"].to_numpy(dtype=bool)
    max_scores = svc["max_score"].to_numpy(dtype=float)
    ranks = svc["rank"].tolist()
    n_ranked = svc["n_ranked"].tolist()
    described: dict = {}
    out = {}
    for s, sid in enumerate(svc.index.tolist()):
        kind, form = kinds[s], forms[s]
        rows = []
        for j in order:
            if not app[s, j]:
                continue
            ind = inds[j]
            key = (kind, form, j)
            if key not in described:
                scale = m.scale_for(ind, kind, form or None)
                described[key] = scale.describe(ind.direction) if scale is not None else ""
            is_missing = bool(miss[s, j])
            missing_labels = ()
            if is_missing:
                inputs = result.inputs.iloc[s]
                missing_labels = tuple(INPUT_LABELS.get(x, ind.name if x == ind.code else x) for x in missing_inputs(inputs, ind.code))
            c = crit[ind.criterion]
            rows.append(
                ExplanationRow(
                    criterion=c.code,
                    criterion_name=c.name,
                    criterion_weight=c.weight,
                    indicator=ind.code,
                    indicator_name=ind.name,
                    unit=ind.unit,
                    value=float(arrays["values"][s, j]),
                    reference=float(arrays["references"][s, j]),
                    relative=ind.relative,
                    compared=float(arrays["compared"][s, j]),
                    scale=described[key],
                    points=float(arrays["points"][s, j]),
                    max_points=m.max_points,
                    weight=float(arrays["weights"][s, j]),
                    contribution=float(arrays["contributions"][s, j]),
                    missing=is_missing,
                    missing_inputs=missing_labels,
                )
            )
        score, thr, meets = float(scores[s]), float(thresholds[s]), bool(meets_all[s])
        out[sid] = Explanation(
            service_id=sid,
            kind=kind,
            form=form,
            score=score,
            max_score=float(max_scores[s]),
            rank=int(ranks[s]),
            n_ranked=int(n_ranked[s]),
            threshold=thr,
            meets_threshold=meets,
            rows=tuple(rows),
            message=_message(score, thr, meets, _kind_label(kind, form), rows, top),
            missing=tuple(r.indicator for r in rows if r.missing),
        )
    return out


def _plain_id(x):
    if isinstance(x, np.integer):
        return int(x)
    if isinstance(x, np.floating):
        f = float(x)
        return int(f) if f.is_integer() else f
    if isinstance(x, np.str_):
        return str(x)
    return x


def to_json_dict(result: EvaluationResult, region: str, year: int) -> dict:
    """``{"region", "year", "results": [{"service_id", "kind", "score", "rank", "meets_threshold",
    "missing"}]}`` – services in input order, score rounded to 2 decimals, missing = indicator codes."""
    s = result.services
    missing = result.missing_lists()
    results = []
    for sid, kind, score, rank, meets, miss in zip(
        s.index.tolist(),
        s["kind"].tolist(),
        s["score"].tolist(),
        s["rank"].tolist(),
        s["meets_threshold"].tolist(),
        missing,
        strict=True,
    ):
        sc = round(float(score), 2)
        results.append(
            {
                "service_id": _plain_id(sid),
                "kind": str(kind),
                "score": 0.0 if math.isnan(sc) else sc,
                "rank": int(rank),
                "meets_threshold": bool(meets),
                "missing": list(miss),
            }
        )
    return {"region": str(region), "year": int(year), "results": results}
