"""What changed between two network versions (two years, or two amendments of a year).

An entry is identified by its **key** – (service, form, ORP): a service may be in the network as a whole
(form and ORP empty) or by parts. Between an old and a new set of entries:

* **added**   – keys only in the new set;
* **removed** – keys only in the old set;
* **changed** – keys in both whose tier, capacity (amount or unit) or FTE differ;
* the rest is unchanged.

Totals reconcile exactly, for the number of entries, the FTE and the capacity of every capacity unit::

    old + added − removed + Σ(new − old over changed) = new

(`NetworkDiff.reconciliation()` lists the terms; tests check it on a constructed case and on the demo.)
"""

from __future__ import annotations

from collections import defaultdict
from collections.abc import Iterable, Mapping
from dataclasses import dataclass, field
from decimal import Decimal

ZERO = Decimal(0)


@dataclass(frozen=True)
class DiffRow:
    key: tuple
    label: str
    tier: str
    capacity: int
    capacity_unit: str
    fte: Decimal
    info: Mapping[str, str] = field(default_factory=dict, compare=False, hash=False)  # kind, ORP … for display


@dataclass
class Totals:
    entries: int = 0
    fte: Decimal = ZERO
    capacity: dict[str, int] = field(default_factory=dict)

    @classmethod
    def of(cls, rows: Iterable[DiffRow]) -> Totals:
        t = cls()
        cap: dict[str, int] = defaultdict(int)
        for r in rows:
            t.entries += 1
            t.fte += Decimal(r.fte)
            cap[r.capacity_unit] += int(r.capacity)
        t.capacity = dict(sorted(cap.items()))
        return t


@dataclass(frozen=True)
class Change:
    key: tuple
    old: DiffRow
    new: DiffRow

    @property
    def fields(self) -> list[str]:
        out = []
        if self.old.tier != self.new.tier:
            out.append("tier")
        if self.old.capacity != self.new.capacity or self.old.capacity_unit != self.new.capacity_unit:
            out.append("capacity")
        if Decimal(self.old.fte) != Decimal(self.new.fte):
            out.append("fte")
        return out

    @property
    def fte_delta(self) -> Decimal:
        return Decimal(self.new.fte) - Decimal(self.old.fte)

    @property
    def capacity_delta(self) -> dict[str, int]:
        delta: dict[str, int] = defaultdict(int)
        delta[self.new.capacity_unit] += int(self.new.capacity)
        delta[self.old.capacity_unit] -= int(self.old.capacity)
        return {u: v for u, v in delta.items() if v}


@dataclass
class NetworkDiff:
    added: list[DiffRow]
    removed: list[DiffRow]
    changed: list[Change]
    unchanged: int
    old_totals: Totals
    new_totals: Totals

    @property
    def added_totals(self) -> Totals:
        return Totals.of(self.added)

    @property
    def removed_totals(self) -> Totals:
        return Totals.of(self.removed)

    @property
    def changed_fte(self) -> Decimal:
        return sum((c.fte_delta for c in self.changed), ZERO)

    @property
    def changed_capacity(self) -> dict[str, int]:
        out: dict[str, int] = defaultdict(int)
        for c in self.changed:
            for unit, v in c.capacity_delta.items():
                out[unit] += v
        return dict(out)

    def units(self) -> list[str]:
        return sorted(set(self.old_totals.capacity) | set(self.new_totals.capacity)
                      | set(self.added_totals.capacity) | set(self.removed_totals.capacity))

    def reconciliation(self) -> list[dict]:
        """One row per measure: old, added, removed, changed, new and whether old + a − r + c == new."""
        a, r = self.added_totals, self.removed_totals
        rows = [{
            "measure": "entries", "old": self.old_totals.entries, "added": a.entries, "removed": r.entries,
            "changed": 0, "new": self.new_totals.entries,
        }, {
            "measure": "fte", "old": self.old_totals.fte, "added": a.fte, "removed": r.fte,
            "changed": self.changed_fte, "new": self.new_totals.fte,
        }]
        changed_cap = self.changed_capacity
        for unit in self.units():
            rows.append({
                "measure": f"capacity:{unit}", "old": self.old_totals.capacity.get(unit, 0),
                "added": a.capacity.get(unit, 0), "removed": r.capacity.get(unit, 0),
                "changed": changed_cap.get(unit, 0), "new": self.new_totals.capacity.get(unit, 0),
            })
        for row in rows:
            row["reconciles"] = row["old"] + row["added"] - row["removed"] + row["changed"] == row["new"]
        return rows

    @property
    def reconciles(self) -> bool:
        return all(row["reconciles"] for row in self.reconciliation())


def _index(rows: Iterable[DiffRow], which: str) -> dict[tuple, DiffRow]:
    out: dict[tuple, DiffRow] = {}
    for r in rows:
        if r.key in out:
            raise ValueError(f"duplicate entry {r.key!r} in the {which} network")
        out[r.key] = r
    return out


def diff_versions(old: Iterable[DiffRow], new: Iterable[DiffRow]) -> NetworkDiff:
    o, n = _index(old, "old"), _index(new, "new")
    added = [n[k] for k in n if k not in o]
    removed = [o[k] for k in o if k not in n]
    changed, unchanged = [], 0
    for k in o.keys() & n.keys():
        ch = Change(k, o[k], n[k])
        if ch.fields:
            changed.append(ch)
        else:
            unchanged += 1
    def order(r):
        return (r.label, str(r.key))

    added.sort(key=order)
    removed.sort(key=order)
    changed.sort(key=lambda c: (c.new.label, str(c.key)))
    return NetworkDiff(added, removed, changed, unchanged, Totals.of(o.values()), Totals.of(n.values()))
