"""The rules of a subsidy programme as inputs of the allocation engine (no writes): the eligible kinds as
per-kind bounds (a kind the programme does not fund is capped at 0), the year-on-year damping rule as protected
floors of the existing entries, and the per-kind totals and per-district minimum of the weighted fair-share mode."""

from __future__ import annotations

from decimal import ROUND_HALF_UP, Decimal

import numpy as np
import pandas as pd

from socplan.registry.models import ServiceKind
from socplan.territory.models import District
from socplan.territory.selectors import population_total

from .engine.allocation import KindBounds
from .engine.optimise import GroupLimits, damping_floors
from .models import Programme


def programme_bounds(programme: Programme) -> dict[str, KindBounds] | None:
    """Per-kind bounds of the engine that give nothing to kinds the programme does not fund (None: all kinds)."""
    eligible = set(programme.kinds.values_list("code", flat=True))
    if not eligible:
        return None
    return {code: KindBounds(cap=Decimal(0))
            for code in ServiceKind.objects.exclude(code__in=eligible).values_list("code", flat=True)}


def district_populations(codes) -> dict[str, int]:
    """The latest real population of each district (okres) by code (the territory's owner); missing = unknown."""
    out = {}
    for district in District.objects.filter(code__in=[c for c in codes if c]).defer("boundary"):
        value = population_total(district)
        if value is not None:
            out[district.code] = int(value)
    return out


def programme_limits(programme: Programme, frame: pd.DataFrame) -> GroupLimits | None:
    """The programme's per-kind totals and per-district minimum (Kč per inhabitant × the district's population,
    half up to the crown) as the engine's :class:`GroupLimits`; None when the programme sets none."""
    kind_floor, kind_cap = {}, {}
    for limit in programme.kind_limits.select_related("kind"):
        if limit.total_floor is not None:
            kind_floor[limit.kind.code] = int(limit.total_floor)
        if limit.total_cap is not None:
            kind_cap[limit.kind.code] = int(limit.total_cap)
    district_minimum = {}
    if programme.district_min_per_capita:
        for code, people in district_populations(set(frame["district_code"])).items():
            district_minimum[code] = int((programme.district_min_per_capita * people).quantize(Decimal(1),
                                                                                               ROUND_HALF_UP))
    limits = GroupLimits(kind_floor=kind_floor, kind_cap=kind_cap, district_minimum=district_minimum)
    return limits if limits else None


def damping(programme: Programme, frame: pd.DataFrame, previous: dict[str, Decimal],
            previous_size: dict[str, Decimal]) -> tuple[np.ndarray, list[Decimal | None]]:
    """The damping rule as floors, one per frame row: ``(floors, last year's amounts)``.

    ``previous`` – last year's approved amount per entry key (the same programme), ``previous_size`` – last year's
    size per key (FTE, or beds in the bed groups); an entry without last year's size is taken as not shrunk. Without a damping
    rule on the programme every floor is 0.
    """
    keys = [str(k) for k in frame["service_id"]]
    amounts = [previous.get(k) for k in keys]
    if programme.damping_max_drop is None:
        return np.zeros(len(keys), dtype=np.int64), amounts
    size = [Decimal(str(f)) + Decimal(str(b)) for f, b in zip(frame["fte"], frame["beds"], strict=True)]
    before = [previous_size.get(k, s) for k, s in zip(keys, size, strict=True)]
    floors = damping_floors([a if a is not None else 0 for a in amounts], before, size, programme.damping_max_drop)
    return floors, amounts
