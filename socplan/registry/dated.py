"""The law as dated data: snapshots of a year's code lists and rules and the differences between two years.

Framework-free (no Django): the registry's selectors build a :class:`Snapshot` of a year from the database
(``registry.selectors.codelist_snapshot``), modules above add their year-bound rules as :class:`RuleValue` rows
(e.g. the network's co-financing rates and parameter editions), and :func:`diff_snapshots` lists every
difference, each with the services or network entries it affects.

* a **kind** (or form, capacity unit, target group) is *added* when it is valid in the later year and not in the
  earlier one, *retired* in the opposite case (with the successor the retired kind names), *changed* when it is
  valid in both but its attributes (name, category, allowed forms, capacity units, legal basis) differ;
* a **rule** (key → value, e.g. ``cofinancing:49`` → ``15 %``) is *added*, *removed* or *changed* by its key;
* an **affected** item is anything the caller maps to an entry or rule key (services of a retired kind, network
  entries of a kind whose co-financing rate changed); unmapped keys affect nothing.
"""

from __future__ import annotations

from collections.abc import Iterable, Mapping
from dataclasses import dataclass, field
from datetime import date

ADDED = "added"
RETIRED = "retired"
CHANGED = "changed"
REMOVED = "removed"

LIST_KIND = "kind"
LIST_FORM = "form"
LIST_CAPACITY_TYPE = "capacity_type"
LIST_TARGET_GROUP = "target_group"


def valid_in(valid_from: date | None, valid_to: date | None, year: int) -> bool:
    """Is an entry valid from `valid_from` to `valid_to` (inclusive; None = open) on some day of `year`?"""
    return ((valid_from is None or valid_from <= date(year, 12, 31))
            and (valid_to is None or valid_to >= date(year, 1, 1)))


@dataclass(frozen=True)
class Entry:
    """One entry of a code list as it stands in a year (``attrs``: the attributes compared, as text)."""

    code_list: str
    key: str
    label: str
    valid_from: date | None = None
    valid_to: date | None = None
    legal_basis: str = ""
    successor: str = ""  # key of the successor entry (kinds)
    successor_label: str = ""
    attrs: tuple[tuple[str, str], ...] = ()


@dataclass(frozen=True)
class RuleValue:
    """A year-bound rule value, e.g. key ``cofinancing:49`` (kind 49's municipal co-financing rate)."""

    key: str
    label: str
    value: str
    source: str = ""  # where it comes from, e.g. "parametry sítě 2026, vydání 2"


@dataclass
class Snapshot:
    year: int
    entries: dict[tuple[str, str], Entry] = field(default_factory=dict)
    rules: dict[str, RuleValue] = field(default_factory=dict)

    @classmethod
    def of(cls, year: int, entries: Iterable[Entry] = (), rules: Iterable[RuleValue] = ()) -> Snapshot:
        """The snapshot of `year` from *all* entries (those not valid in the year are left out) and the year's
        rules."""
        return cls(year=year,
                   entries={(e.code_list, e.key): e for e in entries if valid_in(e.valid_from, e.valid_to, year)},
                   rules={r.key: r for r in rules})


@dataclass(frozen=True)
class Affected:
    """A service or network entry a difference touches."""

    key: str  # e.g. "service:12" or "entry:345"
    label: str
    url: str = ""


@dataclass(frozen=True)
class Difference:
    what: str  # LIST_* or "rule"
    change: str  # ADDED / RETIRED / CHANGED / REMOVED
    key: str
    label: str
    before: str = ""
    after: str = ""
    successor: str = ""
    successor_label: str = ""
    legal_basis: str = ""
    details: tuple[tuple[str, str, str], ...] = ()  # (attribute, before, after) of a changed entry
    affected: tuple[Affected, ...] = ()

    @property
    def affected_count(self) -> int:
        return len(self.affected)


def _attrs_text(attrs: Iterable[tuple[str, str]]) -> str:
    return "; ".join(f"{k}: {v}" for k, v in attrs)


def diff_snapshots(before: Snapshot, after: Snapshot,
                   affected: Mapping[tuple[str, str], Iterable[Affected]] | None = None) -> list[Difference]:
    """Every difference between two snapshots, in a stable order (code list, then key; rules last).

    ``affected`` maps ``(what, key)`` — e.g. ``("kind", "52")`` or ``("rule", "cofinancing:49")`` — to the
    services or network entries that depend on it; each difference carries its own (sorted by label)."""
    affected = affected or {}
    out: list[Difference] = []

    def touched(what: str, key: str) -> tuple[Affected, ...]:
        return tuple(sorted(affected.get((what, key), ()), key=lambda a: (a.label, a.key)))

    for code_list, key in sorted(before.entries.keys() | after.entries.keys()):
        old, new = before.entries.get((code_list, key)), after.entries.get((code_list, key))
        if old is None:
            out.append(Difference(code_list, ADDED, key, new.label, after=_attrs_text(new.attrs),
                                  legal_basis=new.legal_basis, affected=touched(code_list, key)))
        elif new is None:
            out.append(Difference(code_list, RETIRED, key, old.label, before=_attrs_text(old.attrs),
                                  successor=old.successor, successor_label=old.successor_label,
                                  legal_basis=old.legal_basis, affected=touched(code_list, key)))
        else:
            a, b = dict(old.attrs), dict(new.attrs)
            if old.label != new.label:
                a.setdefault("název", old.label)
                b.setdefault("název", new.label)
            details = tuple((k, a.get(k, ""), b.get(k, "")) for k in sorted(a.keys() | b.keys())
                            if a.get(k, "") != b.get(k, ""))
            if old.legal_basis != new.legal_basis:
                details += (("právní základ", old.legal_basis, new.legal_basis),)
            if details:
                out.append(Difference(code_list, CHANGED, key, new.label, before=_attrs_text(old.attrs),
                                      after=_attrs_text(new.attrs), legal_basis=new.legal_basis, details=details,
                                      affected=touched(code_list, key)))
    for key in sorted(before.rules.keys() | after.rules.keys()):
        old, new = before.rules.get(key), after.rules.get(key)
        if old is None:
            out.append(Difference("rule", ADDED, key, new.label, after=new.value, legal_basis=new.source,
                                  affected=touched("rule", key)))
        elif new is None:
            out.append(Difference("rule", REMOVED, key, old.label, before=old.value, legal_basis=old.source,
                                  affected=touched("rule", key)))
        elif old.value != new.value:
            out.append(Difference("rule", CHANGED, key, new.label, before=old.value, after=new.value,
                                  legal_basis=new.source, affected=touched("rule", key)))
    return out
