"""Totals of a network version by kind, tier, ORP, district and target group (framework-free).

Input: the version's entries as plain tuples (`EntryRow`, in the page's order: by service name, then id), the
ORPs each entry serves with their weights (see `orp_weights`), the services' planning groups and the ORPs'
names and districts. Output: `TotalRow`s — number of entries, FTE and capacity per unit — exactly as adding the
entries one by one with `TotalRow.add` gives them, in the same order (a weight below 1 makes Decimal products
that are rounded to the context's precision, so the order of the additions is kept).

An entry counted whole (weight 1) is added without multiplying: `x * Decimal(1)` equals `x` (same digits and
exponent) for every value a column holds, and a sum of such values is exact, so the result is the same Decimal.
A row object is created once per key (not once per addition) and a label is looked up once per key.
"""

from __future__ import annotations

from collections import defaultdict
from collections.abc import Callable, Iterable
from dataclasses import dataclass, field
from decimal import Decimal
from typing import NamedTuple

ZERO = Decimal(0)
ONE = Decimal(1)


@dataclass
class TotalRow:
    key: object
    label: str
    entries: Decimal = ZERO
    fte: Decimal = ZERO
    capacity: dict = field(default_factory=lambda: defaultdict(Decimal))
    population: int | None = None
    url: str = ""

    def add(self, e, weight: Decimal = ONE):
        """Add one entry (anything with `fte`, `capacity`, `capacity_type_id` and `capacity_type.code`)."""
        self.entries += weight
        self.fte += Decimal(e.fte) * weight
        unit = e.capacity_type.code if e.capacity_type_id else "-"
        self.capacity[unit] += Decimal(e.capacity) * weight

    @property
    def main_unit(self) -> str:
        return max(self.capacity, key=lambda u: self.capacity[u]) if self.capacity else "-"

    def cap(self, unit: str) -> Decimal:
        return self.capacity.get(unit, ZERO)

    def per_1000(self, unit: str) -> Decimal | None:
        if not self.population:
            return None
        return self.capacity.get(unit, ZERO) * 1000 / self.population


class EntryRow(NamedTuple):
    pk: int
    service_id: int
    orp_id: int | None
    fte: Decimal
    capacity: int
    unit: str  # the capacity type's code, "-" without one
    kind_code: str
    kind_label: str
    tier_code: str
    tier_name: str


def orp_weights(entries: Iterable, orp_ids: dict[int, list[int]], shares: dict[int, dict[int, object]],
                ) -> dict[int, list[tuple[int, Decimal]]]:
    """Per entry, the ORPs it serves with weights summing to 1: its ORP (part), else its entrusted ORPs
    (`orp_ids`, in their order by name) weighted by the service's declared shares of scope (`shares`: service →
    ORP → share), equal weights when a share is unknown or they sum to nothing."""
    out = {}
    for e in entries:
        if e.orp_id:
            out[e.pk] = [(e.orp_id, ONE)]
            continue
        orps = orp_ids.get(e.pk, [])
        if not orps:
            out[e.pk] = []
            continue
        known = [shares.get(e.service_id, {}).get(o) for o in orps]
        if all(k is not None for k in known) and sum(known) > 0:
            total = sum(known)
            out[e.pk] = [(o, Decimal(k) / total) for o, k in zip(orps, known, strict=True)]
        else:
            out[e.pk] = [(o, ONE / len(orps)) for o in orps]
    return out


def _add_whole(row: TotalRow, fte: Decimal, capacity: int, unit: str) -> None:
    row.entries += 1
    row.fte += fte
    row.capacity[unit] += capacity


def _add_weighted(row: TotalRow, fte: Decimal, capacity: int, unit: str, weight: Decimal) -> None:
    row.entries += weight
    row.fte += fte * weight
    row.capacity[unit] += Decimal(capacity) * weight


def totals_compute(entries: list[EntryRow], weights: dict[int, list[tuple[int, Decimal]]],
                   groups_of: dict[int, Iterable[str]], orps: dict[int, tuple[str, str, str, str]],
                   group_label: Callable[[str], str]) -> dict:
    """`{"total", "units", "by_kind", "by_tier", "by_orp", "by_district", "by_group"}`; the `by_` values are
    dicts by key in the order the keys first appear (the caller sorts them). `orps`: ORP id → (code, name,
    district code, district name); an ORP not in it is left out."""
    total = TotalRow("total", "celkem")
    by_kind: dict = {}
    by_tier: dict = {}
    by_orp: dict = {}
    by_district: dict = {}
    by_group: dict = {}
    for e in entries:
        fte = Decimal(e.fte)
        capacity, unit = e.capacity, e.unit
        _add_whole(total, fte, capacity, unit)
        row = by_kind.get(e.kind_code)
        if row is None:
            row = by_kind[e.kind_code] = TotalRow(e.kind_code, e.kind_label, url=e.kind_code)
        _add_whole(row, fte, capacity, unit)
        row = by_tier.get(e.tier_code)
        if row is None:
            row = by_tier[e.tier_code] = TotalRow(e.tier_code, e.tier_name)
        _add_whole(row, fte, capacity, unit)
        for orp_id, w in weights[e.pk]:
            o = orps.get(orp_id)
            if o is None:
                continue
            code, name, d_code, d_name = o
            row = by_orp.get(code)
            if row is None:
                row = by_orp[code] = TotalRow(code, name)
            _add_weighted(row, fte, capacity, unit, w)
            row = by_district.get(d_code)
            if row is None:
                row = by_district[d_code] = TotalRow(d_code, d_name)
            _add_weighted(row, fte, capacity, unit, w)
        for g in sorted(groups_of.get(e.service_id, ())):
            row = by_group.get(g)
            if row is None:
                row = by_group[g] = TotalRow(g, group_label(g))
            _add_whole(row, fte, capacity, unit)
    return {"total": total, "units": sorted(total.capacity), "by_kind": by_kind, "by_tier": by_tier,
            "by_orp": by_orp, "by_district": by_district, "by_group": by_group}
