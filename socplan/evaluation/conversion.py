"""Conversion between the stored methodology (Django models) and the engine's dataclasses — the one place
that knows both. ``methodology_to_engine`` reads a methodology in a fixed number of queries (one per table);
``methodology_store`` writes an engine methodology as rows (bulk inserts with history)."""

from __future__ import annotations

from collections import defaultdict
from decimal import Decimal

from simple_history.utils import bulk_create_with_history

from . import engine
from .models import Criterion, Indicator, Methodology, MethodologyStatus, ReferenceValue, Scale


def _dec(x, places: int) -> Decimal:
    return Decimal(repr(float(x))).quantize(Decimal(1).scaleb(-places))


def methodology_to_engine(m: Methodology) -> engine.Methodology:
    """The engine's ``Methodology`` of a stored one (5 queries; no query per indicator)."""
    criteria = list(Criterion.objects.filter(methodology=m).order_by("order", "pk"))
    indicators = list(Indicator.objects.filter(methodology=m).order_by("order", "pk"))
    scales: dict[int, dict] = defaultdict(dict)
    for s in Scale.objects.filter(indicator__methodology=m).order_by("indicator_id", "pk"):
        scales[s.indicator_id][s.key] = (
            engine.Scale(tuple(s.thresholds), tuple(s.points)) if s.applicable else None
        )
    refs: dict[int, dict] = defaultdict(dict)
    for r in ReferenceValue.objects.filter(indicator__methodology=m).order_by("indicator_id", "pk"):
        refs[r.indicator_id][r.key] = float(r.value)
    crit_code = {c.pk: c.code for c in criteria}
    return engine.Methodology(
        code=m.code,
        name=m.name,
        year=int(m.year),
        version=int(m.revision),
        max_points=float(m.max_points),
        notes=m.notes,
        criteria=tuple(engine.Criterion(c.code, c.name, float(c.weight)) for c in criteria),
        indicators=tuple(
            engine.Indicator(
                code=i.code,
                name=i.name,
                criterion=crit_code[i.criterion_id],
                direction=i.direction,
                scales=dict(scales.get(i.pk, {})),
                share=float(i.share),
                references=dict(refs.get(i.pk, {})),
                relative=bool(i.relative),
                unit=i.unit,
                value_range=(i.value_min, i.value_max) if i.value_min is not None and i.value_max is not None
                else None,
                description=i.description,
            )
            for i in indicators
        ),
        kind_groups={str(k): str(v) for k, v in (m.kind_groups or {}).items()},
        thresholds={str(k): float(v) for k, v in (m.thresholds or {}).items()},
    )


def methodology_store(em: engine.Methodology, *, region, year: int | None = None, revision: int = 1,
                      status: str = MethodologyStatus.DRAFT, copied_from: Methodology | None = None,
                      actor=None, reason: str = "") -> Methodology:
    """Store an engine methodology as a new ``Methodology`` with its rows (bulk inserts with history).

    ``year`` defaults to the engine methodology's year. The caller validates and runs inside a transaction.
    """
    m = Methodology(
        region=region, year=int(year if year is not None else em.year), revision=revision, code=em.code,
        name=em.name, status=status, copied_from=copied_from, max_points=_dec(em.max_points, 2),
        kind_groups=dict(em.kind_groups), thresholds={k: float(v) for k, v in em.thresholds.items()},
        notes=em.notes,
    )
    if actor is not None:
        m._history_user = actor
    if reason:
        m._change_reason = reason
    m.save()
    kw = {"default_user": actor, "default_change_reason": reason or None}
    criteria = bulk_create_with_history(
        [Criterion(methodology=m, code=c.code, name=c.name, weight=_dec(c.weight, 2), order=n)
         for n, c in enumerate(em.criteria)], Criterion, **kw)
    by_code = {c.code: c for c in criteria}
    indicators = bulk_create_with_history(
        [Indicator(methodology=m, criterion=by_code[i.criterion], code=i.code, name=i.name, direction=i.direction,
                   share=_dec(i.share, 4), relative=i.relative, unit=i.unit,
                   value_min=i.value_range[0] if i.value_range else None,
                   value_max=i.value_range[1] if i.value_range else None,
                   description=i.description, order=n)
         for n, i in enumerate(em.indicators)], Indicator, **kw)
    scales, refs = [], []
    for row, i in zip(indicators, em.indicators, strict=True):
        for key, s in i.scales.items():
            scales.append(Scale(indicator=row, key=key, applicable=s is not None,
                                thresholds=list(s.thresholds) if s else [], points=list(s.points) if s else []))
        for key, v in i.references.items():
            refs.append(ReferenceValue(indicator=row, key=key, value=float(v)))
    bulk_create_with_history(scales, Scale, **kw)
    bulk_create_with_history(refs, ReferenceValue, **kw)
    return m


def methodology_data(m: Methodology) -> dict:
    """JSON of the stored methodology (the engine's ``methodology_to_dict``) for snapshots and exports."""
    return engine.methodology_to_dict(methodology_to_engine(m))
