"""The rules of a subsidy programme as inputs of the allocation engine (no writes): the eligible kinds as
per-kind bounds (a kind the programme does not fund is capped at 0)."""

from __future__ import annotations

from decimal import Decimal

from socplan.registry.models import ServiceKind

from .engine.allocation import KindBounds
from .models import Programme


def programme_bounds(programme: Programme) -> dict[str, KindBounds] | None:
    """Per-kind bounds of the engine that give nothing to kinds the programme does not fund (None: all kinds)."""
    eligible = set(programme.kinds.values_list("code", flat=True))
    if not eligible:
        return None
    return {code: KindBounds(cap=Decimal(0))
            for code in ServiceKind.objects.exclude(code__in=eligible).values_list("code", flat=True)}
