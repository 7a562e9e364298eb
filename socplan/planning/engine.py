"""Monitoring calculations (framework-free): fulfilment of a plan's measures and indicators in a year, and the
regional aggregation of the ORP plans.

Rules (docs/planning.md, "Monitoring"), for a reporting year Y:

- A measure is *in scope* when it has started by Y (`year_from <= Y`).
- Its state as of Y is the state of its latest report with `year <= Y`; without any report it is
  ``not_reported``.
- A measure whose period has ended (`year_to < Y`) and whose state is still ``in_progress`` or ``not_started``
  counts as ``late`` (overdue), whatever was reported.
- Mean progress: the average of the latest reported % over the in-scope measures that are not ``dropped``
  (a measure without a report counts 0 %).
- An indicator of an in-scope measure compares its value for Y with its target for Y: ``met`` when
  value ≥ target (value ≤ target for "lower is better"), ``not_met`` otherwise, ``no_value`` when the target
  exists but no value was entered, ``no_target`` when there is no target for Y.
"""

from __future__ import annotations

from collections import Counter
from dataclasses import dataclass, field
from decimal import Decimal

STATES = ("done", "in_progress", "late", "dropped", "not_started", "not_reported")
INDICATOR_STATES = ("met", "not_met", "no_value", "no_target")


@dataclass(frozen=True)
class ReportIn:
    year: int
    state: str
    progress: int


@dataclass
class MeasureIn:
    key: object
    year_from: int
    year_to: int
    reports: list[ReportIn] = field(default_factory=list)


@dataclass
class IndicatorIn:
    key: object
    measure_key: object
    direction: str  # "up" | "down"
    targets: dict[int, Decimal] = field(default_factory=dict)
    values: dict[int, Decimal] = field(default_factory=dict)


@dataclass(frozen=True)
class MeasureOut:
    key: object
    state: str
    progress: int
    reported_year: int | None
    overdue: bool


@dataclass(frozen=True)
class IndicatorOut:
    key: object
    state: str
    target: Decimal | None
    value: Decimal | None
    ratio: Decimal | None  # value / target in %, for "higher is better"; target / value for "lower is better"


@dataclass
class Fulfilment:
    year: int
    measures: dict[object, MeasureOut]
    indicators: dict[object, IndicatorOut]
    counts: dict[str, int]
    indicator_counts: dict[str, int]
    in_scope: int
    mean_progress: Decimal | None

    @property
    def done_share(self) -> Decimal | None:
        if not self.in_scope:
            return None
        return (Decimal(100) * self.counts["done"] / self.in_scope).quantize(Decimal("0.1"))


def measure_state(m: MeasureIn, year: int) -> MeasureOut | None:
    if m.year_from > year:
        return None
    past = [r for r in m.reports if r.year <= year]
    if not past:
        return MeasureOut(m.key, "not_reported", 0, None, False)
    last = max(past, key=lambda r: r.year)
    state, overdue = last.state, False
    if m.year_to < year and state in ("in_progress", "not_started"):
        state, overdue = "late", True
    return MeasureOut(m.key, state, last.progress, last.year, overdue)


def indicator_state(ind: IndicatorIn, year: int) -> IndicatorOut:
    target = ind.targets.get(year)
    value = ind.values.get(year)
    if target is None:
        return IndicatorOut(ind.key, "no_target", None, value, None)
    if value is None:
        return IndicatorOut(ind.key, "no_value", target, None, None)
    met = value >= target if ind.direction == "up" else value <= target
    ratio = None
    if ind.direction == "up" and target:
        ratio = (Decimal(100) * value / target).quantize(Decimal("0.1"))
    elif ind.direction == "down" and value:
        ratio = (Decimal(100) * target / value).quantize(Decimal("0.1"))
    return IndicatorOut(ind.key, "met" if met else "not_met", target, value, ratio)


def fulfilment(measures: list[MeasureIn], indicators: list[IndicatorIn], year: int) -> Fulfilment:
    outs = {}
    for m in measures:
        out = measure_state(m, year)
        if out is not None:
            outs[m.key] = out
    counts = Counter({s: 0 for s in STATES})
    counts.update(o.state for o in outs.values())
    active = [o for o in outs.values() if o.state != "dropped"]
    mean = (Decimal(sum(o.progress for o in active)) / len(active)).quantize(Decimal("0.1")) if active else None
    ind_outs = {i.key: indicator_state(i, year) for i in indicators if i.measure_key in outs}
    ind_counts = Counter({s: 0 for s in INDICATOR_STATES})
    ind_counts.update(o.state for o in ind_outs.values())
    return Fulfilment(year, outs, ind_outs, dict(counts), dict(ind_counts), len(outs), mean)


@dataclass
class AggregateRow:
    key: object
    fulfilment: Fulfilment | None


@dataclass
class Aggregate:
    year: int
    rows: list[AggregateRow]
    counts: dict[str, int]
    indicator_counts: dict[str, int]
    in_scope: int
    plans: int
    mean_progress: Decimal | None  # mean over all in-scope, non-dropped measures of all plans


def aggregate(rows: list[tuple[object, list[MeasureIn], list[IndicatorIn]] | tuple[object, None, None]],
              year: int) -> Aggregate:
    """Sum the fulfilment of several plans (e.g. the ORP community plans of a kraj); `None` = no plan."""
    out, counts, ind_counts = [], Counter({s: 0 for s in STATES}), Counter({s: 0 for s in INDICATOR_STATES})
    progress_sum, progress_n, plans = 0, 0, 0
    for key, measures, indicators in rows:
        if measures is None:
            out.append(AggregateRow(key, None))
            continue
        f = fulfilment(measures, indicators or [], year)
        plans += 1
        counts.update(f.counts)
        ind_counts.update(f.indicator_counts)
        active = [o for o in f.measures.values() if o.state != "dropped"]
        progress_sum += sum(o.progress for o in active)
        progress_n += len(active)
        out.append(AggregateRow(key, f))
    mean = (Decimal(progress_sum) / progress_n).quantize(Decimal("0.1")) if progress_n else None
    return Aggregate(year, out, dict(counts), dict(ind_counts), sum(counts.values()), plans, mean)
